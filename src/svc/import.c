/* SPDX-License-Identifier: MIT */
/* Bulk onboarding (issue 3 §8): read a CSV file of people (docs/import.md), turn each row into a
 * "create" application through app_create_tx, all in one transaction, and collect every row's
 * refusal. All or nothing: a single refused row rolls the whole file back, so a manager never has
 * to work out which half of a file went in. */
#include "svc/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/utf8.h"
#include "svc/audit.h"

enum col {
	COL_EMAIL,
	COL_FAMILY_NAME,
	COL_GIVEN_NAME,
	COL_FAMILY_KANA,
	COL_GIVEN_KANA,
	COL_ROLE,
	COL_ORG,
	COL_VERIFIED_ON,
	COL_SCOPE,
	COL_SYSTEM_NAME,
	COL_NDA,
	COL_REASON,
	COL__MAX
};

/* The columns, by English and Japanese header; field is the name app_create_tx gives the same
 * input in its field errors, so its messages land on the right column. system_name and nda are
 * needed only for contractors (R2.1, 2.2.1): app_create_tx says so per row. */
static const struct {
	const char *en, *ja, *field;
	int required;
} cols[COL__MAX] = {
    [COL_EMAIL] = {"email", "メールアドレス", "email", 1},
    [COL_FAMILY_NAME] = {"family_name", "姓", "family_name", 1},
    [COL_GIVEN_NAME] = {"given_name", "名", "given_name", 1},
    [COL_FAMILY_KANA] = {"family_kana", "姓カナ", "family_kana", 1},
    [COL_GIVEN_KANA] = {"given_kana", "名カナ", "given_kana", 1},
    [COL_ROLE] = {"role", "ロール", "role", 1},
    [COL_ORG] = {"org", "組織", "org_id", 1},
    [COL_VERIFIED_ON] = {"verified_on", "本人確認日", "verified_on", 1},
    [COL_SCOPE] = {"scope", "確認範囲", "scope", 1},
    [COL_SYSTEM_NAME] = {"system_name", "システム名", "system_name", 0},
    [COL_NDA] = {"nda", "守秘義務", "nda_confirmed", 0},
    [COL_REASON] = {"reason", "理由", "reason", 1},
};

#define COL_IGNORED                                                                                \
	(-1) /* a column with an empty header (spreadsheets add them): must be empty               \
	      */

struct row {
	size_t line;
	const char *v[COL__MAX]; /* trimmed; "" when the column is absent */
	int skip;                /* refused before the transaction: not given to app_create_tx */
};

struct job {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	struct import_report *rep;
	int dry_run;
	import_progress_fn progress;
	void *progress_ctx;
	/* the file */
	const char *header[CSV_MAX_FIELDS]; /* header names as written, for messages */
	int col_of[CSV_MAX_FIELDS];         /* file column → enum col or COL_IGNORED */
	size_t ncols;
	size_t header_line;
	struct row *rows;
	size_t nrows, rows_cap;
	size_t ncap;    /* refusals capacity */
	size_t nparsed; /* refusals found before the transaction (kept across retries) */
	size_t denied;  /* rows refused by the permission matrix */
	const char *denied_org, *denied_agency;
	int file_bad; /* the file as a whole was refused: no row is looked at */
};

/* ---- refusals ------------------------------------------------------------------------------ */

static enum gcas_err refuse(struct job *j, size_t line, const char *field, const char *ja,
                            const char *en)
{
	struct import_report *rep = j->rep;
	if (rep->nrefusals == j->ncap) {
		size_t cap = j->ncap ? j->ncap * 2 : 32;
		struct import_refusal *n = arena_alloc(j->a, cap * sizeof(*n));
		if (!n)
			return GCAS_ERR_NOMEM;
		if (rep->nrefusals)
			memcpy(n, rep->refusals, rep->nrefusals * sizeof(*n));
		rep->refusals = n;
		j->ncap = cap;
	}
	/* Copies: app_create_tx's messages may live in the row's scratch arena. */
	struct import_refusal *r = &rep->refusals[rep->nrefusals];
	r->line = line;
	r->field = field ? arena_strdup(j->a, field) : NULL;
	r->ja = arena_strdup(j->a, ja ? ja : "");
	r->en = arena_strdup(j->a, en ? en : "");
	if ((field && !r->field) || !r->ja || !r->en)
		return GCAS_ERR_NOMEM;
	rep->nrefusals++;
	return GCAS_OK;
}

