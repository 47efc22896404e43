-- Returns a table without the required enqueue function.
return { name = "no_enqueue" }
