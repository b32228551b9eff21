/*
 * rules.c - the pure rules of the meeting model: the NHS number check
 * digit (and the token a purged number becomes), dates, the slot clock
 * and its colour band, the names and labels of consent bases, outcomes
 * and states, and the splitting of a typed list of organisations.  No
 * store, no I/O.
 */
#include "config.h"

#include "rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "textio.h"
#include "util.h"

#include <uuid/uuid.h>

/* ---- names ------------------------------------------------------------ */

/* Each kind of state has one table of names, indexed by the enum, that
 * gives both the name of a value and the value of a name (as the
 * database stores it). */

static const char *const status_msgs[] = {
#define MDT_STATUS_MSG(id, msg) msg,
	MDT_STATUS_INFO(MDT_STATUS_MSG)
#undef MDT_STATUS_MSG
};

const char *
mdt_strerror(enum mdt_status st)
{
	return mdt_name_of(status_msgs, MDT_COUNT(status_msgs), (int)st,
	    "unknown error");
}

int64_t
mdt_clock_real(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- NHS number ------------------------------------------------------ */

int
mdt_nhs_check_digit(const char digits9[9])
{
	int sum = 0, i, check;

	for (i = 0; i < 9; i++) {
		if (!isdigit((unsigned char)digits9[i]))
			return -1;
		sum += (digits9[i] - '0') * (10 - i);
	}
	check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	return check == 10 ? -1 : check;
}

bool
mdt_nhs_normalise(const char *in, char out[11])
{
	size_t n = 0;

	if (in == NULL)
		return false;
	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '\t')
			continue;
		if (!isdigit((unsigned char)*in) || n == 10)
			return false;
		out[n++] = *in;
	}
	if (n != 10)
		return false;
	out[10] = '\0';
	return true;
}

bool
mdt_nhs_valid(const char *s)
{
	char d[11];
	int check;

	if (!mdt_nhs_normalise(s, d))
		return false;
	check = mdt_nhs_check_digit(d);
	return check >= 0 && check == d[9] - '0';
}

bool
mdt_nhs_purged(const char *nhs_number)
{
	return nhs_number != NULL && nhs_number[0] == 'X';
}

bool
mdt_nhs_local(const char *nhs_number)
{
	return nhs_number != NULL && nhs_number[0] == 'L';
}

bool
mdt_local_id_normalise(const char *in, char out[11])
{
	unsigned long long v = 0;
	size_t n = 0;

	if (in == NULL || (*in != 'L' && *in != 'l'))
		return false;
	for (in++; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (!isdigit((unsigned char)*in) || ++n > 9)
			return false;
		v = v * 10 + (unsigned)(*in - '0');
	}
	if (n == 0 || v == 0)
		return false;
	snprintf(out, 11, "L%09u", (unsigned)v);
	return true;
}

void
mdt_nhs_format(const char *digits10, char out[13])
{
	if (mdt_nhs_purged(digits10)) {
		mdt_strlcpy(out, MDT_PURGED_TEXT, 13);
		return;
	}
	if (mdt_nhs_local(digits10)) {
		mdt_strlcpy(out, digits10, 13);
		return;
	}
	snprintf(out, 13, "%.3s %.3s %.4s", digits10, digits10 + 3,
	    digits10 + 6);
}

/* ---- dates ----------------------------------------------------------- */

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && leap_year(y))
		return 29;
	return days[m - 1];
}

