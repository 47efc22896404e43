-- Does not compile (line 4).
local P = { name = "syntax_error" }
function P.enqueue(t, now)
  t.deadline = = now
end
return P
