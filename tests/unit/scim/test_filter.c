/* SPDX-License-Identifier: MIT */
/* The SCIM filter (RFC 7644 §3.4.2.2): every operator, precedence of not / and / or, grouping,
 * valuePath, schema URN prefixes, literals with JSON escapes, caseExact rules (RFC 7643 §4.1.1),
 * the bounds on length, depth and terms, and every refusal with its message. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "scim/filter.h"
#include "tap.h"

static struct arena *A;
static json_t *USER, *GROUP;

static const char *user_json =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\","
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
    "\"id\":\"2819c223\",\"externalId\":\"Ext-1\",\"userName\":\"Bjensen@Example.com\","
    "\"name\":{\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},"
    "\"displayName\":\"Babs \\\"B\\\" Jensen\",\"title\":\"\",\"active\":true,"
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true},"
    "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],"
    "\"meta\":{\"resourceType\":\"User\",\"created\":\"2011-08-01T18:29:49Z\","
    "\"lastModified\":\"2011-08-01T21:32:44Z\",\"version\":\"W/\\\"3\\\"\"},"
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"
    "{\"employeeNumber\":\"701984\",\"department\":\"東京 Tour\","
    "\"manager\":{\"value\":\"26118915\"}}}";

static const char *group_json =
    "{\"id\":\"g1\",\"displayName\":\"Tour Guides\","
    "\"members\":[{\"value\":\"2819c223\",\"display\":\"Babs\"},{\"value\":\"902c246b\"}]}";

/* Parse, check against rtype and evaluate; -1 when refused (why in *why). */
static int eval_on(enum scim_rtype t, const json_t *res, const char *text, const char **why)
{
	struct scim_filter *f;
	const char *w = NULL;
	if (scim_filter_parse(A, text, strlen(text), &f, &w) ||
	    scim_filter_check(A, f, scim_rdef_get(t), &w)) {
		if (why)
			*why = w;
		return -1;
	}
	return scim_filter_match(f, res);
}

static int u(const char *text)
{
	return eval_on(SCIM_USER, USER, text, NULL);
}

/* The refusal message of text (NULL when accepted). */
static const char *refused(enum scim_rtype t, const char *text)
{
	const char *why = NULL;
	return eval_on(t, t == SCIM_USER ? USER : GROUP, text, &why) < 0 ? why : NULL;
}

static void operators(void)
{
	is_int(u("userName eq \"bjensen@example.com\""), 1, "eq; userName is caseExact=false");
	is_int(u("USERNAME Eq \"BJENSEN@EXAMPLE.COM\""), 1, "attribute names and operators fold");
	is_int(u("externalId eq \"ext-1\""), 0, "externalId is caseExact: case matters");
	is_int(u("externalId eq \"Ext-1\""), 1, "  and the exact value matches");
	is_int(u("id eq \"2819C223\""), 0, "id is caseExact");
	is_int(u("userName ne \"someone\""), 1, "ne");
	is_int(u("userName ne \"bjensen@example.com\""), 0, "ne of the same value");
	is_int(u("nickName ne \"x\""), 1, "ne on an absent attribute is true");
	is_int(u("name.familyName co \"ens\""), 1, "co on a sub-attribute");
	is_int(u("name.familyName co \"ENS\""), 1, "co folds case (caseExact false)");
	is_int(u("name.familyName co \"xyz\""), 0, "co without a match");
	is_int(u("userName sw \"bjen\""), 1, "sw");
	is_int(u("userName sw \"example\""), 0, "sw without a match");
	is_int(u("userName ew \"EXAMPLE.com\""), 1, "ew");
	is_int(u("userName ew \"bjensen\""), 0, "ew without a match");
	is_int(u("meta.lastModified gt \"2011-05-13T04:42:34Z\""), 1, "gt on a dateTime");
	is_int(u("meta.lastModified lt \"2011-05-13T04:42:34Z\""), 0, "lt on a dateTime");
	is_int(u("meta.lastModified ge \"2011-08-01T21:32:44Z\""), 1, "ge includes equality");
	is_int(u("meta.lastModified le \"2011-08-01T21:32:44Z\""), 1, "le includes equality");
	is_int(u("meta.lastModified gt \"2011-08-01T21:32:44Z\""), 0, "gt excludes equality");
	is_int(u("userName gt \"a\""), 1, "gt on a string is lexicographic");
	is_int(u("title pr"), 0, "pr: an empty string is not present");
	is_int(u("emails pr"), 1, "pr on a multi-valued attribute");
	is_int(u("nickName pr"), 0, "pr on an absent attribute");
	is_int(u("name pr"), 1, "pr on a complex attribute");
	is_int(u("active eq true"), 1, "eq on a boolean");
	is_int(u("active eq false"), 0, "eq false on a true boolean");
	is_int(u("active ne false"), 1, "ne on a boolean");
	is_int(u("nickName eq null"), 1, "eq null: unassigned");
	is_int(u("userName eq null"), 0, "eq null on an assigned attribute");
	is_int(u("userName ne null"), 1, "ne null: assigned");
	is_int(u("emails eq \"babs@jensen.org\""), 1,
	       "a multi-valued complex attribute named alone compares its value");
	is_int(u("emails.type eq \"home\""), 1, "any value of a multi-valued sub-attribute");
	is_int(u("emails.type eq \"other\""), 0, "  and none matches");
}