/* A problem with the file as a whole (encoding, header, limits, CSV syntax). */
static enum gcas_err refuse_file(struct job *j, size_t line, const char *ja, const char *en)
{
	j->file_bad = 1;
	return refuse(j, line, NULL, ja, en);
}

/* The column header as the file wrote it (so a file with Japanese headers gets Japanese column
 * names back), or the English name when the column is absent. */
static const char *col_label(const struct job *j, enum col c)
{
	for (size_t i = 0; i < j->ncols; i++)
		if (j->col_of[i] == (int)c)
			return j->header[i];
	return cols[c].en;
}

/* app_create_tx's field name → the column label ("person.email" and "email" both → email). */
static const char *field_label(const struct job *j, const char *field)
{
	if (!field)
		return NULL;
	const char *dot = strrchr(field, '.');
	const char *base = dot ? dot + 1 : field;
	for (int c = 0; c < COL__MAX; c++)
		if (strcmp(base, cols[c].field) == 0 || strcmp(base, cols[c].en) == 0)
			return col_label(j, (enum col)c);
	return field;
}

/* A refusal with its position in the order found, so that sorting by line keeps that order
 * within a line (qsort is not stable). */
struct ordered {
	struct import_refusal r;
	size_t i;
};

static int by_line(const void *x, const void *y)
{
	const struct ordered *a = x, *b = y;
	if (a->r.line != b->r.line)
		return a->r.line < b->r.line ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void report_finish(struct job *j)
{
	struct import_report *rep = j->rep;
	struct ordered *t =
	    rep->nrefusals > 1 ? arena_alloc(j->a, rep->nrefusals * sizeof(*t)) : NULL;
	if (t) {
		for (size_t i = 0; i < rep->nrefusals; i++)
			t[i] = (struct ordered){rep->refusals[i], i};
		qsort(t, rep->nrefusals, sizeof(*t), by_line);
		for (size_t i = 0; i < rep->nrefusals; i++)
			rep->refusals[i] = t[i].r;
	}
	rep->refused_rows = 0;
	size_t last = 0;
	for (size_t i = 0; i < rep->nrefusals; i++) {
		size_t l = rep->refusals[i].line;
		if (l > j->header_line && l != last)
			rep->refused_rows++;
		last = l;
	}
}

/* ---- reading the file ---------------------------------------------------------------------- */

static int header_match(const char *h, enum col c)
{
	return str_ieq(h, cols[c].en) || strcmp(h, cols[c].ja) == 0;
}

/* Map the header row to columns. Unknown and missing columns are refused together, each list
 * naming them, so one correction fixes the file. */
static enum gcas_err read_header(struct job *j, const struct csv_row *r)
{
	char unknown[512] = "", missing_ja[512] = "", missing_en[512] = "";
	int seen[COL__MAX] = {0};
	enum gcas_err e = GCAS_OK;
	j->ncols = r->n;
	j->header_line = r->line;
	for (size_t i = 0; i < r->n; i++) {
		char *h = arena_strdup(j->a, r->f[i]);
		if (!h)
			return GCAS_ERR_NOMEM;
		j->header[i] = str_trim(h);
		j->col_of[i] = COL_IGNORED;
		if (!*j->header[i])
			continue;
		int c = 0;
		while (c < COL__MAX && !header_match(j->header[i], (enum col)c))
			c++;
		if (c == COL__MAX) {
			size_t u = strlen(unknown);
			snprintf(unknown + u, sizeof(unknown) - u, "%s%s", u ? ", " : "",
			         j->header[i]);
			continue;
		}
		if (seen[c]++) {
			e = refuse(j, r->line, j->header[i], "同じ列が2回あります",
			           "This column appears twice");
			if (e)
				return e;
		}
		j->col_of[i] = c;
	}
	for (int c = 0; c < COL__MAX; c++) {
		if (!cols[c].required || seen[c])
			continue;
		size_t u = strlen(missing_ja), v = strlen(missing_en);
		snprintf(missing_ja + u, sizeof(missing_ja) - u, "%s%s（%s）", u ? "、" : "",
		         cols[c].ja, cols[c].en);
		snprintf(missing_en + v, sizeof(missing_en) - v, "%s%s", v ? ", " : "", cols[c].en);
	}
	if (*unknown)
		e = refuse(j, r->line, NULL, arena_printf(j->a, "不明な列があります: %s", unknown),
		           arena_printf(j->a, "Unknown columns: %s", unknown));
	if (!e && *missing_ja)
		e = refuse(j, r->line, NULL,
		           arena_printf(j->a, "必須の列がありません: %s", missing_ja),
		           arena_printf(j->a, "Required columns are missing: %s", missing_en));
	if (j->rep->nrefusals)
		j->file_bad = 1;
	return e;
}

static enum gcas_err add_row(struct job *j, const struct csv_row *r)
{
	if (j->nrows == j->rows_cap) {
		size_t cap = j->rows_cap ? j->rows_cap * 2 : 64;
		struct row *n = arena_alloc(j->a, cap * sizeof(*n));
		if (!n)
			return GCAS_ERR_NOMEM;
		if (j->nrows)
			memcpy(n, j->rows, j->nrows * sizeof(*n));
		j->rows = n;
		j->rows_cap = cap;
	}
	struct row *row = &j->rows[j->nrows++];
	memset(row, 0, sizeof(*row));
	row->line = r->line;
	for (int c = 0; c < COL__MAX; c++)
		row->v[c] = "";
	if (r->n != j->ncols) {
		/* RFC 4180 §2: every record has the same number of fields as the header. */
		row->skip = 1;
		return refuse(
		    j, r->line, NULL,
		    arena_printf(j->a, "列の数（%zu）が見出し行（%zu）と違います", r->n, j->ncols),
		    arena_printf(j->a, "The row has %zu columns; the header row has %zu", r->n,
		                 j->ncols));
	}
	for (size_t i = 0; i < r->n; i++) {
		char *v = (char *)r->f[i]; /* the reader's copy in our arena */
		str_trim(v);
		if (j->col_of[i] != COL_IGNORED) {
			row->v[j->col_of[i]] = v;
			continue;
		}
		if (*v) {
			row->skip = 1;
			enum gcas_err e = refuse(j, r->line, NULL, "見出しのない列に値があります",
			                         "A column without a header holds a value");
			if (e)
				return e;
		}
	}
	return GCAS_OK;
}

/* Two rows for one address would make two applications for one person: the later row is
 * refused, naming the earlier. Sorted copy, so 10,000 rows stay cheap. */
struct email_ref {
	const char *email;
	size_t idx;
};

static int by_email(const void *x, const void *y)
{
	const struct email_ref *a = x, *b = y;
	int c = strcasecmp(a->email, b->email);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static enum gcas_err check_duplicates(struct job *j)
{
	if (j->nrows < 2)
		return GCAS_OK;
	struct email_ref *t = arena_alloc(j->a, j->nrows * sizeof(*t));
	size_t n = 0;
	if (!t)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < j->nrows; i++)
		if (*j->rows[i].v[COL_EMAIL])
			t[n++] = (struct email_ref){j->rows[i].v[COL_EMAIL], i};
	qsort(t, n, sizeof(*t), by_email);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		while (first > 0 && strcasecmp(t[first - 1].email, t[i].email) == 0)
			first--;
		if (strcasecmp(t[first].email, t[i].email) != 0)
			continue;
		struct row *row = &j->rows[t[i].idx];
		size_t other = j->rows[t[first].idx].line;
		row->skip = 1;
		enum gcas_err e =
		    refuse(j, row->line, col_label(j, COL_EMAIL),
		           arena_printf(j->a, "%zu行目と同じメールアドレスです", other),
		           arena_printf(j->a, "The same email address as line %zu", other));
		if (e)
			return e;
	}
	return GCAS_OK;
}

