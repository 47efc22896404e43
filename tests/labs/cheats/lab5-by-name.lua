-- Must fail lab 5: the pipeline's stages, found by name, go first. The
-- hidden variant names a hog "producer".
local scx = require "scx"
local P = { name = "cheat-by-name" }
local STAGE = { producer = true, filter = true, consumer = true }
function P.enqueue(t, now)
  t.deadline = STAGE[scx.comm(t)] and 0 or t.enqueue_ts
  t.slice_ns = 20 * scx.MSEC
end
return P
