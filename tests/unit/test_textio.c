/*
 * test_textio.c - the policy for text in and out (core/textio.c): what a
 * single-line field and a note refuse, and how; lengths in characters and
 * cuts on a character's boundary; every banned character escaped in
 * plain text, Markdown, JSON and the guarded stream, a character split
 * across two writes kept whole.
 */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>
#include <unistd.h>

#include "fixture.h"

/* What f (a stream from open_memstream) holds, after a flush. */
static const char *
held(FILE *f, char *const *buf)
{
	assert_int_equal(fflush(f), 0);
	return *buf;
}

/* True if no byte of s is a C0 control other than \n and \t, DEL, the
 * start of a C1 control (C2 80..9F) or of a bidi control. */
static bool
clean(const char *s, bool allow_ws)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 && !(allow_ws && (*p == '\n' || *p == '\t')))
			return false;
		if (*p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8e ||
		    p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
			return false;
		if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9)
			return false;
		if (p[0] == 0xd8 && p[1] == 0x9c)
			return false;
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe ||
		    p[2] == 0xbf))
			return false;
	}
	return true;
}

static void
test_line_refuses(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "Ann\x1b]2;title\x07", "holds \\x1b, a control character"
		    " (character 4)" },
		{ "a\nb", "holds \\n, a control character (character 2)" },
		{ "a\tb", "holds \\t, a control character" },
		{ "a\rb", "holds \\r, a control character" },
		{ "a\x7f", "holds \\x7f, a control character" },
		{ "a\xc2\x9b" "31m", "holds U+009B, a control character" },
		{ "\xe2\x80\xae" "evil", "holds U+202E, a bidirectional"
		    " control (character 1)" },
		{ "x\xe2\x81\xa6", "holds U+2066, a bidirectional control" },
		{ "x\xe2\x80\x8f", "holds U+200F, a bidirectional control" },
		{ "x\xd8\x9c", "holds U+061C, a bidirectional control" },
		{ "x\xef\xbf\xbe", "holds U+FFFE, a non-character" },
		{ "x\xef\xbf\xbf", "holds U+FFFF, a non-character" },
		{ "x\xef\xb7\x90", "holds U+FDD0, a non-character" },
		{ "x\xf0\x9f\xbf\xbe", "holds U+1FFFE, a non-character" },
		{ "Zo\xeb", "is not valid UTF-8 (byte \\xeb at character 3)" },
		{ "\xc0\xaf", "is not valid UTF-8 (byte \\xc0" },
		{ "\xed\xa0\x80", "is not valid UTF-8 (byte \\xed" },
		{ "\xe2\x80", "is not valid UTF-8 (byte \\xe2" },
	};
	char why[128];

	(void)state;
	for (size_t i = 0; i < MDT_COUNT(bad); i++) {
		why[0] = '\0';
		if (mdt_text_line_ok(bad[i].text, 0, why, sizeof why))
			fail_msg("line %zu accepted", i);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("line %zu: \"%s\", wanted \"%s\"", i, why,
			    bad[i].why);
		assert_true(clean(why, false));
	}
	/* every C0 and C1 control */
	for (unsigned c = 1; c < 0xa0; c++) {
		char s[4] = { 'a', 0, 0, 0 };

		if (c >= 0x20 && c < 0x7f)
			continue;
		if (c < 0x80)
			s[1] = (char)c;
		else {
			s[1] = (char)0xc2;
			s[2] = (char)c;
		}
		assert_false(mdt_text_line_ok(s, 0, why, sizeof why));
		assert_true(clean(why, false));
		assert_int_equal(mdt_text_note_ok(s, 0, why, sizeof why),
		    c == '\n' || c == '\t');
	}
}

static void
test_line_accepts(void **state)
{
	char why[128];

	(void)state;
	assert_true(mdt_text_line_ok("Adébáyọ̀, Zoë", 0, why, sizeof why));
	assert_true(mdt_text_line_ok("Małgorzata 王 🙂 O'Driscoll #1 <b>", 0,
	    why, sizeof why));
	assert_true(mdt_text_line_ok("", 0, why, sizeof why));
	assert_true(mdt_text_line_ok(NULL, 0, why, sizeof why));
	/* U+200D (the joiner of emoji) and U+FEFF are no bidi control */
	assert_true(mdt_text_line_ok("a\xe2\x80\x8d" "b", 0, why, sizeof why));
	assert_true(mdt_text_note_ok("line one\n\tline two", 0, why,
	    sizeof why));
	assert_false(mdt_text_note_ok("a\r\nb", 0, why, sizeof why));
	assert_false(mdt_text_note_ok("a\x1b[2Jb", 0, why, sizeof why));
}

