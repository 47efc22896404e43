-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "os_execute" }
os.execute('true')
function P.enqueue(t, now) t.deadline = now end
return P
