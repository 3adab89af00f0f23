/* SPDX-License-Identifier: MIT */
/* Periodic review campaigns (R2.7). */
#include "svc/env.h"
