-- The simulator's speed benchmark: a hundred tasks on four CPUs.
return {
  name = "hundred tasks", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "worker", count = 60, burst_ms = {"exp", 0.5}, sleep_ms = {"exp", 8} },
    { name = "ui", count = 20, burst_ms = {"exp", 2}, sleep_ms = {"exp", 16} },
    { name = "hog", count = 20, burst_ms = "inf" },
  },
}
