-- Attack at run time, inside P.enqueue: must fail with a clear error
-- naming this file and line, the batch going to the fallback.
local P, IN = { name = "input_write" }, { "pid", "tgid", "prev_cpu", "nr_cpus_allowed", "weight", "flags", "start_ts", "stop_ts", "exec_runtime", "enqueue_ts", "comm_w0", "comm_w1" }
function P.enqueue(t, now)
  local k = IN[t.pid % #IN + 1]; t[k] = t[k] + 1000000
  t.deadline = now
end
return P
