/*
 * gen-history.c - makes a deterministic history of weekly MDT meetings in
 * a new database, for the review's tests and for measuring it at scale.
 *
 *   gen-history --db PATH [--meetings N] [--patients N] [--actions N]
 *               [--seed S] [--start YYYY-MM-DD] [--next]
 *
 * Everything but the team itself goes through the core API with a fake
 * clock, as a chair would make it: meetings scheduled a week apart (caseload
 * reviews carried forward), pre-meeting lists imported from CSV (caseload,
 * referrals with their referrers, inpatients, discharges, frequent
 * attenders, ambulance callers), rising-risk patients escalated back,
 * patients added on the day, a register, slots run one after another
 * (some paused, some over seven minutes), consent, a note, actions with
 * owners and due dates, an outcome of every kind; then actions closed or
 * cancelled days or weeks later, some never.  The team is written
 * directly: the model has no act for adding a person.  The same options
 * give the same history (the UUIDs differ).  With --next, the meeting of
 * the week after the last is left prepared for the chair (lists imported,
 * the agenda selected, the register taken) but not opened: what the
 * chair's console meets on the day, for measuring it.
 *
 * The data is made only for tests, so the database is written with
 * synchronous=OFF.  Prints what it made.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mdt.h"

struct opts {
	const char *db;
	long meetings;
	long patients;
	long actions;
	unsigned long long seed;
	const char *start;
	bool next;
};

struct patient {
	char nhs[11];
	char name[48];
	char dob[11];
	bool made;		/* in the store */
	bool gone;		/* died or closed: not brought back */
	bool stepped_down;
};

/* An action to be closed (done or cancelled) at a time. */
struct closing {
	int64_t at;
	int64_t id;
	bool cancel;
};

struct gen {
	struct opts o;
	struct mdt_store *s;
	sqlite3 *db;
	int64_t now;		/* the fake clock */
	uint64_t rng;
	struct patient *pt;
	long *by_nhs;		/* indexes of pt in order of NHS number */
	long next_new;		/* the next patient not yet brought */
	int64_t people[16];
	size_t n_people;
	struct closing *heap;
	size_t n_heap, cap_heap;
	char dir[64];
	long actions_made;
	long slots, slots_over, slots_paused;
};

static const char *const first_names[] = {
	"Ada", "Bert", "Cora", "Dev", "Edna", "Femi", "Gwen", "Hari", "Iris",
	"Jon", "Kezia", "Lal", "Mair", "Niamh", "Olu", "Pearl", "Quinn",
	"Rhys", "Sunita", "Tom",
};
static const char *const last_names[] = {
	"Abbott", "Bhatt", "Coker", "Doyle", "Evans", "Fenwick", "Gill",
	"Hughes", "Idowu", "Jones", "Khan", "Lloyd", "Morgan", "Nash",
	"Owen", "Patel", "Quayle", "Reid", "Shah", "Teague", "Usher",
	"Vaughan", "Walsh", "Yates", "Zielinski",
};
static const struct {
	const char *name, *role;
} team[] = {
	{ "Dr Asha Verma", "GP" },
	{ "Dr Tom Pryce", "GP" },
	{ "Dr Lena Fischer", "GP" },
	{ "Marta Kowalska", "Community matron" },
	{ "Owen Bright", "Community matron" },
	{ "Ade Okafor", "Social worker" },
	{ "Ruth Mallory", "Social worker" },
	{ "Priya Nair", "Mental-health nurse" },
	{ "Chloe Martens", "District nurse" },
	{ "Sean Doherty", "District nurse" },
	{ "Hamid Qasim", "Clinical pharmacist" },
	{ "Jamie Thorne", "Care navigator" },
	{ "Bridget Fenn", "Voluntary-sector worker" },
};
static const char *const referrers[] = {
	"Dr Asha Verma", "Riverside Surgery", "District nursing team",
	"Hospital discharge team", "Adult Social Care",
};

