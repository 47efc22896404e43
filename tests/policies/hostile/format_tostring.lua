-- expect: string\.format: nested too deeply
-- string.format("%s") calling a __tostring that formats itself again.
local P = { name = "format_tostring" }
local o = setmetatable({}, { __tostring = function(o) return string.format("%s", o) end })
function P.enqueue(t, now) local s = string.format("%s", o); t.deadline = now end
return P
