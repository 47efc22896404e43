-- Equal CPU hogs: more runnable tasks than CPUs, none ever sleeps.
-- What to look at: shares (equal under a fair policy), Jain's index.
return {
  name = "cpu hogs", cpus = 4, duration_ms = 10000,
  groups = {
    { name = "hog", count = 8, burst_ms = "inf" },
  },
}
