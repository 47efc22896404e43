-- SPDX-License-Identifier: GPL-2.0-only
--
-- llc: keep a task within its last-level cache domain when a CPU there is
-- idle; spread across domains otherwise.
--
-- Idea: CPUs that share a last-level cache (sys.llc[cpu], from the
--   kernel's cache topology, or `llc_cpus` in a simulated workload) share
--   the task's warm data; moving to another domain loses it. When the idle
--   CPU the kernel suggests is in the task's domain, take it; if it is in
--   another domain, leave the task to the shared queue, where a CPU of its
--   own domain may free up first. Order is weighted vtime.
-- Source: scx_rusty / scx_layered's LLC domains, much simplified.
-- Weakness: only looks at the one idle CPU the kernel suggests; no load
--   balancing between domains beyond the shared queue.
-- Knobs: --opt slice_us=N (default -s).
local scx = require "scx"

local P = { name = "llc" }
local slice, llc
local vtime_now = 0
local max = math.max

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  llc = sys.llc
end

function P.enqueue(t, now)
  local v = max(scx.charged(t), vtime_now - slice)
  if v > vtime_now then vtime_now = v end
  t.vtime = v
  t.deadline = v
  t.slice_ns = slice
  local c = scx.select_cpu(t)
  if c ~= scx.CPU_ANY and llc[c] == llc[t.prev_cpu] then t.cpu = c end
end

return P
