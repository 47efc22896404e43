-- Must fail lab 1: the reference rule, but one task in eight never runs
-- (deadline 1e15). A task that never runs has no wait sample, so
-- wait_max_ms cannot see it; starve_ms, which counts the open wait, does.
local scx = require "scx"
local P = { name = "cheat-starve" }
local vnow = 0
function P.enqueue(t, now)
  local v = math.max(scx.charged(t), vnow - 20 * scx.MSEC)
  if v > vnow then vnow = v end
  t.vtime = v
  t.deadline = v + math.min(t.exec_runtime, 2 * scx.SEC)
  if t.pid % 8 == 0 then t.deadline = 1e15 end
  t.slice_ns = 20 * scx.MSEC
end
return P
