-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "require_path" }
require('/etc/passwd')
function P.enqueue(t, now) t.deadline = now end
return P
