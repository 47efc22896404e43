-- Raises an error on every batch: the fallback must order every task.
local P = { name = "error_always" }
function P.enqueue(t, now)
  local missing = nil
  t.deadline = missing.field   -- line 5: attempt to index a nil value
end
return P
