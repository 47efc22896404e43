-- Lab 2's hidden variant: the weights' command names swapped and one more
-- task of weight 100 arriving late. A policy that reads weights from names
-- fails here.
return {
  name = "weighted hogs (hidden)", cpus = 2, duration_ms = 10000,
  groups = {
    { name = "w100", comm = "w400", count = 2, weight = 100, burst_ms = "inf" },
    { name = "w200", comm = "w100", count = 2, weight = 200, burst_ms = "inf", arrival_ms = 5 },
    { name = "w400", comm = "w200", count = 2, weight = 400, burst_ms = "inf", arrival_ms = 10 },
  },
}
