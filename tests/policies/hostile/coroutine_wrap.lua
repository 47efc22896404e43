-- expect: coroutine\.wrap function: nested too deeply
-- Coroutines resuming coroutines: C frames per level, and with a large
-- arena the Lua heap outlasted the C stack (SIGSEGV in a run).
local P = { name = "coroutine_wrap" }
local function f() coroutine.wrap(f)() end
function P.enqueue(t, now) f(); t.deadline = now end
return P
