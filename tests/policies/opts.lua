-- Logs what init received, for the --opt test.
local scx = require "scx"
local P = { name = "opts" }
function P.init(sys)
  scx.log("opts: greeting=%s n=%s type(n)=%s cpus=%d backend=%s",
          tostring(sys.opts.greeting), tostring(sys.opts.n), type(sys.opts.n),
          sys.nr_cpus, sys.backend)
end
function P.enqueue(t, now) t.deadline = now end
return P
