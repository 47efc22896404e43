-- expect: heap is exhausted
-- A common student mistake: a hundred small tables a task, kept in a
-- global list. Running out inside JIT-compiled code killed check with
-- SIGSEGV (exit 139, no message).
local P = { name = "hoard_tables" }
local list = {}
function P.enqueue(t, now)
  for i = 1, 100 do list[#list + 1] = { i } end
  t.deadline = now
end
return P
