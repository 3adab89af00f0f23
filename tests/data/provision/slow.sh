#!/bin/sh
# SPDX-License-Identifier: MIT
# A provisioning command that never answers in time: the driver must kill it after the timeout.
cat >/dev/null
exec sleep 30
