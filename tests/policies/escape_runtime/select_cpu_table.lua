-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local scx, P = require "scx", { name = "select_cpu_table" }
function P.enqueue(t, now)
  t.cpu = scx.select_cpu({ pid = t.pid, prev_cpu = 100000, flags = 0 })
  t.deadline = now
end
return P
