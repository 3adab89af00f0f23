/* SPDX-License-Identifier: MIT */
/* The signer's runtime half: the cache of decrypted keys (a refcounted key set swapped under a
 * mutex, so signing never holds a lock during the RSA operation), compact JWS signing and
 * verification (RFC 7515), the JWK Set (RFC 7517), the SAML key, and sealing of small secrets.
 * Key generation and rotation are in keyman.c. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/str.h"
#include "signer/internal.h"
#include "store/keys.h"

/* One key as cached: public key always, private key when it could be opened. */
struct sk {
	char kid[64];
	enum key_use use;
	enum key_alg alg;
	int64_t created_at, activate_at, retired_at, publish_until;
	EVP_PKEY *pub, *priv;
	/* OIDC: jws_sign_ctx(priv); each signature duplicates it under sign_mu, so no two
	 * threads ever use it at once. */
	EVP_PKEY_CTX *sign_ctx;
	pthread_mutex_t sign_mu;
	enum gcas_err priv_err; /* why priv is NULL (CRYPTO: wrong key_file or a swapped row) */
	char *jwk;              /* OIDC: the JWKS entry */
	char *cert_pem;         /* SAML */
	char *key_pem;          /* SAML: PKCS#8 PEM, wiped when the set is freed */
};

struct keyset {
	int refs; /* under signer.mu */
	unsigned gen;
	int64_t loaded_at;
	size_t n;
	struct sk *k;
};

static const char *const use_names[] = {"oidc", "saml"};
static const char *const alg_names[] = {"RS256", "ES256"};
static const char *const state_names[] = {"pending", "active", "retired", "destroyed"};

const char *key_use_name(enum key_use u)
{
	return (unsigned)u < KEY_USE__MAX ? use_names[u] : "?";
}

const char *key_alg_name(enum key_alg a)
{
	return (unsigned)a < KEY_ALG__MAX ? alg_names[a] : "?";
}

const char *key_state_name(enum key_state s)
{
	return (unsigned)s < KEY_STATE__MAX ? state_names[s] : "?";
}

int key_use_parse(const char *s, enum key_use *out)
{
	for (int i = 0; s && i < KEY_USE__MAX; i++)
		if (strcmp(s, use_names[i]) == 0) {
			*out = (enum key_use)i;
			return 0;
		}
	return -1;
}

int key_alg_parse(const char *s, enum key_alg *out)
{
	for (int i = 0; s && i < KEY_ALG__MAX; i++)
		if (strcmp(s, alg_names[i]) == 0) {
			*out = (enum key_alg)i;
			return 0;
		}
	return -1;
}

enum key_state key_state_at(int destroyed, int64_t activate_at, int64_t retired_at, int64_t now)
{
	if (destroyed)
		return KEY_DESTROYED;
	if (retired_at && now >= retired_at)
		return KEY_RETIRED;
	return now >= activate_at ? KEY_ACTIVE : KEY_PENDING;
}

void key_aad(char *out, size_t cap, const char *kid, const char *use, const char *alg)
{
	/* kid is base64url, use and alg fixed words: "|" cannot occur in any of them, so the
	 * concatenation is unambiguous. */
	snprintf(out, cap, "%s|%s|%s", kid, use, alg);
}

/* Published at now: in the JWKS / metadata (pending, active, retired before publish_until). */
static int sk_published(const struct sk *k, int64_t now)
{
	return !k->publish_until || now < k->publish_until;
}

static void sk_clear(struct sk *k)
{
	EVP_PKEY_free(k->pub);
	if (k->sign_ctx) {
		EVP_PKEY_CTX_free(k->sign_ctx);
		pthread_mutex_destroy(&k->sign_mu);
	}
	EVP_PKEY_free(k->priv);
	free(k->jwk);
	free(k->cert_pem);
	if (k->key_pem) {
		sodium_memzero(k->key_pem, strlen(k->key_pem));
		free(k->key_pem);
	}
	memset(k, 0, sizeof(*k));
}

static void keyset_free(struct keyset *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		sk_clear(&ks->k[i]);
	free(ks->k);
	free(ks);
}

