-- Hangs (needs --no-sandbox: ffi) in a JIT-compiled loop that spends about
-- half its time in a C function of the test (sys.opts.fn, its address)
-- that holds a mutex while it runs. The watchdog must abandon the call
-- only between two calls of it: a jump from inside leaves the mutex held,
-- as a jump out of libgcc's unwinder left its lock.
local ffi = require "ffi"
local P = { name = "hang_in_c" }
local f
function P.init(sys) f = ffi.cast("void (*)(void)", sys.opts.fn) end
function P.enqueue(t, now)
  local x = 0
  while true do
    for i = 1, 10000 do x = x + i % 7 end
    f()
  end
end
return P
