-- expect: string\.gsub: nested too deeply
-- A gsub callback calling gsub: each level holds an 8 KiB buffer on the
-- C stack, which overflowed (SIGSEGV) before the Lua stack was full.
local P = { name = "gsub_callback" }
local function f() return ("ab"):gsub(".", f) end
function P.enqueue(t, now) f(); t.deadline = now end
return P
