-- SPDX-License-Identifier: GPL-2.0-only
--
-- latency: for desktops and games: named tasks, and tasks that behave
-- interactively, go first.
--
-- Idea: the deadline rule (fair vtime plus CPU used since the last sleep),
--   with a boost subtracted from the deadline for
--     * tasks whose command name is in the `comms` list (the game, the
--       compositor, the audio server): a strong boost;
--     * tasks that run briefly between sleeps (average run below
--       `short_us`): a milder boost.
--   The boost only moves a task earlier in the queue; its vtime still
--   advances with the CPU it uses, so a boosted hog cannot take the machine.
-- Source: the use case scx_rustland is known for (games under load),
--   with the comm list that desktop schedulers (e.g. scx_lavd's
--   autopilot, ananicy rules) use to recognise known programs.
-- Weakness: names are a hint anyone can fake; boosts are constants.
-- Knobs: --opt comms=Xorg,pipewire,game (comma list; default
--   "Xorg,gnome-shell,kwin_wayland,pipewire,wireplumber,pulseaudio"),
--   boost_ms=N (40, names), short_us=N (1000), short_boost_ms=N (10),
--   slice_us=N (default -s).
local scx = require "scx"

local P = { name = "latency" }
local slice, boost, short, short_boost
local listed = {}
local vtime_now = 0
local band, TF_NEW = bit.band, scx.TF_NEW
local max, min = math.max, math.min

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  boost = (sys.opts.boost_ms or 40) * scx.MSEC
  short = (sys.opts.short_us or 1000) * scx.USEC
  short_boost = (sys.opts.short_boost_ms or 10) * scx.MSEC
  local comms = sys.opts.comms or "Xorg,gnome-shell,kwin_wayland,pipewire,wireplumber,pulseaudio"
  for name in tostring(comms):gmatch("[^,]+") do listed[name] = true end
end

-- scratch[0]: 1 listed / 2 not listed / 0 not looked up yet (a name is
-- looked up once per task: scx.comm allocates), [1]: average run (ns)
function P.enqueue(t, now)
  local s = t.scratch
  if s[0] == 0 or band(t.flags, TF_NEW) ~= 0 then
    s[0] = listed[scx.comm(t)] and 1 or 2
  end
  local ran = t.stop_ts - t.start_ts
  if ran > 0 then s[1] = s[1] + 0.25 * (ran - s[1]) end
  local v = max(scx.charged(t), vtime_now - slice)
  if band(t.flags, TF_NEW) ~= 0 then v = vtime_now end
  if v > vtime_now then vtime_now = v end
  t.vtime = v
  local d = v + min(t.exec_runtime * 100 / t.weight, 100 * slice)
  if s[0] == 1 then
    d = d - boost
  elseif s[1] < short then
    d = d - short_boost
  end
  t.deadline = max(d, 0)
  t.slice_ns = slice
end

return P
