/*
 * listings.c - the plain listings of the command line, one line a row:
 * the people (mdtchair people) and the meetings (mdtchair meetings).
 * Each is its query; the line is mdt_print_line's, every text escaped.
 */
#include "config.h"

#include "actions.h"
#include "snapshot.h"
#include "store_internal.h"

static const struct {
	const char *what;
	const char *sql;
} listings[] = {
	/* everyone, by name: a team's kind in the role's place */
	{ "listing the people", "SELECT id, name,"
	    " CASE kind WHEN 'person' THEN role ELSE kind END, organisation"
	    " FROM people ORDER BY name COLLATE NOCASE, id" },
	/* the meetings, latest first: id, local date, state, title */
	{ "listing the meetings", "SELECT id,"
	    " date(scheduled_start / 1000, 'unixepoch', 'localtime'), state,"
	    " title FROM meetings ORDER BY scheduled_start DESC, id DESC" },
};

static enum mdt_status
listing(struct mdt_store *s, size_t which, FILE *out)
{
	return mdt_read_each(s, mdt_print_line, out, listings[which].what,
	    listings[which].sql, NULL);
}

enum mdt_status
mdt_people_list(struct mdt_store *s, FILE *out)
{
	return listing(s, 0, out);
}

enum mdt_status
mdt_meeting_list(struct mdt_store *s, FILE *out)
{
	return listing(s, 1, out);
}
