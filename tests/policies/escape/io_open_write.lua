-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "io_open_write" }
io.open('/tmp/scx_lua_escape', 'w')
function P.enqueue(t, now) t.deadline = now end
return P
