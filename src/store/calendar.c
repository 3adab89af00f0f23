/* SPDX-License-Identifier: MIT */
/* Typed store operations for imported national holidays (R2.10). */
#include "store/store.h"
