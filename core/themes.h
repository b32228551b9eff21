/*
 * themes.h - the themes of a discussion (themes.c): what lay behind a
 * patient's slot (isolation, housing, falls, carer strain, medication,
 * end of life, and the network's own), tagged on the slot and counted by
 * the six-monthly review.  Local data: nothing of it goes to the central
 * record.  Tagging and untagging are audited; a theme is never deleted.
 */
#ifndef MDT_THEMES_H
#define MDT_THEMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct mdt_store;

/* The longest theme's name, in characters. */
#define MDT_THEME_NAME_MAX 40

struct mdt_theme {
	int64_t id;
	char *name;
	bool own;		/* added by the network (not one of the six) */
	bool tagged;		/* mdt_themes_of_slot: on the slot */
};

/*
 * Every theme, the six first in their order, then the network's own by
 * name; with slot_id not 0, each says whether the slot is tagged with
 * it.  DESTRUCTOR: mdt_themes_free.
 */
enum mdt_status mdt_themes_list(struct mdt_store *s, int64_t slot_id,
    struct mdt_theme **out, size_t *n);
void mdt_themes_free(struct mdt_theme *v, size_t n);

/* The themes as text (a name a line, the network's own said) or JSON (an
 * array of {name, own}); MDT_EIO/MDT_EFULL if they cannot be written. */
enum mdt_status mdt_themes_write(struct mdt_store *s,
    const struct mdt_theme *v, size_t n, bool json, FILE *out);

/*
 * Adds the network's own theme: one line under the input policy of at
 * most MDT_THEME_NAME_MAX characters (MDT_EINVAL otherwise), a name not
 * known already, case apart (MDT_ESTATE).  Audited.  *id (may be NULL)
 * gets it.
 */
enum mdt_status mdt_theme_add(struct mdt_store *s, const char *name,
    int64_t *id);

/* The theme named name (case apart) into *id; MDT_ENOTFOUND, said, if
 * there is none. */
enum mdt_status mdt_theme_find(struct mdt_store *s, const char *name,
    int64_t *id);

/*
 * Tags the slot with the theme (on true) or takes the tag off (false);
 * audited, naming the slot as the screens do ("slot #4").  Tagging twice
 * or untagging what is not there changes nothing.  MDT_ENOTFOUND for a
 * slot or theme that does not exist, MDT_ESTATE for a slot not yet
 * started (no discussion to tag).
 */
enum mdt_status mdt_slot_theme_set(struct mdt_store *s, int64_t slot_id,
    int64_t theme_id, bool on);

/* The slot at position (1-based, as "slot #4") of the meeting; said
 * MDT_ENOTFOUND if there is none. */
enum mdt_status mdt_slot_at(struct mdt_store *s, int64_t meeting_id,
    int64_t position, int64_t *slot_id);

#endif
