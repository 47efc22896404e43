-- A fork storm: 400 short-lived tasks (2 ms of CPU each) arrive one every
-- 5 ms beside long-running services. What to look at: turnaround and
-- response of the short tasks, and that the services keep their share.
return {
  name = "fork storm", cpus = 4, duration_ms = 5000,
  groups = {
    { name = "service", count = 4, burst_ms = {"exp", 5}, sleep_ms = {"exp", 2} },
    { name = "short", count = 400, arrival_ms = {"every", 5}, work_ms = 2,
      burst_ms = {"uniform", 0.2, 1}, sleep_ms = 0.5 },
  },
}
