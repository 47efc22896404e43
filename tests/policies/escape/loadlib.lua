-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "loadlib" }
package.loadlib('libc.so.6', 'system')
function P.enqueue(t, now) t.deadline = now end
return P
