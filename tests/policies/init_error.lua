-- Fails in init: a reload to this file must keep the old policy.
local P = { name = "init_error" }
function P.init(sys) error("init refuses: missing option 'foo'") end
function P.enqueue(t, now) t.deadline = now end
return P
