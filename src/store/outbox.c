/* SPDX-License-Identifier: MIT */
/* Typed store operations for the mail outbox and the operator's blocklist (R2.8, R5.5). */
#include "store/store.h"
