-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "collect_stop" }
collectgarbage('stop')
function P.enqueue(t, now) t.deadline = now end
return P
