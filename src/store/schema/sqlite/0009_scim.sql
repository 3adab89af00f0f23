-- 0009_scim: filled in by the scim work (issue 4). Placeholder.
SELECT 1;
