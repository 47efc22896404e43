-- tests/load.sh's workload for how `scx_lua load` ends tasks: jobs that
-- arrive one by one and end after work_ms of CPU (turnaround), a sleeper
-- that ends after lifetime_ms, and one arriving after the run's end.
return {
  name = "live jobs", cpus = 2, duration_ms = 1000,
  groups = {
    { name = "job", comm = "ld_job", count = 5, arrival_ms = {"every", 100}, work_ms = 10,
      burst_ms = "inf" },
    { name = "mortal", comm = "ld_mortal", count = 1, lifetime_ms = 300, burst_ms = 0.5,
      sleep_ms = 2 },
    { name = "late", comm = "ld_late", count = 1, arrival_ms = 5000, burst_ms = "inf" },
  },
}
