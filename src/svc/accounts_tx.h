/* SPDX-License-Identifier: MIT */
/* In-transaction account steps shared by the direct use cases (svc/accounts.c) and application
 * fulfilment (svc/applications.c), so an account is issued, changed, suspended, re-enabled or
 * deleted the same way whichever path asks. The caller has authorised and runs the transaction;
 * each step writes its own audit record into it. */
#ifndef GCAS_SVC_ACCOUNTS_TX_H
#define GCAS_SVC_ACCOUNTS_TX_H

#include "svc/accounts.h"

/* Validate a person's address and names (R2.8 personal address; names, readings). Readings are
 * normalised to katakana in place (new strings in a); the normalised address goes to email_out.
 * Field errors are added to ve. Does not look in the database. */
void account_check_person(struct arena *a, struct account_input *in, struct verrs *ve,
                          char *email_out, size_t email_cap);

/* Load org_id into *o and check that role lives in that kind of organisation (R1.2).
 * Unknown org or wrong kind: a field error in ve ("org_id" / "role") and GCAS_ERR_INVALID. */
enum gcas_err account_org_for_role(struct db *db, struct arena *a, const char *org_id,
                                   enum role role, struct org *o, struct verrs *ve);

struct account_new {
	const struct account_input *in; /* validated names (role and org_id are not read) */
	enum role role;
	const struct org *org;      /* from account_org_for_role */
	const char *email;          /* normalised */
	int64_t email_verified_at;  /* 0: unverified until the set-up link is used */
	const char *password_hash;  /* NULL: set with the set-up link */
	const char **setup_link;    /* non-NULL: a set-up link is created, raw token stored here */
	int mail_setup;             /* with setup_link: also mail it to the address */
	const char *audit_action;   /* "account.create", "account.bootstrap" */
	const char *application_id; /* the application fulfilled, recorded in the audit detail */
};
/* Insert the account (status pending), add it to its PMO / system group (別表2 ②), create (and
 * mail) the set-up link, and audit. An address already in use: field error "email" and
 * GCAS_ERR_CONFLICT. *out receives the account (strings in a). */
enum gcas_err account_create_tx(struct db *db, const struct env *env, const struct actor *ac,
                                struct arena *a, const struct account_new *nw, struct account *out,
                                struct verrs *ve);

/* Change acc->id's status. Disable and delete end its sessions, API tokens and links (delete
 * also its memberships); enable goes back to active (pending if never activated) with a fresh
 * inactivity period (R2.4). Wrong starting state (enable of a non-disabled account, disable of
 * a disabled one): a message in ve (may be NULL) and GCAS_ERR_CONFLICT. acc is the account as
 * read in this transaction. application_id (may be NULL) goes into the audit detail. */
enum gcas_err account_status_tx(struct db *db, const struct actor *ac, struct arena *a,
                                const struct account *acc, enum account_op op, const char *reason,
                                const char *application_id, struct verrs *ve);

/* Fulfil a change (R2.5): upd carries the account's new names and role; upd->pending_email, when
 * set, is a new address that waits for its verification link (mailed here, R2.8). Audited as
 * account.update. NOTFOUND when the account was deleted. */
enum gcas_err account_change_tx(struct db *db, const struct env *env, const struct actor *ac,
                                struct arena *a, const struct account *upd,
                                const char *application_id);

#endif
