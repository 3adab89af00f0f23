/* SPDX-License-Identifier: MIT */
/* Configuration defaults, the system actor, and field-error lists. */
#include "svc/env.h"

#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->db = "sqlite:var/gcas.db";
	c->listen = "127.0.0.1";
	c->port = 8080;
	/* Handlers block (a group commit, an RSA signature) and libmicrohttpd keeps each connection
	 * on one thread, so a thread waiting for its batch stalls its other connections: more
	 * threads than cores keep the writers' batches full (bench/sso.sh: 4 → 16 threads took
	 * ES256 code redemptions from about 3,900/s to 7,000/s on 2 cores). */
	c->threads = 16;
	c->trusted_proxies = "";
	c->base_url = "http://127.0.0.1:8080";
	c->issuer = "GCAS";
	c->log_level = "info";
	c->session_idle_ttl = 30 * 60;
	c->session_abs_ttl = 12 * 3600;
	c->reauth_ttl = 5 * 60;
	c->setup_link_ttl = 72 * 3600;
	c->token_max_ttl = 365 * 86400;
	c->throttle_free = 5;
	c->throttle_ip_free = 50;
	c->throttle_max_delay = 15 * 60;
	c->max_body = 1024 * 1024;
	c->audit_key_file = "var/audit.key";
	c->audit_anchor_file = "var/audit.anchor";
	c->mail_from = "GCAS <gcas@localhost>";
	c->smtp_url = "";
	c->mail_dir = "var/mail";
	c->mail_retention = 30 * 86400;
	c->purpose_ttl = 30 * 60;
	c->auto_fulfil = 0;
	c->inactivity_days = 90;
	for (size_t i = 0; i < sizeof(c->provision) / sizeof(c->provision[0]); i++)
		c->provision[i] = "local"; /* the built-in simulated cloud: works out of the box */
	c->provision_timeout = 300;
	c->keys_key_file = "var/keys.key";
	c->oidc_code_ttl = 60;
	c->oidc_access_ttl = 600;
	c->oidc_refresh_ttl = 12 * 3600;
	c->saml_assertion_ttl = 300;
	c->saml_session_duration = 3600;
	c->scim_interval = 60;
	c->scim_timeout = 30;
	c->breakglass_listen = "127.0.0.1";
	c->breakglass_port = 8444;
	c->breakglass_max_ttl = 8 * 3600;
	c->breakglass_base_url = ""; /* links fall back to base_url */
	c->pw = password_params_default();
}

struct actor actor_system(const char *label)
{
	struct actor ac = {0};
	ac.subj.role = ROLE_OPERATOR;
	ac.subj.is_system = 1;
	ac.label = label ? label : "system";
	return ac;
}

void actor_from_account(struct actor *ac, const struct account *acc)
{
	ac->acc = acc;
	ac->label = acc->email;
	ac->subj.role = acc->role;
	ac->subj.account_id = acc->id;
	ac->subj.org_id = acc->org_id;
	ac->subj.agency_id = acc->agency_id;
	ac->subj.project_id = acc->project_id;
}

void verr_add(struct verrs *v, const char *field, const char *ja, const char *en)
{
	if (v->n >= VERR_MAX)
		return;
	v->e[v->n++] = (struct verr){field, ja, en};
}
