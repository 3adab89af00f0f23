/* SPDX-License-Identifier: MIT */
/* Shared by the BreakGlass pages (issue 4 §6): the request page's body, rendered by the
 * listener (page_bg_request.c, with the actions its reader may take) and read-only by the main
 * server (page_breakglass.c). */
#ifndef GCAS_WEB_PAGE_BG_H
#define GCAS_WEB_PAGE_BG_H

#include "svc/breakglass.h"
#include "web/web.h"

/* Badge kind for a request's state. */
const char *bg_badge_kind(enum bg_state s);
/* "AWS gcas-local-123456789012" for a request's or registration's environment (arena). */
const char *bg_env_text(struct web_ctx *c, const char *csp, const char *external_id,
                        const char *environment_id);
/* The request's details and history (no actions, no page frame). */
void bg_request_details(struct web_ctx *c, const struct bg_request *r, const struct bg_event *ev,
                        size_t nev);
/* A table of requests; href_prefix + id links each ("/requests/" or "/breakglass/requests/"). */
void bg_request_table(struct web_ctx *c, const char *id, const char *caption,
                      const struct bg_request *v, size_t n, const char *href_prefix);

#endif
