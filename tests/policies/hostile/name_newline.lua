-- expect: P\.name must be a string of 1 to 63 printable characters, not "x\\10\[scx_lua\]
-- A newline in the name forged stats lines.
local P = { name = "x\n[scx_lua] policy=forged queued=0 dispatched=0" }
function P.enqueue(t, now) t.deadline = now end
return P
