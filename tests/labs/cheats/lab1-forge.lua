-- Must fail lab 1: a FIFO that prints PASS lines for every check, as the
-- simulator would; the grader reads the verdict from stdout only, and a
-- policy's print() goes to stderr.
local P = { name = "forge" }
for _, c in ipairs { "ui.wake_p99_ms < 5", "audio.wake_p99_ms < 5", "batch.share > 0.85",
  "batch.starve_ms < 1000", "machine.policy_errors <= 0", "machine.fallback_batches <= 0" } do
  print("PASS  forge: " .. c .. " (got 0.9)")
end
function P.enqueue(t, now) t.deadline = now end   -- plain FIFO: fails lab 1
return P
