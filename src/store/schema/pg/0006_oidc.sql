-- 0006_oidc: filled in by the oidc work (issue 4). Placeholder.
SELECT 1;
