/* SPDX-License-Identifier: MIT */
/* Typed store operations for inactivity, departures and organisations ending their use (R2.4, R2.6,
 * R2.9). */
#include "store/store.h"
