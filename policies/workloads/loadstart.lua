-- The start of `make demo`'s load, in miniature: a task pinned to CPU 0
-- wakes every 2 ms (cyclictest); a parent runs 150 ms alone, with nothing
-- else waiting (stress-ng setting up), forks two CPU hogs and then wakes
-- now and then. What to look at: the sleeper's worst wake-up just after
-- the hogs start (a policy whose clock jumps with the parent's long run
-- leaves it behind a hog for a whole slice), and that the hogs and the
-- parent are not starved for it.
return {
  name = "load start", cpus = 2, duration_ms = 1000,
  groups = {
    { name = "sleeper", count = 1, affinity = {0}, burst_ms = 0.05, sleep_ms = 2 },
    { name = "parent", count = 1, arrival_ms = 100, sleep_ms = 60,
      burst_ms = {"seq", 150, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
                  0.1, 0.1} },
    { name = "hogs", count = 2, arrival_ms = 252, burst_ms = "inf" },
  },
}
