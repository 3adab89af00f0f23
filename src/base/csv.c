/* SPDX-License-Identifier: MIT */
/* RFC 4180 CSV reader with bounds (see csv.h). */
#include "base/csv.h"
