-- Equal tasks arriving one per millisecond, each shorter than a slice.
return {
  name = "fifo burst", cpus = 2, duration_ms = 2000,
  groups = {
    { name = "job", count = 30, arrival_ms = {"every", 1}, work_ms = 10, burst_ms = "inf" },
  },
}
