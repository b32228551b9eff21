/*
 * input.h - the modal widgets of mdtchair: a one-line prompt at the
 * bottom, a yes/no question, the picker (a centred list, found by
 * typing) and a reader (a long text in a box, scrolled).
 *
 * While a widget is open it takes every key.  A widget never blocks: it
 * keeps its state in struct tui_input (inside struct tui_app) and calls
 * back when the chair submits.  A callback may open the next widget (the
 * steps of a new action chain this way).  A prompt callback that fails
 * returns false and the prompt stays open with the typed text, so that a
 * save that failed can be retried without typing it again.
 */
#ifndef TUI_INPUT_H
#define TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

struct tui_app;

/* Returns true when the text was taken (the prompt closes). */
typedef bool (*tui_prompt_fn)(struct tui_app *app, const char *text);
typedef void (*tui_confirm_fn)(struct tui_app *app);
/* id is the id given to tui_picker_add for the chosen row. */
typedef void (*tui_pick_fn)(struct tui_app *app, int64_t id);
/* The picker's row of someone new chosen: typed is what was typed to
 * find (UTF-8; "" if nothing). */
typedef void (*tui_pick_new_fn)(struct tui_app *app, const char *typed);

enum tui_input_kind {
	TUI_INPUT_NONE,
	TUI_INPUT_PROMPT,
	TUI_INPUT_CONFIRM,
	TUI_INPUT_PICKER,
	TUI_INPUT_READER,
};

#define TUI_PROMPT_MAX 1024	/* characters */

struct tui_pick_item {
	int64_t id;
	char *label;
	wchar_t *key;		/* what finds it, in lower case; NULL: nothing */
};

/* The prompt's text was edited (word: a space was typed); it was
 * cancelled (Esc). */
typedef void (*tui_edit_fn)(struct tui_app *app, bool word);
typedef void (*tui_cancel_fn)(struct tui_app *app);

struct tui_input {
	enum tui_input_kind kind;
	char label[256];
	wchar_t text[TUI_PROMPT_MAX + 1];
	size_t len;
	size_t cursor;
	tui_prompt_fn submit;
	tui_confirm_fn confirm;
	tui_pick_fn pick;
	struct tui_pick_item *items;	/* owned; freed on close */
	size_t n_items;
	size_t cap_items;
	size_t *shown;		/* the rows found by what is typed (text) */
	size_t n_shown;
	size_t sel;		/* among the shown rows */
	tui_pick_new_fn pick_new;	/* NULL: no row of someone new */
	char new_label[64];
	bool submitting;	/* inside the prompt's callback */
	tui_edit_fn edited;	/* the prompt's, or NULL */
	tui_cancel_fn cancelled;
	char *body;		/* the reader's text (owned) */
	size_t body_top;	/* its first row shown */
};

/* A label that would leave less than 20 columns for the text is drawn on
 * the row above it (a message, while one shows, takes that row). */
void tui_prompt_open(struct tui_app *app, const char *label,
    tui_prompt_fn submit);
/* One prompt of a form asked in turn: its label, and either a check of
 * what was typed (which keeps it, or says why it will not do) or a field
 * of len bytes that keeps it as typed; what names a field that may not
 * be left blank (NULL: it may). */
struct tui_form_step {
	const char *label;
	tui_prompt_fn check;
	char *field;
	size_t len;
	const char *what;
};

/* A form's answer to its prompt *at of n: checked or kept; then the next
 * prompt opens, answered by submit (the form's own callback, which calls
 * this), or the form ends.  False, with the text left to fix, when the
 * answer will not do. */
bool tui_form_answer(struct tui_app *app, const struct tui_form_step *steps,
    size_t n, size_t *at, tui_prompt_fn submit, const char *text);

/* Puts text (UTF-8, the locale's encoding) in the open prompt, the cursor
 * at its end, to be accepted or edited; what does not fit is left out. */
void tui_prompt_set_text(struct tui_app *app, const char *text);
/* Calls edited after each change to the open prompt's text, cancelled
 * when Esc closes it. */
void tui_prompt_watch(struct tui_app *app, tui_edit_fn edited,
    tui_cancel_fn cancelled);
/* The open prompt's text as UTF-8 into out; false if it does not fit or
 * cannot be encoded. */
bool tui_prompt_get(const struct tui_app *app, char *out, size_t len);
/* A text to read whole (a long note), in a box over the screen, wrapped,
 * scrolled with j/k, the arrows, PgUp/PgDn, Space; Esc, q or Enter close
 * it.  What a terminal would act on is shown escaped, a line break breaks
 * the line. */
void tui_reader_open(struct tui_app *app, const char *title,
    const char *text);
/* A question answered by a single y (yes) or n / Esc (no). */
void tui_confirm_open(struct tui_app *app, const char *question,
    tui_confirm_fn yes);
/*
 * The one picker: a list in a box.  Typing finds (rows whose text holds
 * what is typed, case apart, any script); Up/Down (PgUp/PgDn, Home/End)
 * and Enter pick; digits 1-9 pick directly only when the whole list has
 * nine rows or fewer, and are typed to find otherwise; Backspace and
 * Ctrl-U mend what is typed; Esc cancels.  A character the input policy
 * bans is refused with its message.
 *
 * Opens an empty picker; add rows with tui_picker_add (found by the
 * label) or tui_picker_add_found (found by found_by: a person's name,
 * role and organisation).
 */
void tui_picker_open(struct tui_app *app, const char *title,
    tui_pick_fn pick);
void tui_picker_add(struct tui_app *app, int64_t id, const char *label);
void tui_picker_add_found(struct tui_app *app, int64_t id, const char *label,
    const char *found_by);
/* A last row, label ("Someone new..."), or "New: <typed>" once something
 * is typed: choosing it calls pick_new with what was typed. */
void tui_picker_allow_new(struct tui_app *app, const char *label,
    tui_pick_new_fn pick_new);
/* Calls closed, instead of saying that nothing was saved, when Esc
 * closes the open picker (a picker whose every choice saves at once). */
void tui_picker_watch(struct tui_app *app, tui_cancel_fn closed);
/* Puts the selection on the row of id. */
void tui_picker_select(struct tui_app *app, int64_t id);

bool tui_input_active(const struct tui_app *app);
void tui_input_key(struct tui_app *app, bool is_code, wint_t key);
/* Draws the open widget over the screen and places the cursor. */
void tui_input_draw(struct tui_app *app);
/* Closes the open widget without calling back. */
void tui_input_close(struct tui_app *app);

#endif
