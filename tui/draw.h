/*
 * draw.h - drawing helpers for the screens of mdtchair: text cut and
 * padded by display columns (never bytes), the attributes of each kind of
 * thing on screen (colour, or bold/reverse/underline under NO_COLOR), the
 * big block-digit clock, and the formatting of times and dates.
 */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "mdt.h"

/* What a piece of the screen is; tui_attr() maps it to an attribute. */
enum tui_style {
	TUI_STYLE_NORMAL,
	TUI_STYLE_TITLE,	/* top bar */
	TUI_STYLE_TAB,		/* the current screen's name in the top bar */
	TUI_STYLE_STATUS,	/* bottom bar */
	TUI_STYLE_HEADER,	/* column headings, section titles */
	TUI_STYLE_SELECT,	/* the selected row */
	TUI_STYLE_CURRENT,	/* the current slot */
	TUI_STYLE_DIM,		/* done, absent, secondary */
	TUI_STYLE_GREEN,	/* on time */
	TUI_STYLE_AMBER,	/* warning */
	TUI_STYLE_RED,		/* over time, late */
	TUI_STYLE_ERROR,	/* message line: something failed */
	TUI_STYLE_INFO,		/* message line: something was saved */
	TUI_STYLE_BOX,		/* pickers, help */
	TUI_STYLE_BANNER,	/* "Meeting closed" */
	TUI_STYLE_COUNT
};

/* Sets up colours unless NO_COLOR is set and non-empty or the terminal
 * has none; call once after the screen exists. */
void tui_draw_init(void);
bool tui_draw_has_colour(void);
/* True when the locale's characters are UTF-8 (block digits, ellipsis). */
bool tui_draw_utf8(void);
attr_t tui_attr(enum tui_style style);
/* A slot's time band in words ("on time", "warning", "OVER TIME"), and
 * its style. */
const char *tui_band_text(enum mdt_band band);
enum tui_style tui_band_style(enum mdt_band band);
/* A slot's recorded outcome in words, with its review date if it has one
 * ("Stay on the caseload, review 2026-03-01"). */
void tui_outcome_text(const struct mdt_slot *s, char *out, size_t len);

/* Display columns of a UTF-8 string (invalid bytes count one each). */
int tui_text_width(const char *s);

/*
 * Draws s at (y, x) in at most width columns: too long, it is cut on a
 * character boundary and ends with an ellipsis; with pad, the rest of the
 * width is filled with spaces in the same attribute.  Returns the columns
 * written.  Nothing is drawn outside the screen.
 */
int tui_put(int y, int x, int width, const char *s, attr_t attr, bool pad);
/* As tui_put, right-aligned in width. */
int tui_put_right(int y, int x, int width, const char *s, attr_t attr);
/* As tui_put on printf-style text (cut at 1023 bytes). */
int tui_putf(int y, int x, int width, attr_t attr, bool pad,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Draws s over at most max_lines rows of width columns, breaking at
 * spaces; the last row ends in an ellipsis if text is left over.  Returns
 * the rows used (at least 1). */
int tui_put_wrapped(int y, int x, int width, int max_lines, const char *s,
    attr_t attr);
/* Bytes of s that make its first row in width columns, broken as
 * tui_put_wrapped breaks it (after a space; inside a word longer than the
 * row); at least one character while s is not empty. */
size_t tui_wrap_row(const char *s, int width);
/* Rows tui_put_wrapped would use. */
int tui_wrap_lines(int width, int max_lines, const char *s);
/* Fills width columns at (y, x) with spaces. */
void tui_fill(int y, int x, int width, attr_t attr);
/* A row of column headings: fills row y with attr, then from x puts
 * each of the n titles in its width, a column between them (a negative
 * width: the title right-aligned in -width columns). */
void tui_put_headings(int y, int x, const char *const *titles,
    const int *widths, int n, attr_t attr);
/* A horizontal rule of width columns, with an optional label in it. */
void tui_rule(int y, int x, int width, const char *label, attr_t attr);
/* A box border around the rectangle; the inside is cleared. */
void tui_box(int y, int x, int h, int w, const char *title, attr_t attr);

/* Columns and rows of the big clock for text like "12:34" at scale. */
int tui_bigclock_width(const char *text, int scale);
int tui_bigclock_height(int scale);
/* Block digits (and ':') at (y, x), 5 * scale rows high. */
void tui_bigclock(int y, int x, const char *text, int scale, attr_t attr);

/* "M:SS" of a duration (minutes not capped). */
void tui_fmt_mmss(int64_t ms, char *out, size_t len);
/* "H:MM:SS" of a duration. */
void tui_fmt_hms(int64_t ms, char *out, size_t len);
/* Local "HH:MM" of an epoch time; "--:--" for 0. */
void tui_fmt_hhmm(int64_t epoch_ms, char *out, size_t len);
/* "12 Mar 1941" of "1941-03-12" (the input unchanged if not a date). */
void tui_fmt_date(const char *ymd, char *out, size_t len);
/* Whole years from date of birth to today ("YYYY-MM-DD" both); -1 if
 * either is not a date. */
int tui_age_years(const char *dob, const char *today);

/* s, or "" for NULL. */
const char *tui_str(const char *s);

#endif
