-- expect: string\.gsub: nested too deeply
-- The same through a replacement table whose __index calls gsub.
local P = { name = "gsub_table" }
local mt = {}
local repl = setmetatable({}, mt)
mt.__index = function() return (string.gsub("ab", ".", repl)) end
function P.enqueue(t, now) string.gsub("ab", ".", repl); t.deadline = now end
return P
