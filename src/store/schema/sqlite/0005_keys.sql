-- 0005_keys: filled in by the keys work (issue 4). Placeholder.
SELECT 1;
