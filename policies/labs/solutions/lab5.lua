-- Lab 5, a reference solution: the stages of the pipeline run briefly
-- and sleep; the hogs never sleep. Order by arrival plus a heavy multiple
-- of the CPU used since the last sleep: a woken stage (near zero) goes
-- ahead of the hogs (which have used a full slice or more), so each
-- hand-off waits for at most the hogs already running.
local scx = require "scx"
local P = { name = "lab5-solution" }

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts + 100 * t.exec_runtime
  t.slice_ns = 20 * scx.MSEC
end

return P
