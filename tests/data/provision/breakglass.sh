#!/bin/sh
# SPDX-License-Identifier: MIT
# A BreakGlass credential command for the exec driver (issue 4 §6): answers cred_issue with a
# credential and accepts cred_revoke; anything else fails.
input=$(cat)
case $input in
*'"action":"cred_issue"'*)
	echo '{"credential_id":"exec-emergency-1","secret":"exec-one-time-secret","login_url":"https://csp.example/emergency"}'
	;;
*'"action":"cred_revoke"'*'"credential_id":"exec-emergency-1"'*) ;;
*)
	echo "unexpected request: $input" >&2
	exit 2
	;;
esac
