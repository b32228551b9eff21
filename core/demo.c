/*
 * demo.c - a fictional meeting to try mdtchair on: a venue, ten team
 * members, twelve patients with test-range NHS numbers and a meeting
 * scheduled for today.  Made once per database: calling it again finds the
 * meeting it made (by its audit row) and writes nothing.  Every row gets a
 * fresh UUID, so that the demos of two databases are different records
 * wherever they are sent.  Demo rows never go to the outbox by being made:
 * they must not reach a real care record unless chaired.
 */
#include "config.h"

#include "demo.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

#define DEMO_SLOT_SECONDS 360
#define DEMO_PLANNED_MINUTES 80

struct demo_person {
	const char *name;
	const char *role;
	const char *organisation;
};

static const struct demo_person demo_people[] = {
	{ "Dr Siobhán Ní Bhriain", "GP", "Larkhall Green Practice" },
	{ "Dr Kwame Mensah", "GP", "Riverside Surgery" },
	{ "Marta Kowalczyk", "Community matron", "Larkhall Community Health" },
	{ "Ade Okonkwo", "Social worker", "Adult Social Care" },
	{ "Priya Raghunathan", "Mental-health nurse",
	    "Community Mental Health Team" },
	{ "Jamie Thornton", "Care navigator", "Larkhall Primary Care Network" },
	{ "Chloé Martin", "District nurse", "Larkhall Community Health" },
	{ "Hamza Qureshi", "Clinical pharmacist",
	    "Larkhall Primary Care Network" },
	{ "Bridget Fennelly", "Voluntary-sector worker",
	    "Larkhall Neighbours Trust" },
	{ "Sam Whitlock", "Meeting administrator",
	    "Larkhall Primary Care Network" },
};

#define N_PEOPLE MDT_COUNT(demo_people)

struct demo_patient {
	const char *nhs_number;		/* 999 test range, valid check digit */
	const char *name;
	const char *date_of_birth;
	const char *practice;
	const char *reason;
	int key_contact;		/* index into demo_people */
	unsigned lists;			/* the pre-meeting lists they are on */
};

static const struct demo_patient demo_patients[] = {
	{ "9993395633", "Zoë Adébáyọ̀", "1941-03-14", "Larkhall Green Practice",
	    "Three falls in six weeks; lives alone", 2,
	    MDT_LIST_CASELOAD | MDT_LIST_FREQUENT_ATTENDER },
	{ "9999939082", "Arthur Pennington", "1936-11-02", "Riverside Surgery",
	    "Frequent ambulance calls at night; carer exhausted", 3,
	    MDT_LIST_CASELOAD | MDT_LIST_AMBULANCE },
	{ "9991581766", "Małgorzata Nowak", "1952-07-21",
	    "Larkhall Green Practice",
	    "Home from hospital after a heart-failure admission", 6,
	    MDT_LIST_DISCHARGE },
	{ "9994140027", "Dennis O'Driscoll", "1948-01-30", "Riverside Surgery",
	    "COPD; four A&E attendances this quarter", 1,
	    MDT_LIST_CASELOAD | MDT_LIST_FREQUENT_ATTENDER },
	{ "9990506310", "Fatima Begum", "1960-05-09", "Larkhall Green Practice",
	    "Low mood and missed insulin doses", 4,
	    MDT_LIST_CASELOAD },
	{ "9990759545", "Hélène Dubois", "1939-09-17", "Riverside Surgery",
	    "Fourteen repeat medicines; dizzy spells", 7,
	    MDT_LIST_CASELOAD },
	{ "9998611687", "George Ashworth", "1944-12-25",
	    "Larkhall Green Practice",
	    "Isolated since his wife died; not eating well", 8,
	    MDT_LIST_REFERRAL },
	{ "9990987025", "Nkechi Eze", "1957-04-03", "Riverside Surgery",
	    "Damp housing making her asthma worse", 5,
	    MDT_LIST_REFERRAL },
	{ "9993834521", "Ronald Blackwood", "1931-08-11",
	    "Larkhall Green Practice",
	    "End-of-life planning; family asking to meet", 0,
	    MDT_LIST_CASELOAD },
	{ "9996110974", "Søren Lindqvist", "1966-02-28", "Riverside Surgery",
	    "New referral: falls related to alcohol", 3,
	    MDT_LIST_REFERRAL },
	{ "9990608164", "Edith Marsh", "1929-06-06", "Larkhall Green Practice",
	    "Leg ulcers not healing; her carer is unwell", 6,
	    MDT_LIST_CASELOAD | MDT_LIST_INPATIENT },
	{ "9999538932", "Iwan ap Rhys", "1950-10-19", "Riverside Surgery",
	    "Memory worries; walking out at night", 2,
	    MDT_LIST_REFERRAL },
};

#define N_PATIENTS MDT_COUNT(demo_patients)

