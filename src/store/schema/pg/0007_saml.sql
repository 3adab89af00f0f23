-- 0007_saml: filled in by the saml work (issue 4). Placeholder.
SELECT 1;
