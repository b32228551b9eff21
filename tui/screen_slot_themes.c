/*
 * screen_slot_themes.c - t on the slot screen: the themes of the
 * discussion (core/themes.h) in the one picker, each marked [x] when the
 * slot has it.  Choosing a theme (Enter, or its digit in a short list)
 * tags the slot with it or takes the tag off, saved at once, and the
 * picker stays open on it for the next; Esc closes it.  The last row adds
 * one of the network's own themes, from what was typed, and tags the slot
 * with it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "input.h"
#include "screen_slot.h"

static void tui_theme_picked(struct tui_app *app, int64_t theme_id);
static void tui_theme_new(struct tui_app *app, const char *typed);

/* The slot's themes said on the message line: "Themes: falls, housing". */
static void
tui_themes_said(struct tui_app *app, const struct mdt_theme *v, size_t n)
{
	char line[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < n && used + 1 < sizeof(line); i++) {
		if (!v[i].tagged)
			continue;
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
		    used > 0 ? ", " : "", v[i].name);
	}
	tui_app_message(app, false, "Themes: %s", line[0] != '\0' ? line :
	    "none");
}

static void
tui_themes_closed(struct tui_app *app)
{
	struct mdt_theme *v = NULL;
	size_t n = 0;

	if (mdt_themes_list(app->store, app->pending_slot_id, &v, &n) ==
	    MDT_OK)
		tui_themes_said(app, v, n);
	mdt_themes_free(v, n);
}

/* The picker of themes for the pending slot, the selection on sel (0:
 * the first). */
static void
tui_themes_open(struct tui_app *app, int64_t sel)
{
	struct mdt_theme *v = NULL;
	size_t n = 0;
	char label[128];

	if (!tui_app_check(app, mdt_themes_list(app->store,
	    app->pending_slot_id, &v, &n)))
		return;
	tui_picker_open(app, "Themes (Enter: on / off, Esc: done)",
	    tui_theme_picked);
	for (size_t i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "[%c] %s", v[i].tagged ? 'x' :
		    ' ', v[i].name);
		tui_picker_add_found(app, v[i].id, label, v[i].name);
	}
	tui_picker_allow_new(app, "A theme of the network's own...",
	    tui_theme_new);
	tui_picker_watch(app, tui_themes_closed);
	if (sel != 0)
		tui_picker_select(app, sel);
	mdt_themes_free(v, n);
}

static void
tui_theme_picked(struct tui_app *app, int64_t theme_id)
{
	struct mdt_theme *v = NULL;
	size_t n = 0;
	bool on = true;

	if (tui_slot_pending(app) == NULL)
		return;
	if (!tui_app_check(app, mdt_themes_list(app->store,
	    app->pending_slot_id, &v, &n)))
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i].id == theme_id)
			on = !v[i].tagged;
	mdt_themes_free(v, n);
	if (!tui_app_check(app, mdt_slot_theme_set(app->store,
	    app->pending_slot_id, theme_id, on)))
		return;
	tui_themes_open(app, theme_id);
	tui_themes_closed(app);
}

static void
tui_theme_new(struct tui_app *app, const char *typed)
{
	int64_t id = 0;

	if (tui_slot_pending(app) == NULL)
		return;
	if (typed == NULL || typed[0] == '\0') {
		tui_themes_open(app, 0);
		tui_app_message(app, true, "Type the new theme, then choose"
		    " its row");
		return;
	}
	if (!tui_app_check(app, mdt_theme_add(app->store, typed, &id)) ||
	    !tui_app_check(app, mdt_slot_theme_set(app->store,
	    app->pending_slot_id, id, true)))
		return;
	tui_themes_open(app, id);
	tui_themes_closed(app);
}

/* t: the themes of slot s. */
void
tui_slot_themes(struct tui_app *app, const struct mdt_slot *s)
{
	if (s->state == MDT_SLOT_PENDING) {
		tui_app_message(app, true, "The slot has not been started:"
		    " there is no discussion to tag yet");
		return;
	}
	tui_slot_begin(app, s, TUI_PENDING_THEMES);
	tui_themes_open(app, 0);
}
