-- Must fail lab 4: only the numbers changed, but to values that pass
-- seed 1 and fail most other seeds (QUANTUM 1 ms, ALLOT 10 ms, BOOST 200
-- ms): a grade on one seed rewards luck.
local scx = require "scx"
local P = { name = "lab4" }

local LEVELS = 4
local QUANTUM = 1 * scx.MSEC     -- level 0; doubles per level
local ALLOT = 10 * scx.MSEC       -- CPU time allowed per level before demotion
local BOOST = 200 * scx.MSEC    -- every task back to the top this often

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
