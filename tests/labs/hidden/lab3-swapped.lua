-- Lab 3's hidden variant: the long jobs say "short" and the short ones
-- "long", the stream a little sparser and the long jobs 20 ms late. A policy that decides by
-- scx.comm(t) fails here.
return {
  name = "job stream (hidden)", cpus = 2, duration_ms = 8000,
  groups = {
    { name = "long", comm = "short", count = 4, work_ms = 300, burst_ms = "inf", arrival_ms = 20 },
    { name = "short", comm = "long", count = 2000, arrival_ms = {"every", 1.95}, work_ms = 3.6, burst_ms = "inf" },
  },
}
