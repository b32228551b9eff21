/*
 * input.c - the prompt, yes/no and picker widgets (see input.h).
 *
 * The prompt edits wide characters read with wget_wch, so accented and
 * other non-ASCII text is typed and erased one character at a time, and
 * is handed back to the caller as UTF-8 (the locale's encoding).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <curses.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "keys.h"

#define TUI_KEY_ESC 27
#define TUI_KEY_CTRL_U 21

static void
tui_input_free_items(struct tui_input *in)
{
	for (size_t i = 0; i < in->n_items; i++) {
		free(in->items[i].label);
		free(in->items[i].key);
	}
	free(in->items);
	free(in->shown);
	in->items = NULL;
	in->shown = NULL;
	in->n_items = 0;
	in->n_shown = 0;
	in->cap_items = 0;
	in->pick_new = NULL;
	in->new_label[0] = '\0';
}

void
tui_input_close(struct tui_app *app)
{
	struct tui_input *in = &app->input;

	tui_input_free_items(in);
	free(in->body);
	in->body = NULL;
	in->body_top = 0;
	in->kind = TUI_INPUT_NONE;
	in->len = 0;
	in->cursor = 0;
	in->text[0] = L'\0';
	in->sel = 0;
}

bool
tui_input_active(const struct tui_app *app)
{
	return app->input.kind != TUI_INPUT_NONE;
}

static void
tui_input_begin(struct tui_app *app, enum tui_input_kind kind,
    const char *label)
{
	struct tui_input *in = &app->input;

	tui_input_close(app);
	in->kind = kind;
	snprintf(in->label, sizeof(in->label), "%s", label);
	in->submit = NULL;
	in->confirm = NULL;
	in->pick = NULL;
	in->edited = NULL;
	in->cancelled = NULL;
}

void
tui_prompt_watch(struct tui_app *app, tui_edit_fn edited,
    tui_cancel_fn cancelled)
{
	app->input.edited = edited;
	app->input.cancelled = cancelled;
}

void
tui_reader_open(struct tui_app *app, const char *title, const char *text)
{
	tui_input_begin(app, TUI_INPUT_READER, title);
	app->input.body = strdup(text != NULL ? text : "");
}

void
tui_prompt_open(struct tui_app *app, const char *label, tui_prompt_fn submit)
{
	tui_input_begin(app, TUI_INPUT_PROMPT, label);
	app->input.submit = submit;
}

bool
tui_form_answer(struct tui_app *app, const struct tui_form_step *steps,
    size_t n, size_t *at, tui_prompt_fn submit, const char *text)
{
	const struct tui_form_step *st = &steps[*at];

	if (st->check != NULL) {
		if (!st->check(app, text))
			return false;
	} else if (st->what != NULL && text[strspn(text, " ")] == '\0') {
		tui_app_message(app, true, "%s is needed", st->what);
		return false;
	} else if (strlen(text) >= st->len) {
		tui_app_message(app, true, "Too long: shorten it");
		return false;
	} else
		memcpy(st->field, text, strlen(text) + 1);
	if (++*at < n)
		tui_prompt_open(app, steps[*at].label, submit);
	return true;
}

void
tui_prompt_set_text(struct tui_app *app, const char *text)
{
	struct tui_input *in = &app->input;
	const char *p = text != NULL ? text : "";
	size_t left = strlen(p), r;
	mbstate_t st;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	in->len = 0;
	while (left > 0 && in->len < TUI_PROMPT_MAX) {
		r = mbrtowc(&wc, p, left, &st);
		if (r == 0 || r == (size_t)-2)
			break;
		if (r == (size_t)-1) {	/* not in the locale: one '?' */
			memset(&st, 0, sizeof(st));
			wc = L'?';
			r = 1;
		}
		in->text[in->len++] = wc;
		p += r;
		left -= r;
	}
	in->text[in->len] = L'\0';
	in->cursor = in->len;
}

void
tui_confirm_open(struct tui_app *app, const char *question,
    tui_confirm_fn yes)
{
	tui_input_begin(app, TUI_INPUT_CONFIRM, question);
	app->input.confirm = yes;
}

void
tui_picker_open(struct tui_app *app, const char *title, tui_pick_fn pick)
{
	tui_input_begin(app, TUI_INPUT_PICKER, title);
	app->input.pick = pick;
}

/* text in lower case as wide characters, for finding (NULL if it cannot
 * be decoded: such a row is found by nothing typed). */
