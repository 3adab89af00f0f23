#!/bin/sh
# SPDX-License-Identifier: MIT
# A provisioning command that always fails: its first stderr line is the reason recorded.
cat >/dev/null
echo "quota exceeded for this project" >&2
echo "second line is not the reason" >&2
exit 3
