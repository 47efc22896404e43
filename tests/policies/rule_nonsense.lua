-- A policy that publishes nonsense the Lua side cannot refuse (zero and
-- huge slices) and gives tasks rule ids that name no rule: the core must
-- correct and count every one, and no task may be lost.
local scx = require "scx"
local P = { name = "rule_nonsense" }

function P.init(sys)
  scx.rule(1, { kind = "vtime", slice_ns = 0, slice_min_ns = 0, slice_max_ns = 1e18, preempt = true })
  scx.rule(2, { kind = "fifo", slice_ns = 1e18 })
end

function P.enqueue(t, now)
  t.deadline = now
  t.rule = t.pid % 7 == 0 and 99 or t.pid % 3 == 0 and 5 or 1 + t.pid % 2
end

return P
