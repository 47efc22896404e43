-- Eight CPUs in two cache domains, fewer busy tasks than CPUs: where
-- a task runs is a choice, so topology-aware policies can be told apart.
return {
  name = "spread", cpus = 8, llc_cpus = 4, duration_ms = 5000,
  groups = {
    { name = "worker", count = 6, burst_ms = {"exp", 1}, sleep_ms = {"exp", 1} },
  },
}
