-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "load_bytecode" }
assert(load('\27LJ\2', 'x', 'b'))
function P.enqueue(t, now) t.deadline = now end
return P
