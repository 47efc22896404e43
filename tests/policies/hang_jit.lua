-- Hangs in enqueue with a loop LuaJIT compiles (hooks cannot stop it).
local P = { name = "hang_jit" }
local calls = 0
function P.enqueue(t, now)
  calls = calls + 1
  if calls > 500 then
    local i = 0
    while true do i = i + 1 end
  end
  t.deadline = now
end
return P
