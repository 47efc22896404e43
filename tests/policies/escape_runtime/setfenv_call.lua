-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "setfenv_call" }
function P.enqueue(t, now)
  setfenv(1, {})
  t.deadline = now
end
return P
