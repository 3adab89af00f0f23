-- 0010_breakglass: filled in by the breakglass work (issue 4). Placeholder.
SELECT 1;
