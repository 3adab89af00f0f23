/* SPDX-License-Identifier: MIT */
/* Key management: generate a key (sealed before it reaches the database), rotate (see the
 * timeline in signer.h), revoke, list. Runs inside the caller's transaction; the caller audits
 * and calls signer_invalidate again once it has committed. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "signer/internal.h"
#include "store/keys.h"

static enum gcas_err row_state(const struct key_row *r, int64_t now, enum key_state *st)
{
	*st = key_state_at(strcmp(r->state, "destroyed") == 0, r->activate_at, r->retired_at, now);
	return GCAS_OK;
}

/* Bring the state column up to what the times say at now, and erase the private half of
 * retired keys whose publication has ended (nothing they signed is still valid). */
static enum gcas_err normalise(struct db *db, struct arena *a, int64_t now)
{
	struct key_row *rows = NULL;
	size_t n = 0;
	enum gcas_err e = store_key_list(db, a, &rows, &n);
	for (size_t i = 0; !e && i < n; i++) {
		enum key_state st;
		row_state(&rows[i], now, &st);
		if (st == KEY_RETIRED && rows[i].publish_until && now >= rows[i].publish_until)
			e = store_key_destroy(db, rows[i].kid, rows[i].publish_until);
		else if (strcmp(key_state_name(st), rows[i].state) != 0)
			e = store_key_set_state(db, rows[i].kid, key_state_name(st));
	}
	return e;
}

/* Make a key and insert it: pending until activate_at, or active when that is <= now. */
static enum gcas_err insert_new(struct signer *s, struct db *db, int64_t now, enum key_use use,
                                enum key_alg alg, int64_t activate_at, char kid[64])
{
	EVP_PKEY *k = NULL;
	char members[2048], aad[128], cn[256];
	char *pub = NULL, *cert = NULL, *sealed = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	enum gcas_err e = km_generate(alg, &k);
	if (!e)
		e = km_jwk(k, members, sizeof(members), kid);
	if (!e)
		e = km_public_pem(k, &pub);
	if (e)
		goto out;
	if (use == KEY_USE_SAML) {
		pthread_mutex_lock(&s->mu);
		memcpy(cn, s->cn, sizeof(cn));
		pthread_mutex_unlock(&s->mu);
		e = km_saml_cert(k, cn, now, &cert);
		if (e)
			goto out;
	}
	e = km_private_der(k, &der, &der_len);
	if (e)
		goto out;
	key_aad(aad, sizeof(aad), kid, key_use_name(use), key_alg_name(alg));
	e = seal_text(s->kkey, aad, strlen(aad), der, der_len, &sealed);
	if (e)
		goto out;
	struct key_row r = {
	    .kid = kid,
	    .use = key_use_name(use),
	    .alg = key_alg_name(alg),
	    .state = activate_at <= now ? "active" : "pending",
	    .public_pem = pub,
	    .cert_pem = cert,
	    .private_sealed = sealed,
	    .created_at = now,
	    .activate_at = activate_at <= now ? now : activate_at,
	};
	e = store_key_insert(db, &r);
out:
	if (der) {
		sodium_memzero(der, der_len);
		free(der);
	}
	free(pub);
	free(cert);
	free(sealed);
	EVP_PKEY_free(k);
	return e;
}

static int args_ok(enum key_use use, enum key_alg alg)
{
	/* SAML signatures here are RSA only (what Lasso and every SP accept). */
	return (unsigned)use < KEY_USE__MAX && (unsigned)alg < KEY_ALG__MAX &&
	       !(use == KEY_USE_SAML && alg != KEY_ALG_RS256);
}

enum gcas_err signer_key_generate(struct signer *s, struct db *db, int64_t now, enum key_use use,
                                  enum key_alg alg, int64_t activate_at, char kid_out[64])
{
	kid_out[0] = '\0';
	if (!args_ok(use, alg))
		return GCAS_ERR_INVALID;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = insert_new(s, db, now, use, alg, activate_at, kid_out);
	if (!e)
		e = normalise(db, a, now);
	arena_free(a);
	signer_invalidate(s);
	return e;
}

enum gcas_err signer_key_rotate(struct signer *s, struct db *db, int64_t now, enum key_use use,
                                enum key_alg alg, int64_t delay, int64_t grace, char kid_out[64])
{
	kid_out[0] = '\0';
	if (!args_ok(use, alg) || delay < 0 || grace < 0)
		return GCAS_ERR_INVALID;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct key_row *rows = NULL;
	size_t n = 0, active = 0;
	int64_t at = now + delay;
	enum gcas_err e = store_key_list(db, a, &rows, &n);
	for (size_t i = 0; !e && i < n; i++) {
		enum key_state st;
		row_state(&rows[i], now, &st);
		if (strcmp(rows[i].use, key_use_name(use)) ||
		    strcmp(rows[i].alg, key_alg_name(alg)))
			continue;
		if (st == KEY_PENDING)
			e = GCAS_ERR_CONFLICT; /* the previous rotation has not completed */
		active += st == KEY_ACTIVE;
	}
	/* With nothing signing, there is nothing to wait for: the new key signs at once. */
	if (!e)
		e = insert_new(s, db, now, use, alg, active ? at : now, kid_out);
	for (size_t i = 0; !e && active && i < n; i++) {
		enum key_state st;
		row_state(&rows[i], now, &st);
		if (st != KEY_ACTIVE || strcmp(rows[i].use, key_use_name(use)) ||
		    strcmp(rows[i].alg, key_alg_name(alg)))
			continue;
		if (rows[i].retired_at && rows[i].retired_at <= at)
			continue; /* already retiring sooner */
		e = store_key_set_times(
		    db, rows[i].kid, key_state_name(at <= now ? KEY_RETIRED : st), at, at + grace);
	}
	if (!e)
		e = normalise(db, a, now);
	arena_free(a);
	signer_invalidate(s);
	return e;
}

enum gcas_err signer_key_revoke(struct signer *s, struct db *db, int64_t now, const char *kid)
{
	if (!kid || !*kid)
		return GCAS_ERR_NOTFOUND;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = store_key_destroy(db, kid, now);
	if (!e)
		e = normalise(db, a, now);
	arena_free(a);
	signer_invalidate(s);
	return e;
}

enum gcas_err signer_key_list(struct db *db, struct arena *a, struct key_info **out, size_t *n)
{
	struct key_row *rows = NULL;
	size_t m = 0, k = 0;
	*out = NULL;
	*n = 0;
	int64_t now = clock_now();
	enum gcas_err e = store_key_list(db, a, &rows, &m);
	if (e)
		return e;
	struct key_info *v = arena_alloc(a, (m ? m : 1) * sizeof(*v));
	if (!v)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < m; i++) {
		const struct key_row *r = &rows[i];
		struct key_info *ki = &v[k];
		if (key_use_parse(r->use, &ki->use) || key_alg_parse(r->alg, &ki->alg))
			continue;
		row_state(r, now, &ki->state);
		ki->kid = r->kid;
		ki->public_pem = r->public_pem;
		ki->cert_pem = r->cert_pem;
		ki->created_at = r->created_at;
		ki->activate_at = r->activate_at;
		ki->retired_at = r->retired_at;
		ki->publish_until = r->publish_until;
		k++;
	}
	*out = v;
	*n = k;
	return GCAS_OK;
}
