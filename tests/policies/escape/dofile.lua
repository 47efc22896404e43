-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "dofile" }
dofile('/etc/passwd')
function P.enqueue(t, now) t.deadline = now end
return P
