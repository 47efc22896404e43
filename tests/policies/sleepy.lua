-- Waits off-CPU for --opt sleep=S seconds once a batch, in its first three
-- batches (needs --no-sandbox for os.execute). The watchdog charges CPU
-- time, so a wait shorter than its wall-time bound is not a hang.
local P = { name = "sleepy" }
local secs, waits, last = 0, 0, -1
function P.init(sys) secs = tonumber(sys.opts.sleep) or 0 end
function P.enqueue(t, now)
  if now ~= last and waits < 3 and secs > 0 then
    last, waits = now, waits + 1
    os.execute("sleep " .. secs)
  end
  t.deadline = now
end
return P
