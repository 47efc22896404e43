-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "scx_write" }
require('scx').select_cpu = nil
function P.enqueue(t, now) t.deadline = now end
return P