#define N_TEAM (sizeof(team) / sizeof(team[0]))
#define MAX_SLOTS 30

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-history: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
check(struct gen *g, enum mdt_status st, const char *what)
{
	if (st != MDT_OK)
		die("%s: %s", what, mdt_store_error(g->s));
}

static int64_t
gen_now(void *ctx)
{
	return ((struct gen *)ctx)->now;
}

/* xorshift64*: the same seed, the same history. */
static uint64_t
rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * UINT64_C(2685821657736338717);
}

/* 0 <= n < bound */
static long
rnd_below(struct gen *g, long bound)
{
	return bound <= 0 ? 0 : (long)(rnd(g) % (uint64_t)bound);
}

/* ---- dates ----------------------------------------------------------- */

/* Local time of day h:m on the date that is days after start. */
static int64_t
local_time(const char *start, long days, int h, int m)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(start, "%d-%d-%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		die("bad date %s", start);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += (int)days;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* ---- the actions to close, soonest first ----------------------------- */

static void
heap_push(struct gen *g, struct closing c)
{
	size_t i;

	if (g->n_heap == g->cap_heap) {
		g->cap_heap = g->cap_heap ? g->cap_heap * 2 : 1024;
		g->heap = realloc(g->heap, g->cap_heap * sizeof(*g->heap));
		if (g->heap == NULL)
			die("out of memory");
	}
	i = g->n_heap++;
	while (i > 0 && g->heap[(i - 1) / 2].at > c.at) {
		g->heap[i] = g->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g->heap[i] = c;
}

static struct closing
heap_pop(struct gen *g)
{
	struct closing top = g->heap[0], last = g->heap[--g->n_heap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= g->n_heap)
			break;
		if (c + 1 < g->n_heap && g->heap[c + 1].at < g->heap[c].at)
			c++;
		if (g->heap[c].at >= last.at)
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	if (g->n_heap > 0)
		g->heap[i] = last;
	return top;
}

/* Closes every action due to be closed before until. */
static void
close_actions_until(struct gen *g, int64_t until)
{
	while (g->n_heap > 0 && g->heap[0].at < until) {
		struct closing c = heap_pop(g);

		g->now = c.at;
		check(g, mdt_action_set_status(g->s, c.id, c.cancel ?
		    MDT_ACTION_CANCELLED : MDT_ACTION_DONE),
		    "closing an action");
	}
}

/* ---- set-up ---------------------------------------------------------- */

static void
make_team(struct gen *g)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(g->db, "INSERT INTO people (uuid, name, role,"
	    " organisation) VALUES (printf('6d647468-0000-4000-8000-%012d', ?),"
	    " ?, ?, 'Larkhall Neighbourhood') RETURNING id", -1, &st,
	    NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(g->db));
	for (size_t i = 0; i < N_TEAM; i++) {
		sqlite3_bind_int(st, 1, (int)i + 1);
		sqlite3_bind_text(st, 2, team[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, team[i].role, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			die("%s", sqlite3_errmsg(g->db));
		g->people[g->n_people++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static struct gen *sort_gen;

static int
cmp_nhs(const void *a, const void *b)
{
	return strcmp(sort_gen->pt[*(const long *)a].nhs,
	    sort_gen->pt[*(const long *)b].nhs);
}

static int
find_nhs(const void *key, const void *b)
{
	return strcmp(key, sort_gen->pt[*(const long *)b].nhs);
}

/* Fictional patients with NHS numbers in the 999 test range. */
static void
make_patients(struct gen *g)
{
	long n = 0;

	g->pt = calloc((size_t)g->o.patients, sizeof(*g->pt));
	if (g->pt == NULL)
		die("out of memory");
	for (long k = 0; n < g->o.patients; k++) {
		char d9[16];
		int check;
		struct patient *p = &g->pt[n];

		snprintf(d9, sizeof(d9), "999%06lu",
		    (unsigned long)(k * 7919) % 1000000ul);
		check = mdt_nhs_check_digit(d9);
		if (check < 0)
			continue;
		memcpy(p->nhs, d9, 9);
		p->nhs[9] = (char)('0' + check);
		p->nhs[10] = '\0';
		snprintf(p->name, sizeof(p->name), "%s %s %c",
		    first_names[n % 20], last_names[(n / 20) % 25],
		    (char)('A' + (n / 500) % 26));
		snprintf(p->dob, sizeof(p->dob), "%04ld-%02ld-%02ld",
		    1925 + rnd_below(g, 50), 1 + rnd_below(g, 12),
		    1 + rnd_below(g, 28));
		n++;
	}
	g->by_nhs = calloc((size_t)g->o.patients + 1, sizeof(*g->by_nhs));
	if (g->by_nhs == NULL)
		die("out of memory");
	for (long i = 0; i < g->o.patients; i++)
		g->by_nhs[i] = i;
	sort_gen = g;
	qsort(g->by_nhs, (size_t)g->o.patients, sizeof(*g->by_nhs), cmp_nhs);
}

/* ---- one meeting ----------------------------------------------------- */

/* A patient already made who is still on the books; -1 if none found. */
static long
returning(struct gen *g)
{
	for (int tries = 0; tries < 20 && g->next_new > 0; tries++) {
		long i = rnd_below(g, g->next_new);

		if (g->pt[i].made && !g->pt[i].gone)
			return i;
	}
	return -1;
}

/* Writes one list and imports it into the meeting. */
static void
import_list(struct gen *g, int64_t meeting, enum mdt_list list,
    const long *who, size_t n)
{
	struct mdt_import_report rep;
	char path[128];
	FILE *fp;

	if (n == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.csv", g->dir, mdt_list_name(list));
	if ((fp = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	fputs("nhs_number,name,date_of_birth,reason,referred_by,review_date,"
	    "admitted,discharged,attendances,calls\n", fp);
	for (size_t i = 0; i < n; i++) {
		const struct patient *p = &g->pt[who[i]];
		char day[11];

		mdt_date_of(g->now - 3 * 86400000, day);
		fprintf(fp, "%s,%s,%s,%s,%s,,%s,%s,%ld,%ld\n", p->nhs, p->name,
		    p->dob, list == MDT_LIST_REFERRAL ? "Struggling at home" :
		    "", list == MDT_LIST_REFERRAL ?
		    referrers[rnd_below(g, 5)] : "", day, day,
		    3 + rnd_below(g, 10), 2 + rnd_below(g, 10));
	}
	if (fclose(fp) != 0)
		die("%s: %s", path, strerror(errno));
	check(g, mdt_import_csv(g->s, meeting, list, path, false, NULL, false,
	    &rep),
	    "importing a list");
	for (size_t i = 0; i < n; i++)
		g->pt[who[i]].made = true;
	mdt_import_report_done(&rep);
	unlink(path);
}

/* The lists of the meeting: new patients spread over them, and some
 * known ones on the hospital lists. */
static void
bring_candidates(struct gen *g, int64_t meeting, long m)
{
	static const enum mdt_list lists[] = { MDT_LIST_CASELOAD,
	    MDT_LIST_REFERRAL, MDT_LIST_INPATIENT, MDT_LIST_DISCHARGE,
	    MDT_LIST_FREQUENT_ATTENDER, MDT_LIST_AMBULANCE };
	long who[6][64];
	size_t n[6] = { 0 };
	long target = g->o.patients * (m + 1) / g->o.meetings;

	if (target > g->o.patients)	/* the meeting after the history */
		target = g->o.patients;

	while (g->next_new < target) {
		/* half the new ones are referrals */
		int l = rnd_below(g, 2) == 0 ? 1 : (int)rnd_below(g, 6);

		if (n[l] == 64)
			break;
		who[l][n[l]++] = g->next_new++;
	}
	/* after the history no one is new: patients known before are
	 * referred again, as many as new ones would have been */
	for (long i = 0; m >= g->o.meetings && n[1] < 20 && i < 40; i++) {
		long r = returning(g);
		bool dup = false;

		for (size_t j = 0; r >= 0 && j < n[1]; j++)
			dup = dup || who[1][j] == r;
		if (r >= 0 && !dup)
			who[1][n[1]++] = r;
	}
	for (int l = 2; l < 6; l++) {
		long k = rnd_below(g, 3);

		for (long i = 0; i < k && n[l] < 64; i++) {
			long r = returning(g);
			bool dup = false;

			for (size_t j = 0; r >= 0 && j < n[l]; j++)
				dup = dup || who[l][j] == r;
			if (r >= 0 && !dup)
				who[l][n[l]++] = r;
		}
	}
	for (int l = 0; l < 6; l++)
		import_list(g, meeting, lists[l], who[l], n[l]);

	/* now and then a stepped-down patient is escalated back */
	if (rnd_below(g, 3) == 0) {
		for (int tries = 0; tries < 20; tries++) {
			long i = returning(g);

			if (i >= 0 && g->pt[i].stepped_down) {
				int64_t pid;
				sqlite3_stmt *st;

				sqlite3_prepare_v2(g->db, "SELECT id FROM"
				    " patients WHERE nhs_number = ?", -1, &st,
				    NULL);
				sqlite3_bind_text(st, 1, g->pt[i].nhs, -1,
				    SQLITE_STATIC);
				pid = sqlite3_step(st) == SQLITE_ROW ?
				    sqlite3_column_int64(st, 0) : 0;
				sqlite3_finalize(st);
				if (mdt_rising_risk_escalate(g->s, pid, meeting,
				    "Falls again at home", NULL) == MDT_OK)
					g->pt[i].stepped_down = false;
				break;
			}
		}
	}
}

/* Puts candidates on the agenda: referrals, then the rest; defers what
 * does not fit. */
static void
select_candidates(struct gen *g, int64_t meeting)
{
	sqlite3_stmt *st;
	int64_t ids[512];
	size_t n = 0;

	sqlite3_prepare_v2(g->db, "SELECT id FROM candidates c"
	    " WHERE meeting_id = ? AND NOT EXISTS (SELECT 1 FROM slots s"
	    " WHERE s.meeting_id = c.meeting_id"
	    " AND s.patient_id = c.patient_id)"
	    " AND defer_reason IS NULL"
	    " ORDER BY (lists & 2) DESC, escalated DESC, carried_forward DESC,"
	    " id", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, meeting);
	while (sqlite3_step(st) == SQLITE_ROW && n < 512)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		if (i < MAX_SLOTS)
			check(g, mdt_candidate_select(g->s, ids[i], 0,
			    g->people[i % 5], NULL), "selecting");
		else
			check(g, mdt_candidate_defer(g->s, ids[i],
			    "No time left: next meeting"), "deferring");
	}
}

/* The patient of a slot. */
static struct patient *
slot_patient(struct gen *g, int64_t slot)
{
	sqlite3_stmt *st;
	struct patient *p = NULL;

	sqlite3_prepare_v2(g->db, "SELECT p.nhs_number FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id WHERE s.id = ?", -1, &st,
	    NULL);
	sqlite3_bind_int64(st, 1, slot);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const long *i = bsearch(sqlite3_column_text(st, 0), g->by_nhs,
		    (size_t)g->o.patients, sizeof(*g->by_nhs), find_nhs);

		if (i != NULL)
			p = &g->pt[*i];
	}
	sqlite3_finalize(st);
	return p;
}

static void
add_action(struct gen *g, int64_t slot, const int64_t *present,
    size_t n_present)
{
	char due[8];
	int64_t id;
	long r = rnd_below(g, 100), days;

	snprintf(due, sizeof(due), "+%ld", 7 + rnd_below(g, 36));
	check(g, mdt_action_add(g->s, slot, "Follow up with the patient",
	    present[rnd_below(g, (long)n_present)], due, &id), "an action");
	g->actions_made++;
	if (r < 80) {		/* done, most within a few weeks */
		days = rnd_below(g, 15) + rnd_below(g, 30);
		heap_push(g, (struct closing){ g->now + days * 86400000 +
		    rnd_below(g, 8 * 3600) * 1000, id, false });
	} else if (r < 86) {
		days = 1 + rnd_below(g, 30);
		heap_push(g, (struct closing){ g->now + days * 86400000, id,
		    true });
	}
}

/* Schedules meeting m (a week after m - 1) and prepares its agenda. */
static int64_t
prepare_meeting(struct gen *g, long m)
{
	struct mdt_meeting_in in = { "Larkhall Neighbourhood MDT", NULL,
	    "13:00", "Larkhall Green Practice", 150 };
	char date[11];
	int64_t meeting;

	g->now = local_time(g->o.start, 7 * m, 9, 0);
	mdt_date_of(g->now, date);
	in.date = date;
	check(g, mdt_meeting_create(g->s, &in, &meeting, NULL), "scheduling");
	bring_candidates(g, meeting, m);
	select_candidates(g, meeting);
	return meeting;
}

/* The register: everyone is present or sends apologies, mostly.  Fills
 * present with those present; returns how many. */
static size_t
take_register(struct gen *g, int64_t meeting, int64_t *present)
{
	size_t n_present = 0;

	for (size_t i = 0; i < g->n_people; i++) {
		long r = rnd_below(g, 100);
		enum mdt_attend a = i == 0 || r < 75 ? MDT_ATTEND_PRESENT :
		    r < 90 ? MDT_ATTEND_APOLOGIES : MDT_ATTEND_UNKNOWN;

		if (a == MDT_ATTEND_UNKNOWN)
			continue;
		check(g, mdt_attendance_set(g->s, meeting, g->people[i], a),
		    "the register");
		if (a == MDT_ATTEND_PRESENT)
			present[n_present++] = g->people[i];
	}
	return n_present;
}

static void
run_meeting(struct gen *g, long m)
{
	int64_t meeting, slot, present[N_TEAM];
	size_t n_present, n_slots = 0;
	long need;
	/* now and then a patient keeps the record from an organisation */
	static const char *const exclude[] = { "Acme Home Care" };
	static const enum mdt_outcome_kind kinds[] = { MDT_OUTCOME_STAY,
	    MDT_OUTCOME_STAY, MDT_OUTCOME_STAY, MDT_OUTCOME_STEP_DOWN,
	    MDT_OUTCOME_STEP_DOWN, MDT_OUTCOME_CLOSE, MDT_OUTCOME_CLOSE,
	    MDT_OUTCOME_DIED };

	meeting = prepare_meeting(g, m);
	n_present = take_register(g, meeting, present);

	/* the patient added on the day */
	g->now = local_time(g->o.start, 7 * m, 12, 55);
	if (rnd_below(g, 5) < 2) {
		long i = returning(g);

		if (i >= 0) {
			struct mdt_patient_in p = { g->pt[i].nhs, g->pt[i].name,
			    g->pt[i].dob, NULL };
			enum mdt_status st = mdt_slot_add_on_day(g->s, meeting,
			    &p, "Seen by the GP this morning", 0, 0, NULL);

			if (st != MDT_OK && st != MDT_ESTATE)
				check(g, st, "adding on the day");
		}
	}

	g->now = local_time(g->o.start, 7 * m, 13, 0);
	{
		sqlite3_stmt *st;

		sqlite3_prepare_v2(g->db, "SELECT count(*) FROM slots"
		    " WHERE meeting_id = ?", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, meeting);
		if (sqlite3_step(st) == SQLITE_ROW)
			n_slots = (size_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	need = g->o.actions * (m + 1) / g->o.meetings - g->actions_made;
	for (size_t k = 0; k < n_slots; k++) {
		enum mdt_status st = mdt_slot_next(g->s, meeting, &slot);
		struct patient *p;
		long r = rnd_below(g, 100), secs, n_act;
		enum mdt_outcome_kind kind;

		if (st == MDT_ENOTFOUND)
			break;
		check(g, st, "the next slot");
		p = slot_patient(g, slot);
		r = rnd_below(g, 100);
		secs = r < 15 ? 120 + rnd_below(g, 180) : r < 72 ?
		    300 + rnd_below(g, 121) : 421 + rnd_below(g, 300);
		g->slots++;
		g->slots_over += secs > 420;

		r = rnd_below(g, 100);
		check(g, mdt_consent_record(g->s, slot, r < 85 ?
		    MDT_CONSENT_GIVEN : r < 95 ? MDT_CONSENT_BEST_INTERESTS :
		    MDT_CONSENT_RISK_TO_OTHERS, "Lacks capacity today; family"
		    " agree", exclude, rnd_below(g, 20) == 0 ? 1 : 0),
		    "consent");
		check(g, mdt_note_add(g->s, slot, "Discussed; plan agreed.",
		    NULL), "a note");
		n_act = need / (long)(n_slots - k) +
		    (need % (long)(n_slots - k) != 0);
		for (long i = 0; i < n_act && need > 0; i++, need--)
			add_action(g, slot, present, n_present);
		kind = kinds[rnd_below(g, 8)];
		if (kind == MDT_OUTCOME_STAY) {
			char review[8];

			snprintf(review, sizeof(review), "+%ld",
			    21 + rnd_below(g, 60));
			check(g, mdt_outcome_record(g->s, slot, kind, review),
			    "an outcome");
		} else {
			check(g, mdt_outcome_record(g->s, slot, kind, NULL),
			    "an outcome");
			if (kind == MDT_OUTCOME_DIED) {
				g->actions_made++;
				need--;
			}
		}
		if (p != NULL) {
			p->gone = kind == MDT_OUTCOME_DIED ||
			    kind == MDT_OUTCOME_CLOSE;
			p->stepped_down = kind == MDT_OUTCOME_STEP_DOWN;
		}
		/* one in ten is paused for a phone call halfway */
		if (rnd_below(g, 10) == 0) {
			g->slots_paused++;
			g->now += secs / 2 * 1000;
			check(g, mdt_slot_pause_toggle(g->s, meeting), "pause");
			g->now += (60 + rnd_below(g, 180)) * 1000;
			check(g, mdt_slot_pause_toggle(g->s, meeting),
			    "resume");
			g->now += (secs - secs / 2) * 1000;
		} else
			g->now += secs * 1000;
	}
	check(g, mdt_meeting_close(g->s, meeting), "closing");
}

/* ---- the program ----------------------------------------------------- */

static long
num_opt(const char *name, const char *v, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0 || n > max)
		die("%s is 0 to %ld", name, max);
	return n;
}

static int64_t
count(struct gen *g, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = 0;

	if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(g->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
main(int argc, char **argv)
{
	struct gen g;
	struct mdt_clock clock;
	struct timespec t0, t1;
	char err[512], first[11], last[11];
	struct stat sb;

	memset(&g, 0, sizeof(g));
	g.o.meetings = 26;
	g.o.patients = 200;
	g.o.actions = 300;
	g.o.seed = 1;
	g.o.start = "2026-01-07";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--next") == 0) {
			g.o.next = true;
			continue;
		}
		if (v == NULL)
			die("usage: gen-history --db PATH [--meetings N]"
			    " [--patients N] [--actions N] [--seed S]"
			    " [--start YYYY-MM-DD] [--next]");
		if (strcmp(a, "--db") == 0)
			g.o.db = v;
		else if (strcmp(a, "--meetings") == 0)
			g.o.meetings = num_opt(a, v, 5000);
		else if (strcmp(a, "--patients") == 0)
			g.o.patients = num_opt(a, v, 500000);
		else if (strcmp(a, "--actions") == 0)
			g.o.actions = num_opt(a, v, 10000000);
		else if (strcmp(a, "--seed") == 0)
			g.o.seed = (unsigned long long)num_opt(a, v, 1L << 30);
		else if (strcmp(a, "--start") == 0)
			g.o.start = v;
		else
			die("unknown option %s", a);
		i++;
	}
	if (g.o.db == NULL || g.o.meetings < 1)
		die("--db PATH is needed, and at least one meeting");
	if (stat(g.o.db, &sb) == 0)
		die("%s exists: give a new file", g.o.db);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g.rng = g.o.seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	g.now = local_time(g.o.start, -7, 9, 0);
	clock.now = gen_now;
	clock.ctx = &g;
	if (mdt_store_open(g.o.db, &clock, MDT_OPEN_CREATE, &g.s, err,
	    sizeof(err)) != MDT_OK)
		die("%s", err);
	mdt_store_set_actor(g.s, "gen-history");
	g.db = mdt_store_db(g.s);
	sqlite3_exec(g.db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	/* The whole history in memory: some reads of the acts scan a table. */
	sqlite3_exec(g.db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	snprintf(g.dir, sizeof(g.dir), "/tmp/gen-history-XXXXXX");
	if (mkdtemp(g.dir) == NULL)
		die("mkdtemp: %s", strerror(errno));

	make_team(&g);
	make_patients(&g);
	for (long m = 0; m < g.o.meetings; m++) {
		close_actions_until(&g, local_time(g.o.start, 7 * m, 8, 0));
		run_meeting(&g, m);
	}
	/* what was due by the week after the last meeting */
	close_actions_until(&g, local_time(g.o.start, 7 * g.o.meetings, 8, 0));
	if (g.o.next) {
		int64_t present[N_TEAM], next;

		next = prepare_meeting(&g, g.o.meetings);
		take_register(&g, next, present);
	}
	rmdir(g.dir);

	mdt_date_of(local_time(g.o.start, 0, 12, 0), first);
	mdt_date_of(local_time(g.o.start, 7 * (g.o.meetings - 1), 12, 0),
	    last);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("gen-history: %ld meetings, weekly from %s to %s (seed %llu)\n",
	    g.o.meetings, first, last, g.o.seed);
	printf("  people %" PRId64 ", patients %" PRId64 ", candidates %"
	    PRId64 "\n", count(&g, "SELECT count(*) FROM people"),
	    count(&g, "SELECT count(*) FROM patients"),
	    count(&g, "SELECT count(*) FROM candidates"));
	printf("  slots %ld (%ld over 7 minutes, %ld paused)\n", g.slots,
	    g.slots_over, g.slots_paused);
	printf("  actions %" PRId64 " (%" PRId64 " done, %" PRId64
	    " cancelled, %" PRId64 " open)\n",
	    count(&g, "SELECT count(*) FROM actions"),
	    count(&g, "SELECT count(*) FROM actions WHERE status = 'done'"),
	    count(&g, "SELECT count(*) FROM actions"
	    " WHERE status = 'cancelled'"),
	    count(&g, "SELECT count(*) FROM actions WHERE status = 'open'"));
	printf("  outcomes: stay %" PRId64 ", step down %" PRId64 ", close %"
	    PRId64 ", died %" PRId64 "\n",
	    count(&g, "SELECT count(*) FROM outcomes WHERE kind = 'stay'"),
	    count(&g, "SELECT count(*) FROM outcomes WHERE kind = 'step_down'"),
	    count(&g, "SELECT count(*) FROM outcomes WHERE kind = 'close'"),
	    count(&g, "SELECT count(*) FROM outcomes WHERE kind = 'died'"));
	if (g.o.next) {
		char day[11];

		mdt_date_of(local_time(g.o.start, 7 * g.o.meetings, 12, 0), day);
		printf("  the next meeting, %s: %" PRId64 " slots on the agenda,"
		    " not opened\n", day, count(&g, "SELECT count(*) FROM slots"
		    " WHERE meeting_id = (SELECT max(id) FROM meetings)"));
	}
	printf("  in %.1f s\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	mdt_store_free(g.s);
	free(g.pt);
	free(g.by_nhs);
	free(g.heap);
	return 0;
}
