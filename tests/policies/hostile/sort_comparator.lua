-- expect: table\.sort: nested too deeply
-- A sort comparator that sorts.
local P = { name = "sort_comparator" }
local function cmp(a, b) table.sort({ 3, 2, 1 }, cmp); return a < b end
function P.enqueue(t, now) table.sort({ 3, 2, 1 }, cmp); t.deadline = now end
return P
