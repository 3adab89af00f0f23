#!/bin/sh
# SPDX-License-Identifier: MIT
# A provisioning command for the exec driver's tests: reads the request JSON on stdin and answers
# with an id derived from the idempotency key, so a repeated create returns the same id.
req=$(cat)
key=$(printf '%s' "$req" | sed -n 's/.*"idempotency_key":"\([A-Za-z0-9_-]*\)".*/\1/p')
action=$(printf '%s' "$req" | sed -n 's/.*"action":"\([a-z]*\)".*/\1/p')
if [ "$action" = close ]; then
	exit 0
fi
printf '{"external_id":"ext-%s","console_url":"https://console.example.test/%s"}\n' "$key" "$key"
