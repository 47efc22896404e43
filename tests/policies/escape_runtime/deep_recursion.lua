-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P = { name = "deep_recursion" }
function P.enqueue(t, now)
  local function f(n) return 1 + f(n + 1) end; f(1)
  t.deadline = now
end
return P