static int
digits_value(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool
mdt_date_strict(const char *s, char out[11])
{
	char buf[11];

	return s != NULL && strlen(s) == 10 && s[0] != '+' &&
	    mdt_date_parse(s, 0, out != NULL ? out : buf) == MDT_OK;
}

void
mdt_date_of(int64_t ms, char out[11])
{
	mdt_time_format(ms, false, "%Y-%m-%d", out, 11, "1970-01-01");
}

enum mdt_status
mdt_date_parse(const char *in, int64_t today_ms, char out[11])
{
	char buf[32];
	size_t len;
	const char *p;
	int y, m, d;

	if (in == NULL)
		return MDT_EDATE;
	while (isspace((unsigned char)*in))
		in++;
	len = strlen(in);
	while (len > 0 && isspace((unsigned char)in[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return MDT_EDATE;
	memcpy(buf, in, len);
	buf[len] = '\0';

	if (buf[0] == '+') {
		char today[11];
		struct tm tm;
		time_t t;
		int n;

		p = buf + 1;
		if (!mdt_str_digits(p) || strlen(p) > 4)
			return MDT_EDATE;
		n = digits_value(p, strlen(p));
		if (n < 0 || n > 3650)
			return MDT_EDATE;
		mdt_date_of(today_ms, today);
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = digits_value(today, 4) - 1900;
		tm.tm_mon = digits_value(today + 5, 2) - 1;
		tm.tm_mday = digits_value(today + 8, 2) + n;
		tm.tm_hour = 12;	/* clear of any clock change */
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1 || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
			return MDT_EDATE;
		return MDT_OK;
	}

	if (len != 10 || buf[4] != '-' || buf[7] != '-')
		return MDT_EDATE;
	y = digits_value(buf, 4);
	m = digits_value(buf + 5, 2);
	d = digits_value(buf + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return MDT_EDATE;
	memcpy(out, buf, 11);
	return MDT_OK;
}

/* ---- the slot clock -------------------------------------------------- */

MDT_NAMES(mdt_slot_state, enum mdt_slot_state,
    MDT_SLOT_STATE_INFO(MDT_ENUM_NAME), "?")

int64_t
mdt_slot_elapsed_ms(enum mdt_slot_state st, const struct mdt_slot_times *t,
    int64_t now)
{
	int64_t end, e;

	if (t->started_at == 0)
		return 0;
	switch (st) {
	case MDT_SLOT_RUNNING:
		end = now;
		break;
	case MDT_SLOT_PAUSED:
		end = t->paused_at != 0 ? t->paused_at : now;
		break;
	case MDT_SLOT_DONE:
		end = t->closed_at != 0 ? t->closed_at : now;
		break;
	case MDT_SLOT_PENDING:
	default:
		return 0;
	}
	e = end - t->started_at - t->paused_ms;
	return e < 0 ? 0 : e;
}

enum mdt_band
mdt_slot_band(int64_t elapsed_ms, int warn_s, int over_s, int extended_s)
{
	if (elapsed_ms < ((int64_t)warn_s + extended_s) * 1000)
		return MDT_BAND_GREEN;
	if (elapsed_ms < ((int64_t)over_s + extended_s) * 1000)
		return MDT_BAND_AMBER;
	return MDT_BAND_RED;
}

/* ---- consent --------------------------------------------------------- */

MDT_NAMES(mdt_consent, enum mdt_consent_basis,
    MDT_CONSENT_INFO(MDT_ENUM_NAME_LABELLED), "none")

MDT_LABELS(mdt_consent, enum mdt_consent_basis,
    MDT_CONSENT_INFO(MDT_ENUM_LABEL))

bool
mdt_consent_needs_justification(enum mdt_consent_basis b)
{
	return b == MDT_CONSENT_BEST_INTERESTS || b == MDT_CONSENT_RISK_TO_OTHERS;
}

enum mdt_status
mdt_consent_check(enum mdt_consent_basis b, const char *justification)
{
	if (b != MDT_CONSENT_GIVEN && !mdt_consent_needs_justification(b))
		return MDT_EINVAL;
	if (mdt_consent_needs_justification(b) && mdt_str_blank(justification))
		return MDT_EJUSTIFY;
	return MDT_OK;
}

/* ---- organisations excluded with consent ----------------------------- */

void
mdt_exclusions_split(const char *text, char ***names, size_t *n)
{
	const char *p, *comma;
	size_t count, i = 0;

	*names = NULL;
	*n = 0;
	if (text == NULL || *text == '\0')
		return;
	count = 1;
	for (p = text; (p = strchr(p, ',')) != NULL; p++)
		count++;
	*names = mdt_xcalloc(count, sizeof(**names));
	for (p = text; i < count; i++) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		(*names)[i] = mdt_xmalloc((size_t)(comma - p) + 1);
		memcpy((*names)[i], p, (size_t)(comma - p));
		(*names)[i][comma - p] = '\0';
		p = *comma != '\0' ? comma + 1 : comma;
	}
	*n = count;
}

/* ASCII letters folded to lower case, every other byte as it is: what
 * SQLite's NOCASE compares. */
static int
nocase(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

bool
mdt_org_same(const char *a, const char *b)
{
	for (; *a != '\0' && nocase((unsigned char)*a) ==
	    nocase((unsigned char)*b); a++, b++)
		;
	return nocase((unsigned char)*a) == nocase((unsigned char)*b);
}

char *
mdt_org_tidy(const char *name)
{
	char *out, *o;
	bool gap = false;

	if (mdt_str_blank(name))
		return NULL;
	out = o = mdt_xmalloc(strlen(name) + 1);
	for (; *name != '\0'; name++) {
		if (isspace((unsigned char)*name)) {
			gap = o > out;
			continue;
		}
		if (gap)
			*o++ = ' ';
		gap = false;
		*o++ = *name;
	}
	*o = '\0';
	return out;
}

void
mdt_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- outcomes, actions, attendance, meetings ------------------------- */

MDT_NAMES(mdt_outcome, enum mdt_outcome_kind,
    MDT_OUTCOME_INFO(MDT_ENUM_NAME_LABELLED), "none")

MDT_LABELS(mdt_outcome, enum mdt_outcome_kind,
    MDT_OUTCOME_INFO(MDT_ENUM_LABEL))

MDT_NAMES(mdt_action_status, enum mdt_action_status,
    MDT_ACTION_STATUS_INFO(MDT_ENUM_NAME), "?")

MDT_NAMES(mdt_attend, enum mdt_attend,
    MDT_ATTEND_INFO(MDT_ENUM_NAME), "?")

MDT_NAMES(mdt_meeting_state, enum mdt_meeting_state,
    MDT_MEETING_STATE_INFO(MDT_ENUM_NAME), "?")

MDT_NAMES(mdt_action_verdict, enum mdt_action_verdict,
    MDT_VERDICT_INFO(MDT_ENUM_NAME), "none")

static const char *const candidate_state_names[] = {
	MDT_CANDIDATE_STATE_INFO(MDT_ENUM_NAME)
};

const char *
mdt_candidate_state_name(enum mdt_candidate_state st)
{
	return mdt_name_of(candidate_state_names, MDT_COUNT(candidate_state_names),
	    (int)st, "?");
}

/* ---- pre-meeting lists ----------------------------------------------- */

static const struct list_row {
	enum mdt_list list;
	const char *name;
	const char *label;
} lists[MDT_LIST_COUNT] = {
	{ MDT_LIST_CASELOAD, "caseload", "caseload" },
	{ MDT_LIST_REFERRAL, "referral", "referral" },
	{ MDT_LIST_INPATIENT, "inpatient", "inpatient" },
	{ MDT_LIST_DISCHARGE, "discharge", "recent discharge" },
	{ MDT_LIST_FREQUENT_ATTENDER, "frequent-attender", "frequent attender" },
	{ MDT_LIST_AMBULANCE, "ambulance", "ambulance caller" },
};

/* The row of list l in lists; NULL if it is none of them. */
static const struct list_row *
list_row(enum mdt_list l)
{
	for (size_t i = 0; i < MDT_LIST_COUNT; i++)
		if (lists[i].list == l)
			return &lists[i];
	return NULL;
}

const char *
mdt_list_name(enum mdt_list l)
{
	return list_row(l) != NULL ? list_row(l)->name : "?";
}

const char *
mdt_list_label(enum mdt_list l)
{
	return list_row(l) != NULL ? list_row(l)->label : "?";
}

enum mdt_list
mdt_list_parse(const char *name)
{
	for (size_t i = 0; name != NULL && i < MDT_LIST_COUNT; i++)
		if (strcmp(lists[i].name, name) == 0)
			return lists[i].list;
	return (enum mdt_list)0;
}

char *
mdt_lists_label(unsigned set, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < MDT_LIST_COUNT; i++) {
		int n;

		if (!(set & (unsigned)lists[i].list))
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? ", " : "", lists[i].label);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* ---- masking for circulation ---------------------------------------- */

/* Appends the first character (a whole UTF-8 sequence) of word and a dot. */
static size_t
add_initial(const char *word, char *buf, size_t used, size_t len)
{
	size_t n = 1;

	while (((unsigned char)word[n] & 0xc0) == 0x80)
		n++;
	if (used + n + 2 > len)
		return used;
	memcpy(buf + used, word, n);
	buf[used + n] = '.';
	buf[used + n + 1] = '\0';
	return used + n + 1;
}

char *
mdt_patient_label(const char *name, const char *date_of_birth,
    const char *nhs_number, bool unmask, char *buf, size_t len)
{
	char nhs[13];

	if (!unmask)
		return mdt_patient_mask(name, date_of_birth, nhs_number, buf,
		    len);
	char tail[64];
	size_t room, keep;
	int n;

	mdt_nhs_format(nhs_number, nhs);
	n = snprintf(tail, sizeof(tail), ", born %.11s, %s%s%s",
	    date_of_birth != NULL && date_of_birth[0] != '\0' ?
	    date_of_birth : "unknown", mdt_nhs_local(nhs_number) ?
	    "not traced (" : "NHS ", nhs, mdt_nhs_local(nhs_number) ? ")" :
	    "");
	/* A name too long for buf is cut on a character's boundary, with
	 * an ellipsis, and the date of birth and NHS number kept. */
	name = name != NULL ? name : "";
	room = len > (size_t)n + 1 ? len - (size_t)n - 1 : 0;
	keep = mdt_text_cut(name, room);
	if (name[keep] != '\0')
		keep = mdt_text_cut(name, room > 3 ? room - 3 : 0);
	snprintf(buf, len, "%.*s%s%s", (int)keep, name, name[keep] != '\0' ?
	    "\u2026" : "", tail);
	return buf;
}

char *
mdt_patient_mask(const char *name, const char *date_of_birth,
    const char *nhs_number, char *buf, size_t len)
{
	size_t used = 0, nlen;
	bool start = true;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (mdt_nhs_purged(nhs_number)) {
		mdt_strlcpy(buf, MDT_PURGED_TEXT, len);
		return buf;
	}
	for (const char *p = name != NULL ? name : ""; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || *p == '-') {
			start = true;
			continue;
		}
		if (start && (isalpha((unsigned char)*p) ||
		    (unsigned char)*p >= 0x80)) {
			if (isupper((unsigned char)*p) || !isascii((unsigned char)*p))
				used = add_initial(p, buf, used, len);
		}
		start = false;
	}
	if (used == 0) {
		mdt_strlcpy(buf, "?", len);
		used = strlen(buf);
	}
	nlen = nhs_number != NULL ? strlen(nhs_number) : 0;
	if (mdt_nhs_local(nhs_number)) {
		/* a local identifier names nobody outside this store */
		snprintf(buf + used, len - used, ", born %.4s, not traced"
		    " (%.10s)", date_of_birth != NULL &&
		    strlen(date_of_birth) >= 4 ? date_of_birth : "????",
		    nhs_number);
		return buf;
	}
	snprintf(buf + used, len - used, ", born %.4s, NHS ***-***-*%s",
	    date_of_birth != NULL && strlen(date_of_birth) >= 4 ?
	    date_of_birth : "????", nlen >= 3 ? nhs_number + nlen - 3 : "???");
	return buf;
}

/* A name-based id in namespace ns of the name, tidied and in lower
 * case. */
static bool
name_uuid(const char *ns_text, const char *name, char out[37])
{
	char *t = mdt_org_tidy(name), *p;
	uuid_t ns, id;

	if (t == NULL)
		return false;
	for (p = t; *p != '\0'; p++)
		*p = (char)nocase((unsigned char)*p);
	uuid_parse(ns_text, ns);
	uuid_generate_sha1(id, ns, t, strlen(t));
	uuid_unparse_lower(id, out);
	free(t);
	return true;
}

bool
mdt_org_uuid(const char *name, char out[37])
{
	return name_uuid("ad8280f4-2c60-441b-a7f7-0baad52844bc", name, out);
}

bool
mdt_venue_uuid(const char *name, char out[37])
{
	return name_uuid("b152b0a5-5f63-470f-8632-0bb86b2e9696", name, out);
}

/* True if s matches pat: 'D' a digit, 'L' an upper-case letter, 'A'
 * either, each followed by '?' if it may be left out. */
static bool
shaped(const char *s, const char *pat)
{
	for (; *pat != '\0'; pat++) {
		bool optional = pat[1] == '?';
		bool ok = *s != '\0' && (*pat == 'D' ?
		    isdigit((unsigned char)*s) : *pat == 'L' ?
		    isupper((unsigned char)*s) : isdigit((unsigned char)*s) ||
		    isupper((unsigned char)*s));

		if (optional)
			pat++;
		if (ok)
			s++;
		else if (!optional)
			return false;
	}
	return *s == '\0';
}

bool
mdt_registration_ok(const char *body, const char *number)
{
	if (body == NULL || number == NULL)
		return false;
	if (strcmp(body, "gmc") == 0)
		return shaped(number, "DDDDDDD");
	if (strcmp(body, "nmc") == 0)
		return shaped(number, "DDLDDDDL");
	if (strcmp(body, "hcpc") == 0)
		return shaped(number, "LLDDDDDD?");
	return false;
}

bool
mdt_sds_ok(const char *id)
{
	return id != NULL && shaped(id, "DDDDDDDDDDDD");
}

bool
mdt_ods_ok(const char *code)
{
	size_t n = code != NULL ? strlen(code) : 0;

	return n >= 3 && n <= 10 && shaped(code, "AAAA?A?A?A?A?A?A?");
}
