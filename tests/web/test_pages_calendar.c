/* SPDX-License-Identifier: MIT */
/* The holiday calendar page (page_calendar.c, R2.10): every signed-in user sees a year's
 * holidays marked computed or imported; only the operator gets the import form; an import by
 * pasted CSV replaces the year and redirects with a confirmation; bad CSV re-renders with the
 * line named (422) and keeps what was pasted; refusals for others (403, audited), a bad year
 * (400), no CSRF token, and signed-out visitors. */
#include "test_pages.h"

int main(void)
{
	char op_org[33], a[33];
	struct who op, staff;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0,
	   "operator and an agency");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff@a.example.jp", &staff) == 0,
	   "an operator and agency staff, signed in");

	/* Anyone signed in reads the calendar. */
	is_int(get(&staff, "/calendar?year=2019"), 200, "staff: 2019");
	has_str(BODY, "祝日カレンダー", "Japanese title");
	has_str(BODY, "休日（祝日扱い）", "the enthronement day");
	has_str(BODY, "2019-10-22", "  on 10/22");
	has_str(BODY, "計算", "marked computed");
	lacks_str(BODY, "/calendar/import", "staff get no import form");
	is_int(get(&staff, "/calendar?year=2026&lang=en"), 200, "English");
	has_str(BODY, "Holiday calendar", "English title");
	has_str(BODY, "Computed", "English source label");
	is_int(get(&staff, "/calendar"), 200, "no year: this year");
	is_int(get(&staff, "/calendar?year=abc"), 400, "a year that is not a number: 400");
	is_int(get(&staff, "/calendar?year=3000"), 400, "a year out of range: 400");
	is_int(get(NULL, "/calendar"), 303, "signed out: sent to sign in");

	/* The operator imports. */
	is_int(get(&op, "/calendar?year=2026"), 200, "operator: 2026");
	has_str(BODY, "action=\"/calendar/import\"", "the import form");
	has_str(BODY, "name=\"csrf\"", "  with its CSRF field");
	has_str(BODY, "<textarea", "  and a textarea");
	const char *good = "国民の祝日・休日月日,国民の祝日・休日名称\r\n2026/1/1,元日\r\n"
	                   "2026/6/15,臨時の休日\r\n";
	long before = wt_audit_count(&W, "calendar.import", NULL);
	is_int(post(&op, "/calendar/import", form("csrf", op.csrf, "csv", good, NULL)), 303,
	       "operator imports 2026: redirect");
	is_str(LOCATION, "/calendar?year=2026&done=imported", "  back to the year with done=");
	is_int(wt_audit_count(&W, "calendar.import", "ok"), before + 1, "  audited");
	is_int(get(&op, "/calendar?year=2026&done=imported"), 200, "the year after the import");
	has_str(BODY, "祝日の一覧を取り込みました", "  confirms");
	has_str(BODY, "臨時の休日", "  lists the imported day");
	lacks_str(BODY, "こどもの日", "  and no longer the computed ones");
	has_str(BODY, "取り込み", "  marked imported");
	has_str(BODY, "2026", "  imported years listed");

	/* Bad input re-renders with the line named, keeping the text. */
	const char *bad = "2027/1/1,元日\n2027/2/30,建国記念の日\n";
	is_int(
	    post(&op, "/calendar/import", form("csrf", op.csrf, "year", "2027", "csv", bad, NULL)),
	    422, "an impossible date: 422");
	has_str(BODY, "2行目", "  the line is named");
	has_str(BODY, "2027/2/30,建国記念の日", "  the pasted text is kept");
	has_str(BODY, "href=\"#csv\"", "  the summary links to the textarea");
	is_int(post(&op, "/calendar/import", form("csrf", op.csrf, "csv", "", NULL)), 422,
	       "an empty paste: 422");
	is_int(wt_audit_count(&W, "calendar.import", NULL), before + 1, "  nothing more imported");

	/* Refusals. */
	is_int(post(&staff, "/calendar/import", form("csrf", staff.csrf, "csv", good, NULL)), 403,
	       "staff may not import: 403");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= 1, "  the refusal is audited");
	is_int(post(&op, "/calendar/import", form("csv", good, NULL)), 403,
	       "no CSRF token: refused");
	is_int(wt_audit_count(&W, "calendar.import", NULL), before + 1, "  nothing imported");

	pages_done();
	return tap_done();
}
