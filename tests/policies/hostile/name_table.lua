-- expect: P\.name must be a string of 1 to 63 printable characters, not a table
-- The name is printed in every stats line: a table reached printf("%s", NULL).
local P = { name = {} }
function P.enqueue(t, now) t.deadline = now end
return P
