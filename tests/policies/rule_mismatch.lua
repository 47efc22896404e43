-- A policy whose published rule is not what P.enqueue does (its lag is 0,
-- P.enqueue's is a slice): `scx_lua check` must say they order differently.
local scx = require "scx"
local P = { name = "rule_mismatch" }
local slice, vtime_now = 20e6, 0

function P.init(sys)
  scx.rule(1, { kind = "vtime", slice_ns = slice, slice_min_ns = slice, slice_max_ns = slice,
                lag_ns = 0, runtime_cap_ns = 100 * slice })
end

function P.enqueue(t, now)
  local v = t.vtime
  if v > vtime_now then vtime_now = v end
  v = math.max(v, vtime_now - slice) + (t.stop_ts - t.start_ts) * 100 / t.weight
  t.vtime = v
  t.deadline = v + math.min(t.exec_runtime * 100 / t.weight, 100 * slice)
  t.slice_ns = slice
  t.rule = 1
end

return P
