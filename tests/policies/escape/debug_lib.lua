-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "debug_lib" }
debug.getregistry()
function P.enqueue(t, now) t.deadline = now end
return P
