/* SPDX-License-Identifier: MIT */
/* Application use cases. */
#include "svc/applications.h"
