-- Must fail lab 1: raises on every batch; the fallback orders the tasks
-- instead, and the fallback's order is not the student's work.
local P = { name = "cheat-errors" }
function P.enqueue(t, now) error("not implemented") end
return P
