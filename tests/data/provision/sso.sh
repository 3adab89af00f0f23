#!/bin/sh
# SPDX-License-Identifier: MIT
# A provisioning command for the exec driver's tests that also answers with the environment's
# identity store (SCIM URL and bearer token) and console SAML service provider (issue 4 §3, §4).
# A key starting with "bad-" answers with a SCIM URL that is not a string.
req=$(cat)
key=$(printf '%s' "$req" | sed -n 's/.*"idempotency_key":"\([A-Za-z0-9_-]*\)".*/\1/p')
action=$(printf '%s' "$req" | sed -n 's/.*"action":"\([a-z]*\)".*/\1/p')
if [ "$action" = close ]; then
	exit 0
fi
case $key in
bad-*)
	printf '{"external_id":"ext-%s","console_url":"https://console.example.test/%s","scim_url":42}\n' "$key" "$key"
	;;
*)
	printf '{"external_id":"ext-%s","console_url":"https://console.example.test/%s",' "$key" "$key"
	printf '"scim_url":"https://scim.example.test/%s/scim/v2","scim_token":"tok-secret-%s",' "$key" "$key"
	printf '"saml_entity_id":"https://signin.example.test/%s","saml_acs_url":"https://signin.example.test/%s/acs"}\n' "$key" "$key"
	;;
esac
