-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "string_dump" }
string.dump(function() end)
function P.enqueue(t, now) t.deadline = now end
return P
