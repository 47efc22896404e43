-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "load_bytecode_implicit" }
assert(loadstring('\27LJ\2\0'))
function P.enqueue(t, now) t.deadline = now end
return P
