-- A nice-19 hog beside ordinary hogs and sleepers. Its vtime runs 100x
-- ahead of the others, and it is often the only task waiting for a
-- decision while they run: a fair-share policy whose clock followed it
-- put every sleeper behind all the hogs (2 s waits, fixed by scx.vclock).
return {
  name = "nice-19 hog", cpus = 2, duration_ms = 10000,
  groups = {
    { name = "hog", count = 2, burst_ms = "inf" },
    { name = "niced", count = 1, burst_ms = "inf", nice = 19 },
    { name = "forker", count = 4, burst_ms = 0.2, sleep_ms = 1 },
    { name = "marker", count = 1, burst_ms = 0.05, sleep_ms = 100 },
  },
}