static void
test_lengths_in_characters(void **state)
{
	char why[128], *big;

	(void)state;
	assert_int_equal(mdt_text_chars("Zoë"), 3);
	assert_int_equal(mdt_text_chars("é\xff"), 2);
	assert_true(mdt_text_line_ok("éééé", 4, why, sizeof why));
	assert_false(mdt_text_line_ok("ééééé", 4, why, sizeof why));
	assert_string_equal(why, "is longer than 4 characters (5)");
	big = mdt_xmalloc(10001);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	assert_false(mdt_text_line_ok(big, 2000, why, sizeof why));
	assert_string_equal(why, "is longer than 2000 characters (10000)");
	free(big);
	/* a cut never ends inside a character */
	assert_int_equal(mdt_text_cut("aé", 2), 1);
	assert_int_equal(mdt_text_cut("aé", 3), 3);
	assert_int_equal(mdt_text_cut("🙂🙂", 7), 4);
	assert_int_equal(mdt_text_cut("abc", 10), 3);
}

/* A patient's label (name, date of birth, NHS number) in a buffer too
 * small for a long name: the name cut on a character, the rest kept. */
static void
test_label_cut_whole(void **state)
{
	char *name = mdt_xmalloc(2 * 2000 + 1), buf[256], why[96];
	const char *tail = "\xe2\x80\xa6, born 1941-03-14, NHS 999 339 5633";

	(void)state;
	for (int i = 0; i < 2000; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[4000] = '\0';
	for (size_t len = 40; len <= sizeof buf; len++) {
		mdt_patient_label(name, "1941-03-14", "9993395633", true, buf,
		    len);
		if (!mdt_text_line_ok(buf, 0, why, sizeof why))
			fail_msg("label in %zu bytes: %s", len, why);
		assert_true(strlen(buf) >= strlen(tail));
		assert_string_equal(buf + strlen(buf) - strlen(tail), tail);
	}
	free(name);
}

static void
test_escape_plain_and_markdown(void **state)
{
	char *buf = NULL, small[6];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *e;

	(void)state;
	assert_non_null(f);
	mdt_text_fput(f, "A\x1b]52;c;QQ==\x07\n- x\t\xc2\x9b\xe2\x80\xae\xef"
	    "\xbf\xbe\xff#*", false);
	assert_string_equal(held(f, &buf), "A\\x1b]52;c;QQ==\\x07\\n- x\\t"
	    "<U+009B><U+202E><U+FFFE>\\xff#*");
	fclose(f);
	free(buf);

	f = open_memstream(&buf, &len);
	mdt_text_fput(f, "# *a_b* [l](u) <i> `c` |", true);
	assert_string_equal(held(f, &buf),
	    "\\# \\*a\\_b\\* \\[l\\](u) \\<i\\> \\`c\\` \\|");
	fclose(f);
	free(buf);

	/* a note: its lines kept, indented; one that would start a list
	 * item or a heading escaped */
	f = open_memstream(&buf, &len);
	mdt_text_fput_note(f, "one\r\n- Consent: given\n# h\n2. two\n\x1b", true,
	    "  ");
	assert_string_equal(held(f, &buf), "one\n  \\- Consent: given\n  \\# h\n"
	    "  2\\. two\n  \\x1b");
	fclose(f);
	free(buf);
	f = open_memstream(&buf, &len);
	mdt_text_fput_flat(f, "a\nb\r\nc", false);
	assert_string_equal(held(f, &buf), "a b c");
	fclose(f);
	free(buf);

	e = mdt_text_escaped("m\nforged\tline\x1b[1A", false);
	assert_string_equal(e, "m\\nforged\\tline\\x1b[1A");
	free(e);
	assert_null(mdt_text_escaped(NULL, false));
	/* a buffer too small: cut on an escape's boundary */
	mdt_text_escape("ab\x1b" "cd", small, sizeof small);
	assert_string_equal(small, "ab");
}

static void
test_json_stays_json(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *root = json_pack("{s:s}", "name",
	    "Z\x7f\xc2\x9b\xe2\x80\xae\xf0\x9f\xbf\xbe\x1b\né");
	json_t *back;
	json_error_t err;

	(void)state;
	assert_non_null(root);
	assert_int_equal(mdt_text_json_dump(root, f, JSON_INDENT(2)), 0);
	held(f, &buf);
	assert_true(clean(buf, true));
	assert_non_null(strstr(buf, "\\u007f\\u009b\\u202e\\ud83f\\udffe"
	    "\\u001B\\né"));
	back = json_loads(buf, 0, &err);
	assert_non_null(back);
	assert_true(json_equal(root, back));
	json_decref(back);
	json_decref(root);
	fclose(f);
	free(buf);
}

/* The guarded stream on a pipe: what comes out of the other end. */
static void
test_guard(void **state)
{
	static const char in[] = "ok\tline\n\x1b]2;t\x07\xc2\x9b\xe2\x80\xae"
	    "é🙂\xff\x7f";
	int fds[2];
	char out[256];
	ssize_t n;
	FILE *g;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	g = mdt_text_guard(fds[1], false);
	assert_non_null(g);
	/* byte by byte, so that every character is split between writes */
	for (size_t i = 0; i < sizeof in - 1; i++) {
		assert_int_equal(fputc(in[i], g), (unsigned char)in[i]);
		assert_int_equal(fflush(g), 0);
	}
	assert_int_equal(fclose(g), 0);
	close(fds[1]);
	n = read(fds[0], out, sizeof out - 1);
	close(fds[0]);
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out, "ok\tline\n\\x1b]2;t\\x07<U+009B><U+202E>"
	    "é🙂\\xff\\x7f");
	/* an unfinished character at the close is escaped, not lost */
	assert_int_equal(pipe(fds), 0);
	g = mdt_text_guard(fds[1], true);
	fputs("a\xe2\x80", g);
	assert_int_equal(fclose(g), 0);
	close(fds[1]);
	n = read(fds[0], out, sizeof out - 1);
	close(fds[0]);
	out[n > 0 ? n : 0] = '\0';
	assert_string_equal(out, "a\\xe2\\x80");
}

