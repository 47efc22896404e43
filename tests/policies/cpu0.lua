-- Sends every task to CPU 0.
local P = { name = "cpu0" }
function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.cpu = 0
end
return P
