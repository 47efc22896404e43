-- Rewrites the pid of one task in seven. The core must keep dispatching by
-- its own record of the task: a synth run of this stalled at dispatched=1
-- while the refused task was retried forever at the head of the heap.
local P = { name = "pid_write" }
function P.enqueue(t, now)
  if t.pid % 7 == 0 then t.pid = t.pid + 1000000 end
  t.deadline = now
end
return P
