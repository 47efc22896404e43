-- tests/load.sh's workload for `scx_lua load`: a second and a half of every
-- kind of task the live runner makes (2 hogs, a periodic sleeper, a producer
-- waking a consumer through a pipe, a niced task pinned to CPU 1), with
-- comms of their own so the test finds its processes and nobody else's.
return {
  name = "live small", cpus = 2, duration_ms = 1500,
  groups = {
    { name = "hog", comm = "ld_hog", count = 2, burst_ms = "inf" },
    { name = "sleeper", comm = "ld_sleeper", count = 1, burst_ms = 0.2, sleep_ms = 5 },
    { name = "producer", comm = "ld_producer", count = 1, burst_ms = 0.5, sleep_ms = 3,
      wakes = "consumer" },
    { name = "consumer", comm = "ld_consumer", count = 1, burst_ms = 0.3, sleep_ms = "wait" },
    { name = "niced", comm = "ld_niced", count = 1, nice = 5, burst_ms = 1, sleep_ms = 1,
      affinity = {1} },
  },
}
