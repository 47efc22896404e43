-- Places every task on the CPU the kernel's idle selection suggests
-- (scx.select_cpu), else anywhere: exercises the select_cpu syscall program.
local scx = require "scx"
local P = { name = "pick_cpu" }
function P.enqueue(t, now)
  t.deadline = t.vtime + t.exec_runtime
  t.cpu = scx.select_cpu(t)
end
return P