/* The JWKS entry: the public members plus use, alg and kid (RFC 7517 §4). */
static enum gcas_err sk_jwk_entry(struct sk *k, const char *members)
{
	json_t *j = json_loads(members, 0, NULL);
	if (!j)
		return GCAS_ERR_NOMEM;
	json_object_set_new(j, "use", json_string("sig"));
	json_object_set_new(j, "alg", json_string(key_alg_name(k->alg)));
	json_object_set_new(j, "kid", json_string(k->kid));
	k->jwk = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return k->jwk ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* Open the sealed private key of row r into k->priv (and k->key_pem for SAML). */
static enum gcas_err sk_open_private(struct signer *s, const struct key_row *r, struct sk *k)
{
	char aad[128];
	unsigned char *der = NULL;
	size_t len = 0;
	key_aad(aad, sizeof(aad), r->kid, r->use, r->alg);
	enum gcas_err e = seal_open(s->kkey, aad, strlen(aad), r->private_sealed, &der, &len);
	if (e == GCAS_ERR_INVALID)
		e = GCAS_ERR_CRYPTO;
	if (e)
		return e;
	k->priv = km_from_private_der(der, len);
	sodium_memzero(der, len);
	free(der);
	/* The private key must be the one the kid names (a row pieced together from two keys
	 * would otherwise sign under the wrong kid). */
	if (!k->priv || EVP_PKEY_eq(k->pub, k->priv) != 1)
		return GCAS_ERR_CRYPTO;
	if (k->use == KEY_USE_SAML)
		return km_private_pem(k->priv, &k->key_pem);
	k->sign_ctx = jws_sign_ctx(k->priv);
	if (!k->sign_ctx)
		return GCAS_ERR_CRYPTO;
	pthread_mutex_init(&k->sign_mu, NULL);
	return GCAS_OK;
}

/* Row → cached key; -1 when the row is unusable (logged) and is to be left out. */
static int sk_load(struct signer *s, const struct key_row *r, struct sk *k)
{
	char members[2048], kid[64];
	if (key_use_parse(r->use, &k->use) || key_alg_parse(r->alg, &k->alg) ||
	    str_copy(k->kid, sizeof(k->kid), r->kid))
		return -1;
	k->created_at = r->created_at;
	k->activate_at = r->activate_at;
	k->retired_at = r->retired_at;
	k->publish_until = r->publish_until;
	k->pub = km_from_public_pem(r->public_pem);
	if (!k->pub || km_jwk(k->pub, members, sizeof(members), kid) || strcmp(kid, r->kid) != 0) {
		log_msg(LOG_ERROR, "signing key unusable: public key does not match its kid", "kid",
		        r->kid, NULL);
		return -1;
	}
	if (k->use == KEY_USE_OIDC && sk_jwk_entry(k, members))
		return -1;
	if (r->cert_pem && !(k->cert_pem = strdup(r->cert_pem)))
		return -1;
	k->priv_err = r->private_sealed ? sk_open_private(s, r, k) : GCAS_ERR_NOTFOUND;
	if (k->priv_err) {
		EVP_PKEY_free(k->priv);
		k->priv = NULL;
	}
	if (k->priv_err == GCAS_ERR_CRYPTO)
		log_msg(LOG_ERROR, "signing key cannot be decrypted (wrong [keys] key_file?)",
		        "kid", r->kid, NULL);
	return 0;
}

struct load_ctx {
	struct arena *a;
	struct key_row *rows;
	size_t n;
};

static enum gcas_err load_tx(struct db *db, void *ctx)
{
	struct load_ctx *l = ctx;
	return store_key_list(db, l->a, &l->rows, &l->n);
}

static enum gcas_err keyset_load(struct signer *s, int64_t now, unsigned gen, struct keyset **out)
{
	struct load_ctx l = {.a = arena_new(0)};
	struct keyset *ks = calloc(1, sizeof(*ks));
	enum gcas_err e = GCAS_ERR_NOMEM;
	if (!l.a || !ks)
		goto out;
	e = store_run(s->st, load_tx, &l);
	if (e)
		goto out;
	e = GCAS_ERR_NOMEM;
	ks->k = calloc(l.n ? l.n : 1, sizeof(*ks->k));
	if (!ks->k)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		const struct key_row *r = &l.rows[i];
		/* Destroyed keys and retired ones past their publication neither sign nor verify.
		 */
		if (strcmp(r->state, "destroyed") == 0 ||
		    (r->publish_until && now >= r->publish_until))
			continue;
		if (sk_load(s, r, &ks->k[ks->n]) == 0)
			ks->n++;
		else
			sk_clear(&ks->k[ks->n]);
	}
	ks->gen = gen;
	ks->loaded_at = now;
	ks->refs = 1;
	*out = ks;
	ks = NULL;
	e = GCAS_OK;
out:
	keyset_free(ks);
	arena_free(l.a);
	return e;
}

