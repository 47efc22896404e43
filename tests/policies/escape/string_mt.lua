-- Sandbox escape attempt: must fail to load with a clear error.
local P = { name = "string_mt" }
getmetatable('').__index.rep = nil
function P.enqueue(t, now) t.deadline = now end
return P
