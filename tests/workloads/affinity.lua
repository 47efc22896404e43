-- For the simulator's invariants: pinned and partly pinned tasks, sleepers,
-- hand-offs and short-lived tasks all at once.
return {
  name = "invariants", cpus = 4, duration_ms = 3000,
  groups = {
    { name = "pinned0", count = 2, affinity = {0}, burst_ms = "inf" },
    { name = "pair", count = 3, affinity = {1, 2}, burst_ms = {"exp", 3}, sleep_ms = {"exp", 3} },
    { name = "free", count = 6, burst_ms = {"uniform", 0.1, 8}, sleep_ms = {"exp", 4}, wakes = "waiter" },
    { name = "waiter", count = 2, burst_ms = 0.2, sleep_ms = "wait" },
    { name = "short", count = 40, arrival_ms = {"every", 20}, work_ms = 5, burst_ms = 1, sleep_ms = 1 },
  },
}