static void keyset_put(struct signer *s, struct keyset *ks)
{
	if (!ks)
		return;
	pthread_mutex_lock(&s->mu);
	int last = --ks->refs == 0;
	pthread_mutex_unlock(&s->mu);
	if (last)
		keyset_free(ks);
}

/* A reference to a key set fresh enough for now (release with keyset_put). The database is
 * read outside the lock by one thread at a time; the others keep using the previous set
 * meanwhile, and a failed re-read keeps the previous set (logged) rather than stop signing. */
static enum gcas_err keyset_get(struct signer *s, int64_t now, struct keyset **out)
{
	pthread_mutex_lock(&s->mu);
	struct keyset *ks = s->cur;
	int fresh = ks && ks->gen == s->gen && now >= ks->loaded_at && now - ks->loaded_at < s->ttl;
	if (ks && (fresh || s->loading)) {
		ks->refs++;
		pthread_mutex_unlock(&s->mu);
		*out = ks;
		return GCAS_OK;
	}
	s->loading = 1;
	unsigned gen = s->gen;
	pthread_mutex_unlock(&s->mu);

	struct keyset *nks = NULL, *old = NULL;
	enum gcas_err e = keyset_load(s, now, gen, &nks);
	pthread_mutex_lock(&s->mu);
	s->loading = 0;
	if (!e) {
		old = s->cur;
		s->cur = nks; /* the signer's own reference */
	}
	ks = s->cur;
	if (ks)
		ks->refs++;
	pthread_mutex_unlock(&s->mu);
	keyset_put(s, old);
	if (e && ks)
		log_msg(LOG_WARN, "signing keys not re-read; using the previous set", "error",
		        gcas_err_name(e), NULL);
	if (!ks)
		return e ? e : GCAS_ERR_INTERNAL;
	*out = ks;
	return GCAS_OK;
}

enum gcas_err signer_open(struct store *st, const unsigned char kek[32], int64_t refresh_ttl,
                          struct signer **out)
{
	*out = NULL;
	if (sodium_init() < 0)
		return GCAS_ERR_CRYPTO;
	struct signer *s = calloc(1, sizeof(*s));
	if (!s)
		return GCAS_ERR_NOMEM;
	if (pthread_mutex_init(&s->mu, NULL)) {
		free(s);
		return GCAS_ERR_NOMEM;
	}
	s->st = st;
	memcpy(s->kek, kek, 32);
	seal_subkey(kek, "gcas/signing-keys/v1", s->kkey);
	s->ttl = refresh_ttl > 0 ? refresh_ttl : 30;
	str_copy(s->cn, sizeof(s->cn), "gcas");
	*out = s;
	return GCAS_OK;
}

