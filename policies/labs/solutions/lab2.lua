-- Lab 2, a reference solution: weighted virtual time. Each run advances a
-- task's vtime by its length times 100/weight; the smallest vtime runs
-- next, so a task of weight 400 advances four times slower and runs four
-- times as much. (Round robin gave every hog the same share.)
local scx = require "scx"
local P = { name = "lab2-solution" }

function P.enqueue(t, now)
  t.vtime = scx.charged(t)
  t.deadline = t.vtime
  t.slice_ns = 10 * scx.MSEC
end

return P
