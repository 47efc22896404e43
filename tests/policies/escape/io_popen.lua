-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "io_popen" }
io.popen('id')
function P.enqueue(t, now) t.deadline = now end
return P