static void logic(void)
{
	is_int(u("userName eq \"x\" or active eq true and title pr"), 0,
	       "and binds tighter than or (x or (true and false))");
	is_int(u("(userName eq \"x\" or active eq true) and title pr"), 0, "grouping");
	is_int(u("userName eq \"x\" or active eq true and name pr"), 1, "x or (true and true)");
	is_int(u("active eq true and userName eq \"x\" or name pr"), 1, "(t and f) or t");
	is_int(u("active eq true and (userName eq \"x\" or name pr)"), 1, "t and (f or t)");
	is_int(u("not (userName eq \"x\")"), 1, "not");
	is_int(u("not(active eq true)"), 0, "not without a space before the parenthesis");
	is_int(u("not (active eq true) or not (title pr)"), 1, "not binds tighter than or");
	is_int(u("NOT (active eq false) AND userName sw \"b\""), 1, "keywords fold case");
	is_int(u("((((userName pr))))"), 1, "nested grouping");
	is_int(u("userName pr and active eq true and emails pr and name pr"), 1,
	       "a long and chain");
}

static void value_paths(void)
{
	is_int(u("emails[type eq \"work\" and value co \"@example.com\"]"), 1,
	       "valuePath with and inside");
	is_int(u("emails[type eq \"work\" and value co \"@jensen.org\"]"), 0,
	       "valuePath: both must hold for the same value");
	is_int(u("emails[type eq \"home\"] and userName sw \"b\""), 1, "valuePath in an and");
	is_int(u("emails[not (type eq \"work\")]"), 1, "not inside a valuePath");
	is_int(u("emails[primary eq true]"), 1, "boolean inside a valuePath");
	is_int(eval_on(SCIM_GROUP, GROUP, "members[value eq \"902c246b\"]", NULL), 1,
	       "members[value eq ...] on a group");
	is_int(eval_on(SCIM_GROUP, GROUP, "members.value eq \"nobody\"", NULL), 0,
	       "members.value without a match");
	is_int(eval_on(SCIM_GROUP, GROUP, "displayName eq \"tour guides\"", NULL), 1,
	       "group displayName folds case");
}

static void urns_and_literals(void)
{
	is_int(u("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bj\""), 1,
	       "core schema URN prefix");
	is_int(u("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"barbara\""), 1,
	       "URN prefix with a sub-attribute");
	is_int(u("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "
	         "\"701984\""),
	       1, "enterprise extension attribute by URN");
	is_int(u("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "
	         "\"26118915\""),
	       1, "enterprise complex attribute with sub-attribute");
	is_int(u("employeeNumber eq \"701984\""), 1, "an unqualified extension attribute");
	is_int(u("displayName eq \"Babs \\\"B\\\" Jensen\""), 1, "escaped quotes");
	is_int(u("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "
	         "\"\\u6771\\u4eac Tour\""),
	       1, "\\u escapes decode to UTF-8");
	is_int(u("displayName sw \"Babs \\u0022\""), 1, "\\u0022 is a quote");
	is_int(u("userName eq \"a\\/b\\\\c\\n\""), 0, "\\/ \\\\ \\n are accepted");
	is_int(u("userName eq \"\xf0\x9f\x98\x80\""), 0, "raw UTF-8 in a literal");
	is_int(u("userName eq \"\\ud83d\\ude00\""), 0, "a surrogate pair");
}

