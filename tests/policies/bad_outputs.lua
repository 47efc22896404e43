-- Returns every kind of invalid output, in rotation.
local P = { name = "bad_outputs" }
local n = 0
function P.enqueue(t, now)
  n = n + 1
  local k = n % 6
  if k == 0 then t.deadline = 0 / 0
  elseif k == 1 then t.deadline = -5
  elseif k == 2 then t.deadline = math.huge
  elseif k == 3 then t.slice_ns = 0
  elseif k == 4 then t.slice_ns = 10e9
  else t.cpu = 4096 end
end
return P
