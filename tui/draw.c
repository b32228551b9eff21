/*
 * draw.c - drawing helpers shared by the screens.
 *
 * Names of patients and clinicians carry accents and other scripts, so text
 * is decoded with mbrtowc and measured with wcwidth: a column count is
 * always a count of display columns.  Colours follow NO_COLOR: when it is
 * set and non-empty every style falls back to bold, reverse or underline,
 * and the screens always say in words what a colour means.
 */
#include "config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "draw.h"

static bool tui_colour;
static bool tui_utf8;
static attr_t tui_attrs[TUI_STYLE_COUNT];

enum {
	TUI_PAIR_TITLE = 1,
	TUI_PAIR_TAB,
	TUI_PAIR_HEADER,
	TUI_PAIR_GREEN,
	TUI_PAIR_AMBER,
	TUI_PAIR_RED,
	TUI_PAIR_ERROR,
	TUI_PAIR_BANNER,
};

void
tui_draw_init(void)
{
	const char *no_colour = getenv("NO_COLOR");
	const char *codeset = nl_langinfo(CODESET);

	tui_utf8 = codeset != NULL && (strcmp(codeset, "UTF-8") == 0 ||
	    strcmp(codeset, "utf8") == 0);
	tui_colour = !(no_colour != NULL && no_colour[0] != '\0') &&
	    has_colors();

	if (tui_colour) {
		short bg = COLOR_BLACK;

		start_color();
#ifdef HAVE_USE_DEFAULT_COLORS
		/* Keep the terminal's own background (light or dark). */
		if (use_default_colors() == OK)
			bg = -1;
#endif
		init_pair(TUI_PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(TUI_PAIR_TAB, COLOR_BLUE, COLOR_WHITE);
		init_pair(TUI_PAIR_HEADER, COLOR_CYAN, bg);
		init_pair(TUI_PAIR_GREEN, COLOR_GREEN, bg);
		init_pair(TUI_PAIR_AMBER, COLOR_YELLOW, bg);
		init_pair(TUI_PAIR_RED, COLOR_RED, bg);
		init_pair(TUI_PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(TUI_PAIR_BANNER, COLOR_BLACK, COLOR_GREEN);

		tui_attrs[TUI_STYLE_TITLE] = COLOR_PAIR(TUI_PAIR_TITLE) | A_BOLD;
		tui_attrs[TUI_STYLE_TAB] = COLOR_PAIR(TUI_PAIR_TAB) | A_BOLD;
		tui_attrs[TUI_STYLE_STATUS] = COLOR_PAIR(TUI_PAIR_TITLE);
		tui_attrs[TUI_STYLE_HEADER] = COLOR_PAIR(TUI_PAIR_HEADER) | A_BOLD;
		tui_attrs[TUI_STYLE_GREEN] = COLOR_PAIR(TUI_PAIR_GREEN) | A_BOLD;
		tui_attrs[TUI_STYLE_AMBER] = COLOR_PAIR(TUI_PAIR_AMBER) | A_BOLD;
		tui_attrs[TUI_STYLE_RED] = COLOR_PAIR(TUI_PAIR_RED) | A_BOLD;
		tui_attrs[TUI_STYLE_ERROR] = COLOR_PAIR(TUI_PAIR_ERROR) | A_BOLD;
		tui_attrs[TUI_STYLE_INFO] = COLOR_PAIR(TUI_PAIR_GREEN);
		tui_attrs[TUI_STYLE_BANNER] = COLOR_PAIR(TUI_PAIR_BANNER) | A_BOLD;
	} else {
		tui_attrs[TUI_STYLE_TITLE] = A_REVERSE;
		tui_attrs[TUI_STYLE_TAB] = A_BOLD;
		tui_attrs[TUI_STYLE_STATUS] = A_REVERSE;
		tui_attrs[TUI_STYLE_HEADER] = A_BOLD | A_UNDERLINE;
		tui_attrs[TUI_STYLE_GREEN] = A_NORMAL;
		tui_attrs[TUI_STYLE_AMBER] = A_BOLD | A_UNDERLINE;
		tui_attrs[TUI_STYLE_RED] = A_BOLD | A_REVERSE;
		tui_attrs[TUI_STYLE_ERROR] = A_BOLD | A_REVERSE;
		tui_attrs[TUI_STYLE_INFO] = A_BOLD;
		tui_attrs[TUI_STYLE_BANNER] = A_BOLD | A_REVERSE;
	}
	tui_attrs[TUI_STYLE_NORMAL] = A_NORMAL;
	tui_attrs[TUI_STYLE_SELECT] = A_REVERSE;
	tui_attrs[TUI_STYLE_CURRENT] = A_BOLD;
	tui_attrs[TUI_STYLE_DIM] = A_DIM;
	tui_attrs[TUI_STYLE_BOX] = A_NORMAL;
}

bool
tui_draw_has_colour(void)
{
	return tui_colour;
}

bool
tui_draw_utf8(void)
{
	return tui_utf8;
}

attr_t
tui_attr(enum tui_style style)
{
	if ((int)style < 0 || style >= TUI_STYLE_COUNT)
		return A_NORMAL;
	return tui_attrs[style];
}

/* A slot's time band in words (the colour alone is not enough). */
const char *
tui_band_text(enum mdt_band band)
{
	switch (band) {
	case MDT_BAND_GREEN:
		return "on time";
	case MDT_BAND_AMBER:
		return "warning";
	case MDT_BAND_RED:
		return "OVER TIME";
	}
	return "";
}

/* A slot's recorded outcome in words, with its review date if it has one:
 * "Stay on the caseload, review 2026-03-01". */
void
tui_outcome_text(const struct mdt_slot *s, char *out, size_t len)
{
	if (s->review_date[0] != '\0')
		snprintf(out, len, "%s, review %s",
		    mdt_outcome_label(s->outcome), s->review_date);
	else
		snprintf(out, len, "%s", mdt_outcome_label(s->outcome));
}

/* ... and its attribute. */
enum tui_style
tui_band_style(enum mdt_band band)
{
	switch (band) {
	case MDT_BAND_GREEN:
		return TUI_STYLE_GREEN;
	case MDT_BAND_AMBER:
		return TUI_STYLE_AMBER;
	case MDT_BAND_RED:
		return TUI_STYLE_RED;
	}
	return TUI_STYLE_NORMAL;
}

const char *
tui_str(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * Decodes the next character of s (len bytes left) into *wc with its
 * display width; returns the bytes used (at least 1).  Bytes that are not
 * valid in the locale show as '?', control characters (a pasted tab or
 * newline) as a space, so that a row never breaks the layout; a C1
 * control, a bidi control or a non-character as '?' (textio.h), so that
 * none reaches the terminal.
 */
static size_t
tui_next_char(const char *s, size_t len, mbstate_t *st, wchar_t *wc, int *w)
{
	unsigned char c = (unsigned char)*s;
	size_t r;

	/* ASCII is itself in every locale the console runs in: most of
	 * what a frame shows, without the decoder's and wcwidth's cost */
	if (c < 0x80 && mbsinit(st)) {
		*wc = c < 0x20 || c == 0x7f ? L' ' : (wchar_t)c;
		*w = 1;
		return 1;
	}
	r = mbrtowc(wc, s, len, st);

	if (r == (size_t)-1 || r == (size_t)-2) {
		memset(st, 0, sizeof(*st));
		*wc = L'?';
		*w = 1;
		return 1;
	}
	if (r == 0)
		r = 1;
	if (*wc < 0x20 || *wc == 0x7f) {
		*wc = L' ';
		*w = 1;
		return r;
	}
	if (mdt_text_cp_banned((uint32_t)*wc)) {
		/* C1, a bidi control, a non-character (textio.h) */
		*wc = L'?';
		*w = 1;
		return r;
	}
	*w = wcwidth(*wc);
	if (*w < 0) {
		*wc = L'?';
		*w = 1;
	}
	return r;
}

int
tui_text_width(const char *s)
{
	mbstate_t st;
	size_t len;
	int cols = 0;

	if (s == NULL)
		return 0;
	memset(&st, 0, sizeof(st));
	len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		int w;
		size_t r = tui_next_char(s, len, &st, &wc, &w);

		cols += w;
		s += r;
		len -= r;
	}
	return cols;
}

#define TUI_PUT_MAX 512

int
tui_put(int y, int x, int width, const char *s, attr_t attr, bool pad)
{
	wchar_t buf[TUI_PUT_MAX + 1];
	int widths[TUI_PUT_MAX + 1];
	size_t n = 0, len;
	mbstate_t st;
	int cols = 0;
	bool cut = false;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return 0;
	if (width > COLS - x)
		width = COLS - x;
	s = tui_str(s);
	len = strlen(s);
	memset(&st, 0, sizeof(st));
	while (len > 0) {
		wchar_t wc;
		int w;
		size_t r = tui_next_char(s, len, &st, &wc, &w);

		if (cols + w > width || n >= TUI_PUT_MAX) {
			cut = true;
			break;
		}
		buf[n] = wc;
		widths[n] = w;
		n++;
		cols += w;
		s += r;
		len -= r;
	}
	if (cut) {
		/* Make room for a one-column ellipsis. */
		while (n > 0 && cols + 1 > width) {
			n--;
			cols -= widths[n];
		}
		/* Drop combining marks left without their base character. */
		while (n > 0 && widths[n - 1] == 0)
			n--;
		buf[n++] = tui_utf8 ? L'\u2026' : L'~';
		cols += 1;
	}
	attrset(attr);
	if (n > 0)
		mvaddnwstr(y, x, buf, (int)n);
	else
		move(y, x);
	if (pad) {
		/* the padding in runs of spaces, not a call a cell */
		static const wchar_t spaces[] = L"                                ";
		const int run = (int)MDT_COUNT(spaces) - 1;

		for (int left = width - cols; left > 0; left -= run)
			addnwstr(spaces, left < run ? left : run);
		cols = width;
	}
	attrset(A_NORMAL);
	return cols;
}

int
tui_put_right(int y, int x, int width, const char *s, attr_t attr)
{
	int w = tui_text_width(s);

	if (w >= width)
		return tui_put(y, x, width, s, attr, false);
	return tui_put(y, x + width - w, w, s, attr, false);
}

int
tui_putf(int y, int x, int width, attr_t attr, bool pad, const char *fmt,
    ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(y, x, width, buf, attr, pad);
}

/* Bytes of s that fit in width columns, ending after a space when the
 * text goes on (a hard break inside a word longer than the width). */
static size_t
tui_wrap_segment(const char *s, int width)
{
	mbstate_t st;
	size_t len = strlen(s), used = 0, last_space = 0;
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (used < len) {
		wchar_t wc;
		int w;
		size_t r = tui_next_char(s + used, len - used, &st, &wc, &w);

		if (cols + w > width)
			return last_space > 0 ? last_space : (used > 0 ? used :
			    r);
		cols += w;
		used += r;
		if (wc == L' ')
			last_space = used;
	}
	return used;
}

static int
tui_wrap(int y, int x, int width, int max_lines, const char *s, attr_t attr,
    bool draw)
{
	int lines = 0;

	s = tui_str(s);
	if (width <= 0 || max_lines <= 0)
		return 1;
	do {
		size_t seg;
		char buf[1024];

		if (lines == max_lines - 1 || tui_text_width(s) <= width) {
			if (draw)
				tui_put(y + lines, x, width, s, attr, false);
			return lines + 1;
		}
		seg = tui_wrap_segment(s, width);
		if (seg >= sizeof(buf))
			seg = sizeof(buf) - 1;
		memcpy(buf, s, seg);
		buf[seg] = '\0';
		if (draw)
			tui_put(y + lines, x, width, buf, attr, false);
		s += seg;
		while (*s == ' ')
			s++;
		lines++;
	} while (*s != '\0' && lines < max_lines);
	return lines > 0 ? lines : 1;
}

int
tui_put_wrapped(int y, int x, int width, int max_lines, const char *s,
    attr_t attr)
{
	return tui_wrap(y, x, width, max_lines, s, attr, true);
}

size_t
tui_wrap_row(const char *s, int width)
{
	s = tui_str(s);
	if (tui_text_width(s) <= width)
		return strlen(s);
	return tui_wrap_segment(s, width > 0 ? width : 1);
}

int
tui_wrap_lines(int width, int max_lines, const char *s)
{
	return tui_wrap(0, 0, width, max_lines, s, A_NORMAL, false);
}

void
tui_fill(int y, int x, int width, attr_t attr)
{
	tui_put(y, x, width, "", attr, true);
}

void
tui_put_headings(int y, int x, const char *const *titles,
    const int *widths, int n, attr_t attr)
{
	tui_fill(y, 0, COLS, attr);
	for (int i = 0; i < n; i++) {
		if (widths[i] < 0) {
			tui_put_right(y, x, -widths[i], titles[i], attr);
			x += -widths[i] + 1;
		} else {
			tui_put(y, x, widths[i], titles[i], attr, false);
			x += widths[i] + 1;
		}
	}
}

void
tui_rule(int y, int x, int width, const char *label, attr_t attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	attrset(attr);
	mvhline(y, x, ACS_HLINE, width);
	attrset(A_NORMAL);
	if (label != NULL && label[0] != '\0' && width > 6) {
		char buf[512];

		snprintf(buf, sizeof(buf), " %s ", label);
		tui_put(y, x + 2, width - 4, buf, attr, false);
	}
}

void
tui_box(int y, int x, int h, int w, const char *title, attr_t attr)
{
	if (h < 2 || w < 2)
		return;
	for (int r = y + 1; r < y + h - 1; r++)
		tui_fill(r, x + 1, w - 2, attr);
	attrset(attr);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL && title[0] != '\0' && w > 6) {
		char buf[512];

		snprintf(buf, sizeof(buf), " %s ", title);
		tui_put(y, x + 2, w - 4, buf, attr | A_BOLD, false);
	}
}

/* ---- the big clock ---------------------------------------------------- */

/* 3x5 glyphs; each cell is drawn two columns wide so digits look square. */
static const char *const tui_glyphs[11][5] = {
	{ "###", "# #", "# #", "# #", "###" },
	{ "  #", "  #", "  #", "  #", "  #" },
	{ "###", "  #", "###", "#  ", "###" },
	{ "###", "  #", "###", "  #", "###" },
	{ "# #", "# #", "###", "  #", "  #" },
	{ "###", "#  ", "###", "  #", "###" },
	{ "###", "#  ", "###", "# #", "###" },
	{ "###", "  #", "  #", "  #", "  #" },
	{ "###", "# #", "###", "# #", "###" },
	{ "###", "# #", "###", "  #", "###" },
	{ " ", "#", " ", "#", " " },	/* ':' */
};

static int
tui_glyph_index(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c == ':')
		return 10;
	return -1;
}

