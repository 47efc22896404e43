-- A producer/consumer chain: each stage wakes the next when it finishes a
-- burst, beside hogs. What to look at: how quickly a woken stage runs
-- (its wake-up latency bounds the pipeline's throughput).
return {
  name = "producer/consumer", cpus = 2, duration_ms = 10000,
  groups = {
    { name = "producer", count = 1, burst_ms = 0.5, sleep_ms = 2, wakes = "filter" },
    { name = "filter", count = 1, burst_ms = 0.3, sleep_ms = "wait", wakes = "consumer" },
    { name = "consumer", count = 1, burst_ms = 0.2, sleep_ms = "wait" },
    { name = "hog", count = 3, burst_ms = "inf" },
  },
}
