-- A stream of short jobs that keeps two CPUs nearly busy, beside a few long
-- jobs. Ranking by CPU used so far (shortest first) starves the long jobs
-- for as long as the stream lasts; what to look at: the long jobs' worst
-- wait and completion, and the short jobs' turnaround.
return {
  name = "job stream", cpus = 2, duration_ms = 8000,
  groups = {
    { name = "long", count = 4, work_ms = 300, burst_ms = "inf" },
    { name = "short", count = 2000, arrival_ms = {"every", 1.9}, work_ms = 3.6, burst_ms = "inf" },
  },
}
