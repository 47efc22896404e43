-- Lab 5's hidden variant: the pipeline's stages and the hogs swap command
-- names, and there are two more hogs... on three CPUs.
return {
  name = "producer/consumer (hidden)", cpus = 3, duration_ms = 10000,
  groups = {
    { name = "producer", comm = "hog", count = 1, burst_ms = 0.5, sleep_ms = 2, wakes = "filter" },
    { name = "filter", comm = "consumer", count = 1, burst_ms = 0.3, sleep_ms = "wait", wakes = "consumer" },
    { name = "consumer", comm = "producer", count = 1, burst_ms = 0.2, sleep_ms = "wait" },
    { name = "hog", comm = "filter", count = 5, burst_ms = "inf" },
  },
}
