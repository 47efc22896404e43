-- Batch jobs of very different lengths: the case where shortest-job-first
-- beats first-come-first-served on turnaround. The short ones come 50 ms
-- after the long ones, once those have shown they are long: no policy can
-- tell a job's length before it has run.
return {
  name = "mixed jobs", cpus = 2, duration_ms = 20000,
  groups = {
    { name = "long", count = 6, work_ms = 400, burst_ms = "inf" },
    { name = "short", count = 30, arrival_ms = 50, work_ms = 8, burst_ms = "inf" },
  },
}
