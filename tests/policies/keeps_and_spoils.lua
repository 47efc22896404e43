-- Keeps the last task of each call and, in the next call, writes into it:
-- by then its slot may hold a task waiting in the heap for a dispatch slot.
-- What reaches the backend must still be checked.
local P = { name = "keeps_and_spoils" }
local kept
function P.enqueue(t, now)
  if kept then
    kept.slice_ns = 0 / 0
    kept.cpu = 100000
  end
  kept = t
  t.deadline = now
end
return P
