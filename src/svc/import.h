/* SPDX-License-Identifier: MIT */
/* Bulk onboarding (issue 3 §8): a manager's CSV file of people becomes one "create" application
 * per row, all in one transaction under a shared import id. All or nothing: one refused row and
 * nothing is written, and the report names every refused row with its line, column and reason.
 * The file format is documented in docs/import.md. */
#ifndef GCAS_SVC_IMPORT_H
#define GCAS_SVC_IMPORT_H

#include <stddef.h>

#include "svc/applications.h"

#define IMPORT_MAX_ROWS  10000                 /* data rows in one file */
#define IMPORT_MAX_BYTES (16u * 1024u * 1024u) /* the file itself (the page: also max_body) */

/* One reason a row (or the file) was refused. */
struct import_refusal {
	size_t line;       /* physical line of the record in the file; 0: the file as a whole */
	const char *field; /* the column as named in the file's header row; NULL: the whole row */
	const char *ja, *en;
};

struct import_report {
	char import_id[33];  /* the batch's id (applications carry it); "" before one was made */
	size_t rows;         /* data rows read */
	size_t created;      /* applications written (0 unless committed) */
	size_t refused_rows; /* data rows with at least one refusal */
	struct import_refusal *refusals; /* in the caller's arena, ordered by line */
	size_t nrefusals;
	int committed; /* 1 when the applications were written */
	int dry_run;
};

/* Called after each row is processed (done of total); may be NULL. Runs inside the
 * transaction: keep it cheap (print a progress bar, no store calls). */
typedef void (*import_progress_fn)(void *ctx, size_t done, size_t total);

/* Import data[0..len) (UTF-8 CSV, BOM optional) as applications by ac, who must be a person whose
 * role may apply (ACT_APP_APPLY; otherwise GCAS_ERR_DENIED, audited). Each row goes through
 * app_create_tx, so each is authorised and validated exactly like a single application; a row
 * for an organisation outside the applicant's scope is refused ("この組織の申請権限がありません",
 * and one permission.denied audit record for the import). Returns:
 *   GCAS_OK            committed (rep->committed = 1), or a dry run with no refusal;
 *   GCAS_ERR_INVALID   refused: bad file (encoding, header, limits: IMPORT_MAX_ROWS rows,
 *                      IMPORT_MAX_BYTES bytes) or refused rows; nothing written;
 *   GCAS_ERR_DENIED    the actor may not apply at all;
 *   others             store errors (nothing written).
 * dry_run validates everything the same way and always rolls back. A committed import writes an
 * "import.accounts" audit record with its counts. Everything in rep lives in a (the caller's). */
enum gcas_err svc_import_accounts(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *data, size_t len, int dry_run,
                                  import_progress_fn progress, void *progress_ctx,
                                  struct import_report *rep);

/* The CLI's --as: the active account with this email address (case-insensitive), as an actor
 * (acc receives the account and must outlive the actor). GCAS_ERR_NOTFOUND when there is no such
 * account; GCAS_ERR_DENIED when it is not active or its role may not apply. */
enum gcas_err svc_import_applicant(const struct env *env, struct arena *a, const char *email,
                                   struct account *acc, struct actor *out);

/* A template file: the header row (Japanese or English column names) and one example row,
 * with a UTF-8 BOM so that spreadsheet programs open it as UTF-8. Static text. */
const char *svc_import_template(int english);

#endif
