-- Starves one task on purpose: cyclictest (the vm-stress marker) gets a
-- deadline no other task will ever reach, so under load it would wait
-- until the kernel's watchdog ejected the scheduler (30 s). The BPF
-- starvation guard (--starve-ms) must run it within its bound.
local scx = require "scx"
local P = { name = "starve" }
function P.enqueue(t, now)
  if scx.comm(t) == "cyclictest" then
    t.deadline = 1e18
  else
    t.deadline = t.enqueue_ts
  end
end
return P
