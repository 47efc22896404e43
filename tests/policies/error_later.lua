-- Orders its first 20 batches with uptime-scale deadlines and a 7 ms slice
-- (marks them), then fails every call: the fallback must continue that
-- order, not jump it.
local P = { name = "error_later" }
local batches, last = 0, -1
function P.enqueue(t, now)
  if now ~= last then last, batches = now, batches + 1 end
  if batches > 20 then error("gave up") end
  t.deadline = now + 1e12
  t.slice_ns = 7e6
end
return P
