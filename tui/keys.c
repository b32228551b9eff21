/*
 * keys.c - parses the binding text of the key table (keys.h) once at start
 * and answers "what does this key do on this screen".
 *
 * Binding text is a space-separated list of keys: a single character as
 * itself, or a special key as <Name> (<Enter>, <Space>, <Esc>, <Up>,
 * <Down>, <PgUp>, <PgDn>, <Home>, <End>, <Tab>, <C-x> for Ctrl-x).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "keys.h"

struct tui_action_info {
	const char *keys;
	unsigned screens;
	const char *name;
	const char *help;
};

static const struct tui_action_info tui_actions[TUI_ACT_COUNT] = {
	[TUI_ACT_NONE] = { "", 0, "none", "Do nothing" },
#define TUI_ACTION_ROW(id, keys, screens, name, help) \
	[TUI_ACT_##id] = { keys, screens, name, help },
	TUI_ACTION_INFO(TUI_ACTION_ROW)
#undef TUI_ACTION_ROW
};

struct tui_binding {
	enum tui_action action;
	unsigned screens;
	bool is_code;
	wint_t key;
};

#define TUI_MAX_BINDINGS 96

static struct tui_binding tui_bindings[TUI_MAX_BINDINGS];
static size_t tui_n_bindings;
static char tui_key_text[TUI_ACT_COUNT][48];

struct tui_key_name {
	const char *name;
	bool is_code;
	wint_t key;
	const char *shown;
};

/* Enter arrives as '\r' (nonl), '\n' or KEY_ENTER depending on terminal. */
static const struct tui_key_name tui_key_names[] = {
	{ "Enter", false, L'\r', "Enter" },
	{ "Enter", false, L'\n', NULL },
	{ "Enter", true, KEY_ENTER, NULL },
	{ "Space", false, L' ', "Space" },
	{ "Esc", false, 27, "Esc" },
	{ "Tab", false, L'\t', "Tab" },
	{ "Up", true, KEY_UP, "Up" },
	{ "Down", true, KEY_DOWN, "Down" },
	{ "Left", true, KEY_LEFT, "Left" },
	{ "Right", true, KEY_RIGHT, "Right" },
	{ "PgUp", true, KEY_PPAGE, "PgUp" },
	{ "PgDn", true, KEY_NPAGE, "PgDn" },
	{ "Home", true, KEY_HOME, "Home" },
	{ "End", true, KEY_END, "End" },
};

static bool
tui_keys_add(enum tui_action act, unsigned screens, bool is_code, wint_t key)
{
	if (tui_n_bindings >= TUI_MAX_BINDINGS)
		return false;
	tui_bindings[tui_n_bindings].action = act;
	tui_bindings[tui_n_bindings].screens = screens;
	tui_bindings[tui_n_bindings].is_code = is_code;
	tui_bindings[tui_n_bindings].key = key;
	tui_n_bindings++;
	return true;
}

static void
tui_keys_show(enum tui_action act, const char *shown)
{
	char *buf = tui_key_text[act];
	size_t used = strlen(buf);

	if (shown == NULL)
		return;
	snprintf(buf + used, sizeof(tui_key_text[act]) - used, "%s%s",
	    used > 0 ? ", " : "", shown);
}

/* Parses one key of binding text (len bytes at s) and binds it. */
static bool
tui_keys_parse_one(enum tui_action act, const char *s, size_t len)
{
	unsigned screens = tui_actions[act].screens;

	if (len > 2 && s[0] == '<' && s[len - 1] == '>') {
		const char *name = s + 1;
		size_t nlen = len - 2;
		bool found = false;

		if (nlen == 3 && (name[0] == 'C' || name[0] == 'c') &&
		    name[1] == '-') {
			char c = name[2];
			char shown[8];

			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c < '@' || c > '_')
				return false;
			snprintf(shown, sizeof(shown), "Ctrl-%c", c);
			tui_keys_show(act, shown);
			return tui_keys_add(act, screens, false,
			    (wint_t)(c - '@'));
		}
		for (size_t i = 0; i < sizeof(tui_key_names) /
		    sizeof(tui_key_names[0]); i++) {
			const struct tui_key_name *k = &tui_key_names[i];

			if (strlen(k->name) != nlen ||
			    strncasecmp(k->name, name, nlen) != 0)
				continue;
			if (!tui_keys_add(act, screens, k->is_code, k->key))
				return false;
			tui_keys_show(act, k->shown);
			found = true;
		}
		return found;
	} else {
		mbstate_t st;
		wchar_t wc;
		size_t r;
		char shown[16];

		memset(&st, 0, sizeof(st));
		r = mbrtowc(&wc, s, len, &st);
		if (r == 0 || r != len)
			return false;
		snprintf(shown, sizeof(shown), "%.*s", (int)len, s);
		tui_keys_show(act, shown);
		return tui_keys_add(act, screens, false, (wint_t)wc);
	}
}

bool
tui_keys_init(char *errbuf, size_t errlen)
{
	tui_n_bindings = 0;
	memset(tui_key_text, 0, sizeof(tui_key_text));
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const char *p = tui_actions[a].keys;

		while (*p != '\0') {
			size_t len;

			while (*p == ' ')
				p++;
			len = strcspn(p, " ");
			if (len == 0)
				break;
			if (!tui_keys_parse_one((enum tui_action)a, p, len)) {
				snprintf(errbuf, errlen,
				    "bad key binding \"%.*s\" for %s",
				    (int)len, p, tui_actions[a].name);
				return false;
			}
			p += len;
		}
	}
	return true;
}

enum tui_action
tui_keys_lookup(enum tui_screen_id screen, bool is_code, wint_t key)
{
	unsigned mask = 1u << screen;

	for (size_t i = 0; i < tui_n_bindings; i++) {
		const struct tui_binding *b = &tui_bindings[i];

		if ((b->screens & mask) && b->is_code == is_code &&
		    b->key == key)
			return b->action;
	}
	return TUI_ACT_NONE;
}

const char *
tui_action_name(enum tui_action act)
{
	return act < TUI_ACT_COUNT ? tui_actions[act].name : "";
}

const char *
tui_action_help(enum tui_action act)
{
	return act < TUI_ACT_COUNT ? tui_actions[act].help : "";
}

const char *
tui_action_keys(enum tui_action act)
{
	return act < TUI_ACT_COUNT ? tui_key_text[act] : "";
}

unsigned
tui_action_screens(enum tui_action act)
{
	return act < TUI_ACT_COUNT ? tui_actions[act].screens : 0;
}

bool
tui_key_is_enter(bool is_code, wint_t key)
{
	if (is_code)
		return key == KEY_ENTER;
	return key == L'\r' || key == L'\n';
}

bool
tui_key_is_backspace(bool is_code, wint_t key)
{
	if (is_code)
		return key == KEY_BACKSPACE;
	return key == 127 || key == 8;
}
