#!/bin/sh
# SPDX-License-Identifier: MIT
# A provisioning command that closes its output and keeps running: the driver must still kill it
# at the timeout (not wait for it once the pipes are closed).
cat >/dev/null
exec >/dev/null 2>&1
exec sleep 30
