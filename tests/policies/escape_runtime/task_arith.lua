-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "task_arith" }
function P.enqueue(t, now)
  local p = t + 1; p.pid = 0
  t.deadline = now
end
return P
