/* SPDX-License-Identifier: MIT */
/* The application state machine (S1, R2.2): every pair of states against the expected moves,
 * final states, names round-tripping, who needs approval (別表1) and who certifies whom (2.2.2). */
#include <string.h>

#include "core/application.h"
#include "tap.h"

static void test_transitions(void)
{
	/* Rows: from; columns: to (draft submitted approved rejected withdrawn fulfilled failed).
	 */
	static const char *const grid[APP_STATE__MAX] = {
	    [APP_DRAFT] = ".X..X..",    [APP_SUBMITTED] = "..XXX..", [APP_APPROVED] = ".....XX",
	    [APP_REJECTED] = ".......", [APP_WITHDRAWN] = ".......", [APP_FULFILLED] = ".......",
	    [APP_FAILED] = ".......",
	};
	int bad = 0;
	for (int f = 0; f < APP_STATE__MAX; f++)
		for (int t = 0; t < APP_STATE__MAX; t++) {
			int want = grid[f][t] == 'X';
			if (app_transition_allowed((enum app_state)f, (enum app_state)t) != want) {
				printf("#   %s -> %s: want %d\n", app_state_name((enum app_state)f),
				       app_state_name((enum app_state)t), want);
				bad++;
			}
		}
	is_int(bad, 0, "every from × to pair matches the S1 state machine");
	ok(!app_transition_allowed(APP_DRAFT, APP_APPROVED), "a draft is not approved unsubmitted");
	ok(!app_transition_allowed(APP_SUBMITTED, APP_FULFILLED),
	   "nothing is fulfilled unapproved");
	ok(!app_transition_allowed(APP_REJECTED, APP_SUBMITTED), "a rejection is final");
	ok(!app_transition_allowed((enum app_state) - 1, APP_DRAFT), "out of range from: refused");
	ok(!app_transition_allowed(APP_DRAFT, APP_STATE__MAX), "out of range to: refused");
	int finals = 0;
	for (int s = 0; s < APP_STATE__MAX; s++)
		finals += app_state_final((enum app_state)s);
	is_int(finals, 4, "four final states");
	ok(app_state_final(APP_FAILED) && app_state_final(APP_WITHDRAWN) &&
	       !app_state_final(APP_APPROVED) && !app_state_final(APP_DRAFT),
	   "  rejected, withdrawn, fulfilled, failed");
}

static void test_names(void)
{
	int bad = 0;
	for (int k = 0; k < APP_KIND__MAX; k++)
		bad += app_kind_parse(app_kind_name((enum app_kind)k)) != k ||
		       !app_kind_label((enum app_kind)k, 0) || !app_kind_label((enum app_kind)k, 1);
	for (int s = 0; s < APP_STATE__MAX; s++)
		bad += app_state_parse(app_state_name((enum app_state)s)) != s ||
		       !app_state_label((enum app_state)s, 0) ||
		       !app_state_label((enum app_state)s, 1);
	is_int(bad, 0, "kinds and states round-trip and have both labels");
	is_str(app_kind_name(APP_ORG_END), "org_end", "org_end storage name");
	is_int(app_kind_parse("Create"), -1, "names are exact");
	is_int(app_state_parse(NULL), -1, "NULL parses to -1");
	ok(app_kind_name(APP_KIND__MAX) == NULL, "out of range kind: NULL");
	is_str(app_state_label(APP_SUBMITTED, 0), "申請中", "Japanese label");
}

static void test_roles(void)
{
	for (int r = 0; r < ROLE__MAX; r++)
		is_int(app_needs_approval((enum role)r), r == ROLE_CONTRACTOR_MANAGER,
		       "別表1: %s's application needs approval = %d", role_name((enum role)r),
		       r == ROLE_CONTRACTOR_MANAGER);
	static const int cert[ROLE__MAX] = {
	    [ROLE_OPERATOR] = -1,
	    [ROLE_AGENCY_MANAGER] = ROLE_OPERATOR,
	    [ROLE_AGENCY_STAFF] = ROLE_AGENCY_MANAGER,
	    [ROLE_PROJECT_MANAGER] = ROLE_AGENCY_MANAGER,
	    [ROLE_PROJECT_STAFF] = ROLE_PROJECT_MANAGER,
	    [ROLE_CONTRACTOR_MANAGER] = ROLE_PROJECT_MANAGER,
	    [ROLE_CONTRACTOR_STAFF] = ROLE_CONTRACTOR_MANAGER,
	};
	for (int r = 0; r < ROLE__MAX; r++)
		is_int(role_certifier((enum role)r), cert[r], "2.2.2: %s is certified by %d",
		       role_name((enum role)r), cert[r]);
	is_int(role_certifier(ROLE__MAX), -1, "out of range: -1");
}

int main(void)
{
	test_transitions();
	test_names();
	test_roles();
	return tap_done();
}
