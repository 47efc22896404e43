-- expect: invalid outputs: 0 deadline, 0 slice, 0 cpu, [1-9][0-9]* vtime
-- Every other batch stores a vtime beyond any real one; the batches between
-- set t.weight = 0 on their first task and fail. The fallback took both:
-- its clock became inf for good (1e308 / 0), and every task it ordered from
-- then on had an invalid deadline, counted against the policy.
local P = { name = "poison_fallback" }
local batch, last = 0, -1
function P.enqueue(t, now)
  if now ~= last then batch, last = batch + 1, now end
  if batch % 2 == 0 then
    t.weight = 0 -- an error now: the inputs are read-only
    error("and fail")
  end
  t.vtime = 1e308
  t.deadline = now
end
return P
