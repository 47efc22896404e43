-- expect: os\.time: nested too deeply
-- os.time reading its table through an __index that calls os.time.
local P = { name = "os_time_index" }
local mt = {}
local tt = setmetatable({}, mt)
mt.__index = function() os.time(tt); return 1 end
function P.enqueue(t, now) os.time(tt); t.deadline = now end
return P
