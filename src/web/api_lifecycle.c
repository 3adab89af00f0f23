/* SPDX-License-Identifier: MIT */
/* Handlers: to be written. */
#include "web/handlers.h"
