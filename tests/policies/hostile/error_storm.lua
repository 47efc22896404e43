-- expect: P\.enqueue did not return within 250 ms of CPU time
-- Errors raised and caught in a spin, itself under a pcall that caught the
-- watchdog's first error and went on. Every error passes libgcc's unwinder,
-- which takes a mutex: a stage-2 jump out of it left the mutex held, and
-- the next reload hung ("did not return within 4000 ms").
local P = { name = "error_storm" }
function P.enqueue(t, now)
  pcall(function() while true do pcall(error, "again") end end)
  t.deadline = now
end
return P