static enum gcas_err read_file(struct job *j, const char *data, size_t len)
{
	struct csv c;
	struct csv_row r;
	char why[256];
	int got_header = 0, rc;
	enum gcas_err e;
	csv_init(&c, data, len);
	while ((rc = csv_next(&c, j->a, &r, why, sizeof(why))) == 1) {
		if (!got_header) {
			got_header = 1;
			if ((e = read_header(j, &r)) || j->file_bad)
				return e;
			continue;
		}
		if (j->nrows == IMPORT_MAX_ROWS)
			return refuse_file(j, r.line, "行数が上限（10,000行）を超えています",
			                   "The file has more than 10,000 rows");
		if ((e = add_row(j, &r)))
			return e;
	}
	if (rc < 0)
		/* The reader cannot resynchronise after a broken quote: stop at the first. */
		return refuse_file(j, c.line, why, why);
	if (!got_header)
		return refuse_file(j, 0, "ファイルが空です（見出し行が必要です）",
		                   "The file is empty (a header row is required)");
	if (!j->nrows)
		return refuse_file(j, j->header_line, "データ行がありません",
		                   "The file has no data rows");
	return check_duplicates(j);
}

/* ---- one row ------------------------------------------------------------------------------- */

/* A role by storage name or by its label in either language (core/roles.h). */
static const char *role_value(const char *s)
{
	if (role_parse(s) >= 0)
		return s;
	for (int r = 0; r < ROLE__MAX; r++)
		if (strcmp(s, role_label((enum role)r, 0)) == 0 ||
		    str_ieq(s, role_label((enum role)r, 1)))
			return role_name((enum role)r);
	return s; /* app_create_tx refuses it with its own message */
}

