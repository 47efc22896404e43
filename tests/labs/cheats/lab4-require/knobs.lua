-- Beside an edited lab4.lua (tests/labs.sh makes it), reached through its
-- one changed string: a whole other policy, the MLFQ turned off.
local scx = require "scx"
local M = setmetatable({}, { __index = scx })
function M.is_new(t) return true end   -- every enqueue resets the MLFQ: level 0 for ever
return M
