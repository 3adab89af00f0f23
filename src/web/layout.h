/* SPDX-License-Identifier: MIT */
/* The page frame every HTML page uses (header, language switch, navigation, main, footer) and
 * the shared components (form fields with their error summary, alerts, badges, tables,
 * definition lists, pagination). Everything is written through web/html.h, so every string
 * argument below is escaped here: pass plain text, never markup. Class names are those of
 * static/gcas.css. No inline script or style anywhere (the CSP forbids both). */
#ifndef GCAS_WEB_LAYOUT_H
#define GCAS_WEB_LAYOUT_H

#include <stddef.h>
#include "base/buf.h"

enum lang { LANG_JA, LANG_EN };

/* Pick the string for l: Japanese first, English available. */
static inline const char *tr(enum lang l, const char *ja, const char *en)
{
	return l == LANG_EN ? en : ja;
}

/* Where the header's sign-out form posts, and the name of the CSRF form field that form_csrf
 * writes. The router and the CSRF check must use the same values. */
#define PAGE_SIGNOUT_ACTION "/signout"
#define FORM_CSRF_FIELD     "csrf"

struct nav_item {
	const char *href; /* same-origin path, e.g. "/accounts" */
	const char *ja, *en;
};

struct page_ctx {
	enum lang lang;
	const char *title_ja,
	    *title_en;              /* <title> is "<title> | GCAS"; the page writes its own h1 */
	const char *path_and_query; /* this request's path, for the language switch link */
	const char *user_name;      /* NULL when signed out: no user box, no sign-out */
	const char *role_label;     /* already in the page's language */
	const char *csrf;           /* for the sign-out form */
	const struct nav_item *nav; /* NULL/0: no navigation (sign-in pages) */
	size_t nnav;
	const char *active_href; /* the nav item with this href gets aria-current="page" */
	const char *flash_kind;  /* "info" | "success" | "warning" | "error"; NULL: no alert */
	const char *flash_msg;
};

/* Write everything from <!doctype html> to the opening <main id="main">: html lang, viewport,
 * the two stylesheets, the favicon, a skip link, the header (service name, language switch to
 * the same page with lang=ja|en, the signed-in user's name and role with a sign-out button),
 * the navigation, and the flash alert if any. The page then writes its <h1> and content and
 * calls page_end. Errors are sticky in b->failed. */
void page_begin(struct buf *b, const struct page_ctx *p);
/* Close <main> and write the footer and the closing tags. */
void page_end(struct buf *b, const struct page_ctx *p);

/* Build the language-switch URL for path_and_query: the same path and query with every lang=
 * parameter removed and lang=<code> appended; the fragment is dropped. Anything that is not a
 * same-origin path gives "/?lang=<code>". out is reset first; the caller owns it. */
void page_lang_url(struct buf *out, const char *path_and_query, enum lang target);

/* --- forms (GOV.UK / Digital Agency pattern: label above input, hint, error) -------------- */

struct field_error {
	const char *field; /* the field's name, which is also its id */
	const char *msg;
};

/* The error summary at the top of a form: a role="alert" box titled with the number of
 * problems, linking each message to #field. Nothing is written when n == 0. */
void form_error_summary(struct buf *b, enum lang l, const struct field_error *e, size_t n);
/* The message for field in e[0..n), or NULL. */
const char *form_error_for(const struct field_error *e, size_t n, const char *field);

struct form_option {
	const char *value;
	const char *label;
};

/* One form control with its label, hint and error, for form_field. */
struct form_field {
	const char *name;  /* also the id (error summary links to #name); required */
	const char *type;  /* input type ("text" when NULL), or "textarea", "select", "radio",
	                      "checkbox" (a single box whose value is "1") */
	const char *label; /* required; a legend for "radio" */
	const char *hint;  /* NULL: none; referenced by aria-describedby */
	const char *value; /* current value; for select/radio the selected option's value;
	                      for checkbox non-NULL and non-empty means checked */
	const char *error; /* NULL: none; sets aria-invalid="true" */
	int required;      /* shows a text marker (必須 / Required) and sets required */
	const char *autocomplete; /* e.g. "email", "one-time-code"; NULL: none */
	const char *inputmode;    /* e.g. "numeric"; NULL: none */
	int maxlength;            /* 0: none */
	int width_chars;          /* 0: full width; else a narrow input about this many chars */
	int monospace;            /* large spaced monospace text, for one-time codes */
	const struct form_option *options; /* select and radio */
	size_t noptions;
};

/* Write one field in the page's language (markers and the error prefix are translated). */
void form_field(struct buf *b, enum lang l, const struct form_field *f);

/* Shorthand for form_field with type input, Japanese markers. */
void form_input(struct buf *b, const char *name, const char *type, const char *label,
                const char *hint, const char *value, const char *error, int required,
                const char *autocomplete);
/* Shorthand for form_field with type "select", Japanese markers. */
void form_select(struct buf *b, const char *name, const char *label, const char *hint,
                 const struct form_option *opts, size_t nopts, const char *selected,
                 const char *error, int required);
/* <input type="hidden" name="csrf" value="token">. NULL token writes nothing. */
void form_csrf(struct buf *b, const char *token);
/* A submit button; kind is "primary" (default when NULL or unknown), "secondary" or "danger". */
void form_submit(struct buf *b, const char *label, const char *kind);

/* --- components ---------------------------------------------------------------------------- */

/* An alert box. kind: "info" | "success" | "warning" | "error" (default "info"); error and
 * warning get role="alert", the others role="status". title may be NULL. */
void ui_alert(struct buf *b, enum lang l, const char *kind, const char *title, const char *msg);
/* A status badge: kind is "neutral" | "info" | "success" | "warning" | "error". */
void ui_badge(struct buf *b, const char *kind, const char *text);

/* A table inside a horizontally scrollable, keyboard-focusable region labelled by its caption
 * (WCAG 1.3.1, 2.1.1). Write rows with html_printf("<tr><td>%s</td>...") between the calls. */
void ui_table_begin(struct buf *b, const char *id, const char *caption, const char *const *headers,
                    size_t nheaders);
void ui_table_end(struct buf *b);

/* A definition-list detail view: begin, one row per term/value, end. */
void ui_dl_begin(struct buf *b);
void ui_dl_row(struct buf *b, const char *term, const char *value);
void ui_dl_end(struct buf *b);

/* Pagination: previous / page numbers / next. base_href is a same-origin path (with or without
 * a query); "page=N" is appended with '?' or '&'. Nothing is written when npages <= 1. */
void ui_pagination(struct buf *b, enum lang l, const char *base_href, int page, int npages);

/* The TOTP enrolment box (RFC 6238 app set-up): the otpauth:// URI as a QR code drawn as inline
 * SVG (libqrencode, ECC level M, 4-module quiet zone, black on white whatever the theme), and
 * beside it the base32 secret in groups of four for manual entry. Returns 0, or -1 when the URI
 * does not fit a QR code (the manual key is still written). Neither argument is kept. */
int ui_qr_box(struct buf *b, enum lang l, const char *otpauth_uri, const char *secret_b32);

#endif