static void numbers(void)
{
	json_t *r = json_pack("{s:s,s:I,s:f}", "userName", "n", "x", (json_int_t)5, "y", 2.5);
	struct scim_filter *f;
	const char *why;
	ok(scim_filter_parse(A, "x gt -1.5e2", 11, &f, &why) == GCAS_OK, "a number literal parses");
	is_int(f->val.kind, SCIM_L_NUMBER, "  as a number");
	ok(f->val.num == -150.0 && !f->val.is_int, "  with its value");
	ok(scim_filter_parse(A, "x eq 42", 7, &f, &why) == GCAS_OK && f->val.is_int &&
	       f->val.i == 42,
	   "an integer literal");
	ok(scim_filter_parse(A, "x eq 01", 7, &f, &why) == GCAS_ERR_INVALID,
	   "leading zero refused");
	has_str(why, "leading zero", "  with its reason");
	ok(scim_filter_parse(A, "x eq 1.", 7, &f, &why) == GCAS_ERR_INVALID, "1. refused");
	ok(scim_filter_parse(A, "x eq 1e999", 10, &f, &why) == GCAS_ERR_INVALID,
	   "out of range refused");
	has_str(why, "out of range", "  with its reason");
	json_decref(r);
}

static void refusals(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"", "unexpected end of the filter at offset 0"},
	    {"userName", "expected an operator (eq ne co sw ew gt ge lt le pr) after 'userName' at "
	                 "offset 8"},
	    {"userName eqq \"x\"", "expected an operator"},
	    {"userName eq", "expected a value"},
	    {"userName eq \"x", "unterminated string at offset 12"},
	    {"userName eq x", "expected a value"},
	    {"userName eq \"x\" and", "unexpected end of the filter"},
	    {"userName eq \"x\" xor active eq true", "unexpected text at offset 16"},
	    {"(userName pr", "expected ')'"},
	    {"userName pr)", "unbalanced ')' at offset 11"},
	    {"emails[type eq \"work\"", "expected ']'"},
	    {"emails[type[value pr]]", "cannot contain another []"},
	    {"name.givenName[value pr]", "[] follows an attribute, not a sub-attribute"},
	    {"userName eq \"a\\qb\"", "invalid escape in a string"},
	    {"userName eq \"\\u12\"", "invalid \\u escape"},
	    {"userName eq \"\\ud800\"", "lone high surrogate"},
	    {"userName eq \"\\udc00\"", "lone low surrogate"},
	    {"userName eq \"\\u0000\"", "NUL in a string"},
	    {"userName eq \"a\tb\"", "control character in a string"},
	    {"1abc eq \"x\"", "expected an attribute name at offset 0"},
	    {"urn:x eq \"y\"", "malformed schema URN"},
	    {"userName eq\"x\"", "expected a space after the operator"},
	    {"userName pr andactive pr", "unexpected text"},
	    {"not userName pr", "expected an operator"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct scim_filter *f;
		const char *why = NULL;
		enum gcas_err e = scim_filter_parse(A, bad[i].text, strlen(bad[i].text), &f, &why);
		is_int(e, GCAS_ERR_INVALID, "refused: %s", bad[i].text);
		has_str(why, bad[i].msg, "  says: %s", bad[i].msg);
	}
	struct scim_filter *f;
	const char *why;
	ok(scim_filter_parse(A, "userName eq \"\xff\"", 15, &f, &why) == GCAS_ERR_INVALID,
	   "invalid UTF-8 refused");
	has_str(why, "not valid UTF-8", "  says so");
	ok(scim_filter_parse(A, "userName pr\0", 12, &f, &why) == GCAS_ERR_INVALID,
	   "NUL byte refused");
}

