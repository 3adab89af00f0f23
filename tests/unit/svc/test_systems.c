/* SPDX-License-Identifier: MIT */
/* System registration (svc/systems.c, issue 4 §1, R4.1) on both sides: each role of two agencies
 * registering, editing and reading (別表2 ⑤: the agency, project and contractor managers of the
 * scope, and the operator), one registration per project team, the optimistic version (stale →
 * CONFLICT), a history row and an audit record per change and nothing on refusal, and the record
 * rules (CI/CD for development environments, period order, contacts of the scope, the team's own
 * contractor, 機密性 classes) with messages in Japanese and English. */
#include "svc/systems.h"
#include "test_world.h"

static struct world W;

static struct system_input good(void)
{
	struct system_input in = {.name = "共通基盤システム",
	                          .purpose = "府省共通の認証と文書管理",
	                          .lifecycle = "building",
	                          .csps = "aws gcp",
	                          .environments = "production staging",
	                          .contacts = "pm1@digital.go.jp\nCM1@ichiji.co.jp",
	                          .contractor_id = NULL,
	                          .period_start = "2026-04-01",
	                          .period_end = "2031-03-31",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課",
	                          .ci_cd = 0};
	return in;
}

static int64_t history_len(const char *system_id)
{
	struct arena *a = arena_new(0);
	struct actor op = actor_system("count");
	struct page pg = {.limit = 500};
	struct system_history_row *h;
	size_t n = 0;
	enum gcas_err e = svc_system_history(&W.w.env, &op, a, system_id, &pg, &h, &n);
	arena_free(a);
	return e ? -1 : (int64_t)n;
}

/* Register or update as who; checks the outcome and what was (not) written. */
static enum gcas_err edit_as(const char *who_id, const char *project, int64_t version,
                             struct system_input in, struct system_rec *out, struct verrs *ve,
                             enum gcas_err want, const char *what)
{
	struct arena *a = arena_new(0);
	struct actor ac = world_actor(&W, who_id);
	int64_t s0 = world_audit_seq(&W);
	*ve = (struct verrs){0};
	enum gcas_err e = version
	                      ? svc_system_update(&W.w.env, &ac, a, project, version, &in, out, ve)
	                      : svc_system_register(&W.w.env, &ac, a, project, &in, out, ve);
	if (!ok(e == want, "%s", what)) {
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
		for (size_t i = 0; i < ve->n; i++)
			printf("#   %s: %s\n", ve->e[i].field, ve->e[i].en);
	}
	if (want == GCAS_OK)
		audit_wrote(&W, s0, version ? "system.update" : "system.register", "ok",
		            "  audited");
	else if (want == GCAS_ERR_DENIED)
		audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	else
		audit_none(&W, s0, "  nothing audited");
	/* Keep strings the caller reads after: copy the ids into the world arena. */
	if (e == GCAS_OK) {
		out->id = arena_strdup(W.a, out->id);
		out->project_id = arena_strdup(W.a, out->project_id);
	}
	arena_free(a);
	return e;
}

static int read_as(const char *who_id, const char *project, struct system_rec *out)
{
	struct actor ac = world_actor(&W, who_id);
	return svc_system_get(&W.w.env, &ac, W.a, project, out, NULL, NULL);
}

static const char *msg_for(const struct verrs *ve, const char *field, int en)
{
	for (size_t i = 0; i < ve->n; i++)
		if (strcmp(ve->e[i].field, field) == 0)
			return en ? ve->e[i].en : ve->e[i].ja;
	return "";
}

