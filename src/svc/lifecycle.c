/* SPDX-License-Identifier: MIT */
/* Inactivity, departures, organisations ending their use. */
#include "svc/lifecycle.h"