static wchar_t *
tui_picker_fold(const char *text)
{
	size_t n = mbstowcs(NULL, text, 0);
	wchar_t *w;

	if (n == (size_t)-1)
		return NULL;
	w = calloc(n + 1, sizeof(*w));
	if (w == NULL)
		return NULL;
	mbstowcs(w, text, n + 1);
	for (size_t i = 0; i < n; i++)
		w[i] = (wchar_t)towlower((wint_t)w[i]);
	return w;
}

void
tui_picker_add_found(struct tui_app *app, int64_t id, const char *label,
    const char *found_by)
{
	struct tui_input *in = &app->input;
	char *copy;

	if (in->n_items == in->cap_items) {
		size_t cap = in->cap_items ? in->cap_items * 2 : 8;
		struct tui_pick_item *items = realloc(in->items,
		    cap * sizeof(*items));
		size_t *shown = realloc(in->shown, cap * sizeof(*shown));

		if (shown != NULL)
			in->shown = shown;
		if (items != NULL)
			in->items = items;
		if (items == NULL || shown == NULL)
			return;
		in->cap_items = cap;
	}
	copy = strdup(tui_str(label));
	if (copy == NULL)
		return;
	in->items[in->n_items].id = id;
	in->items[in->n_items].label = copy;
	in->items[in->n_items].key = tui_picker_fold(found_by != NULL ?
	    found_by : copy);
	in->shown[in->n_items] = in->n_items;
	in->n_items++;
	in->n_shown = in->n_items;
}

void
tui_picker_add(struct tui_app *app, int64_t id, const char *label)
{
	tui_picker_add_found(app, id, label, NULL);
}

void
tui_picker_allow_new(struct tui_app *app, const char *label,
    tui_pick_new_fn pick_new)
{
	snprintf(app->input.new_label, sizeof(app->input.new_label), "%s",
	    label);
	app->input.pick_new = pick_new;
}

void
tui_picker_watch(struct tui_app *app, tui_cancel_fn closed)
{
	app->input.cancelled = closed;
}

void
tui_picker_select(struct tui_app *app, int64_t id)
{
	struct tui_input *in = &app->input;

	for (size_t i = 0; i < in->n_shown; i++)
		if (in->items[in->shown[i]].id == id)
			in->sel = i;
}

/* The typed text as a multibyte string; false if it cannot be encoded. */
static bool
tui_prompt_text(const struct tui_input *in, char *out, size_t outlen)
{
	mbstate_t st;
	size_t used = 0;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < in->len; i++) {
		char mb[MB_LEN_MAX];
		size_t r = wcrtomb(mb, in->text[i], &st);

		if (r == (size_t)-1)
			return false;
		if (used + r >= outlen)
			return false;
		memcpy(out + used, mb, r);
		used += r;
	}
	out[used] = '\0';
	return true;
}

/* A character the input policy bans (textio.h) is not typed: said,
 * escaped.  True if key was refused. */
static bool
tui_input_refused(struct tui_app *app, wint_t key)
{
	char e[32];
	wchar_t w[2] = { (wchar_t)key, 0 };
	char mb[MB_LEN_MAX * 2];

	if (!mdt_text_cp_banned((uint32_t)key))
		return false;
	if (wcstombs(mb, w, sizeof mb) == (size_t)-1)
		snprintf(mb, sizeof mb, "?");
	mdt_text_escape(mb, e, sizeof e);
	tui_app_message(app, true, "%s cannot be typed here", e);
	return true;
}

bool
tui_prompt_get(const struct tui_app *app, char *out, size_t len)
{
	return app->input.kind == TUI_INPUT_PROMPT &&
	    tui_prompt_text(&app->input, out, len);
}

static void tui_prompt_edit(struct tui_app *app, bool is_code, wint_t key);

/* Edits the prompt's text, and tells whoever watches it. */
static void
tui_prompt_key(struct tui_app *app, bool is_code, wint_t key)
{
	struct tui_input *in = &app->input;
	size_t len = in->len;
	tui_edit_fn edited = in->edited;
	tui_cancel_fn cancelled = in->cancelled;

	if (!is_code && key == TUI_KEY_ESC) {
		tui_input_close(app);
		tui_app_message(app, false, "Cancelled: nothing saved");
		if (cancelled != NULL)
			cancelled(app);
		return;
	}
	tui_prompt_edit(app, is_code, key);
	if (edited != NULL && in->kind == TUI_INPUT_PROMPT &&
	    in->edited == edited && in->len != len)
		edited(app, !is_code && key == L' ');
}

