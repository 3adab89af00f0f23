/* SPDX-License-Identifier: MIT */
/* The local cloud console's SAML service provider (page_local_cloud_saml.c), as the console
 * page (page_local_cloud.c) uses it. */
#ifndef GCAS_WEB_PAGE_LOCAL_CLOUD_SAML_H
#define GCAS_WEB_PAGE_LOCAL_CLOUD_SAML_H

#include "web/web.h"

/* Write who is signed in to the console of local cloud account cloud_id (from its own session
 * cookie) and with which role, or a link to sign in through our IdP when nobody is. */
void local_cloud_console_who(struct web_ctx *c, const char *cloud_id);

#endif
