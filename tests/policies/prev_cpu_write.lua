-- Tries to aim scx.select_cpu at a CPU that does not exist: by writing
-- t.prev_cpu (read-only: refused), and by handing it a table (refused).
-- On a 6.16+ kernel an out-of-range CPU in the kfunc ejects the scheduler.
-- Both attempts are caught here, so the policy itself keeps running.
local scx = require "scx"
local P = { name = "prev_cpu_write" }
local function aim(t) t.prev_cpu = 100000 end
local fake = { pid = 1, prev_cpu = 100000, flags = 0 }
function P.enqueue(t, now)
  pcall(aim, t)
  pcall(scx.select_cpu, fake)
  t.cpu = scx.select_cpu(t)
  t.deadline = now
end
return P
