-- Two habits `check` warns about: a task kept past the call (its slot
-- holds another task next batch) and wall-clock calls (os.time).
local P = {}
local last = {}
function P.enqueue(t, now)
  last[1] = t
  t.deadline = now + os.time() * 0
end
return P
