-- SPDX-License-Identifier: GPL-2.0-only
--
-- lottery: proportional share by random draws.
--
-- Idea: each task holds tickets (its weight); at every decision a random
--   ticket wins. A lottery needs all runnable tasks in one draw, which a
--   heap cannot do, so we use the exponential race: each task draws
--   E = -ln(U) (U uniform in (0,1]) and competes with E / tickets; the
--   smallest wins, with probability tickets / total, exactly as a lottery.
--   Each race step is added to the task's pass (kept in t.vtime) scaled by
--   the CPU time it just used, so over many draws a task's share of the
--   CPU is proportional to its tickets, while each single order is random.
--   A task coming back from sleep joins at most one quantum behind where
--   the race is (scx.vclock: the smallest pass being dispatched), so it
--   cannot bank tickets while asleep, nor fall behind every other task.
-- Source: Waldspurger & Weihl, "Lottery Scheduling" (OSDI 1994); the race
--   is the standard way to sample proportionally with a priority queue.
-- Weakness: fair only on average: over a short window a task can lose
--   several draws in a row, so its latency is random.
-- Knobs: --opt quantum_us=N (default 10000), seed=N (for the draws).
local scx = require "scx"

local P = { name = "lottery" }
local quantum
local clock                      -- where the race is now: scx.vclock
local band, TF_NEW, TF_WAKEUP, TF_REQUEUED = bit.band, scx.TF_NEW, scx.TF_WAKEUP, scx.TF_REQUEUED
local log, random, max = math.log, math.random, math.max

function P.init(sys)
  quantum = (sys.opts.quantum_us or 10000) * scx.USEC
  math.randomseed(sys.opts.seed or 1)
  clock = scx.vclock(2 * quantum)
end

function P.enqueue(t, now)
  local pass = t.vtime
  if band(t.flags, TF_NEW + TF_WAKEUP) ~= 0 then pass = max(pass, clock.now - quantum) end
  -- a new task draws too; one queued again without running does not
  local ran = band(t.flags, TF_REQUEUED) ~= 0 and 0 or max(t.stop_ts - t.start_ts, quantum / 10)
  pass = pass + (-log(1 - random())) * ran * 100 / t.weight
  t.vtime = pass
  t.deadline = pass
  t.slice_ns = quantum
end

function P.dispatch(t, now)
  clock:dispatched(t.vtime, now)
end

return P
