/*
 * themes.c - the themes of a discussion (themes.h): listed, added by the
 * network, tagged on a slot and taken off it, each act audited.
 */
#include "config.h"

#include "themes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

static void
theme_done(void *row)
{
	free(((struct mdt_theme *)row)->name);
}

MDT_ROW_READER(read_theme, struct mdt_theme, t)
{
	mdt_cols(st, "isbb", MDT_F(t->id), MDT_F(t->name), MDT_F(t->own),
	    MDT_F(t->tagged));
}

enum mdt_status
mdt_themes_list(struct mdt_store *s, int64_t slot_id, struct mdt_theme **out,
    size_t *n)
{
	*out = NULL;
	*n = 0;
	/* the six in the order the schema gave them, then the network's */
	return mdt_read_array(s, out, n, sizeof(**out), theme_done, read_theme,
	    NULL, "reading the themes", "SELECT t.id, t.name, t.own,"
	    " EXISTS (SELECT 1 FROM slot_themes x WHERE x.slot_id = ?"
	    "  AND x.theme_id = t.id)"
	    " FROM themes t ORDER BY t.own, CASE WHEN t.own = 0 THEN t.id END,"
	    " t.name, t.id", "i", slot_id);
}

void
mdt_themes_free(struct mdt_theme *v, size_t n)
{
	mdt_array_free(v, n, sizeof(*v), theme_done);
}

enum mdt_status
mdt_themes_write(struct mdt_store *s, const struct mdt_theme *v, size_t n,
    bool json, FILE *out)
{
	json_t *arr;
	int rc = 0;

	errno = 0;
	if (!json) {
		for (size_t i = 0; i < n; i++) {
			mdt_text_fput(out, v[i].name, false);
			fputs(v[i].own ? "  (the network's own)\n" : "\n", out);
		}
		return mdt_write_status(s, out, 0, "the themes");
	}
	arr = mdt_json_new(json_array());
	for (size_t i = 0; i < n; i++)
		mdt_json_push(arr, mdt_json_pack("{s:o, s:b}", "name",
		    mdt_json_text(v[i].name), "own", v[i].own));
	rc = mdt_text_json_dump(arr, out, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER);
	json_decref(arr);
	return mdt_write_status(s, out, rc, "the themes");
}

enum mdt_status
mdt_theme_find(struct mdt_store *s, const char *name, int64_t *id)
{
	enum mdt_status st;

	*id = 0;
	st = mdt_query_int(s, id, "SELECT id FROM themes WHERE name = ?",
	    "t", name != NULL ? name : "");
	if (st == MDT_ENOTFOUND) {
		char shown[160];

		mdt_text_escape(name != NULL ? name : "", shown, sizeof(shown));
		return mdt_fail(s, st, "no theme \"%s\" ('mdtchair themes'"
		    " lists them)", shown);
	}
	return st;
}

/* The theme called a->text added; its id into a->made. */
static enum mdt_status
add_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	int64_t known = 0;

	st = mdt_query_int(s, &known, "SELECT count(*) FROM themes"
	    " WHERE name = ?", "t", a->text);
	if (st == MDT_OK && known > 0)
		return mdt_fail(s, MDT_ESTATE, "the theme \"%s\" is known"
		    " already", a->text);
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO themes (name, own, created_at)"
		    " VALUES (?, 1, ?)", "ti", a->text, mdt_store_now(s));
	a->made = sqlite3_last_insert_rowid(mdt_store_db(s));
	if (st == MDT_OK)
		st = mdt_audit_add(s, "theme", "theme", NULL, "added: %s",
		    a->text);
	return st;
}

enum mdt_status
mdt_theme_add(struct mdt_store *s, const char *name, int64_t *id)
{
	struct mdt_act a = { .text = name };
	enum mdt_status st;

	if (id != NULL)
		*id = 0;
	if (mdt_text_field(s, "the theme", name, false,
	    MDT_THEME_NAME_MAX) != MDT_OK)
		return MDT_EINVAL;
	st = mdt_act_run(s, add_tx, 0, &a);
	if (st == MDT_OK && id != NULL)
		*id = a.made;
	return st;
}

enum mdt_status
mdt_slot_at(struct mdt_store *s, int64_t meeting_id, int64_t position,
    int64_t *slot_id)
{
	enum mdt_status st;

	*slot_id = 0;
	st = mdt_query_int(s, slot_id, "SELECT id FROM slots"
	    " WHERE meeting_id = ? AND position = ?", "ii", meeting_id,
	    position);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "meeting %" PRId64 " has no slot #%"
		    PRId64, meeting_id, position);
	return st;
}

/* The theme a->id put on the slot a->slot_id (a->flag) or taken off;
 * a->wrote says whether that changed anything. */
static enum mdt_status
tag_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char *state = NULL, *uuid = NULL, *name = NULL, said[24];
	int64_t has = 0;

	st = mdt_query_text(s, &state, "SELECT state FROM slots WHERE id = ?",
	    "i", a->slot_id);
	if (st == MDT_ENOTFOUND)
		st = mdt_fail(s, st, "no such slot");
	if (st == MDT_OK && (state == NULL || strcmp(state, "pending") == 0))
		st = mdt_fail(s, MDT_ESTATE, "the slot has not been started:"
		    " there is no discussion to tag yet");
	if (st == MDT_OK)
		st = mdt_query_text(s, &name, "SELECT name FROM themes"
		    " WHERE id = ?", "i", a->id);
	if (st == MDT_ENOTFOUND)
		st = mdt_fail(s, st, "no such theme");
	if (st == MDT_OK)
		st = mdt_query_int(s, &has, "SELECT count(*) FROM slot_themes"
		    " WHERE slot_id = ? AND theme_id = ?", "ii", a->slot_id,
		    a->id);
	if (st == MDT_OK && (has > 0) != a->flag) {
		st = a->flag ? mdt_run(s, "INSERT INTO slot_themes (slot_id,"
		    " theme_id, tagged_at) VALUES (?, ?, ?)", "iii", a->slot_id,
		    a->id, mdt_store_now(s)) : mdt_run(s, "DELETE FROM"
		    " slot_themes WHERE slot_id = ? AND theme_id = ?", "ii",
		    a->slot_id, a->id);
		if (st == MDT_OK)
			st = mdt_query_text(s, &uuid, "SELECT uuid FROM slots"
			    " WHERE id = ?", "i", a->slot_id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "theme", "slot", uuid, "%s %s: %s",
			    mdt_said_slot(s, a->slot_id, said), a->flag ?
			    "tagged" : "untagged", name);
		a->wrote = st == MDT_OK;
	}
	free(state);
	free(uuid);
	free(name);
	return st;
}

enum mdt_status
mdt_slot_theme_set(struct mdt_store *s, int64_t slot_id, int64_t theme_id,
    bool on)
{
	return mdt_act_run(s, tag_tx, MDT_ACT_WROTE, &(struct mdt_act){
	    .slot_id = slot_id, .id = theme_id, .flag = on });
}