static void
tui_prompt_edit(struct tui_app *app, bool is_code, wint_t key)
{
	struct tui_input *in = &app->input;

	if (tui_key_is_enter(is_code, key)) {
		char text[TUI_PROMPT_MAX * MB_LEN_MAX + 1];
		struct tui_input saved;
		tui_prompt_fn submit = in->submit;
		bool ok;

		char why[96];

		if (!tui_prompt_text(in, text, sizeof(text))) {
			tui_app_message(app, true,
			    "The text cannot be stored in this locale");
			return;
		}
		if (!mdt_text_line_ok(text, TUI_PROMPT_MAX, why, sizeof why)) {
			tui_app_message(app, true, "Not saved: the text %s",
			    why);
			return;
		}
		/* Close first so that the callback may open the next
		 * step; put the prompt back if the save failed. */
		saved = *in;
		in->kind = TUI_INPUT_NONE;
		in->submitting = true;
		ok = submit(app, text);
		in->submitting = false;
		if (!ok && in->kind == TUI_INPUT_NONE)
			*in = saved;
		else if (in->kind == TUI_INPUT_NONE)
			tui_input_close(app);
		return;
	}
	if (tui_key_is_backspace(is_code, key)) {
		if (in->cursor > 0) {
			memmove(&in->text[in->cursor - 1], &in->text[in->cursor],
			    (in->len - in->cursor) * sizeof(wchar_t));
			in->cursor--;
			in->len--;
		}
		return;
	}
	if (is_code) {
		switch (key) {
		case KEY_LEFT:
			if (in->cursor > 0)
				in->cursor--;
			break;
		case KEY_RIGHT:
			if (in->cursor < in->len)
				in->cursor++;
			break;
		case KEY_HOME:
			in->cursor = 0;
			break;
		case KEY_END:
			in->cursor = in->len;
			break;
		case KEY_DC:
			if (in->cursor < in->len) {
				memmove(&in->text[in->cursor],
				    &in->text[in->cursor + 1],
				    (in->len - in->cursor - 1) *
				    sizeof(wchar_t));
				in->len--;
			}
			break;
		default:
			break;
		}
		return;
	}
	if (key == TUI_KEY_CTRL_U) {
		in->len = 0;
		in->cursor = 0;
		return;
	}
	if (key == 1) {		/* Ctrl-A */
		in->cursor = 0;
		return;
	}
	if (key == 5) {		/* Ctrl-E */
		in->cursor = in->len;
		return;
	}
	if (tui_input_refused(app, key))
		return;
	if (in->len >= TUI_PROMPT_MAX)
		return;
	memmove(&in->text[in->cursor + 1], &in->text[in->cursor],
	    (in->len - in->cursor) * sizeof(wchar_t));
	in->text[in->cursor] = (wchar_t)key;
	in->cursor++;
	in->len++;
}

/* Rows of the open picker: those found, and the row of someone new. */
static size_t
tui_picker_rows(const struct tui_input *in)
{
	return in->n_shown + (in->pick_new != NULL ? 1 : 0);
}

/* Digits pick only from a list of nine or fewer (so that "1" "1" cannot
 * pick the first row and type "1" into what comes next). */
static bool
tui_picker_digits(const struct tui_input *in)
{
	return in->n_items + (in->pick_new != NULL ? 1 : 0) <= 9;
}

static bool
tui_picker_matches(const struct tui_input *in, const wchar_t *key)
{
	wchar_t want[TUI_PROMPT_MAX + 1];

	if (in->len == 0)
		return true;
	if (key == NULL)
		return false;
	for (size_t i = 0; i < in->len; i++)
		want[i] = (wchar_t)towlower((wint_t)in->text[i]);
	want[in->len] = L'\0';
	return wcsstr(key, want) != NULL;
}

/* The rows whose name, role or organisation hold what is typed. */
static void
tui_picker_filter(struct tui_input *in)
{
	in->n_shown = 0;
	for (size_t i = 0; i < in->n_items; i++)
		if (tui_picker_matches(in, in->items[i].key))
			in->shown[in->n_shown++] = i;
	in->sel = 0;
}

