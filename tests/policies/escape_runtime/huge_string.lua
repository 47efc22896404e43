-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "huge_string" }
function P.enqueue(t, now)
  local s = 'x'; for i = 1, 40 do s = s .. s end
  t.deadline = now
end
return P
