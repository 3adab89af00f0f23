/* SPDX-License-Identifier: MIT */
/* Tests for web/html (escaping printf, URL filter), web/layout (page frame, forms, components)
 * and web/static_assets (embedded files). Pages must never carry <script or style= (CSP). */
#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

#include "base/codec.h"
#include "base/str.h"
#include "tap.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/static_assets.h"

static struct buf b;

static const char *out(void)
{
	return b.data ? b.data : "";
}

static void fresh(void)
{
	buf_free(&b);
	buf_init(&b, 0);
}

/* Hidden from the compiler so the format checker does not flag a literal NULL. */
__attribute__((noinline)) static const char *null_str(void)
{
	return NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle))
		n++;
	return n;
}

static void test_escape(void)
{
	fresh();
	html_printf(&b, "<b>%s</b>", "<a href=\"x\">'&'</a>");
	is_str(out(), "<b>&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;</b>",
	       "%%s escapes & < > \" ' while the format's markup stays raw");

	fresh();
	html_text(&b, "&<>\"'");
	is_str(out(), "&amp;&lt;&gt;&quot;&#39;", "html_text escapes all five specials");

	fresh();
	html_text(&b, "&amp;");
	is_str(out(), "&amp;amp;", "an entity in data is escaped again, not trusted");

	fresh();
	html_printf(&b, "[%s][%s]", null_str(), "x");
	is_str(out(), "[][x]", "NULL %%s prints nothing");

	fresh();
	html_text(&b, NULL);
	is_int(b.len, 0, "html_text(NULL) appends nothing");

	fresh();
	html_text(&b, "日本語\tタブ\n改行\r");
	is_str(out(), "日本語\tタブ\n改行\r", "UTF-8 text, tab, newline and CR pass through");

	fresh();
	html_text(&b, "a\xff"
	              "b\x01"
	              "c\x7f"
	              "d\xc2\x85"
	              "e\xe6\x97");
	is_str(out(),
	       "a\xEF\xBF\xBD"
	       "b\xEF\xBF\xBD"
	       "c\xEF\xBF\xBD"
	       "d\xEF\xBF\xBD"
	       "e\xEF\xBF\xBD\xEF\xBF\xBD",
	       "invalid UTF-8, C0, DEL and C1 controls become U+FFFD");

	fresh();
	html_text(&b, "\xc0\xbc"
	              "x");
	is_str(out(), "\xEF\xBF\xBD\xEF\xBF\xBDx", "overlong '<' (C0 BC) is not decoded to '<'");

	fresh();
	html_printf(&b, "%c%c%c", '<', '"', 'a');
	is_str(out(), "&lt;&quot;a", "%%c is escaped too");

	fresh();
	html_lit(&b, "<p class=\"x\">");
	is_str(out(), "<p class=\"x\">", "html_lit appends markup unchanged");
}

static void test_numbers(void)
{
	fresh();
	html_printf(&b, "%d|%5d|%-4d|%05d|%+d|%i", -42, 7, 3, 42, 5, 9);
	is_str(out(), "-42|    7|3   |00042|+5|9", "int conversions with flags and width");

	fresh();
	html_printf(&b, "%lld|%ld|%zu|%u|%x|%X|%#x|%o|%hhu|%hd", (long long)-9000000000LL,
	            123456789L, (size_t)77, 4000000000u, 255u, 255u, 255u, 8u, (unsigned char)200,
	            (short)-3);
	is_str(out(), "-9000000000|123456789|77|4000000000|ff|FF|0xff|10|200|-3",
	       "length modifiers ll l z hh h and bases");

	fresh();
	html_printf(&b, "%jd|%td|%zx", (intmax_t)-1, (ptrdiff_t)-2, (size_t)0xabc);
	is_str(out(), "-1|-2|abc", "j, t and z modifiers");

	fresh();
	html_printf(&b, "100%% %.2f %e", 3.14159, 1.0);
	is_str(out(), "100% 3.14 1.000000e+00", "%% and floating point");

	fresh();
	html_printf(&b, "[%*d][%-*d][%.*d]", 4, 1, 3, 2, 3, 5);
	is_str(out(), "[   1][2  ][005]", "'*' width, left-justified width and precision");

	fresh();
	html_printf(&b, "[%*d]", -3, 1);
	is_str(out(), "[1  ]", "a negative '*' width left-justifies (C17 7.21.6.1p5)");

	fresh();
	html_printf(&b, "%300d", 1);
	ok(b.len == 300 && out()[299] == '1', "a field wider than the stack buffer is formatted");

	fresh();
	html_printf(&b, "[%.4s][%.*s][%.3s]", "日本", 2, "abc", "a<b>");
	is_str(out(), "[日][ab][a&lt;b]", "%%.Ns counts bytes but never splits a UTF-8 character");

	fresh();
	html_printf(&b, "[%4s][%-3s]", "日本", "x");
	is_str(out(), "[  日本][x  ]", "%%Ns pads by characters");

	fresh();
	html_printf(&b, "%p", (void *)&b);
	ok(b.len > 2 && !b.failed, "%%p is formatted");

	fresh();
	int n = 0;
	html_printf(&b, "x%n", &n);
	ok(b.failed, "%%n is refused: the buffer is marked failed");

	struct buf small;
	buf_init(&small, 8);
	html_printf(&small, "%s", "<<<<<<");
	ok(small.failed, "escaping past the buffer cap fails the buffer");
	buf_free(&small);
}