void signer_free(struct signer *s)
{
	if (!s)
		return;
	keyset_free(s->cur);
	pthread_mutex_destroy(&s->mu);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

void signer_invalidate(struct signer *s)
{
	pthread_mutex_lock(&s->mu);
	s->gen++;
	pthread_mutex_unlock(&s->mu);
}

int64_t signer_refresh_ttl(const struct signer *s)
{
	return s->ttl;
}

void signer_set_cert_subject(struct signer *s, const char *base_url)
{
	/* host = between "://" and the next ':', '/', '?' or '#'; userinfo is not expected. */
	const char *h = base_url ? strstr(base_url, "://") : NULL;
	char host[256] = "";
	if (h) {
		h += 3;
		size_t n = strcspn(h, ":/?#");
		if (n > 0 && n < sizeof(host)) {
			memcpy(host, h, n);
			host[n] = '\0';
		}
	}
	pthread_mutex_lock(&s->mu);
	str_copy(s->cn, sizeof(s->cn), host[0] ? host : "gcas");
	pthread_mutex_unlock(&s->mu);
}

/* The key of use/alg that signs at now: the most recently activated active one. */
static struct sk *pick(struct keyset *ks, enum key_use use, enum key_alg alg, int64_t now)
{
	struct sk *best = NULL;
	for (size_t i = 0; i < ks->n; i++) {
		struct sk *k = &ks->k[i];
		if (k->use != use || k->alg != alg ||
		    key_state_at(0, k->activate_at, k->retired_at, now) != KEY_ACTIVE)
			continue;
		if (!best || k->activate_at > best->activate_at ||
		    (k->activate_at == best->activate_at && k->created_at > best->created_at))
			best = k;
	}
	return best;
}

/* typ goes into the header verbatim: a media-type-like token only (RFC 7515 §4.1.9). */
static int typ_ok(const char *typ)
{
	if (!typ)
		return 1;
	if (!*typ || strlen(typ) > 64)
		return 0;
	for (const char *p = typ; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

static void b64url_put(struct buf *b, const void *p, size_t n)
{
	size_t m = b64url_len(n);
	char *t = malloc(m + 1);
	if (!t) {
		b->failed = 1;
		return;
	}
	b64url_encode(t, p, n);
	buf_append(b, t, m);
	free(t);
}

enum gcas_err signer_jws_sign(struct signer *s, int64_t now, enum key_alg alg, const char *typ,
                              const char *payload, size_t payload_len, char **out)
{
	*out = NULL;
	if ((unsigned)alg >= KEY_ALG__MAX || !payload || !typ_ok(typ))
		return GCAS_ERR_INVALID;
	struct keyset *ks = NULL;
	enum gcas_err e = keyset_get(s, now, &ks);
	if (e)
		return e;
	struct buf b;
	buf_init(&b, 0);
	char hdr[256];
	unsigned char sig[512];
	size_t sig_len = 0;
	struct sk *k = pick(ks, KEY_USE_OIDC, alg, now);
	e = !k ? GCAS_ERR_NOTFOUND : !k->priv ? k->priv_err : GCAS_OK;
	if (e)
		goto out;
	/* The header members in a fixed order; kid is base64url and typ checked above, so no
	 * escaping is needed. */
	int n =
	    snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"kid\":\"%s\"%s%s%s}", key_alg_name(alg),
	             k->kid, typ ? ",\"typ\":\"" : "", typ ? typ : "", typ ? "\"" : "");
	e = GCAS_ERR_NOMEM;
	if (n < 0 || (size_t)n >= sizeof(hdr))
		goto out;
	b64url_put(&b, hdr, (size_t)n);
	buf_putc(&b, '.');
	b64url_put(&b, payload, payload_len);
	if (b.failed)
		goto out;
	pthread_mutex_lock(&k->sign_mu);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_dup(k->sign_ctx);
	pthread_mutex_unlock(&k->sign_mu);
	e = jws_sig_make(c, alg, b.data, b.len, sig, &sig_len);
	EVP_PKEY_CTX_free(c);
	if (e)
		goto out;
	buf_putc(&b, '.');
	b64url_put(&b, sig, sig_len);
	e = b.failed ? GCAS_ERR_NOMEM : GCAS_OK;
	if (!e)
		*out = buf_steal(&b);
out:
	buf_free(&b);
	keyset_put(s, ks);
	return e;
}

/* Decode one base64url part into a malloc'd buffer (NUL-terminated); -1 when malformed. */
static int part_decode(const char *p, size_t n, size_t max, unsigned char **out, size_t *len)
{
	*out = NULL;
	if (n > b64url_len(max))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '_'))
			return -1; /* RFC 7515 §2: base64url without padding, nothing else */
	*out = malloc(n + 1);
	if (!*out)
		return -1;
	long m = n ? b64_decode(*out, n + 1, p, n) : 0;
	if (m < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[m] = '\0';
	*len = (size_t)m;
	return 0;
}

/* The header's alg and kid; AUTH for an alg we do not sign with ("none" included) or "crit"
 * (RFC 7515 §4.1.11: we understand no extension), INVALID for a malformed header. */
static enum gcas_err header_check(const unsigned char *h, size_t len, enum key_alg *alg,
                                  char kid[64])
{
	json_t *j = json_loadb((const char *)h, len, JSON_REJECT_DUPLICATES, NULL);
	enum gcas_err e = GCAS_ERR_INVALID;
	if (!json_is_object(j))
		goto out;
	const char *a = json_string_value(json_object_get(j, "alg"));
	const char *k = json_string_value(json_object_get(j, "kid"));
	e = GCAS_ERR_AUTH;
	if (!a || key_alg_parse(a, alg) || !k || json_object_get(j, "crit") || str_copy(kid, 64, k))
		goto out;
	e = GCAS_OK;
out:
	json_decref(j);
	return e;
}

enum gcas_err signer_jws_verify(struct signer *s, int64_t now, const char *jws, size_t len,
                                char **payload, size_t *payload_len)
{
	*payload = NULL;
	*payload_len = 0;
	const char *d1 = jws ? memchr(jws, '.', len) : NULL;
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - jws)) : NULL;
	if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - jws)))
		return GCAS_ERR_INVALID;
	unsigned char *hdr = NULL, *body = NULL, *sig = NULL;
	size_t hlen = 0, blen = 0, slen = 0;
	struct keyset *ks = NULL;
	enum key_alg alg;
	char kid[64];
	enum gcas_err e = GCAS_ERR_INVALID;
	if (part_decode(jws, (size_t)(d1 - jws), 4096, &hdr, &hlen) ||
	    part_decode(d1 + 1, (size_t)(d2 - d1 - 1), 1 << 20, &body, &blen) ||
	    part_decode(d2 + 1, len - (size_t)(d2 + 1 - jws), 1024, &sig, &slen))
		goto out;
	e = header_check(hdr, hlen, &alg, kid);
	if (e)
		goto out;
	e = keyset_get(s, now, &ks);
	if (e)
		goto out;
	struct sk *k = NULL;
	for (size_t i = 0; i < ks->n && !k; i++)
		if (ks->k[i].use == KEY_USE_OIDC && strcmp(ks->k[i].kid, kid) == 0 &&
		    sk_published(&ks->k[i], now))
			k = &ks->k[i];
	e = GCAS_ERR_AUTH;
	if (!k || k->alg != alg ||
	    jws_sig_check(k->pub, alg, jws, (size_t)(d2 - jws), sig, slen) != 0)
		goto out;
	*payload = (char *)body;
	*payload_len = blen;
	body = NULL;
	e = GCAS_OK;
