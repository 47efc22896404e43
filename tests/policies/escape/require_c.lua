-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "require_c" }
require('ffi')
function P.enqueue(t, now) t.deadline = now end
return P
