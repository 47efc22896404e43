-- Raises an error on about 1% of batches (deterministic sequence).
local P = { name = "error_sometimes" }
local n = 0
function P.enqueue(t, now)
  n = n + 1
  if n % 97 == 0 then error("one batch in a hundred goes wrong") end
  t.deadline = t.vtime + t.exec_runtime
end
return P
