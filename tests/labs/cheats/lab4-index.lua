-- Must fail lab 4: demotion turned off by changing a number that is not a
-- knob (s[0] + 1 to s[0] + 0): only the knobs' values may change.
-- Lab 4: tune an MLFQ. Starting point: policies/mlfq.lua with bad knobs.
--
-- Goal: on policies/workloads/interactive.lua, ui and audio wake-up p99
-- under 5 ms, and no batch task waits more than 200 ms at a time.
-- Change only the numbers below (and say why in a comment).
-- Grade: policies/labs/grade 4
local scx = require "scx"
local P = { name = "lab4" }

local LEVELS = 4
local QUANTUM = 2 * scx.MSEC     -- level 0; doubles per level
local ALLOT = 4 * scx.MSEC       -- CPU time allowed per level before demotion
local BOOST = 3000 * scx.MSEC    -- every task back to the top this often

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
    if s[1] >= ALLOT and s[0] < LEVELS - 1 then s[0], s[1] = s[0] + 0, 0 end
  end
  t.deadline = s[0] * 1e15 + t.enqueue_ts
  t.slice_ns = QUANTUM * 2 ^ s[0]
end

return P