int
tui_bigclock_width(const char *text, int scale)
{
	int w = 0, n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		int g = tui_glyph_index(*p);

		if (g < 0)
			continue;
		w += (int)strlen(tui_glyphs[g][0]) * 2 * scale;
		n++;
	}
	if (n > 1)
		w += (n - 1) * 2 * scale;
	return w;
}

int
tui_bigclock_height(int scale)
{
	return 5 * scale;
}

void
tui_bigclock(int y, int x, const char *text, int scale, attr_t attr)
{
	const wchar_t block = tui_utf8 ? L'\u2588' : L'#';

	/* Reverse video would turn the blocks into holes (NO_COLOR draws
	 * "over" in reverse): the band's words carry that instead. */
	attrset(attr & ~A_REVERSE);
	for (const char *p = text; *p != '\0'; p++) {
		int g = tui_glyph_index(*p);
		int gw;

		if (g < 0)
			continue;
		gw = (int)strlen(tui_glyphs[g][0]);
		for (int row = 0; row < 5; row++) {
			for (int col = 0; col < gw; col++) {
				bool on = tui_glyphs[g][row][col] == '#';

				for (int sy = 0; sy < scale; sy++) {
					int yy = y + row * scale + sy;
					int xx = x + col * 2 * scale;

					if (yy < 0 || yy >= LINES)
						continue;
					for (int sx = 0; sx < 2 * scale &&
					    xx + sx < COLS; sx++) {
						if (on)
							mvaddnwstr(yy, xx + sx,
							    &block, 1);
						else
							mvaddch(yy, xx + sx,
							    ' ');
					}
				}
			}
		}
		x += gw * 2 * scale + 2 * scale;
	}
	attrset(A_NORMAL);
}

