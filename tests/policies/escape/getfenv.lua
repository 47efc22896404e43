-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "getfenv" }
getfenv(0).os.execute('true')
function P.enqueue(t, now) t.deadline = now end
return P
