/* SPDX-License-Identifier: MIT */
/* Application kinds, states and transitions (see application.h). */
#include "core/application.h"