/* ---- formatting ------------------------------------------------------- */

void
tui_fmt_mmss(int64_t ms, char *out, size_t len)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	snprintf(out, len, "%lld:%02lld", (long long)(s / 60),
	    (long long)(s % 60));
}

void
tui_fmt_hms(int64_t ms, char *out, size_t len)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	snprintf(out, len, "%lld:%02lld:%02lld", (long long)(s / 3600),
	    (long long)(s / 60 % 60), (long long)(s % 60));
}

void
tui_fmt_hhmm(int64_t epoch_ms, char *out, size_t len)
{
	time_t t = (time_t)(epoch_ms / 1000);
	struct tm tm;

	if (epoch_ms <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(out, len, "--:--");
		return;
	}
	snprintf(out, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* Parses "YYYY-MM-DD" into its numbers; false if it is not of that form. */
static bool
tui_parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

void
tui_fmt_date(const char *ymd, char *out, size_t len)
{
	static const char *const months[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	int y, m, d;

	if (!tui_parse_ymd(ymd, &y, &m, &d)) {
		snprintf(out, len, "%s", tui_str(ymd));
		return;
	}
	snprintf(out, len, "%d %s %d", d, months[m - 1], y);
}

int
tui_age_years(const char *dob, const char *today)
{
	int by, bm, bd, ty, tm, td, age;

	if (!tui_parse_ymd(dob, &by, &bm, &bd) ||
	    !tui_parse_ymd(today, &ty, &tm, &td))
		return -1;
	age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age >= 0 ? age : -1;
}
