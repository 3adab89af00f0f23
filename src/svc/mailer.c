/* SPDX-License-Identifier: MIT */
/* Delivery of the outbox: SMTP via libcurl or .eml files. */
#include "svc/mail.h"
