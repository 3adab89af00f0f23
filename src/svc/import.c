/* SPDX-License-Identifier: MIT */
/* Bulk onboarding (issue 3 §8). */
#include "svc/env.h"
