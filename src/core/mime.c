/* SPDX-License-Identifier: MIT */
/* MIME encoding of Japanese mail (see mime.h). */
#include "core/mime.h"