static void url_case(const char *url, int accept, const char *want)
{
	fresh();
	int rc = html_attr_url(&b, url);
	is_int(rc, accept ? 0 : -1, "html_attr_url %s \"%s\"", accept ? "accepts" : "refuses",
	       url ? url : "(null)");
	is_str(out(), want, "  and writes the expected text");
}

static void test_urls(void)
{
	url_case("/accounts?x=1&y=\"2\"", 1, "/accounts?x=1&amp;y=&quot;2&quot;");
	url_case("https://console.example.go.jp/x", 1, "https://console.example.go.jp/x");
	url_case("HTTP://example.jp", 1, "HTTP://example.jp");
	url_case("#main", 1, "#main");
	url_case("javascript:alert(1)", 0, "#");
	url_case("JaVaScRiPt:alert(1)", 0, "#");
	url_case("data:text/html,<script>alert(1)</script>", 0, "#");
	url_case("vbscript:x", 0, "#");
	url_case("//evil.example/", 0, "#");
	url_case("/\\evil.example/", 0, "#");
	url_case("/\t/evil.example/", 0, "#");
	url_case(" /x", 0, "#");
	url_case("/x y", 0, "#");
	url_case("https:///evil", 0, "#");
	url_case("https://", 0, "#");
	url_case("relative/path", 0, "#");
	url_case("", 0, "#");
	url_case(NULL, 0, "#");
}

static const struct nav_item nav[] = {
    {"/", "ホーム", "Home"},
    {"/accounts", "アカウント", "Accounts"},
    {"/help", "ヘルプデスク", "Helpdesk"},
};

static void page(enum lang l)
{
	struct page_ctx p = {.lang = l,
	                     .title_ja = "アカウント一覧",
	                     .title_en = "Accounts",
	                     .path_and_query = "/accounts?lang=ja&page=2",
	                     .user_name = "<script>alert(1)</script>山田",
	                     .role_label = "利用機関GCAS責任者",
	                     .csrf = "tok\"en",
	                     .nav = nav,
	                     .nnav = 3,
	                     .active_href = "/accounts",
	                     .flash_kind = "success",
	                     .flash_msg = "保存しました"};
	fresh();
	page_begin(&b, &p);
	html_lit(&b, "<h1>x</h1>");
	page_end(&b, &p);
}

