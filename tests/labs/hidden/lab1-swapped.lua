-- Lab 1's hidden variant: the interactive workload with the command names
-- swapped (the batch jobs say "ui", the UI says "batch"), other counts and
-- late arrivals. A policy that decides by scx.comm(t) fails here.
return {
  name = "interactive + batch (hidden)", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "batch", comm = "ui", count = 7, burst_ms = "inf", arrival_ms = 30 },
    { name = "ui", comm = "batch", count = 3, burst_ms = {"exp", 2}, sleep_ms = {"exp", 16}, arrival_ms = 100 },
    { name = "audio", comm = "pipewire", count = 1, burst_ms = 0.3, sleep_ms = 5, arrival_ms = 250 },
  },
}
