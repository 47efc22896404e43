-- A server: many workers handle short requests arriving at random, beside
-- a background compaction job. What to look at: workers' wake-up and wait
-- latency percentiles (the request latency a user would see).
return {
  name = "server", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "worker", count = 32, burst_ms = {"exp", 0.4}, sleep_ms = {"exp", 6} },
    { name = "compact", count = 2, nice = 10, burst_ms = "inf" },
  },
}
