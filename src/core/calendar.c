/* SPDX-License-Identifier: MIT */
/* Japan's administrative calendar (see calendar.h). */
#include "core/calendar.h"