static void
tui_picker_choose(struct tui_app *app, size_t row)
{
	struct tui_input *in = &app->input;
	tui_pick_fn pick = in->pick;
	tui_pick_new_fn pick_new = in->pick_new;
	char typed[TUI_PROMPT_MAX * MB_LEN_MAX + 1];
	int64_t id;

	if (row == in->n_shown && pick_new != NULL) {
		if (!tui_prompt_text(in, typed, sizeof(typed)))
			typed[0] = '\0';
		tui_input_close(app);
		pick_new(app, typed);
		return;
	}
	if (row >= in->n_shown)
		return;
	id = in->items[in->shown[row]].id;
	tui_input_close(app);
	pick(app, id);
}

static void
tui_picker_key(struct tui_app *app, bool is_code, wint_t key)
{
	struct tui_input *in = &app->input;
	size_t rows = tui_picker_rows(in);

	if (!is_code && key == TUI_KEY_ESC) {
		tui_cancel_fn cancelled = in->cancelled;

		tui_input_close(app);
		if (cancelled != NULL)
			cancelled(app);
		else
			tui_app_message(app, false, "Cancelled: nothing saved");
		return;
	}
	if (!is_code && key >= L'1' && key <= L'9' && tui_picker_digits(in)) {
		size_t i = (size_t)(key - L'1');

		if (i < rows)
			tui_picker_choose(app, i);
		return;
	}
	if (tui_key_is_enter(is_code, key)) {
		tui_picker_choose(app, in->sel);
		return;
	}
	if (tui_key_is_backspace(is_code, key)) {
		if (in->len > 0) {
			in->text[--in->len] = L'\0';
			in->cursor = in->len;
			tui_picker_filter(in);
		}
		return;
	}
	if (is_code && key == KEY_DOWN) {
		if (in->sel + 1 < rows)
			in->sel++;
	} else if (is_code && key == KEY_UP) {
		if (in->sel > 0)
			in->sel--;
	} else if (is_code && key == KEY_NPAGE) {
		in->sel = in->sel + 8 < rows ? in->sel + 8 :
		    (rows ? rows - 1 : 0);
	} else if (is_code && key == KEY_PPAGE) {
		in->sel = in->sel > 8 ? in->sel - 8 : 0;
	} else if (is_code && key == KEY_HOME) {
		in->sel = 0;
	} else if (is_code && key == KEY_END && rows > 0) {
		in->sel = rows - 1;
	} else if (!is_code && key == TUI_KEY_CTRL_U) {
		in->len = 0;
		in->cursor = 0;
		in->text[0] = L'\0';
		tui_picker_filter(in);
	} else if (!is_code && iswprint(key) && in->len < TUI_PROMPT_MAX) {
		if (tui_input_refused(app, key))
			return;
		in->text[in->len++] = (wchar_t)key;
		in->text[in->len] = L'\0';
		in->cursor = in->len;
		tui_picker_filter(in);
	}
}

/* The reader's text as rows of width columns: each line escaped, then
 * wrapped.  DESTRUCTOR: free of each row and of the array. */
static char **
tui_reader_rows(const char *body, int width, size_t *n)
{
	char **rows = NULL;
	size_t cap = 0;
	const char *p = body;

	*n = 0;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len), *shown, *q;

		if (line == NULL)
			break;
		shown = mdt_text_escaped(line, false);
		free(line);
		q = shown;
		do {
			size_t r = tui_wrap_row(q, width);

			if (*n == cap) {
				char **more;

				cap = cap ? cap * 2 : 16;
				more = realloc(rows, cap * sizeof(*rows));
				if (more == NULL)
					break;
				rows = more;
			}
			rows[(*n)++] = strndup(q, r);
			q += r;
			while (*q == ' ')
				q++;
		} while (*q != '\0');
		free(shown);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return rows;
}

/* The reader's box: its rows of text and their width. */
#define TUI_READER_ROWS (LINES - 7)
#define TUI_READER_WIDTH (COLS - 8)