out:
	keyset_put(s, ks);
	free(hdr);
	free(body);
	free(sig);
	return e;
}

enum gcas_err signer_jwks(struct signer *s, int64_t now, char **out)
{
	*out = NULL;
	struct keyset *ks = NULL;
	enum gcas_err e = keyset_get(s, now, &ks);
	if (e)
		return e;
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "{\"keys\":[");
	int first = 1;
	for (size_t i = 0; i < ks->n; i++) {
		const struct sk *k = &ks->k[i];
		if (k->use != KEY_USE_OIDC || !k->jwk || !sk_published(k, now))
			continue;
		if (!first)
			buf_putc(&b, ',');
		buf_puts(&b, k->jwk);
		first = 0;
	}
	buf_puts(&b, "]}");
	e = b.failed ? GCAS_ERR_NOMEM : GCAS_OK;
	if (!e)
		*out = buf_steal(&b);
	buf_free(&b);
	keyset_put(s, ks);
	return e;
}

/* A copy of a secret in an arena, wiped (its whole length) when the arena is freed. */
struct secret {
	size_t n;
	char data[];
};

static void secret_wipe(void *p)
{
	struct secret *w = p;
	sodium_memzero(w->data, w->n);
}

static char *arena_secret(struct arena *a, const void *p, size_t n)
{
	struct secret *w = arena_alloc(a, sizeof(*w) + n + 1);
	if (!w)
		return NULL;
	w->n = n;
	memcpy(w->data, p, n);
	w->data[n] = '\0';
	/* On failure arena_defer wipes at once. */
	return arena_defer(a, secret_wipe, w) ? NULL : w->data;
}