static void test_register_and_edit(void)
{
	struct system_rec r, r2, got;
	struct verrs ve;
	struct system_input in = good();

	edit_as(W.ps1, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED, "project staff may not register");
	edit_as(W.as1, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED, "agency staff may not register");
	edit_as(W.cs1, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED, "contractor staff may not register");
	edit_as(W.am2, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED,
	        "another agency's manager may not register");
	edit_as(W.pmq, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED,
	        "another agency's project manager may not register");
	edit_as(W.pm2, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED,
	        "the manager of another team of the same agency may not register");
	edit_as(W.cmd, W.pj1, 0, in, &r, &ve, GCAS_ERR_DENIED,
	        "a contractor manager serving another team may not register");
	is_int(read_as(W.op, W.pj1, &got), GCAS_ERR_NOTFOUND, "nothing registered yet");

	if (edit_as(W.pm1, W.pj1, 0, in, &r, &ve, GCAS_OK, "the project manager registers") !=
	    GCAS_OK)
		return;
	is_int(r.version, 1, "  version 1");
	is_int(history_len(r.id), 1, "  one history row");
	is_int((long)r.ncontacts, 2, "  two contacts");
	is_int(read_as(W.pm1, W.pj1, &got), GCAS_OK, "  read back");
	is_str(got.contacts[1], W.cm1, "  a contact named by email (any case) is kept as its id");
	ok(got.csps == ((1u << CSP_AWS) | (1u << CSP_GCP)), "  CSPs aws and gcp");
	is_int(got.classification, SYSCLASS_C2, "  機密性2");

	edit_as(W.am1, W.pj1, 0, in, &r2, &ve, GCAS_ERR_CONFLICT,
	        "a second registration for the team: CONFLICT (regulation 1.2)");
	ok(verr_has(&ve, "project_id"), "  explained on project_id");

	in.lifecycle = "production";
	edit_as(W.am1, W.pj1, 1, in, &r2, &ve, GCAS_OK, "the agency manager edits at version 1");
	is_int(r2.version, 2, "  version 2");
	in.purpose = "府省共通の認証";
	edit_as(W.cm1, W.pj1, 2, in, &r2, &ve, GCAS_OK,
	        "the manager of the team's contractor edits");
	edit_as(W.op, W.pj1, 3, in, &r2, &ve, GCAS_OK, "the operator edits");
	is_int(history_len(r.id), 4, "  history grows per change (4 versions)");
	edit_as(W.pm1, W.pj1, 2, in, &r2, &ve, GCAS_ERR_CONFLICT, "a stale version: CONFLICT");
	ok(verr_has(&ve, "version"), "  explained on version");
	is_int(history_len(r.id), 4, "  no history row for the refused change");
	edit_as(W.am2, W.pj1, 4, in, &r2, &ve, GCAS_ERR_DENIED,
	        "another agency's manager may not edit");
	edit_as(W.ps1, W.pj1, 4, in, &r2, &ve, GCAS_ERR_DENIED, "project staff may not edit");
	edit_as(W.pm1, W.pj2, 1, in, &r2, &ve, GCAS_ERR_DENIED,
	        "a project manager may not edit another team's");
	edit_as(W.pm2, W.pj2, 1, in, &r2, &ve, GCAS_ERR_NOTFOUND,
	        "editing a team with no registration: NOTFOUND");
	edit_as(W.pm1, W.ag1, 0, in, &r2, &ve, GCAS_ERR_NOTFOUND,
	        "an agency is not a project team: NOTFOUND");

	is_int(read_as(W.ps1, W.pj1, &got), GCAS_OK, "project staff read their team's");
	is_int(read_as(W.as1, W.pj1, &got), GCAS_OK, "agency staff read it");
	is_int(read_as(W.cm1, W.pj1, &got), GCAS_OK, "the contractor manager reads it");
	is_int(read_as(W.am2, W.pj1, &got), GCAS_ERR_DENIED, "another agency's manager may not");
	is_int(read_as(W.pm2, W.pj1, &got), GCAS_ERR_DENIED, "another team's manager may not");
	is_int(read_as(W.cs1, W.pj1, &got), GCAS_ERR_DENIED,
	       "contractor staff may not (as for the team itself)");

	struct actor ac = world_actor(&W, W.am2);
	struct page pg = {.limit = 50};
	struct system_rec *v;
	size_t n = 9;
	is_int(svc_system_list(&W.w.env, &ac, W.a, &pg, &v, &n), GCAS_OK, "list as agency 2");
	is_int((long)n, 0, "  sees nothing of agency 1");
	ac = world_actor(&W, W.as1);
	svc_system_list(&W.w.env, &ac, W.a, &pg, &v, &n);
	is_int((long)n, 1, "agency 1 staff see their agency's one");
	struct system_history_row *h;
	ac = world_actor(&W, W.am2);
	is_int(svc_system_history(&W.w.env, &ac, W.a, r.id, &pg, &h, &n), GCAS_ERR_DENIED,
	       "another agency may not read the history");
	ac = world_actor(&W, W.am1);
	is_int(svc_system_history(&W.w.env, &ac, W.a, r.id, &pg, &h, &n), GCAS_OK,
	       "the agency manager reads the history");
	ok(n == 4 && h[0].version == 4 && h[3].version == 1, "  newest first, 4..1");
	ok(n == 4 && strstr(h[3].record, "\"lifecycle\":\"building\"") &&
	       strstr(h[0].record, "\"lifecycle\":\"production\""),
	   "  each row keeps the record as of its version");
	ok(n == 4 && h[1].changed_by && strcmp(h[1].changed_by, W.cm1) == 0,
	   "  version 3 changed by the contractor manager");
}

