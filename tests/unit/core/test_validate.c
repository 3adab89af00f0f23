/* SPDX-License-Identifier: MIT */
/* Unit tests of src/core/validate: each rule on its accepted and refused side, real local
 * government codes (JIS X 0402 check digits), constructed Individual Numbers, and messages. */
#include <string.h>

#include "core/validate.h"
#include "tap.h"

static void test_email(void)
{
	char out[VALIDATE_EMAIL_MAX + 1];
	char big[400];

	is_int(validate_email("Taro.Yamada@Digital.GO.JP", out, sizeof(out)), VP_OK,
	       "mixed-case address accepted");
	is_str(out, "taro.yamada@digital.go.jp", "normalised to lower case");
	is_int(validate_email("a.b+tag_x-y!#$%&'*/=?^`{|}~@pref.tokyo.lg.jp", out, sizeof(out)),
	       VP_OK, "all RFC 5322 atext accepted in the local part");
	is_int(validate_email("hanako@xn--wgv71a119e.jp", out, sizeof(out)), VP_OK,
	       "IDN A-label domain accepted");
	is_int(validate_email("user@example.xn--wgv71a", out, sizeof(out)), VP_OK,
	       "A-label TLD accepted");
	is_int(validate_email("u@a-b.c0.example.jp", NULL, 0), VP_OK,
	       "hyphen and digits inside labels; NULL output allowed");

	is_int(validate_email("", out, sizeof(out)), VP_EMPTY, "empty refused");
	is_str(out, "", "output cleared on refusal");
	is_int(validate_email(NULL, out, sizeof(out)), VP_EMPTY, "NULL refused");
	is_int(validate_email("taro.example.jp", out, sizeof(out)), VP_EMAIL_FORMAT, "no @");
	is_int(validate_email("a@b@example.jp", out, sizeof(out)), VP_EMAIL_FORMAT, "two @");
	is_int(validate_email("@example.jp", out, sizeof(out)), VP_EMAIL_FORMAT, "empty local");
	is_int(validate_email("taro@", out, sizeof(out)), VP_EMAIL_FORMAT, "empty domain");
	is_int(validate_email("\"taro yamada\"@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_CHARS,
	       "quoted string refused");
	is_int(validate_email("taro yamada@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_CHARS,
	       "space in local refused");
	is_int(validate_email(" taro@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_CHARS,
	       "surrounding whitespace not trimmed");
	is_int(validate_email("太郎@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_CHARS,
	       "non-ASCII local part refused");
	is_int(validate_email("a(b)@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_CHARS,
	       "comment characters refused");
	is_int(validate_email(".taro@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_DOTS,
	       "leading dot");
	is_int(validate_email("taro.@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_DOTS,
	       "trailing dot");
	is_int(validate_email("taro..y@example.jp", out, sizeof(out)), VP_EMAIL_LOCAL_DOTS,
	       "double dot");

	/* 64 octets of local part is the limit (RFC 5321 §4.5.3.1.1). */
	memset(big, 'a', 64);
	memcpy(big + 64, "@example.jp", 12);
	is_int(validate_email(big, out, sizeof(out)), VP_OK, "64-octet local part accepted");
	memset(big, 'a', 65);
	memcpy(big + 65, "@example.jp", 12);
	is_int(validate_email(big, out, sizeof(out)), VP_EMAIL_LOCAL_TOO_LONG,
	       "65-octet local part refused");

	/* Total 254 accepted, 255 refused: "a@" + labels of 63 + ... */
	memcpy(big, "a@", 2);
	size_t n = 2;
	for (int i = 0; i < 3; i++) {
		memset(big + n, 'b', 63);
		n += 63;
		big[n++] = '.';
	}
	memset(big + n, 'c', 254 - n - 3);
	n = 254 - 3;
	memcpy(big + n, ".jp", 4);
	is_int((long long)strlen(big), 254, "constructed 254-octet address");
	is_int(validate_email(big, out, sizeof(out)), VP_OK, "254-octet address accepted");
	is_int(validate_email(big, out, 254), VP_TOO_LONG, "output buffer too small reported");
	memcpy(big, "aa@", 3);
	memset(big + 3, 'b', 63);
	big[66] = '.';
	memset(big + 67, 'b', 63);
	big[130] = '.';
	memset(big + 131, 'b', 63);
	big[194] = '.';
	memset(big + 195, 'c', 57);
	memcpy(big + 252, ".jp", 4);
	is_int((long long)strlen(big), 255, "constructed 255-octet address");
	is_int(validate_email(big, out, sizeof(out)), VP_EMAIL_TOO_LONG,
	       "255-octet address refused");

	is_int(validate_email("taro@localhost", out, sizeof(out)), VP_EMAIL_DOMAIN_LABELS,
	       "single-label domain refused");
	is_int(validate_email("taro@.example.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "empty first label");
	is_int(validate_email("taro@example..jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "empty middle label");
	is_int(validate_email("taro@example.jp.", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "trailing dot (root) refused");
	is_int(validate_email("taro@-example.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "label starting with hyphen");
	is_int(validate_email("taro@example-.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "label ending with hyphen");
	is_int(validate_email("taro@ex_ample.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "underscore in domain");
	is_int(validate_email("taro@例え.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "U-label (not Punycode) refused");
	is_int(validate_email("taro@ab--cd.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "reserved '--' in 3rd/4th position outside xn-- refused (RFC 5891)");
	is_int(validate_email("taro@xn--.jp", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "bare xn-- refused");
	is_int(validate_email("taro@[192.0.2.1]", out, sizeof(out)), VP_EMAIL_DOMAIN,
	       "address literal refused");
	memset(big, 0, sizeof(big));
	memcpy(big, "t@", 2);
	memset(big + 2, 'x', 64);
	memcpy(big + 66, ".jp", 4);
	is_int(validate_email(big, out, sizeof(out)), VP_EMAIL_DOMAIN, "64-octet label refused");
	big[65] = '\0';
	memcpy(big + 65, ".jp", 4);
	is_int(validate_email(big, out, sizeof(out)), VP_OK, "63-octet label accepted");
	is_int(validate_email("taro@192.168.0.1", out, sizeof(out)), VP_EMAIL_TLD,
	       "numeric TLD refused");
	is_int(validate_email("taro@example.j", out, sizeof(out)), VP_EMAIL_TLD,
	       "one-letter TLD refused");
	is_int(validate_email("taro@example.j2", out, sizeof(out)), VP_EMAIL_TLD,
	       "TLD with digit refused");
}

static void test_role(void)
{
	const char *roles[] = {"info@example.go.jp",
	                       "admin@x.jp",
	                       "postmaster@x.jp",
	                       "noreply@x.jp",
	                       "no-reply@x.jp",
	                       "no_reply@x.jp",
	                       "no.reply@x.jp",
	                       "soumu@x.lg.jp",
	                       "jimu@x.lg.jp",
	                       "daihyo@x.lg.jp",
	                       "kouhou@x.lg.jp",
	                       "uketsuke@x.lg.jp",
	                       "it@x.jp",
	                       "webmaster@x.jp",
	                       "info+news@x.jp",
	                       "admin2@x.jp",
	                       "INFO@X.JP",
	                       "support-01@x.jp",
	                       "helpdesk",
	                       "security@x.jp",
	                       "sysadmin@x.jp"};
	const char *people[] = {"taro.yamada@x.jp", "i.t@x.jp",     "information.t@x.jp",
	                        "itoh@x.jp",        "tanaka1@x.jp", "adminuser@x.jp",
	                        "s.soumu@x.jp",     "+info@x.jp",   ""};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		ok(validate_email_is_role_address(roles[i]) == 1, "role address: %s", roles[i]);
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		ok(validate_email_is_role_address(people[i]) == 0, "personal address: %s",
		   people[i]);
	ok(validate_email_is_role_address(NULL) == 0, "NULL is not a role");
}

static void test_person_name(void)
{
	char fifty[256] = "", fiftyone[256];
	for (int i = 0; i < 50; i++)
		memcpy(fifty + i * 3, "山", 4);
	memcpy(fiftyone, fifty, 150);
	memcpy(fiftyone + 150, "田", 4);

	is_int(validate_person_name("山田", 0), VP_OK, "kanji name");
	is_int(validate_person_name("髙橋", 0), VP_OK, "variant kanji");
	is_int(validate_person_name("佐々木", 0), VP_OK, "iteration mark");
	is_int(validate_person_name("O'Brien", 0), VP_OK, "apostrophe");
	is_int(validate_person_name("Jean-Luc", 0), VP_OK, "hyphen");
	is_int(validate_person_name("Martin Luther King Jr.", 0), VP_OK, "space and period");
	is_int(validate_person_name("Nguyễn", 0), VP_OK, "Latin with diacritics");
	is_int(validate_person_name("Ким", 0), VP_OK, "Cyrillic");
	is_int(validate_person_name("김민준", 0), VP_OK, "Hangul");
	is_int(validate_person_name("ジョン・スミス", 0), VP_OK, "katakana in the kanji field");
	is_int(validate_person_name("山田　太郎", 0), VP_OK, "ideographic space inside");
	is_int(validate_person_name(fifty, 0), VP_OK, "50 code points accepted");
	is_int(validate_person_name(fiftyone, 0), VP_TOO_LONG, "51 code points refused");
	is_int(validate_person_name("", 0), VP_EMPTY, "empty refused");
	is_int(validate_person_name(NULL, 0), VP_EMPTY, "NULL refused");
	is_int(validate_person_name("\xff\xfe", 0), VP_BAD_UTF8, "invalid UTF-8");
	is_int(validate_person_name("\xe5\xb1", 0), VP_BAD_UTF8, "truncated UTF-8");
	is_int(validate_person_name("\xc0\xaf", 0), VP_BAD_UTF8, "overlong UTF-8");
	is_int(validate_person_name("山\t田", 0), VP_CONTROL_CHAR, "tab refused");
	is_int(validate_person_name("山\n田", 0), VP_CONTROL_CHAR, "newline refused");
	is_int(validate_person_name("山\xc2\x85田", 0), VP_CONTROL_CHAR, "C1 control refused");
	is_int(validate_person_name("山\x7f田", 0), VP_CONTROL_CHAR, "DEL refused");
	is_int(validate_person_name("Bob\xe2\x80\xae", 0), VP_INVISIBLE_CHAR,
	       "bidi override refused");
	is_int(validate_person_name("山\xe2\x80\x8b田", 0), VP_INVISIBLE_CHAR,
	       "zero-width space refused");
	is_int(validate_person_name("<script>", 0), VP_NAME_PUNCT, "angle brackets refused");
	is_int(validate_person_name("Taro,Yamada", 0), VP_NAME_PUNCT, "comma refused");
	is_int(validate_person_name("a@b", 0), VP_NAME_PUNCT, "@ refused");
	is_int(validate_person_name("Yamada\"", 0), VP_NAME_PUNCT, "double quote refused");
	is_int(validate_person_name(" 山田", 0), VP_EDGE_SPACE, "leading space refused");
	is_int(validate_person_name("山田 ", 0), VP_EDGE_SPACE, "trailing space refused");
	is_int(validate_person_name("山田　", 0), VP_EDGE_SPACE,
	       "trailing ideographic space refused");
	is_int(validate_person_name(" ", 0), VP_EDGE_SPACE, "space only refused");
}

static void test_kana(void)
{
	char out[256];
	is_int(validate_person_name("ヤマダ", 1), VP_OK, "katakana reading");
	is_int(validate_person_name("やまだ", 1), VP_OK, "hiragana reading accepted");
	is_int(validate_person_name("ジョン・スミス", 1), VP_OK, "middle dot");
	is_int(validate_person_name("ローラ", 1), VP_OK, "prolonged sound mark");
	is_int(validate_person_name("ヤマダ　タロウ", 1), VP_OK, "ideographic space");
	is_int(validate_person_name("ヤマダ タロウ", 1), VP_OK, "ASCII space");
	is_int(validate_person_name("ヴァ", 1), VP_OK, "U+30F4 and small a");
	is_int(validate_person_name("ヺ", 1), VP_OK, "U+30FA (last in range)");
	is_int(validate_person_name("ゖ", 1), VP_OK, "U+3096 (last hiragana in range)");
	is_int(validate_person_name("山田", 1), VP_KANA_CHARS, "kanji refused in reading");
	is_int(validate_person_name("yamada", 1), VP_KANA_CHARS, "Latin refused in reading");
	is_int(validate_person_name("ﾔﾏﾀﾞ", 1), VP_KANA_CHARS, "half-width katakana refused");
	is_int(validate_person_name("ヤマダ1", 1), VP_KANA_CHARS, "digit refused in reading");
	is_int(validate_person_name("ヽ", 1), VP_KANA_CHARS, "U+30FD outside the range refused");
	is_int(validate_person_name("゛", 1), VP_KANA_CHARS, "U+309B outside the range refused");
	is_int(validate_person_name("ヤマ\nダ", 1), VP_CONTROL_CHAR, "control in reading");
	is_int(validate_person_name("　ヤマダ", 1), VP_EDGE_SPACE, "leading space in reading");
	is_int(validate_person_name("", 1), VP_EMPTY, "empty reading");

	is_int(validate_kana_normalise("やまだ　たろう", out, sizeof(out)), VP_OK,
	       "normalise hiragana");
	is_str(out, "ヤマダ　タロウ", "hiragana became katakana");
	is_int(validate_kana_normalise("ぁゔゖヴ・ー", out, sizeof(out)), VP_OK,
	       "normalise edge code points");
	is_str(out, "ァヴヶヴ・ー", "U+3041->U+30A1, U+3094->U+30F4, U+3096->U+30F6");
	is_int(validate_kana_normalise("ジョン スミス", out, sizeof(out)), VP_OK,
	       "katakana unchanged");
	is_str(out, "ジョン スミス", "katakana and ASCII space kept");
	is_int(validate_kana_normalise("やまだ", out, 9), VP_TOO_LONG, "output cap too small");
	is_str(out, "", "output cleared on refusal");
	is_int(validate_kana_normalise("やまだ", out, 10), VP_OK, "exact output cap");
	is_int(validate_kana_normalise("山田", out, sizeof(out)), VP_KANA_CHARS,
	       "normalise validates first");
	is_str(out, "", "nothing written on refusal");
}

static void test_org(void)
{
	char hundred[512] = "", over[512];
	for (int i = 0; i < 100; i++)
		memcpy(hundred + i * 3, "省", 4);
	memcpy(over, hundred, 300);
	memcpy(over + 300, "x", 2);

	is_int(validate_org_name("デジタル庁"), VP_OK, "agency name");
	is_int(validate_org_name("厚生労働省 医政局（地域医療計画課）"), VP_OK,
	       "punctuation and inner space allowed");
	is_int(validate_org_name("Digital Agency, Japan"), VP_OK, "ASCII name with comma");
	is_int(validate_org_name(hundred), VP_OK, "100 code points accepted");
	is_int(validate_org_name(over), VP_TOO_LONG, "101 code points refused");
	is_int(validate_org_name(""), VP_EMPTY, "empty refused");
	is_int(validate_org_name(NULL), VP_EMPTY, "NULL refused");
	is_int(validate_org_name("総務\r省"), VP_CONTROL_CHAR, "control refused");
	is_int(validate_org_name("総務\xe2\x81\xa6省"), VP_INVISIBLE_CHAR, "bidi isolate refused");
	is_int(validate_org_name(" 総務省"), VP_EDGE_SPACE, "leading space refused");
	is_int(validate_org_name("総務省　"), VP_EDGE_SPACE, "trailing ideographic space refused");
	is_int(validate_org_name("総\xe7"), VP_BAD_UTF8, "invalid UTF-8 refused");
}

static void test_lg_code(void)
{
	/* Real codes; check digits worked out by hand with S = 6d1+5d2+4d3+3d4+2d5,
	 * check = (11 - S mod 11) mod 10:
	 *   131016 千代田区 S=6+15+4+0+2=27, 27 mod 11=5, 11-5=6
	 *   011002 札幌市   S=0+5+4+0+0=9,  9,  11-9=2
	 *   010006 北海道   S=5,            5,  11-5=6
	 *   130001 東京都   S=6+15=21,      10, 11-10=1
	 *   271004 大阪市   S=12+35+4=51,   7,  11-7=4
	 *   472018 那覇市   S=24+35+8+0+2=69, 3, 11-3=8
	 *   401005 北九州市 S=24+0+4=28,    6,  11-6=5
	 *   141003 横浜市   S=6+20+4=30,    8,  11-8=3
	 *   131041 新宿区   S=6+15+4+0+8=33, 0, 11-0=11 -> 1 (remainder 0 case)
	 *   020001 青森県   S=10,           10, 11-10=1 */
	const char *good[] = {"131016", "011002", "010006", "130001", "271004",
	                      "472018", "401005", "141003", "131041", "020001"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		is_int(validate_lg_code(good[i]), VP_OK, "real code %s accepted", good[i]);
	is_int(validate_lg_code("131017"), VP_LG_CHECK_DIGIT, "wrong check digit (131017)");
	is_int(validate_lg_code("011001"), VP_LG_CHECK_DIGIT, "wrong check digit (011001)");
	is_int(validate_lg_code("131040"), VP_LG_CHECK_DIGIT, "11 not taken as 0 (131040)");
	is_int(validate_lg_code("13101"), VP_LG_FORMAT, "5 digits refused");
	is_int(validate_lg_code("1310160"), VP_LG_FORMAT, "7 digits refused");
	is_int(validate_lg_code("13101a"), VP_LG_FORMAT, "letter refused");
	is_int(validate_lg_code("１３１０１６"), VP_LG_FORMAT, "full-width digits refused");
	is_int(validate_lg_code(" 131016"), VP_LG_FORMAT, "space refused");
	is_int(validate_lg_code(""), VP_EMPTY, "empty refused");
	is_int(validate_lg_code(NULL), VP_EMPTY, "NULL refused");
	/* 000001 (S=0, check 1) and 480002 (S=64, 64 mod 11=9, check 2) have valid check
	 * digits, so only the prefecture rule refuses them. */
	is_int(validate_lg_code("000001"), VP_LG_PREFECTURE, "prefecture 00 refused");
	is_int(validate_lg_code("480002"), VP_LG_PREFECTURE, "prefecture 48 refused");
	is_int(validate_lg_code("990001"), VP_LG_PREFECTURE, "prefecture 99 refused");
	is_int(validate_lg_code("470007"), VP_OK, "prefecture 47 (沖縄県) accepted");
}

static void test_ministry_code(void)
{
	is_int(validate_ministry_code("digital"), VP_OK, "digital");
	is_int(validate_ministry_code("mhlw"), VP_OK, "mhlw");
	is_int(validate_ministry_code("go"), VP_OK, "2 characters");
	is_int(validate_ministry_code("cao-pco2"), VP_OK, "digits and hyphen");
	is_int(validate_ministry_code("abcdefghijklmnopqrstuvwxyz012345"), VP_OK, "32 characters");
	is_int(validate_ministry_code("abcdefghijklmnopqrstuvwxyz0123456"), VP_MINISTRY_CODE,
	       "33 characters refused");
	is_int(validate_ministry_code("d"), VP_MINISTRY_CODE, "1 character refused");
	is_int(validate_ministry_code("9mhlw"), VP_MINISTRY_CODE, "leading digit refused");
	is_int(validate_ministry_code("-mhlw"), VP_MINISTRY_CODE, "leading hyphen refused");
	is_int(validate_ministry_code("MHLW"), VP_MINISTRY_CODE, "upper case refused");
	is_int(validate_ministry_code("mh_lw"), VP_MINISTRY_CODE, "underscore refused");
	is_int(validate_ministry_code("mh lw"), VP_MINISTRY_CODE, "space refused");
	is_int(validate_ministry_code("デジタル"), VP_MINISTRY_CODE, "non-ASCII refused");
	is_int(validate_ministry_code(""), VP_EMPTY, "empty refused");
	is_int(validate_ministry_code(NULL), VP_EMPTY, "NULL refused");
}

static void test_individual_number(void)
{
	/* Constructed numbers, check digits from 第五条 (Pn counted leftwards, Qn = 2..7, 2..6):
	 *   12345678901|8: sum = 1*2+0*3+9*4+8*5+7*6+6*7+5*2+4*3+3*4+2*5+1*6 = 212,
	 *                  212 mod 11 = 3, check = 11-3 = 8
	 *   98765432109|3: R = 8, check 3
	 *   27182818284|0: R = 1 -> check 0
	 *   12345678905|0: R = 0 -> check 0 */
	ok(validate_individual_number_in("123456789018"), "bare number detected");
	ok(validate_individual_number_in("番号は987654321093です"), "inside Japanese text");
	ok(validate_individual_number_in("x 271828182840."), "R = 1 gives check 0");
	ok(validate_individual_number_in("123456789050"), "R = 0 gives check 0");
	ok(validate_individual_number_in("1234-5678-9018"), "4-4-4 with hyphens");
	ok(validate_individual_number_in("1234 5678 9018"), "4-4-4 with spaces");
	ok(validate_individual_number_in("１２３４５６７８９０１８"), "full-width digits");
	ok(validate_individual_number_in("１２３４－５６７８－９０１８"),
	   "full-width digits and hyphens");
	ok(validate_individual_number_in("１２３４　５６７８　９０１８"), "ideographic spaces");
	ok(validate_individual_number_in("1234ー5678ー9018"), "prolonged sound mark as dash");
	ok(validate_individual_number_in("12345678９０１８"), "mixed-width digits");
	ok(validate_individual_number_in("bad \xff byte then 123456789018"),
	   "invalid byte does not hide the number");
	ok(validate_individual_number_in("1111-1234-5678-9018"),
	   "4-4-4 window of a longer grouped number is detected (fail closed)");

	ok(!validate_individual_number_in("123456789010"), "wrong check digit not detected");
	ok(!validate_individual_number_in("123456789019"), "wrong check digit (9) not detected");
	ok(!validate_individual_number_in("1234-5678-9010"), "grouped, wrong check digit");
	ok(!validate_individual_number_in("12345678901"), "11-digit run not detected");
	ok(!validate_individual_number_in("1123456789018"), "13-digit run not detected");
	ok(!validate_individual_number_in("1234567890180"), "13-digit run (trailing) not detected");
	ok(!validate_individual_number_in("１１２３４５６７８９０１８"),
	   "13 full-width digits not detected");
	ok(!validate_individual_number_in("03-1234-5678"), "phone number not detected");
	ok(!validate_individual_number_in("090-1234-5678"), "mobile number not detected");
	ok(!validate_individual_number_in("1234--5678-9018"), "double separator not a grouping");
	ok(!validate_individual_number_in("1234-5678-90181"), "last group of 5 not detected");
	ok(!validate_individual_number_in("11234-5678-9018"), "first group of 5 not detected");
	ok(!validate_individual_number_in("1234.5678.9018"), "periods are not separators");
	ok(!validate_individual_number_in("123456-789018"), "6-6 grouping not detected");
	ok(!validate_individual_number_in(""), "empty text");
	ok(!validate_individual_number_in(NULL), "NULL text");
	ok(!validate_individual_number_in("法人番号 1234567890123"), "13-digit corporate number");
}

static void test_text(void)
{
	is_int(validate_text("", 10, 0), VP_OK, "empty text is valid");
	is_int(validate_text("申請理由: テスト環境の構築", 100, 0), VP_OK, "single line");
	is_int(validate_text("一行目\r\n二行目\tタブ", 100, 1), VP_OK, "newline, tab in multiline");
	is_int(validate_text("一行目\n二行目", 100, 0), VP_CONTROL_CHAR, "newline in single line");
	is_int(validate_text("a\tb", 100, 0), VP_CONTROL_CHAR, "tab in single line");
	is_int(validate_text("a\x01z", 100, 1), VP_CONTROL_CHAR, "other C0 in multiline");
	is_int(validate_text("a\x1b[31m", 100, 1), VP_CONTROL_CHAR, "ESC refused");
	is_int(validate_text("a\xc2\x9b", 100, 1), VP_CONTROL_CHAR, "C1 CSI refused");
	is_int(validate_text("あいう", 3, 0), VP_OK, "exactly max code points");
	is_int(validate_text("あいうえ", 3, 0), VP_TOO_LONG, "over max code points");
	is_int(validate_text("abc\xed\xa0\x80", 100, 0), VP_BAD_UTF8, "surrogate refused");
	is_int(validate_text("\xf4\x90\x80\x80", 100, 0), VP_BAD_UTF8, "past U+10FFFF refused");
	is_int(validate_text(NULL, 10, 0), VP_EMPTY, "NULL refused");
}

static void test_messages(void)
{
	is_str(validate_msg(VP_EMAIL_FORMAT, 0), "メールアドレスの形式が正しくありません。",
	       "Japanese email message");
	is_str(validate_msg(VP_EMAIL_FORMAT, 1), "The email address is not valid.",
	       "English email message");
	has_str(validate_msg(VP_LG_CHECK_DIGIT, 0), "検査数字", "check digit message is specific");
	has_str(validate_msg(VP_INDIVIDUAL_NUMBER, 0), "個人番号", "individual number message");
	for (int p = 0; p < VP__MAX; p++) {
		const char *ja = validate_msg((enum vproblem)p, 0);
		const char *en = validate_msg((enum vproblem)p, 1);
		ok(ja && en && strcmp(ja, en) != 0 && (unsigned char)ja[0] >= 0x80 &&
		       (unsigned char)en[0] < 0x80 && strcmp(ja, validate_msg(VP__MAX, 0)) != 0,
		   "problem %d has its own Japanese and English messages", p);
	}
	ok(validate_msg(VP__MAX, 0) != NULL && validate_msg((enum vproblem) - 1, 1) != NULL,
	   "out-of-range problem gives a generic message");
}

int main(void)
{
	test_email();
	test_role();
	test_person_name();
	test_kana();
	test_org();
	test_lg_code();
	test_ministry_code();
	test_individual_number();
	test_text();
	test_messages();
	return tap_done();
}
