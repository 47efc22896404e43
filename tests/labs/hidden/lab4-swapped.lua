-- Lab 4's hidden variant: as lab 1's (lab1-swapped.lua): command names
-- swapped, other counts, late arrivals.
return {
  name = "interactive + batch (hidden)", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "batch", comm = "ui", count = 7, burst_ms = "inf", arrival_ms = 30 },
    { name = "ui", comm = "batch", count = 3, burst_ms = {"exp", 2}, sleep_ms = {"exp", 16}, arrival_ms = 100 },
    { name = "audio", comm = "pipewire", count = 1, burst_ms = 0.3, sleep_ms = 5, arrival_ms = 250 },
  },
}
