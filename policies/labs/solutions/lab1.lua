-- Lab 1, a reference solution: order by fair virtual time plus the CPU
-- used since the last sleep (the deadline policy's rule, in short).
-- Interactive tasks sleep often, so their CPU-since-sleep stays small and
-- they sort ahead of the batch jobs; vtime keeps the batch group's share.
local scx = require "scx"
local P = { name = "lab1-solution" }
local vnow = 0

function P.enqueue(t, now)
  local v = math.max(scx.charged(t), vnow - 20 * scx.MSEC)
  if v > vnow then vnow = v end
  t.vtime = v
  t.deadline = v + math.min(t.exec_runtime, 2 * scx.SEC)
  t.slice_ns = 20 * scx.MSEC
end

return P
