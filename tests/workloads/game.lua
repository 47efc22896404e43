-- Two identical interactive programs beside hogs and a crowd like them;
-- only the name differs, so a policy that boosts by name shows the
-- difference (without the crowd, every wake-up preempts a hog at once and
-- both wait nothing).
return {
  name = "game under load", cpus = 2, duration_ms = 10000,
  groups = {
    { name = "game", count = 1, burst_ms = {"exp", 3}, sleep_ms = {"exp", 8} },
    { name = "other", count = 1, burst_ms = {"exp", 3}, sleep_ms = {"exp", 8} },
    { name = "crowd", count = 6, burst_ms = {"exp", 3}, sleep_ms = {"exp", 8} },
    { name = "hog", count = 4, burst_ms = "inf" },
  },
}
