/*
 * listings.c - the plain listings of the command line, one line a row:
 * the people (mdtchair people) and the meetings (mdtchair meetings).
 * Each is its query; the line is mdt_print_line's, every text escaped.
 * And the listings for circulation (the referral queue, the rising-risk
 * register) written as text, CSV or JSON.
 */
#include "config.h"

#include <jansson.h>

#include "actions.h"
#include "import_internal.h"
#include "referrals.h"
#include "rising.h"
#include "rules.h"
#include "snapshot.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

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

/* ---- for circulation -------------------------------------------------- */

_Static_assert(MDT_REFERRALS_TXT == (int)MDT_LISTING_TXT &&
    MDT_REFERRALS_CSV == (int)MDT_LISTING_CSV &&
    MDT_REFERRALS_JSON == (int)MDT_LISTING_JSON &&
    MDT_RISING_TXT == (int)MDT_LISTING_TXT &&
    MDT_RISING_CSV == (int)MDT_LISTING_CSV &&
    MDT_RISING_JSON == (int)MDT_LISTING_JSON,
    "the referral queue and the register are written as listings");

/* Row i of the listing. */
static const void *
listing_row(const struct mdt_listing *l, size_t i)
{
	return (const char *)l->rows + i * l->size;
}

enum mdt_status
mdt_listing_write(struct mdt_store *s, const struct mdt_listing *l,
    enum mdt_listing_format fmt, FILE *out)
{
	json_t *root, *list;
	bool ok = true;
	int rc = 0;

	switch (fmt) {
	case MDT_LISTING_TXT:
		fputs(l->heading, out);
		for (size_t i = 0; i < l->n; i++)
			l->txt(out, listing_row(l, i), l->unmask);
		break;
	case MDT_LISTING_CSV:
		ok = mdt_csv_line(out, l->header, l->n_header, false);
		for (size_t i = 0; ok && i < l->n; i++)
			ok = l->csv(out, listing_row(l, i), l->unmask);
		break;
	case MDT_LISTING_JSON:
		root = mdt_json_new(json_object());
		list = mdt_json_new(json_array());
		mdt_json_set(root, "masked", json_boolean(!l->unmask));
		if (l->count_key != NULL)
			mdt_json_set(root, l->count_key,
			    json_integer((json_int_t)l->count));
		mdt_json_set(root, l->key, list);
		for (size_t i = 0; i < l->n; i++)
			mdt_json_push(list, l->json(listing_row(l, i),
			    l->unmask));
		rc = mdt_text_json_dump(root, out, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);
		json_decref(root);
		break;
	}
	if (!ok || rc != 0 || fflush(out) != 0 || ferror(out))
		return mdt_fail(s, MDT_EIO, "cannot write %s", l->what);
	return MDT_OK;
}

json_t *
mdt_listing_patient(const char *name, const char *date_of_birth,
    const char *nhs_number, bool unmask)
{
	json_t *p = json_object();
	char who[256];

	if (unmask) {
		mdt_json_set(p, "name", mdt_json_text(name));
		mdt_json_set(p, "nhs_number", mdt_json_text(nhs_number));
		mdt_json_set(p, "date_of_birth", date_of_birth[0] != '\0' ?
		    mdt_json_text(date_of_birth) : json_null());
	} else {
		mdt_patient_label(name, date_of_birth, nhs_number, false, who,
		    sizeof(who));
		mdt_json_set(p, "masked", mdt_json_text(who));
	}
	return p;
}
