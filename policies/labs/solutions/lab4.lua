-- Lab 4, a reference solution: the allotment was too small (4 ms: a UI
-- task sank after two frames) and the boost too rare (3 s: demoted UI
-- tasks waited behind batch jobs for seconds). Allot 40 ms, boost 200 ms.
local scx = require "scx"
local P = { name = "lab4-solution" }
local LEVELS = 4
local QUANTUM = 2 * scx.MSEC     -- level 0; doubles per level
local ALLOT = 40 * scx.MSEC      -- a UI task (~10% of a CPU) must not run out between boosts
local BOOST = 200 * scx.MSEC     -- short enough that sunk batch tasks wait < 200 ms

local epoch, last_boost = 1, 0

function P.tick(now, stats)
  if now - last_boost >= BOOST then epoch, last_boost = epoch + 1, now end
end

function P.enqueue(t, now)
  local s = t.scratch
  if scx.is_new(t) or s[2] ~= epoch then
    s[0], s[1], s[2] = 0, 0, epoch
  else
    s[1] = s[1] + (t.stop_ts - t.start_ts)
    if s[1] >= ALLOT and s[0] < LEVELS - 1 then s[0], s[1] = s[0] + 1, 0 end
  end
  t.deadline = s[0] * 1e15 + t.enqueue_ts
  t.slice_ns = QUANTUM * 2 ^ s[0]
end

return P
