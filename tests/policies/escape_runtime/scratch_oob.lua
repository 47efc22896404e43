-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "scratch_oob" }
function P.enqueue(t, now)
  t.scratch[200000] = 12345
  t.deadline = now
end
return P