/* 2.2.1: the identity check's scope, by storage name or its Japanese name. */
static const char *scope_value(const char *s)
{
	if (strcmp(s, "政府職員") == 0)
		return "gov_admin";
	if (strcmp(s, "委託先") == 0)
		return "contractor_nda";
	return s;
}

/* yes/no/はい/いいえ/1/0 (empty: no). -1 when none of these. */
static int nda_value(const char *s)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "はい", "済"};
	static const char *const no[] = {"", "no", "n", "false", "0", "いいえ"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (str_ieq(s, yes[i]) || strcmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (str_ieq(s, no[i]) || strcmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* The organisation by id or by its code ("digital", "131016"). */
static enum gcas_err org_lookup(struct db *db, struct arena *a, const char *s, struct org *o)
{
	enum gcas_err e = store_org_get(db, a, s, o);
	if (e == GCAS_ERR_NOTFOUND)
		e = store_org_get_by_code(db, a, s, o);
	return e;
}

/* The row's field errors from app_create_tx, except those of field skip (NULL: none). */
static enum gcas_err row_refusals(struct job *j, const struct row *row, const struct verrs *ve,
                                  const char *skip)
{
	enum gcas_err e = GCAS_OK;
	for (size_t i = 0; i < ve->n && !e; i++) {
		if (skip && ve->e[i].field && strcmp(ve->e[i].field, skip) == 0)
			continue;
		e = refuse(j, row->line, field_label(j, ve->e[i].field), ve->e[i].ja, ve->e[i].en);
	}
	return e;
}

static enum gcas_err import_row(struct db *db, struct job *j, const struct row *row,
                                struct arena *ra)
{
	struct org o;
	struct verrs ve = {0};
	struct application app;
	int nda = nda_value(row->v[COL_NDA]);
	enum gcas_err e;
	if (nda < 0 && (e = refuse(j, row->line, col_label(j, COL_NDA),
	                           "はい・いいえ（yes・no、1・0）のどれかを入力してください",
	                           "Enter yes or no (はい / いいえ, 1 / 0)")))
		return e;
	int no_org = 1;
	if (!*row->v[COL_ORG]) {
		e = refuse(j, row->line, col_label(j, COL_ORG), "組織を入力してください",
		           "Enter the organisation (its code or id)");
	} else if ((e = org_lookup(db, ra, row->v[COL_ORG], &o)) == GCAS_ERR_NOTFOUND) {
		e = refuse(j, row->line, col_label(j, COL_ORG), "組織が見つかりません",
		           "The organisation was not found");
	} else {
		no_org = 0;
	}
	if (e)
		return e;
	struct app_input in = {.kind = "create",
	                       .person = {.email = row->v[COL_EMAIL],
	                                  .family_name = row->v[COL_FAMILY_NAME],
	                                  .given_name = row->v[COL_GIVEN_NAME],
	                                  .family_kana = row->v[COL_FAMILY_KANA],
	                                  .given_kana = row->v[COL_GIVEN_KANA],
	                                  .role = role_value(row->v[COL_ROLE]),
	                                  .org_id = no_org ? "" : o.id},
	                       .reason = row->v[COL_REASON],
	                       .verified_on = row->v[COL_VERIFIED_ON],
	                       .scope = scope_value(row->v[COL_SCOPE]),
	                       .system_name =
	                           *row->v[COL_SYSTEM_NAME] ? row->v[COL_SYSTEM_NAME] : NULL,
	                       .nda_confirmed = nda > 0,
	                       .import_id = j->rep->import_id};
	e = app_create_tx(db, j->env, j->ac, ra, &in, &app, &ve);
	if (no_org)
		/* Refused already: still report what else is wrong with the row, so one pass over
		 * the report fixes the file, but not the organisation a second time. */
		return e == GCAS_OK || e == GCAS_ERR_INVALID || e == GCAS_ERR_DENIED ||
		               e == GCAS_ERR_CONFLICT
		           ? row_refusals(j, row, &ve, "org_id")
		           : e;
	if (e == GCAS_OK) {
		j->rep->created++;
		return GCAS_OK;
	}
	if (e == GCAS_ERR_DENIED) {
		if (!j->denied++) {
			j->denied_org = arena_strdup(j->a, o.id);
			j->denied_agency = o.agency_id ? arena_strdup(j->a, o.agency_id) : NULL;
		}
		return refuse(j, row->line, col_label(j, COL_ORG), "この組織の申請権限がありません",
		              "You may not apply for this organisation");
	}
	if (e == GCAS_ERR_INVALID || (e == GCAS_ERR_CONFLICT && ve.n))
		return ve.n ? row_refusals(j, row, &ve, NULL)
		            : refuse(j, row->line, NULL, "この行は受け付けられません",
		                     "This row was refused");
	if (e == GCAS_ERR_CONFLICT)
		return refuse(j, row->line, NULL, "同じ内容の申請が既にあります",
		              "An application like this one is already open");
	return e;
}

/* ---- the transaction ----------------------------------------------------------------------- */

static enum gcas_err import_tx(struct db *db, void *ctx)
{
	struct job *j = ctx;
	struct import_report *rep = j->rep;
	enum gcas_err e = GCAS_OK;
	/* store_tx may run this again after a busy rollback: start from the parse results. */
	rep->nrefusals = j->nparsed;
	rep->created = 0;
	j->denied = 0;
	for (size_t i = 0; i < j->nrows && !e; i++) {
		/* A scratch arena per row: 10,000 applications' records would not fit one cap. */
		struct arena *ra = arena_new(0);
		if (!ra)
			return GCAS_ERR_NOMEM;
		if (!j->rows[i].skip)
			e = import_row(db, j, &j->rows[i], ra);
		arena_free(ra);
		if (j->progress)
			j->progress(j->progress_ctx, i + 1, j->nrows);
	}
	if (e)
		return e;
	/* All or nothing; a dry run never keeps anything. INVALID rolls back; the caller tells
	 * the two apart by the report. */
	if (rep->nrefusals || j->dry_run)
		return GCAS_ERR_INVALID;
	char *detail = arena_printf(j->a, "{\"rows\":%zu,\"created\":%zu}", j->nrows, rep->created);
	if (!detail)
		return GCAS_ERR_NOMEM;
	struct audit_event ev = {"import.accounts",     "import", rep->import_id,
	                         j->ac->subj.agency_id, NULL,     detail};
	return audit_append(db, j->a, j->ac, &ev);
}

enum gcas_err svc_import_accounts(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *data, size_t len, int dry_run,
                                  import_progress_fn progress, void *progress_ctx,
                                  struct import_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->dry_run = dry_run;
	/* The applicant is a person (the applications are theirs) whose role may apply. */
	if (!ac->acc || !policy_role_can(ac->subj.role, ACT_APP_APPLY))
		return audit_denied(env, ac, ACT_APP_APPLY, "import", NULL, NULL);
	struct job *j = arena_alloc(a, sizeof(*j));
	if (!j)
		return GCAS_ERR_NOMEM;
	*j = (struct job){.env = env,
	                  .ac = ac,
	                  .a = a,
	                  .rep = rep,
	                  .dry_run = dry_run,
	                  .progress = progress,
	                  .progress_ctx = progress_ctx};
	enum gcas_err e;
	if (len > IMPORT_MAX_BYTES)
		e = refuse_file(j, 0, "ファイルが大きすぎます（上限16MB）",
		                "The file is too large (at most 16 MB)");
	else if (!utf8_valid_text(data ? data : "", data ? len : 0))
		/* Excel's plain "CSV" is Shift_JIS on Japanese Windows: say how to fix it. */
		e = refuse_file(
		    j, 0,
		    "UTF-8のCSVではありません。Excelでは「CSV UTF-8（コンマ区切り）」で保存"
		    "してください",
		    "The file is not UTF-8 CSV. In Excel, save as \"CSV UTF-8 (Comma "
		    "delimited)\"");
	else
		e = read_file(j, data, len);
	if (e)
		return e;
	rep->rows = j->nrows;
	if (j->file_bad) {
		/* Nothing can be read row by row from a file that is not a table we understand. */
		report_finish(j);
		return GCAS_ERR_INVALID;
	}
	if (rand_id(rep->import_id))
		return GCAS_ERR_INTERNAL;
	j->nparsed = rep->nrefusals;
	e = store_tx(env->st, import_tx, j);
	report_finish(j);
	if (j->denied)
		audit_denied(env, ac, ACT_APP_APPLY, "org", j->denied_org, j->denied_agency);
	/* import_tx answers INVALID to roll back a clean dry run too. */
	if (e == GCAS_ERR_INVALID && dry_run && !rep->nrefusals)
		e = GCAS_OK;
	rep->committed = e == GCAS_OK && !dry_run;
	if (!rep->committed)
		rep->created = 0;
	return e;
}

/* ---- the CLI's applicant and the template -------------------------------------------------- */

struct applicant_ctx {
	struct arena *a;
	const char *email;
	struct account *acc;
};

static enum gcas_err applicant_tx(struct db *db, void *ctx)
{
	struct applicant_ctx *c = ctx;
	return store_account_get_by_email(db, c->a, c->email, c->acc);
}

enum gcas_err svc_import_applicant(const struct env *env, struct arena *a, const char *email,
                                   struct account *acc, struct actor *out)
{
	char *lower = arena_strdup(a, email ? email : "");
	if (!lower)
		return GCAS_ERR_NOMEM;
	str_lower(lower);
	struct applicant_ctx c = {a, str_trim(lower), acc};
	enum gcas_err e = store_run(env->st, applicant_tx, &c);
	if (e)
		return e;
	if (acc->status != ACCOUNT_ACTIVE || !policy_role_can(acc->role, ACT_APP_APPLY))
		return GCAS_ERR_DENIED;
	*out = (struct actor){0};
	actor_from_account(out, acc);
	out->ip = "cli";
	out->request_id = "cli-import";
	return GCAS_OK;
}

const char *svc_import_template(int english)
{
	/* UTF-8 BOM first: Excel then opens the file as UTF-8 rather than Shift_JIS. */
	if (english)
		return "\xEF\xBB\xBF"
		       "email,family_name,given_name,family_kana,given_kana,role,org,verified_on,"
		       "scope,system_name,nda,reason\r\n"
		       "hanako.yamada@example.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
		       "2025-04-01,gov_admin,,no,New staff member (April transfer)\r\n";
	return "\xEF\xBB\xBF"
	       "メールアドレス,姓,名,姓カナ,名カナ,ロール,組織,本人確認日,確認範囲,システム名,"
	       "守秘義務,理由\r\n"
	       "hanako.yamada@example.go.jp,山田,花子,ヤマダ,ハナコ,利用機関GCAS担当者,digital,"
	       "2025-04-01,政府職員,,いいえ,4月の人事異動による着任\r\n";
}
