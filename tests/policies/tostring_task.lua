-- Prints one task and its scratch: tostring must not show their addresses
-- (an address was all scx.comm needed to read any memory).
local P = { name = "tostring_task" }
local shown = false
function P.enqueue(t, now)
  if not shown then print(tostring(t), tostring(t.scratch)); shown = true end
  t.deadline = now
end
return P