static void test_rules(void)
{
	struct system_rec r;
	struct verrs ve;
	struct system_input in = good();

	in.environments = "production development";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID,
	        "a development environment without CI/CD: INVALID");
	is_str(msg_for(&ve, "environments", 0), "開発環境は CI/CD を使う場合にだけ登録できます",
	       "  message in Japanese");
	ok(strstr(msg_for(&ve, "environments", 1), "CI/CD") != NULL, "  and in English");

	in = good();
	in.period_start = "2027-04-01";
	in.period_end = "2027-03-31";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "end before start: INVALID");
	ok(verr_has(&ve, "period_end"), "  on period_end");
	in.period_start = "2027/4/1";
	in.period_end = NULL;
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "a date not YYYY-MM-DD: INVALID");
	ok(verr_has(&ve, "period_start"), "  on period_start");

	in = good();
	in.csps = "";
	in.classification = "secret";
	in.lifecycle = "maybe";
	in.name = "";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "several problems at once");
	ok(verr_has(&ve, "csps") && verr_has(&ve, "classification") && verr_has(&ve, "lifecycle") &&
	       verr_has(&ve, "name"),
	   "  no CSP, unknown classification and lifecycle, empty name: all reported");
	in = good();
	in.csps = "aws ibm";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "an unknown CSP: INVALID");
	ok(verr_has(&ve, "csps"), "  on csps");

	in = good(); /* its contacts are agency 1's people */
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID,
	        "contacts from another agency: INVALID");
	ok(verr_has(&ve, "contacts"), "  on contacts");
	in.contacts = "nobody@example.go.jp";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "an unknown contact: INVALID");
	in.contacts = "pmq@city.chiyoda.lg.jp pmq@city.chiyoda.lg.jp";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "the same contact twice: INVALID");
	in.contacts = "";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID, "no contact: INVALID");
	in.contacts = "pmq@city.chiyoda.lg.jp,cmd@kunai.co.jp,am2@city.chiyoda.lg.jp";
	in.contractor_id = W.co1;
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID,
	        "another team's contractor: INVALID");
	ok(verr_has(&ve, "contractor_id"), "  on contractor_id");
	in.purpose = "連絡先 1234 5678 9018";
	in.contractor_id = W.cod;
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_ERR_INVALID,
	        "an Individual Number in the purpose: INVALID");
	ok(verr_has(&ve, "purpose"), "  on purpose");

	in.purpose = "住民記録";
	in.environments = "production,staging,development";
	in.ci_cd = 1;
	in.classification = "c3";
	edit_as(W.pmq, W.pjq, 0, in, &r, &ve, GCAS_OK,
	        "with CI/CD, its contractor, team, contractor and agency contacts: registered");
	ok(r.environments == 7u, "  three environments");
	is_str(r.contractor_id, W.cod, "  the team's contractor");
	is_int(r.classification, SYSCLASS_C3, "  機密性3");
	const char *id = r.id;
	in.ci_cd = 0;
	edit_as(W.cmd, W.pjq, 1, in, &r, &ve, GCAS_ERR_INVALID,
	        "turning CI/CD off while a development environment remains: INVALID");
	is_int(history_len(id), 1, "  history unchanged");
}

static void test_core_sets(void)
{
	unsigned s = 0;
	is_int(system_set_parse("gcp, aws sakura", 1, &s), 0, "CSP list parses");
	ok(s == ((1u << CSP_AWS) | (1u << CSP_GCP) | (1u << CSP_SAKURA)), "  three bits");
	struct arena *a = arena_new(0);
	is_str(system_set_format(a, s, 1), "aws gcp sakura", "  formatted in enum order");
	is_str(system_set_format(a, 0, 0), "", "  empty set formats as \"\"");
	arena_free(a);
	is_int(system_set_parse("production qa", 0, &s), -1, "an unknown environment is refused");
	is_int(sys_class_parse("c2"), SYSCLASS_C2, "c2 parses");
	is_str(sys_class_label(SYSCLASS_C3), "機密性3", "c3 is 機密性3");
	is_int(sys_class_parse("機密性2"), -1, "labels are not storage names");
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "world opens"))
		return tap_done();
	test_core_sets();
	test_register_and_edit();
	test_rules();
	world_close(&W);
	return tap_done();
}