/* 13:00 local time on the day of now. */
static int64_t
today_at_one(int64_t now)
{
	char date[11];
	struct tm tm;
	time_t t;

	mdt_date_of(now, date);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 +
	    (date[2] - '0') * 10 + (date[3] - '0') - 1900;
	tm.tm_mon = (date[5] - '0') * 10 + (date[6] - '0') - 1;
	tm.tm_mday = (date[8] - '0') * 10 + (date[9] - '0');
	tm.tm_hour = 13;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return now;
	return (int64_t)t * 1000;
}

/* The meeting an earlier call made, if any (*id 0 if none). */
static enum mdt_status
demo_made(struct mdt_store *s, int64_t *id)
{
	enum mdt_status st;

	st = mdt_query_int(s, id, "SELECT m.id FROM audit a"
	    " JOIN meetings m ON m.uuid = a.entity_uuid"
	    " WHERE a.action = 'demo_create' ORDER BY a.id LIMIT 1", NULL);
	if (st == MDT_ENOTFOUND) {
		*id = 0;
		st = MDT_OK;
	}
	return st;
}

/* The demonstration's venue, people, patients and meeting (meeting_id),
 * unless made already (wrote: false). */
static enum mdt_status
demo_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char venue[37], meeting[37], uuid[37];
	int64_t people[N_PEOPLE], venue_id = 0;
	size_t i;

	st = demo_made(s, &a->meeting_id);
	if (st != MDT_OK || a->meeting_id != 0)
		return st;
	mdt_uuid_new(venue);
	mdt_uuid_new(meeting);
	st = mdt_run(s, "INSERT INTO venues (uuid, name, address)"
	    " VALUES (?, 'Larkhall Green Practice',"
	    " '14 Orchard Row, Larkhall Green')", "t", venue);
	if (st == MDT_OK)
		venue_id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; st == MDT_OK && i < N_PEOPLE; i++) {
		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO people"
		    " (uuid, name, role, organisation) VALUES (?, ?, ?, ?)",
		    "tttt", uuid, demo_people[i].name, demo_people[i].role,
		    demo_people[i].organisation);
		people[i] = sqlite3_last_insert_rowid(s->db);
	}
	/* A patient already known by the NHS number is kept as it is. */
	for (i = 0; st == MDT_OK && i < N_PATIENTS; i++) {
		const struct demo_patient *p = &demo_patients[i];

		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT OR IGNORE INTO patients"
		    " (uuid, nhs_number, name, date_of_birth, practice,"
		    " key_contact_id) VALUES (?, ?, ?, ?, ?, ?)", "tttttI",
		    uuid, p->nhs_number, p->name, p->date_of_birth,
		    p->practice, people[p->key_contact]);
	}
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO meetings"
		    " (uuid, title, venue_id, scheduled_start, planned_minutes)"
		    " VALUES (?, 'Demo MDT', ?, ?, ?)", "tiid", meeting,
		    venue_id, today_at_one(mdt_store_now(s)),
		    DEMO_PLANNED_MINUTES);
	if (st == MDT_OK)
		a->meeting_id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; st == MDT_OK && i < N_PATIENTS; i++) {
		const struct demo_patient *p = &demo_patients[i];

		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO slots"
		    " (uuid, meeting_id, patient_id, position, reason,"
		    " planned_seconds) VALUES (?, ?,"
		    " (SELECT id FROM patients WHERE nhs_number = ?), ?, ?, ?)",
		    "titdtd", uuid, a->meeting_id, p->nhs_number, (int)i + 1,
		    p->reason, DEMO_SLOT_SECONDS);
	}
	for (i = 0; st == MDT_OK && i < N_PATIENTS; i++) {
		const struct demo_patient *p = &demo_patients[i];

		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO candidates"
		    " (uuid, meeting_id, patient_id, lists, note, created_at)"
		    " VALUES (?, ?, (SELECT id FROM patients WHERE"
		    " nhs_number = ?), ?, ?, ?)", "titdti", uuid,
		    a->meeting_id, p->nhs_number, (int)p->lists, p->reason,
		    mdt_store_now(s));
	}
	for (i = 0; st == MDT_OK && i < N_PEOPLE; i++) {
		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO attendance"
		    " (meeting_id, person_id, uuid) VALUES (?, ?, ?)", "iit",
		    a->meeting_id, people[i], uuid);
	}
	if (st == MDT_OK)
		st = mdt_audit_add(s, "demo_create", "meeting", meeting,
		    "demo meeting, %zu people, %zu patients", N_PEOPLE,
		    N_PATIENTS);
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_demo_create(struct mdt_store *s, int64_t *meeting_id)
{
	struct mdt_act a = { .meeting_id = 0 };
	enum mdt_status st;

	*meeting_id = 0;
	st = mdt_act_run(s, demo_tx, MDT_ACT_WROTE, &a);
	if (st == MDT_OK)
		*meeting_id = a.meeting_id;
	return st;
}
