-- Batch jobs of very different lengths, all submitted at once: the case
-- where shortest-job-first beats first-come-first-served on turnaround.
return {
  name = "mixed jobs", cpus = 2, duration_ms = 20000,
  groups = {
    { name = "long", count = 6, work_ms = 400, burst_ms = "inf" },
    { name = "short", count = 30, work_ms = 8, burst_ms = "inf" },
  },
}
