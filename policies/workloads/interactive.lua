-- A desktop in miniature: interactive tasks that run briefly and sleep
-- (a UI at 60 Hz, an audio thread every 5 ms) beside batch jobs that never
-- sleep. What to look at: the interactive groups' wake-up latency (p99)
-- and whether the batch group still gets the rest of the machine.
return {
  name = "interactive + batch", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "batch", count = 8, burst_ms = "inf" },
    { name = "ui", count = 2, burst_ms = {"exp", 2}, sleep_ms = {"exp", 16} },
    { name = "audio", count = 1, burst_ms = 0.3, sleep_ms = 5 },
  },
}