static void
tui_reader_key(struct tui_app *app, bool is_code, wint_t key)
{
	struct tui_input *in = &app->input;
	size_t n = 0, page = TUI_READER_ROWS > 1 ? (size_t)TUI_READER_ROWS : 1;
	char **rows = tui_reader_rows(in->body, TUI_READER_WIDTH, &n);
	size_t last = n > page ? n - page : 0;

	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
	if ((!is_code && (key == TUI_KEY_ESC || key == L'q')) ||
	    tui_key_is_enter(is_code, key)) {
		tui_input_close(app);
		return;
	}
	if ((is_code && key == KEY_DOWN) || (!is_code && key == L'j'))
		in->body_top++;
	else if ((is_code && key == KEY_UP) || (!is_code && key == L'k'))
		in->body_top = in->body_top > 0 ? in->body_top - 1 : 0;
	else if ((is_code && key == KEY_NPAGE) || (!is_code && key == L' '))
		in->body_top += page;
	else if (is_code && key == KEY_PPAGE)
		in->body_top = in->body_top > page ? in->body_top - page : 0;
	else if (is_code && key == KEY_HOME)
		in->body_top = 0;
	else if (is_code && key == KEY_END)
		in->body_top = last;
	if (in->body_top > last)
		in->body_top = last;
}