enum gcas_err signer_saml_current(struct signer *s, int64_t now, struct arena *a,
                                  struct signer_saml *out)
{
	memset(out, 0, sizeof(*out));
	struct keyset *ks = NULL;
	enum gcas_err e = keyset_get(s, now, &ks);
	if (e)
		return e;
	struct sk *k = pick(ks, KEY_USE_SAML, KEY_ALG_RS256, now);
	e = !k ? GCAS_ERR_NOTFOUND : !k->key_pem ? k->priv_err : GCAS_OK;
	if (e)
		goto out;
	e = GCAS_ERR_NOMEM;
	char *pem = arena_secret(a, k->key_pem, strlen(k->key_pem));
	if (!pem)
		goto out;
	out->key_pem = pem;
	out->kid = arena_strdup(a, k->kid);
	out->cert_pem = arena_strdup(a, k->cert_pem);
	out->certs = arena_alloc(a, (ks->n + 1) * sizeof(*out->certs));
	if (!out->kid || !out->cert_pem || !out->certs)
		goto out;
	out->certs[out->ncerts++] = out->cert_pem;
	for (size_t i = 0; i < ks->n; i++) {
		const struct sk *o = &ks->k[i];
		if (o == k || o->use != KEY_USE_SAML || !o->cert_pem || !sk_published(o, now))
			continue;
		if (!(out->certs[out->ncerts++] = arena_strdup(a, o->cert_pem)))
			goto out;
	}
	e = GCAS_OK;
out:
	keyset_put(s, ks);
	return e;
}

/* Sealed secrets: the subkey depends on the purpose, which is also the AAD. */
static enum gcas_err purpose_key(struct signer *s, const char *purpose, unsigned char key[32])
{
	char label[96];
	if (!purpose || !*purpose || strlen(purpose) > 64)
		return GCAS_ERR_INVALID;
	snprintf(label, sizeof(label), "gcas/seal/v1/%s", purpose);
	seal_subkey(s->kek, label, key);
	return GCAS_OK;
}

enum gcas_err signer_seal(struct signer *s, struct arena *a, const char *purpose, const void *plain,
                          size_t len, char **out)
{
	*out = NULL;
	unsigned char key[32];
	char *t = NULL;
	enum gcas_err e = purpose_key(s, purpose, key);
	if (!e && !plain)
		e = GCAS_ERR_INVALID;
	if (!e)
		e = seal_text(key, purpose, strlen(purpose), plain, len, &t);
	sodium_memzero(key, sizeof(key));
	if (e)
		return e;
	*out = arena_strdup(a, t);
	free(t);
	return *out ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err signer_unseal(struct signer *s, struct arena *a, const char *purpose,
                            const char *sealed, char **plain, size_t *len)
{
	*plain = NULL;
	*len = 0;
	unsigned char key[32], *p = NULL;
	size_t n = 0;
	enum gcas_err e = purpose_key(s, purpose, key);
	if (!e)
		e = seal_open(key, purpose, strlen(purpose), sealed, &p, &n);
	sodium_memzero(key, sizeof(key));
	if (e)
		return e;
	/* The plaintext copy in the arena is wiped when the arena is freed. */
	char *c = arena_secret(a, p, n);
	sodium_memzero(p, n);
	free(p);
	if (!c)
		return GCAS_ERR_NOMEM;
	*plain = c;
	*len = n;
	return GCAS_OK;
}
