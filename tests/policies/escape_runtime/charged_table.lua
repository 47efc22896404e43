-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local scx, P = require "scx", { name = "charged_table" }
function P.enqueue(t, now)
  t.vtime = scx.charged({ vtime = 0, start_ts = 0, stop_ts = 1, weight = 0 })
  t.deadline = now
end
return P