static void
tui_reader_draw(struct tui_app *app)
{
	struct tui_input *in = &app->input;
	int h = TUI_READER_ROWS, w = TUI_READER_WIDTH, y = 1, x = 2;
	size_t n = 0;
	char **rows = tui_reader_rows(in->body, w, &n), where[96];

	/* as high as the text, up to the screen */
	if ((size_t)h > n)
		h = (int)n;
	if (h < 1)
		h = 1;
	tui_box(y, x, h + 4, w + 4, in->label, tui_attr(TUI_STYLE_BOX));
	for (int r = 0; r < h && in->body_top + (size_t)r < n; r++)
		tui_put(y + 1 + r, x + 2, w, rows[in->body_top + (size_t)r],
		    tui_attr(TUI_STYLE_BOX), false);
	snprintf(where, sizeof(where), "rows %zu-%zu of %zu: j/k, PgUp/PgDn"
	    " scroll, Esc closes", n > 0 ? in->body_top + 1 : 0,
	    in->body_top + (size_t)h < n ? in->body_top + (size_t)h : n, n);
	tui_put(y + h + 2, x + 2, w, where, tui_attr(TUI_STYLE_DIM), false);
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

void
tui_input_key(struct tui_app *app, bool is_code, wint_t key)
{
	switch (app->input.kind) {
	case TUI_INPUT_PROMPT:
		tui_prompt_key(app, is_code, key);
		break;
	case TUI_INPUT_CONFIRM:
		if (!is_code && (key == L'y' || key == L'Y')) {
			tui_confirm_fn yes = app->input.confirm;

			tui_input_close(app);
			yes(app);
		} else if (!is_code && (key == L'n' || key == L'N' ||
		    key == TUI_KEY_ESC)) {
			tui_input_close(app);
			tui_app_message(app, false, "Cancelled");
		}
		break;
	case TUI_INPUT_PICKER:
		tui_picker_key(app, is_code, key);
		break;
	case TUI_INPUT_READER:
		tui_reader_key(app, is_code, key);
		break;
	case TUI_INPUT_NONE:
		break;
	}
}

/* Width in columns of the wide characters text[from, to). */
static int
tui_wide_width(const wchar_t *text, size_t from, size_t to)
{
	int w = 0;

	for (size_t i = from; i < to; i++) {
		int cw = wcwidth(text[i]);

		w += cw > 0 ? cw : (cw == 0 ? 0 : 1);
	}
	return w;
}

static void
tui_prompt_draw(struct tui_app *app)
{
	struct tui_input *in = &app->input;
	int y = LINES - 2;
	int lw, room, start_w;
	size_t start = 0;

	tui_fill(y, 0, COLS, A_NORMAL);
	if (tui_text_width(in->label) > COLS - 20) {
		/* Too long to leave room for the text beside it: the label
		 * above, the whole row below for the text. */
		if (app->message[0] == '\0')
			tui_put(y - 1, 0, COLS, in->label, A_BOLD, true);
		lw = tui_put(y, 0, COLS, "> ", A_BOLD, false);
	} else
		lw = tui_put(y, 0, COLS - 20, in->label, A_BOLD, false);
	room = COLS - lw - 1;
	if (room < 1)
		return;
	/* Scroll sideways so the cursor stays in view. */
	while (start < in->cursor &&
	    tui_wide_width(in->text, start, in->cursor) > room - 1)
		start++;
	start_w = 0;
	move(y, lw);
	for (size_t i = start; i < in->len; i++) {
		int cw = wcwidth(in->text[i]);

		if (cw < 0)
			cw = 1;
		if (start_w + cw > room)
			break;
		addnwstr(&in->text[i], 1);
		start_w += cw;
	}
	move(y, lw + tui_wide_width(in->text, start, in->cursor));
}

static void
tui_confirm_draw(struct tui_app *app)
{
	int y = LINES - 2;
	int w;

	tui_fill(y, 0, COLS, A_NORMAL);
	w = tui_put(y, 0, COLS - 1, app->input.label, A_BOLD, false);
	move(y, w < COLS - 1 ? w + 1 : COLS - 1);
}

/* The label of a row of the open picker (the last: someone new). */
static const char *
tui_picker_label(const struct tui_input *in, size_t row, char *buf,
    size_t len)
{
	char typed[TUI_PROMPT_MAX * MB_LEN_MAX + 1];

	if (row < in->n_shown)
		return in->items[in->shown[row]].label;
	if (in->len == 0 || !tui_prompt_text(in, typed, sizeof(typed)))
		return in->new_label;
	snprintf(buf, len, "New: %s", typed);
	return buf;
}

static void
tui_picker_draw(struct tui_app *app)
{
	struct tui_input *in = &app->input;
	bool digits = tui_picker_digits(in);
	const char *hint = digits ?
	    "digit picks, type to find, Up/Down + Enter, Esc cancels" :
	    "type to find, Up/Down + Enter, Esc cancels";
	size_t rows = tui_picker_rows(in), top = 0;
	int w = tui_text_width(in->label) + 6;
	int h, y, x, visible, fw;
	char buf[TUI_PROMPT_MAX * MB_LEN_MAX + 8];

	for (size_t i = 0; i < in->n_items; i++) {
		int iw = tui_text_width(in->items[i].label) + 9;

		if (iw > w)
			w = iw;
	}
	if (w < tui_text_width(hint) + 4)
		w = tui_text_width(hint) + 4;
	if (w > COLS - 4)
		w = COLS - 4;
	visible = (int)(digits ? rows : in->n_items + 1);
	if (visible > LINES - 9)
		visible = LINES - 9;
	if (visible < 1)
		visible = 1;
	h = visible + 5;
	y = (LINES - 2 - h) / 2;
	if (y < 1)
		y = 1;
	x = (COLS - w) / 2;
	if (in->sel >= (size_t)visible)
		top = in->sel - (size_t)visible + 1;

	tui_box(y, x, h, w, in->label, tui_attr(TUI_STYLE_BOX));
	fw = tui_put(y + 1, x + 2, w - 4, "Find: ", A_BOLD, false);
	for (int r = 0; r < visible && top + (size_t)r < rows; r++) {
		size_t i = top + (size_t)r;
		attr_t a = i == in->sel ? tui_attr(TUI_STYLE_SELECT) :
		    A_NORMAL;
		const char *label = tui_picker_label(in, i, buf, sizeof(buf));

		if (digits)
			tui_putf(y + 2 + r, x + 1, w - 2, a, true, "%s%3zu  %s",
			    i == in->sel ? ">" : " ", i + 1, label);
		else
			tui_putf(y + 2 + r, x + 1, w - 2, a, true, "%s  %s",
			    i == in->sel ? ">" : " ", label);
	}
	if (rows == 0)
		tui_put(y + 2, x + 3, w - 6, "(nobody found)",
		    tui_attr(TUI_STYLE_DIM), false);
	if (top > 0)
		tui_put(y + 2, x + w - 3, 1, "^", A_BOLD, false);
	if (top + (size_t)visible < rows)
		tui_put(y + 1 + visible, x + w - 3, 1, "v", A_BOLD, false);
	tui_put(y + h - 2, x + 2, w - 4, hint, tui_attr(TUI_STYLE_DIM), false);
	/* What is typed, and the cursor after it. */
	move(y + 1, x + 2 + fw);
	for (size_t i = 0; i < in->len && fw + tui_wide_width(in->text, 0,
	    i + 1) < w - 4; i++)
		addnwstr(&in->text[i], 1);
	move(y + 1, x + 2 + fw + tui_wide_width(in->text, 0, in->len));
}

void
tui_input_draw(struct tui_app *app)
{
	switch (app->input.kind) {
	case TUI_INPUT_PROMPT:
		tui_prompt_draw(app);
		break;
	case TUI_INPUT_CONFIRM:
		tui_confirm_draw(app);
		break;
	case TUI_INPUT_PICKER:
		tui_picker_draw(app);
		break;
	case TUI_INPUT_READER:
		tui_reader_draw(app);
		break;
	case TUI_INPUT_NONE:
		break;
	}
}
