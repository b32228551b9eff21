/*
 * fuzz_keys.c - libFuzzer target for everything the chair types: the
 * chair's screens driven key by key without a terminal (curses draws to
 * /dev/null), on the demo meeting in an in-memory store with a clock the
 * input moves.  Keys go through tui_app_key exactly as wget_wch hands
 * them over (the key table, each screen's keys, the prompts and pickers
 * and what their callbacks parse and save: consent, notes, actions with
 * owners and due dates, outcomes and review dates, patients added on the
 * day with their NHS numbers and dates of birth, ...), and the whole
 * screen is drawn after every key.
 *
 * The first byte chooses the mode (chair, prepare, projector; unmasked)
 * and the terminal's size (including one too small).  Then, byte by byte:
 *   0x00 N      the clock moves on N * 7 seconds
 *   0xf5..0xff  a function key: Home, End, Delete, Up, Down, Left, Right,
 *               Enter, Backspace, PgDn, PgUp (0xf5..0xff are never UTF-8)
 *   0xf4 N      a resize to one of four sizes (N & 3), as the program
 *               does on KEY_RESIZE (no key reaches the screens)
 *   otherwise   a character, UTF-8 decoded (control characters included:
 *               Esc, Ctrl-U, Ctrl-L, Enter as \r or \n); a byte that is
 *               not UTF-8 is skipped
 *
 * Beyond no crash, leak or undefined behaviour: after the keys the store
 * passes its integrity and foreign-key checks and holds no open
 * statement or transaction.
 */
#include "config.h"

#include <locale.h>
#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>
#include <sqlite3.h>

#include "app.h"
#include "draw.h"
#include "keys.h"
#include "fuzz.h"

static int64_t now;
static FILE *null_out, *null_in;
static struct mdt_store *demo;	/* the demo meeting, made once */
static struct mdt_store *work;	/* a copy of it for each input */
static int64_t demo_meeting;

static const struct {
	int lines, cols;
} sizes[4] = { { 24, 80 }, { 40, 120 }, { 20, 60 }, { 30, 100 } };

static const wint_t codes[11] = {
	KEY_HOME, KEY_END, KEY_DC, KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT,
	KEY_ENTER, KEY_BACKSPACE, KEY_NPAGE, KEY_PPAGE,
};

static int64_t
fuzz_now(void *ctx)
{
	(void)ctx;
	return now;
}

static int64_t
count(struct mdt_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	FUZZ_CHECK(sqlite3_prepare_v2(mdt_store_db(s), sql, -1, &st, NULL) ==
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static bool
integrity_ok(struct mdt_store *s)
{
	sqlite3_stmt *st;
	bool ok;

	FUZZ_CHECK(sqlite3_prepare_v2(mdt_store_db(s),
	    "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK);
	ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)
	    sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	return ok;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	FUZZ_CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
	setlocale(LC_NUMERIC, "C");
	FUZZ_CHECK(tui_keys_init(err, sizeof(err)));
	null_out = fopen("/dev/null", "w");
	null_in = fopen("/dev/null", "r");
	FUZZ_CHECK(null_out != NULL && null_in != NULL);
	FUZZ_CHECK(set_term(newterm("xterm-256color", null_out, null_in)) !=
	    (SCREEN *)-1);
	FUZZ_CHECK(stdscr != NULL);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	tui_draw_init();
	now = FUZZ_T0;
	{
		struct mdt_clock clock = { fuzz_now, NULL };

		FUZZ_CHECK(mdt_store_open(":memory:", &clock, MDT_OPEN_CREATE,
		    &demo, err, sizeof(err)) == MDT_OK);
		mdt_store_set_actor(demo, "fuzz");
		FUZZ_CHECK(mdt_demo_create(demo, &demo_meeting) == MDT_OK);
		FUZZ_CHECK(mdt_store_open(":memory:", &clock, MDT_OPEN_CREATE,
		    &work, err, sizeof(err)) == MDT_OK);
		mdt_store_set_actor(work, "fuzz");
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tui_mode modes[4] = { TUI_MODE_CHAIR,
	    TUI_MODE_CHAIR, TUI_MODE_PREPARE, TUI_MODE_PRESENT };
	struct tui_app app;
	struct mdt_store *s;
	int64_t meeting;
	mbstate_t mb;
	size_t i;
	int sz;

	if (size < 1)
		return 0;
	now = FUZZ_T0;
	s = work;
	fuzz_store_copy(demo, s);
	meeting = demo_meeting;

	memset(&app, 0, sizeof(app));
	app.store = s;
	app.meeting_id = meeting;
	app.mode = modes[data[0] & 3];
	app.unmask = (data[0] & 4) != 0;
	app.screen = TUI_SCREEN_AGENDA;
	sz = (data[0] >> 3) & 3;
	resizeterm(sizes[sz].lines, sizes[sz].cols);
	FUZZ_CHECK(mdt_snapshot_load(s, meeting, &app.snap) == MDT_OK);
	if (app.mode == TUI_MODE_CHAIR) {
		FUZZ_CHECK(mdt_meeting_open(s, meeting) == MDT_OK);
		mdt_snapshot_free(&app.snap);
		memset(&app.snap, 0, sizeof(app.snap));
		FUZZ_CHECK(mdt_snapshot_load(s, meeting, &app.snap) == MDT_OK);
	}
	tui_app_begin(&app);
	tui_app_draw(&app);

	memset(&mb, 0, sizeof(mb));
	for (i = 1; i < size && !app.quit; ) {
		uint8_t b = data[i];
		wchar_t wc;
		size_t r;

		if (b == 0x00) {
			if (i + 1 < size)
				now += (int64_t)data[i + 1] * 7000;
			i += 2;
			continue;
		}
		if (b == 0xf4) {
			if (i + 1 < size) {
				sz = data[i + 1] & 3;
				/* as the program does on KEY_RESIZE: the
				 * size changes, no key reaches the screens */
				resizeterm(sizes[sz].lines, sizes[sz].cols);
			}
			i += 2;
		} else if (b >= 0xf5) {
			tui_app_key(&app, true, codes[b - 0xf5]);
			i++;
		} else {
			r = mbrtowc(&wc, (const char *)data + i, size - i, &mb);
			if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
				memset(&mb, 0, sizeof(mb));
				i++;
				continue;
			}
			tui_app_key(&app, false, (wint_t)wc);
			i += r;
		}
		tui_app_draw(&app);
	}

	tui_input_close(&app);
	mdt_snapshot_free(&app.snap);
	free(app.ends);
	FUZZ_CHECK(mdt_store_statements_open(s) == 0);
	FUZZ_CHECK(sqlite3_get_autocommit(mdt_store_db(s)));
	FUZZ_CHECK(integrity_ok(s));
	FUZZ_CHECK(count(s, "SELECT count(*) FROM pragma_foreign_key_check")
	    == 0);
	return 0;
}