static void schema_refusals(void)
{
	has_str(refused(SCIM_USER, "nosuch eq \"x\""), "unknown attribute 'nosuch'",
	        "unknown attribute");
	has_str(refused(SCIM_USER, "name.nosuch eq \"x\""), "unknown attribute 'name.nosuch'",
	        "unknown sub-attribute");
	has_str(refused(SCIM_USER, "urn:example:ext:1.0:User:x eq \"y\""),
	        "unknown attribute 'urn:example:ext:1.0:User:x'", "unknown schema URN");
	has_str(refused(SCIM_GROUP, "userName eq \"x\""), "unknown attribute 'userName'",
	        "a User attribute on a Group");
	has_str(refused(SCIM_USER, "active gt true"), "'active' cannot be ordered",
	        "gt on a boolean is invalidFilter (RFC 7644 §3.4.2.2)");
	has_str(refused(SCIM_USER, "active eq \"true\""), "'active' is a boolean",
	        "boolean compared with a string");
	has_str(refused(SCIM_USER, "userName eq 5"), "'userName' is a string",
	        "string compared with a number");
	has_str(refused(SCIM_USER, "active co \"t\""), "is a boolean", "co on a boolean");
	/* RFC 7643 §2.3.5: a dateTime is compared with a dateTime, not any string. */
	static const char *const not_dates[] = {"notadate",
	                                        "2026-11-27",
	                                        "2026-11-27 09:00:00Z",
	                                        "2026-11-27T09:00:00",
	                                        "2026-11-27T09:00:00.Z",
	                                        "2026-11-27T09:00:00+0900",
	                                        "2026-11-27T09:00:00Zjunk"};
	for (size_t i = 0; i < sizeof(not_dates) / sizeof(not_dates[0]); i++)
		has_str(refused(SCIM_USER,
		                arena_printf(A, "meta.lastModified gt \"%s\"", not_dates[i])),
		        "is a dateTime", "meta.lastModified gt \"%s\": refused", not_dates[i]);
	static const char *const dates[] = {"2026-11-27T09:00:00Z", "2026-11-27T09:00:00.123Z",
	                                    "2026-11-27T09:00:00+09:00"};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		is_str(refused(SCIM_USER, arena_printf(A, "meta.lastModified gt \"%s\"", dates[i])),
		       NULL, "meta.lastModified gt \"%s\": accepted", dates[i]);
	is_str(refused(SCIM_USER, "meta.lastModified sw \"2026\""), NULL,
	       "sw on a dateTime takes any prefix");
	has_str(refused(SCIM_USER, "name eq \"x\""), "'name' is complex", "complex compared");
	has_str(refused(SCIM_USER, "userName gt null"), "null can only be compared with eq or ne",
	        "gt null");
	has_str(refused(SCIM_USER, "emails[nosuch eq \"x\"]"),
	        "'nosuch' is not a sub-attribute of 'emails'", "unknown name inside []");
	has_str(refused(SCIM_USER, "userName[value eq \"x\"]"), "'userName' is not complex",
	        "[] on a simple attribute");
	ok(refused(SCIM_USER, "userName pr") == NULL, "a good filter is not refused");
}

