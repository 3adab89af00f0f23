/* SPDX-License-Identifier: MIT */
/* Mail to people: outbox, templates, address rules. */
#include "svc/mail.h"
