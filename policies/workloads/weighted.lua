-- Hogs of different weights on two CPUs: a weighted-fair policy gives
-- each group CPU time in proportion to its weight (here 1:2:4).
return {
  name = "weighted hogs", cpus = 2, duration_ms = 10000,
  groups = {
    { name = "w100", count = 2, weight = 100, burst_ms = "inf" },
    { name = "w200", count = 2, weight = 200, burst_ms = "inf" },
    { name = "w400", count = 2, weight = 400, burst_ms = "inf" },
  },
}
