/* SPDX-License-Identifier: MIT */
/* Typed store operations for periodic review campaigns (R2.7). */
#include "store/store.h"
