/* SPDX-License-Identifier: MIT */
/* Helpers shared by the management pages (organisations, accounts, groups, audit, settings):
 * times in Japan time, opaque list cursors, links with query strings, one-shot confirmations
 * after a redirect, the standard form controls, and the two enrolment pages of page_auth.c. */
#ifndef GCAS_WEB_PAGE_SHARED_H
#define GCAS_WEB_PAGE_SHARED_H

#include "web/web.h"

/* Defined in page_auth.c: the TOTP enrolment page posting to action (error may be NULL), and
 * the page showing freshly issued recovery codes once. */
void enrol_page(struct web_ctx *c, const char *action, const char *error);
void recovery_page(struct web_ctx *c, char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE]);

/* t as "2026-11-26 20:48" Japan time, or "" when t is 0 ("never"). Arena-allocated. */
const char *pages_jst(struct web_ctx *c, int64_t t);

/* The opaque ?cursor= value for the store's page.next (base64url, RFC 4648 §5), or NULL when
 * next is NULL. Arena-allocated. */
const char *pages_cursor_out(struct web_ctx *c, const char *next);
/* Decode ?cursor= into *after (NULL when absent). Returns 0, or -1 when it is malformed. */
int pages_cursor_in(struct web_ctx *c, const char **after);

/* path with the query built from key/value string pairs ending in NULL; pairs whose value is
 * NULL or "" are left out, values are percent-encoded (RFC 3986 §2.1). Arena-allocated; "/"
 * when out of memory. */
const char *pages_url(struct web_ctx *c, const char *path, ...) __attribute__((sentinel));

/* A "next page" link to href (built with pages_url); nothing when href is NULL. */
void pages_next_link(struct web_ctx *c, const char *href);

/* One-shot confirmations after POST-redirect-GET: ?done=<code> picks one of these fixed
 * messages (nothing from the query string is shown). */
struct pages_done {
	const char *code, *ja, *en;
};
/* Start the page frame with the success alert for ?done= when it matches one of d[0..n). */
void pages_begin(struct web_ctx *c, const char *title_ja, const char *title_en,
                 const struct pages_done *d, size_t n);

/* One labelled control (see struct form_field); type NULL = text. */
void pages_field(struct web_ctx *c, const struct form_field *f);

/* <form method="post" action="..." novalidate> with the session's CSRF field. class_name may be
 * NULL. The caller closes it with html_lit(b, "</form>"). */
void pages_form_begin(struct web_ctx *c, const char *action, const char *class_name);

/* Order e[0..n) as the fields appear on the form (names in order[0..norder)), so the error
 * summary reads top to bottom like the form; unknown fields go last. Stable. */
void pages_sort_errors(struct field_error *e, size_t n, const char *const *order, size_t norder);

/* A GET search form whose fields sit side by side (a grid, so the list stays in view):
 * pages_filter_begin opens it, the page writes its fields, pages_filter_end adds the submit
 * button labelled label and closes it. */
void pages_filter_begin(struct web_ctx *c, const char *action);
void pages_filter_end(struct web_ctx *c, const char *label);

/* "family given" for an account, arena-allocated. */
const char *pages_person(struct web_ctx *c, const char *family, const char *given);

/* Badge kind for an account status ("success" active, "info" pending, ...). */
const char *pages_status_kind(enum account_status s);
/* Write an account status badge in the page's language. */
void pages_status_badge(struct web_ctx *c, enum account_status s);

/* 1 when the viewer may issue an account of role r in organisation o: the role must live in
 * that kind of organisation (R1.2) and the matrix must allow the certification (R1.1). Used
 * only to decide what a page offers; the use case decides again. */
int pages_can_create_account(const struct web_ctx *c, const struct org *o, enum role r);

/* Parse "YYYY-MM-DD" as midnight Japan time (UTC+9, no DST) at the start of that day.
 * Returns 0 and *out, or -1 when s is not a real calendar date between 2000 and 2999. */
int pages_parse_date_jst(const char *s, int64_t *out);

#endif
