/* SPDX-License-Identifier: MIT */
/* Typed store operations for applications, their history and identity declarations (S1, R2.1,
 * R2.2). */
#include "store/store.h"
