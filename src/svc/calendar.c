/* SPDX-License-Identifier: MIT */
/* The administrative calendar as the program uses it. */
#include "svc/calendar.h"