/* Every <tag counted against </tag>: a cheap proof the frame closes what it opens. */
static void balanced(const char *html, const char *tag)
{
	char open[32], close[32];
	snprintf(open, sizeof(open), "<%s", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	size_t o = 0;
	size_t k = strlen(open);
	for (const char *q = strstr(html, open); q; q = strstr(q + k, open)) {
		if (q[k] == ' ' || q[k] == '>')
			o++;
	}
	is_int(o, count(html, close), "<%s> opened and closed the same number of times", tag);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* " on<letters>=" anywhere: an inline event handler, which the CSP would block anyway. */
static int has_event_attr(const char *html)
{
	for (const char *p = strstr(html, " on"); p; p = strstr(p + 1, " on")) {
		const char *q = p + 3;
		while (*q >= 'a' && *q <= 'z')
			q++;
		if (q > p + 3 && *q == '=')
			return 1;
	}
	return 0;
}

static void no_script_no_style(const char *html, const char *what)
{
	ok(!strstr(html, "<script") && !strstr(html, "<SCRIPT"), "%s: no <script", what);
	ok(!strstr(html, "style=") && !strstr(html, "<style"), "%s: no style= or <style", what);
	ok(!has_event_attr(html), "%s: no on*= event handler attributes", what);
}

static void test_page(void)
{
	page(LANG_JA);
	const char *h = out();
	ok(str_starts(h, "<!doctype html>\n<html lang=\"ja\">"), "doctype then <html lang=\"ja\">");
	has_str(h, "<meta charset=\"utf-8\">", "charset");
	has_str(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
	        "viewport meta");
	has_str(h, "<title>アカウント一覧 | GCAS</title>", "title is \"<page> | GCAS\"");
	has_str(h, "<link rel=\"stylesheet\" href=\"/static/tokens.css\">", "tokens.css linked");
	has_str(h, "<link rel=\"stylesheet\" href=\"/static/gcas.css\">", "gcas.css linked");
	has_str(h, "<a class=\"skip-link\" href=\"#main\">本文へ移動</a>",
	        "skip link first in body");
	ok(strstr(h, "skip-link") < strstr(h, "site-header"), "skip link precedes the header");
	has_str(h, "<main id=\"main\"", "main has id=main");
	has_str(h, "ガバメントクラウド利用支援サービス", "service name in the header");
	has_str(h, "href=\"/accounts\" aria-current=\"page\">アカウント</a>",
	        "aria-current on the active nav item");
	is_int(count(h, "aria-current=\"page\""), 1, "and only on it");
	has_str(h, "href=\"/accounts?page=2&amp;lang=en\" lang=\"en\" hreflang=\"en\">English</a>",
	        "language switch keeps the query, replaces lang");
	has_str(h, "aria-current=\"true\" lang=\"ja\">日本語</span>",
	        "current language not a link");
	has_str(h, "&lt;script&gt;alert(1)&lt;/script&gt;山田", "user name escaped");
	has_str(h, "利用機関GCAS責任者", "role shown");
	has_str(h, "action=\"" PAGE_SIGNOUT_ACTION "\"",
	        "sign-out form posts to the sign-out path");
	has_str(h, "name=\"csrf\" value=\"tok&quot;en\"", "sign-out form carries the CSRF token");
	has_str(h, "サインアウト</button>", "sign-out button");
	has_str(h, "class=\"alert alert--success\" role=\"status\"",
	        "flash shown as a status alert");
	has_str(h, "保存しました", "flash text");
	ok(ends_with(h, "</body>\n</html>\n"), "page_end closes body and html");
	no_script_no_style(h, "ja page");
	const char *tags[] = {"html", "head", "body", "header", "nav", "main", "footer", "div",
	                      "ul",   "li",   "form", "p",      "a",   "span", "button"};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		balanced(h, tags[i]);

	page(LANG_EN);
	h = out();
	ok(str_starts(h, "<!doctype html>\n<html lang=\"en\">"), "<html lang=\"en\"> in English");
	has_str(h, "<title>Accounts | GCAS</title>", "English title");
	has_str(h, "Skip to main content", "English skip link");
	has_str(h, "Sign out</button>", "English sign-out");
	has_str(h, "href=\"/accounts?page=2&amp;lang=ja\" lang=\"ja\" hreflang=\"ja\">日本語</a>",
	        "switch back to Japanese");
	has_str(h, ">Accounts</a>", "English nav labels");
	no_script_no_style(h, "en page");

	struct page_ctx anon = {.lang = LANG_JA, .title_ja = "サインイン", .title_en = "Sign in"};
	fresh();
	page_begin(&b, &anon);
	page_end(&b, &anon);
	ok(!strstr(out(), "user-box") && !strstr(out(), "サインアウト"),
	   "signed out: no user box, no sign-out button");
	ok(!strstr(out(), "site-nav"), "no nav when none given");
	has_str(out(), "href=\"/?lang=en\"", "no path: the switch goes to /?lang=en");
}

static void lang_url(const char *in, enum lang l, const char *want)
{
	struct buf u;
	buf_init(&u, 0);
	page_lang_url(&u, in, l);
	is_str(u.data, want, "lang url for \"%s\"", in ? in : "(null)");
	buf_free(&u);
}

static void test_lang_url(void)
{
	lang_url("/a", LANG_EN, "/a?lang=en");
	lang_url("/a?lang=en&x=1&lang=ja#frag", LANG_JA, "/a?x=1&lang=ja");
	lang_url("/a?langx=1&xlang=2", LANG_EN, "/a?langx=1&xlang=2&lang=en");
	lang_url("/a?lang", LANG_EN, "/a?lang=en");
	lang_url("/a?&&x=1&", LANG_EN, "/a?x=1&lang=en");
	lang_url(NULL, LANG_EN, "/?lang=en");
	lang_url("//evil.example/", LANG_EN, "/?lang=en");
	lang_url("javascript:alert(1)", LANG_JA, "/?lang=ja");
}

static void test_forms(void)
{
	const struct field_error errs[] = {{"email", "メールアドレスを<入力>してください"},
	                                   {"name", "氏名を入力してください"}};
	fresh();
	form_error_summary(&b, LANG_JA, errs, 2);
	const char *h = out();
	has_str(h, "class=\"error-summary\" role=\"alert\"", "error summary is a role=alert box");
	has_str(h, "入力内容に2件の問題があります", "summary counts the problems");
	has_str(h, "<a href=\"#email\">メールアドレスを&lt;入力&gt;してください</a>",
	        "each message links to its field and is escaped");
	has_str(h, "<a href=\"#name\">", "second link");

	fresh();
	form_error_summary(&b, LANG_EN, errs, 1);
	has_str(out(), "There is 1 problem with your answers", "English summary, singular");

	fresh();
	form_error_summary(&b, LANG_JA, errs, 0);
	is_int(b.len, 0, "no errors: no summary");
	is_str(form_error_for(errs, 2, "name"), "氏名を入力してください", "form_error_for finds");
	ok(form_error_for(errs, 2, "zip") == NULL, "form_error_for misses");

	fresh();
	form_input(&b, "email", "email", "メールアドレス", "業務用の個人アドレス", "a\"@b",
	           errs[0].msg, 1, "email");
	h = out();
	has_str(h, "<label class=\"field__label\" for=\"email\">メールアドレス", "label for= id");
	has_str(h, "<span class=\"field__req\">※必須</span>", "required marked in words");
	has_str(h, "id=\"email\" name=\"email\" type=\"email\" value=\"a&quot;@b\"",
	        "input id, name, type and escaped value");
	has_str(h,
	        "aria-describedby=\"email-hint email-error\" aria-invalid=\"true\" required "
	        "autocomplete=\"email\"",
	        "described by hint and error, invalid, required, autocomplete");
	has_str(h, "<p class=\"field__hint\" id=\"email-hint\">業務用の個人アドレス</p>",
	        "hint id");
	has_str(h,
	        "<p class=\"field__error\" id=\"email-error\"><span class=\"visually-hidden\">"
	        "エラー：</span>メールアドレスを&lt;入力&gt;してください</p>",
	        "error text with a spoken prefix");
	ok(strstr(h, "field__label") < strstr(h, "<input"), "label above the input");

	fresh();
	form_input(&b, "name", NULL, "氏名", NULL, NULL, NULL, 0, NULL);
	h = out();
	ok(!strstr(h, "aria-describedby") && !strstr(h, "aria-invalid") && !strstr(h, "required"),
	   "no hint, no error, optional: no describedby, invalid or required");
	has_str(h, "type=\"text\"", "type defaults to text");

	fresh();
	form_input(&b, "password", "password", "パスワード", NULL, "secret", NULL, 1,
	           "current-password");
	ok(!strstr(out(), "secret"), "a password value is never echoed");

	const struct form_option opts[] = {
	    {"aws", "AWS"}, {"gcp", "Google Cloud"}, {"oci", "<OCI>"}};
	fresh();
	form_select(&b, "csp", "クラウド", NULL, opts, 3, "gcp", NULL, 1);
	h = out();
	has_str(h, "<select class=\"select\" id=\"csp\" name=\"csp\" required>", "select");
	has_str(h, "<option value=\"gcp\" selected>Google Cloud</option>", "selected option");
	has_str(h, "<option value=\"oci\">&lt;OCI&gt;</option>", "option label escaped");

	struct form_field radio = {.name = "role",
	                           .type = "radio",
	                           .label = "役割",
	                           .value = "b",
	                           .error = "選んでください",
	                           .required = 1,
	                           .options = opts,
	                           .noptions = 2};
	fresh();
	form_field(&b, LANG_EN, &radio);
	h = out();
	has_str(
	    h,
	    "<fieldset class=\"field field--group field--error\" aria-describedby=\"role-error\"",
	    "radios in a fieldset described by the error");
	has_str(h, "<legend class=\"field__label\">役割<span class=\"field__req\">Required</span>",
	        "legend with the English marker");
	has_str(h, "id=\"role\" name=\"role\" value=\"aws\"", "first radio carries the field id");
	has_str(h, "for=\"role-1\"", "later radios get their own ids and labels");

	struct form_field cb = {
	    .name = "agree", .type = "checkbox", .label = "同意する", .value = "1"};
	fresh();
	form_field(&b, LANG_JA, &cb);
	has_str(out(), "type=\"checkbox\" id=\"agree\" name=\"agree\" value=\"1\" checked",
	        "checked checkbox");

	struct form_field bad = {.label = "no name"};
	fresh();
	form_field(&b, LANG_JA, &bad);
	ok(b.failed, "a field without a name fails the buffer");

	fresh();
	form_csrf(&b, "abc<");
	is_str(out(), "<input type=\"hidden\" name=\"csrf\" value=\"abc&lt;\">", "form_csrf");
	fresh();
	form_submit(&b, "送信", NULL);
	form_submit(&b, "削除", "danger");
	form_submit(&b, "x", "\"><script>");
	is_str(out(),
	       "<button type=\"submit\" class=\"btn btn--primary\">送信</button>\n"
	       "<button type=\"submit\" class=\"btn btn--danger\">削除</button>\n"
	       "<button type=\"submit\" class=\"btn btn--primary\">x</button>\n",
	       "form_submit kinds; an unknown kind falls back to primary");
}

static void test_components(void)
{
	fresh();
	ui_alert(&b, LANG_JA, "error", "失敗", "<b>");
	has_str(out(), "class=\"alert alert--error\" role=\"alert\"", "error alert is role=alert");
	has_str(out(), "エラー：</span>失敗", "alert kind spoken");
	has_str(out(), "&lt;b&gt;", "alert body escaped");
	fresh();
	ui_alert(&b, LANG_EN, "bogus", NULL, "m");
	has_str(out(), "alert--info\" role=\"status\"", "unknown kind: info, polite");

	fresh();
	ui_badge(&b, "success", "承認済み");
	is_str(out(), "<span class=\"badge badge--success\">承認済み</span>", "badge");

	const char *hdr[] = {"氏名", "<役割>"};
	fresh();
	ui_table_begin(&b, "acc", "アカウント", hdr, 2);
	ui_table_end(&b);
	has_str(out(),
	        "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"acc-caption\" "
	        "tabindex=\"0\">",
	        "scroll region is labelled and focusable");
	has_str(out(), "<caption id=\"acc-caption\">アカウント</caption>", "caption");
	has_str(out(), "<th scope=\"col\">&lt;役割&gt;</th>", "header cells scoped and escaped");

	fresh();
	ui_dl_begin(&b);
	ui_dl_row(&b, "氏名", "山田");
	ui_dl_row(&b, "電話", NULL);
	ui_dl_end(&b);
	has_str(out(), "<dt>氏名</dt><dd>山田</dd>", "detail row");
	has_str(out(), "<dt>電話</dt><dd>—</dd>", "empty value shown as a dash");

	fresh();
	ui_pagination(&b, LANG_JA, "/accounts?q=a&page=3", 5, 10);
	const char *h = out();
	has_str(h, "href=\"/accounts?q=a&amp;page=4\" rel=\"prev\">前へ</a>", "previous link");
	has_str(h, "href=\"/accounts?q=a&amp;page=6\" rel=\"next\">次へ</a>", "next link");
	has_str(h, "aria-current=\"page\"><span class=\"visually-hidden\">ページ</span>5</span>",
	        "current page marked");
	has_str(h, "page=1\">1</a>", "first page");
	has_str(h, "page=10\">10</a>", "last page");
	ok(!strstr(h, "page=8\""), "far pages elided");
	is_int(count(h, "pagination__gap"), 2, "two ellipses");
	fresh();
	ui_pagination(&b, LANG_JA, "/x", 1, 1);
	is_int(b.len, 0, "one page: no pagination");
}

static void test_qr(void)
{
	fresh();
	int rc = ui_qr_box(&b, LANG_JA,
	                   "otpauth://totp/GCAS:a%40b.jp?secret=JBSWY3DPEHPK3PXP&issuer=GCAS",
	                   "JBSWY3DPEHPK3PXP<x");
	const char *h = out();
	is_int(rc, 0, "ui_qr_box encodes an otpauth URI");
	has_str(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 ",
	        "QR drawn as inline SVG with a quiet zone");
	has_str(h, "role=\"img\" aria-label=\"認証アプリ用のQRコード\"", "the QR has a text label");
	has_str(h, "<path fill=\"#000\" d=\"M0 0h7v1h-7z", "finder pattern row drawn as one run");
	has_str(h, "<code class=\"qr-box__secret\">JBSW Y3DP EHPK 3PXP &lt;x</code>",
	        "manual key in groups of four, escaped");
	no_script_no_style(h, "qr box");
	balanced(h, "div");

	char big[4000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fresh();
	rc = ui_qr_box(&b, LANG_EN, big, "ABCD");
	is_int(rc, -1, "a URI too long for any QR version is refused");
	ok(!strstr(out(), "<svg") && strstr(out(), "ABCD"), "the manual key is still shown");

	struct form_field code = {.name = "code",
	                          .label = "Code",
	                          .width_chars = 6,
	                          .monospace = 1,
	                          .inputmode = "numeric",
	                          .maxlength = 6};
	fresh();
	form_field(&b, LANG_EN, &code);
	has_str(out(), "class=\"input input--w8 input--code\"", "narrow monospace code input");
	has_str(out(), "inputmode=\"numeric\" maxlength=\"6\"", "inputmode and maxlength");
}

static void test_static_assets(void)
{
	const struct static_asset *a = static_asset_find("/static/gcas.css");
	ok(a != NULL, "gcas.css is embedded");
	if (!a)
		return;
	is_str(a->content_type, "text/css; charset=utf-8", "css content type");
	is_int(strlen((const char *)a->data), a->len, "data is NUL-terminated at len");
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	SHA256(a->data, a->len, md);
	hex_encode(hex, md, sizeof(md));
	hex[16] = '\0';
	is_str(a->etag, hex, "etag is the first 16 hex of SHA-256");
	has_str((const char *)a->data, ":focus-visible", "focus styles present");
	has_str((const char *)a->data, "prefers-reduced-motion", "reduced motion honoured");
	has_str((const char *)a->data, "@media print", "print styles present");

	a = static_asset_find("/static/tokens.css");
	ok(a && strstr((const char *)a->data, "--color-primitive-blue-900: #0017c1"),
	   "tokens.css carries the DADS primary blue");
	a = static_asset_find("/static/favicon.svg");
	ok(a && strcmp(a->content_type, "image/svg+xml") == 0, "favicon is SVG");
	ok(static_asset_find("/static/nope.css") == NULL, "unknown path: NULL");
	ok(static_asset_find("/static/../static/gcas.css") == NULL, "no path normalisation");
	ok(static_asset_find("/static/gcas.css?v=1") == NULL,
	   "query strings are not stripped here");
	ok(static_asset_find(NULL) == NULL, "NULL: NULL");
	for (size_t i = 0; i < static_asset_count; i++) {
		const struct static_asset *s = &static_asset_table[i];
		ok(strlen(s->etag) == 16 && strspn(s->etag, "0123456789abcdef") == 16,
		   "%s has a 16-hex etag", s->path);
	}
}

int main(void)
{
	buf_init(&b, 0);
	test_escape();
	test_numbers();
	test_urls();
	test_page();
	test_lang_url();
	test_forms();
	test_components();
	test_qr();
	test_static_assets();
	buf_free(&b);
	return tap_done();
}