/* Every act that stores text refuses what the input policy refuses,
 * writes nothing, and says what it refused, escaped. */
static void
test_acts_refuse(void **state)
{
	static const char *const hostile[] = {
		"Ann\x1b]2;pwned\x07", "rlo\xe2\x80\xae" "evil",
		"csi\xc2\x9b" "31m", "nc\xef\xbf\xbe", "bad\xff",
	};
	struct fx *f = *state;
	int64_t slot = fx_slot(f, 1), cand, patient, owner, id, audit;
	const char *only[1];

	owner = fx_int(f->s, "SELECT min(id) FROM people");
	cand = fx_int(f->s, "SELECT min(id) FROM candidates");
	patient = fx_int(f->s, "SELECT min(id) FROM patients");
	audit = fx_int(f->s, "SELECT count(*) FROM audit");
	for (size_t i = 0; i < MDT_COUNT(hostile); i++) {
		const char *h = hostile[i];
		struct mdt_patient_in p = { "9434765919", "Ann", "1941-03-15",
		    NULL };
		enum mdt_status st[13];
		size_t k = 0;

		only[0] = h;
		st[k++] = mdt_meeting_create(f->s, &(struct mdt_meeting_in){
		    .title = h, .date = "2026-12-09" }, &id, NULL);
		st[k++] = mdt_meeting_create(f->s, &(struct mdt_meeting_in){
		    .title = "T", .date = "2026-12-09", .venue = h }, &id, NULL);
		st[k++] = mdt_person_add(f->s, h, "", "", NULL);
		st[k++] = mdt_person_add(f->s, "P", h, "", NULL);
		st[k++] = mdt_person_add(f->s, "P", "", h, NULL);
		st[k++] = mdt_note_add(f->s, slot, h, NULL);
		st[k++] = mdt_action_add(f->s, slot, h, owner, "+7", NULL);
		st[k++] = mdt_consent_record(f->s, slot,
		    MDT_CONSENT_BEST_INTERESTS, h, NULL, 0);
		st[k++] = mdt_consent_record(f->s, slot, MDT_CONSENT_GIVEN,
		    NULL, only, 1);
		st[k++] = mdt_candidate_defer(f->s, cand, h);
		st[k++] = mdt_rising_risk_escalate(f->s, patient, f->meeting,
		    h, NULL);
		p.name = h;
		st[k++] = mdt_slot_add_on_day(f->s, f->meeting, &p, "r", 0, 0,
		    NULL);
		p.name = "Ann";
		st[k++] = mdt_slot_add_on_day(f->s, f->meeting, &p, h, 0, 0,
		    NULL);
		for (size_t j = 0; j < k; j++)
			if (st[j] != MDT_EINVAL)
				fail_msg("text %zu, act %zu: %s", i, j,
				    mdt_store_error(f->s));
		assert_true(clean(mdt_store_error(f->s), false));
		assert_non_null(strstr(mdt_store_error(f->s), "the reason "));
	}
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"), audit);
	/* a note may hold line breaks and tabs */
	assert_int_equal(mdt_note_add(f->s, slot, "one\n\ttwo", NULL) ==
	    MDT_EINVAL, false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_refuses),
		cmocka_unit_test(test_line_accepts),
		cmocka_unit_test(test_lengths_in_characters),
		cmocka_unit_test(test_label_cut_whole),
		cmocka_unit_test(test_escape_plain_and_markdown),
		cmocka_unit_test(test_json_stays_json),
		cmocka_unit_test(test_guard),
		cmocka_unit_test_setup_teardown(test_acts_refuse,
		    fx_setup_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
