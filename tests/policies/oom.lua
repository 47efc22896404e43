-- Leaks memory on every task until its Lua heap is exhausted.
local P = { name = "oom" }
local hoard = {}
function P.enqueue(t, now)
  hoard[#hoard + 1] = string.rep("x", 4096) .. tostring(#hoard)
  t.deadline = now
end
return P