static void bounds(void)
{
	char big[SCIM_FILTER_MAX_LEN + 16];
	struct scim_filter *f;
	const char *why;
	memset(big, ' ', sizeof(big));
	memcpy(big, "userName pr", 11);
	ok(scim_filter_parse(A, big, SCIM_FILTER_MAX_LEN, &f, &why) == GCAS_OK,
	   "4096 bytes are accepted");
	ok(scim_filter_parse(A, big, SCIM_FILTER_MAX_LEN + 1, &f, &why) == GCAS_ERR_INVALID,
	   "4097 bytes are refused");
	has_str(why, "longer than 4096 bytes", "  with the limit in the message");

	char deep[256], deeper[sizeof(deep) + 2];
	snprintf(deep, sizeof(deep), "%.16s%s%.16s", "((((((((((((((((", "userName pr",
	         "))))))))))))))))");
	ok(scim_filter_parse(A, deep, strlen(deep), &f, &why) == GCAS_OK, "depth 16 is accepted");
	snprintf(deeper, sizeof(deeper), "(%s)", deep);
	ok(scim_filter_parse(A, deeper, strlen(deeper), &f, &why) == GCAS_ERR_INVALID,
	   "depth 17 is refused");
	has_str(why, "deeper than 16 levels", "  with the limit in the message");
	char nots[256];
	size_t k = 0;
	for (int i = 0; i < 17; i++)
		k += (size_t)snprintf(nots + k, sizeof(nots) - k, "not (");
	ok(scim_filter_parse(A, nots, strlen(nots), &f, &why) == GCAS_ERR_INVALID,
	   "17 nested nots are refused");

	static char many[SCIM_FILTER_MAX_LEN];
	size_t n = 0;
	for (int i = 0; i < 129 && n + 24 < sizeof(many); i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%sid pr", i ? " or " : "");
	ok(scim_filter_parse(A, many, n, &f, &why) == GCAS_ERR_INVALID,
	   "257 terms (129 comparisons, 128 ors) are refused");
	has_str(why, "more than 256 terms", "  with the limit in the message");
	n = 0;
	for (int i = 0; i < 128; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%sid pr", i ? " or " : "");
	ok(scim_filter_parse(A, many, n, &f, &why) == GCAS_OK, "255 terms are accepted");
}

static void simple_eq(void)
{
	struct scim_filter *f;
	const char *why, *v = NULL;
	scim_filter_parse(A, "UserName eq \"A@b\"", 17, &f, &why);
	scim_filter_check(A, f, scim_rdef_get(SCIM_USER), &why);
	is_str(scim_filter_simple_eq(f, &v), "userName", "userName eq is a simple lookup");
	is_str(v, "A@b", "  with its value");
	scim_filter_parse(A, "emails eq \"x\"", 13, &f, &why);
	scim_filter_check(A, f, scim_rdef_get(SCIM_USER), &why);
	ok(scim_filter_simple_eq(f, &v) == NULL, "a complex attribute is not");
	scim_filter_parse(A, "userName eq \"x\" and id pr", 25, &f, &why);
	scim_filter_check(A, f, scim_rdef_get(SCIM_USER), &why);
	ok(scim_filter_simple_eq(f, &v) == NULL, "an and is not");
}

static void patch_paths(void)
{
	struct scim_patch_path pp;
	const char *why, *type;
	const struct scim_rdef *rd = scim_rdef_get(SCIM_USER);
	const char *p1 = "emails[type eq \"work\"].value";
	ok(scim_patch_path_parse(A, p1, strlen(p1), rd, &pp, &why, &type) == GCAS_OK,
	   "valuePath with a sub-attribute");
	is_str(pp.r.attr->name, "emails", "  attribute");
	is_str(pp.r.sub->name, "value", "  sub-attribute after the filter");
	ok(pp.filter != NULL, "  and its filter");
	const char *p2 = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value";
	ok(scim_patch_path_parse(A, p2, strlen(p2), rd, &pp, &why, &type) == GCAS_OK,
	   "URN path with a sub-attribute");
	is_str(pp.r.ext, SCIM_SCHEMA_ENTERPRISE, "  in the extension");
	const char *p3 = "nosuch";
	ok(scim_patch_path_parse(A, p3, strlen(p3), rd, &pp, &why, &type) == GCAS_ERR_INVALID,
	   "an unknown attribute");
	is_str(type, "invalidPath", "  is invalidPath");
	has_str(why, "unknown attribute 'nosuch'", "  with its name");
	const char *p4 = "emails[type eq]";
	ok(scim_patch_path_parse(A, p4, strlen(p4), rd, &pp, &why, &type) == GCAS_ERR_INVALID,
	   "a bad filter in the path");
	is_str(type, "invalidFilter", "  is invalidFilter");
	const char *p5 = "userName[value eq \"x\"]";
	ok(scim_patch_path_parse(A, p5, strlen(p5), rd, &pp, &why, &type) == GCAS_ERR_INVALID,
	   "[] on a single-valued attribute");
	const char *p6 = "emails[type eq \"work\"].nosuch";
	ok(scim_patch_path_parse(A, p6, strlen(p6), rd, &pp, &why, &type) == GCAS_ERR_INVALID,
	   "an unknown sub-attribute after []");
	const char *p7 = "userName extra";
	ok(scim_patch_path_parse(A, p7, strlen(p7), rd, &pp, &why, &type) == GCAS_ERR_INVALID,
	   "text after the path");
	has_str(why, "unexpected text in the path", "  says so");
}

int main(void)
{
	json_error_t je;
	A = arena_new(0);
	USER = json_loads(user_json, 0, &je);
	GROUP = json_loads(group_json, 0, &je);
	if (!ok(A && USER && GROUP, "fixtures load"))
		return tap_done();
	operators();
	logic();
	value_paths();
	urns_and_literals();
	numbers();
	refusals();
	schema_refusals();
	bounds();
	simple_eq();
	patch_paths();
	json_decref(USER);
	json_decref(GROUP);
	arena_free(A);
	return tap_done();
}
