-- The machine as sys describes it: sys.core and sys.node against what
-- the test read from sysfs (--opt coreN=, nodeN=; default: no SMT, one
-- node, as in the simulator), and scx.is_percpu in the batch loop.
local scx = require "scx"
local P = {}
function P.init(sys)
  local o = sys.opts
  for c = 0, sys.nr_cpus - 1 do
    local want_core = o["core" .. c] or c
    local want_node = o["node" .. c] or 0
    if sys.core[c] ~= want_core or sys.node[c] ~= want_node or type(sys.llc[c]) ~= "number" then
      error(("cpu %d: core %s node %s, want %s %s"):format(c, tostring(sys.core[c]), tostring(sys.node[c]), want_core, want_node))
    end
  end
  if sys.core[sys.nr_cpus] ~= nil then error("sys.core has a CPU too many") end
end
function P.enqueue(t, now)
  t.deadline = now
  if scx.is_percpu(t) then t.cpu = t.prev_cpu end
end
return P
