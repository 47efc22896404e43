-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "scratch_arith" }
function P.enqueue(t, now)
  local p = t.scratch + 1
  t.deadline = now
end
return P
