-- Hangs in enqueue in interpreted code (needs --no-sandbox for jit.off).
local P = { name = "hang_interp" }
function P.init() require("jit").off() end
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
