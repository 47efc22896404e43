-- Sends every task to the CPU after the one it ran on: outside the mask
-- of any pinned task (the BPF side must bounce those, counted).
local scx = require "scx"
local P = { name = "cpu_elsewhere" }
function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.cpu = (t.prev_cpu + 1) % scx.nr_cpus
end
return P
