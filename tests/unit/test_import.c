/*
 * test_import.c - importing pre-meeting lists from CSV: a byte order mark,
 * CRLF and quoted fields (commas, quotes, line breaks), every bad row
 * reported with its line (wrong check digit, bad dates, missing fields,
 * invalid UTF-8, a field count that differs from the header), duplicate
 * rows, an empty file and a header alone, malformed quoting, skipping bad
 * rows into a rejects file, a 5 MB file, 30,000 bad rows (each counted,
 * the first 10,000 reported), importing the same file twice,
 * merging lists per patient, a date of birth that differs from the record,
 * and - after every case - that no patient was lost or made twice.
 */
#include "config.h"

#include "fixture.h"

#define HEADER "nhs_number,name,date_of_birth,practice,reason,referred_by\n"

/* Valid test-range NHS numbers (the demo's). */
#define NHS_A "9993395633"
#define NHS_B "9999939082"
#define NHS_C "9991581766"
#define NHS_D "9994140027"

static int
setup(void **state)
{
	struct mdt_meeting_in in = { "Larkhall MDT", "+7", NULL, "Larkhall",
	    0 };
	struct fx *f;

	fx_setup_memory(state);
	f = *state;
	fx_tempdir(f);
	assert_int_equal(mdt_meeting_create(f->s, &in, &f->meeting, NULL),
	    MDT_OK);
	return 0;
}

/* Writes len bytes (strlen if len is 0) to a file in the test folder;
 * returns its path (valid until the next call with the same slot). */
static const char *
write_csv(struct fx *f, int slot, const char *text, size_t len)
{
	static char paths[4][160];
	FILE *fp;

	snprintf(paths[slot], sizeof(paths[slot]), "%s/list%d.csv", f->dir,
	    slot);
	fp = fopen(paths[slot], "wb");
	assert_non_null(fp);
	if (len == 0)
		len = strlen(text);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return paths[slot];
}

static int64_t
patients(struct fx *f)
{
	return fx_int(f->s, "SELECT count(*) FROM patients");
}

static int64_t
candidates(struct fx *f)
{
	return fx_int(f->s, "SELECT count(*) FROM candidates");
}

/* The store keeps one patient per NHS number and one candidate per
 * meeting and patient, and every candidate's patient exists. */
static void
assert_whole(struct fx *f)
{
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM (SELECT nhs_number"
	    " FROM patients GROUP BY nhs_number HAVING count(*) > 1)"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM (SELECT 1 FROM"
	    " candidates GROUP BY meeting_id, patient_id HAVING count(*) > 1)"),
	    0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates c"
	    " LEFT JOIN patients p ON p.id = c.patient_id WHERE p.id IS NULL"),
	    0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries e"
	    " JOIN candidates c ON c.id = e.candidate_id"
	    " WHERE (c.lists & CASE e.list WHEN 'caseload' THEN 1"
	    " WHEN 'referral' THEN 2 WHEN 'inpatient' THEN 4"
	    " WHEN 'discharge' THEN 8 WHEN 'frequent-attender' THEN 16"
	    " ELSE 32 END) = 0"), 0);
}

/* The error lines must be exactly these "FILE:LINE: ..." prefixes, in
 * order; each of want is "LINE: text within the reason". */
static void
assert_errors(const struct mdt_import_report *rep, const char *path,
    const char *const *want, size_t n)
{
	size_t i;

	assert_int_equal(rep->n_errors, n);
	for (i = 0; i < n; i++) {
		char prefix[256];
		const char *colon = strchr(want[i], ':');

		assert_non_null(colon);
		snprintf(prefix, sizeof(prefix), "%s:%.*s: ", path,
		    (int)(colon - want[i]), want[i]);
		if (strncmp(rep->errors[i], prefix, strlen(prefix)) != 0 ||
		    strstr(rep->errors[i], colon + 2) == NULL)
			fail_msg("error %zu is \"%s\", wanted \"%s%s\"", i,
			    rep->errors[i], prefix, colon + 2);
	}
}

static void
test_bom_crlf_quotes(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	struct mdt_candidate *c;
	size_t n;
	char buf[256];
	const char *path = write_csv(f, 0,
	    "\xef\xbb\xbfNHS Number,Name,Date of Birth,Practice,Reason,"
	    "Referred-By\r\n"
	    NHS_A ",\"Adébáyọ̀, Zoë\",1941-03-14,Larkhall,\"Falls; \"\"three\"\""
	    " in six weeks\",Dr Mensah\r\n"
	    "\"999 993 9082\",Arthur Pennington,02/11/1936,Riverside,\"Calls, at"
	    " night\",Marta\r\n"
	    NHS_C ",Małgorzata Nowak,1952-07-21,,Home from hospital,Ade", 0);

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.added, 3);
	assert_int_equal(rep.patients_created, 3);
	assert_int_equal(rep.n_errors, 0);
	mdt_import_report_done(&rep);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT name FROM"
	    " patients WHERE nhs_number = '" NHS_A "'"), "Adébáyọ̀, Zoë");
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " date_of_birth FROM patients WHERE nhs_number = '" NHS_B "'"),
	    "1936-11-02");
	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c[i].lists, MDT_LIST_REFERRAL);
		assert_int_equal(c[i].state, MDT_CANDIDATE_OPEN);
		if (strcmp(c[i].nhs_number, NHS_A) == 0) {
			assert_string_equal(c[i].reason,
			    "Falls; \"three\" in six weeks");
			assert_string_equal(c[i].referred_by, "Dr Mensah");
		}
		if (strcmp(c[i].nhs_number, NHS_B) == 0)
			assert_string_equal(c[i].reason, "Calls, at night");
	}
	mdt_candidates_free(c, n);
	assert_whole(f);
}

static void
test_lines_after_multiline_field(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,L,\"one\ntwo\nthree\",Dr M\n"
	    "\n"
	    NHS_B ",Arthur,1936-13-02,R,x,y\n", 0);
	const char *const want[] = {
		"2: field 5 holds \\n, a control character (character 4)",
		"6: date of birth \"1936-13-02\" is not a date",
	};

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want, 2);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 0);
}

/* A referral with no NHS number is held under a local identifier, not
 * refused: the same name and birth again (in the file, or a later import)
 * is the same patient, and within one file a repeat of them is a
 * duplicate or, with other details, a bad row, as a repeated NHS number
 * is; a local identifier in the column is the patient held by it; other
 * lists still need the number, and a wrong check digit is refused on
 * every list. */
static void
test_referral_untraced(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	char buf[64];
	const char *path = write_csv(f, 0, HEADER
	    ",Cal Rowe,1940-02-03,Out of area,\"Lives alone; falls\",Ann\n"
	    " ,Cal Rowe,03/02/1940,Out of area,Lives alone; falls,Ann\n"
	    ",Dee Vance,1938-05-06,,No GP,Ben\n", 0);
	const char *again;

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.patients_created, 2);
	assert_int_equal(rep.added, 2);
	assert_int_equal(rep.duplicates, 1);
	assert_int_equal(rep.rejected, 0);
	assert_int_equal(rep.untraced, 2);
	mdt_import_report_done(&rep);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " group_concat(nhs_number || ' ' || name || ' ' ||"
	    " coalesce(practice, '-'), '/') FROM (SELECT * FROM patients"
	    " ORDER BY id)"), "L000000001 Cal Rowe Out of area/"
	    "L000000002 Dee Vance -");
	/* each a candidate of the meeting and a referral in the queue */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM candidates"
	    " WHERE meeting_id = %lld", (long long)f->meeting), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM referrals"
	    " WHERE withdrawn_at IS NULL"), 2);

	/* the same file again: nobody new, nothing changed */
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.patients_created, 0);
	assert_int_equal(rep.added + rep.merged + rep.updated, 0);
	assert_int_equal(rep.unchanged, 2);
	assert_int_equal(rep.duplicates, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);

	/* the same name and birth twice with other details, held already or
	 * new, by name or by the identifier given: the later row is bad, as
	 * a repeated NHS number is, and not taken over the first; nothing
	 * is imported (a name with an escape and a line break is bad
	 * itself, and no patient for the rows after it) */
	again = write_csv(f, 1, HEADER
	    ",Cal Rowe,1940-02-03,,Falls again,Ann\n"
	    ",Cal Rowe,1940-02-03,,Lives alone,Ann\n"
	    ",Ívó Nęll-Ọ̀bá,1939-09-09,,A,Ben\n"
	    ",Ívó Nęll-Ọ̀bá,1939-09-09,,B,Ben\n"
	    ",\"Ivo\x1b]0;x\x07\nNell\",1939-09-09,,A,Ben\n"
	    "L1,Cal Rowe,1940-02-03,,Other,Ann\n", 0);
	{
		const char *const want[] = {
			"3: this name and date of birth are already on line 2"
			" with different details",
			"5: this name and date of birth are already on line 4"
			" with different details",
			"6: field 2 holds \\x1b, a control character",
			"8: local identifier L000000001 is already on line 2"
			" with different details",
		};

		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_REFERRAL, again, false, NULL, false, &rep),
		    MDT_EINVAL);
		assert_errors(&rep, again, want, 4);
		mdt_import_report_done(&rep);
	}
	assert_int_equal(patients(f), 2);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT reason"
	    " FROM list_entries e JOIN candidates c ON c.id = e.candidate_id"
	    " JOIN patients p ON p.id = c.patient_id WHERE p.nhs_number ="
	    " 'L000000001'"), "Lives alone; falls");

	/* by the local identifier, as typed */
	again = write_csv(f, 1, HEADER "l 2,Dee Vance,1938-05-06,,Carer"
	    " unwell,Ben\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    again, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.patients_created, 0);
	assert_int_equal(rep.untraced, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);

	/* a caseload needs the number; a wrong check digit is a typo */
	again = write_csv(f, 2, "nhs_number,name,date_of_birth\n"
	    ",Eve Hale,1944-01-01\n" "9434765918,Fay Dunn,1944-01-01\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_CASELOAD,
	    again, false, NULL, false, &rep), MDT_EINVAL);
	assert_int_equal(rep.rejected, 2);
	assert_non_null(strstr(rep.errors[0], ":2: no NHS number"));
	assert_non_null(strstr(rep.errors[1], "wrong check digit"));
	mdt_import_report_done(&rep);
	again = write_csv(f, 3, HEADER "9434765918,Fay Dunn,1944-01-01,,x,y\n"
	    ",Gil\x1b[2J,1944-01-01,,x,y\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    again, false, NULL, false, &rep), MDT_EINVAL);
	assert_int_equal(rep.rejected, 2);
	assert_non_null(strstr(rep.errors[0], "wrong check digit"));
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);
	assert_whole(f);
}

static void
test_every_bad_row_reported(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	int64_t p0 = patients(f), c0 = candidates(f), a0;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,L,Falls,Dr M\n"		/* 2 ok */
	    "9434765918,Wrong Check,1950-01-01,L,x,y\n"		/* 3 */
	    "12345,Short,1950-01-01,L,x,y\n"			/* 4 */
	    "L99,No One Held,1950-01-01,L,x,y\n"		/* 5 */
	    NHS_B ",,1950-01-01,L,x,y\n"			/* 6 */
	    NHS_C ",No Date,,L,x,y\n"				/* 7 */
	    NHS_D ",Feb 30,1950-02-30,L,x,y\n"			/* 8 */
	    "9990506310,Future,2099-01-01,L,x,y\n"		/* 9 */
	    "9990759545,Too Few,1950-01-01,L,x\n"		/* 10 */
	    "9998611687,No Reason,1950-01-01,L,,y\n"		/* 11 */
	    "9990987025,No Referrer,1950-01-01,L,x,\n"		/* 12 */
	    "9993834521,Ronald,1931-08-11,L,End of life,Dr K\n", 0); /* ok */
	const char *const want[] = {
		"3: wrong check digit",
		"4: is not ten digits",
		"5: no patient is held under L000000099",
		"6: no name",
		"7: no date of birth",
		"8: is not a date",
		"9: is in the future",
		"10: 5 fields where the header has 6",
		"11: needs a reason",
		"12: needs referred_by",
	};

	a0 = fx_int(f->s, "SELECT count(*) FROM audit");
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want, sizeof(want) / sizeof(want[0]));
	assert_int_equal(rep.rejected, 10);
	assert_int_equal(rep.added, 0);
	mdt_import_report_done(&rep);
	/* nothing at all was written */
	assert_int_equal(patients(f), p0);
	assert_int_equal(candidates(f), c0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"), a0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries"), 0);
}

static void
test_lists_need_their_columns(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path = write_csv(f, 0, "nhs_number,name,date_of_birth\n"
	    NHS_A ",Zoë,1941-03-14\n", 0);
	const char *const want_inp[] = { "1: no column admitted" };
	const char *const want_ref[] = { "1: no column reason" };

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_INPATIENT,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_inp, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_ref, 1);
	mdt_import_report_done(&rep);
	/* a caseload list needs only the three */
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_CASELOAD,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 1);
	mdt_import_report_done(&rep);
	/* dates of the inpatient list */
	path = write_csv(f, 1, "nhs_number,name,date_of_birth,admitted\n"
	    NHS_A ",Zoë,1941-03-14,2026-11-20\n"
	    NHS_B ",Arthur,1936-11-02,yesterday\n", 0);
	{
		const char *const want[] = { "3: admitted \"yesterday\"" };

		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_INPATIENT, path, false, NULL, false, &rep),
		    MDT_EINVAL);
		assert_errors(&rep, path, want, 1);
		mdt_import_report_done(&rep);
	}
	assert_whole(f);
}

static void
test_duplicate_rows(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",Arthur,1936-11-02,R,Calls,Ade\n"
	    "999 339 5633,Zoë Adébáyọ̀,1941-03-14,L,Falls,Dr M\n", 0);

	/* the same row twice: imported once, counted as a duplicate */
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.added, 2);
	assert_int_equal(rep.duplicates, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);
	assert_int_equal(candidates(f), 2);

	/* the same patient with different details: the later row is bad */
	path = write_csv(f, 1, HEADER
	    NHS_C ",Małgorzata,1952-07-21,L,Discharged,Dr M\n"
	    NHS_D ",Dennis,1948-01-30,R,COPD,Ade\n"
	    NHS_C ",Małgorzata,1952-07-21,L,Something else,Dr M\n", 0);
	{
		const char *const want[] = {
			"4: NHS number 999 158 1766 is already on line 2 with"
			" different details",
		};

		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_REFERRAL, path, false, NULL, false, &rep),
		    MDT_EINVAL);
		assert_errors(&rep, path, want, 1);
		mdt_import_report_done(&rep);
	}
	assert_int_equal(patients(f), 2);
	assert_whole(f);
}

static void
test_empty_and_header_only(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path;
	const char *const want_empty[] = { "1: the file is empty" };
	const char *const want_header[] = { "1: no rows after the header" };

	path = write_csv(f, 0, "", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_empty, 1);
	mdt_import_report_done(&rep);

	/* a byte order mark and blank lines are still empty */
	path = write_csv(f, 1, "\xef\xbb\xbf\r\n\r\n,,\r\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_empty, 1);
	mdt_import_report_done(&rep);

	path = write_csv(f, 2, HEADER, 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_header, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 0);
	assert_int_equal(candidates(f), 0);

	/* no file at all */
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    "/nonexistent/list.csv", false, NULL, false, &rep), MDT_EFILE);
	assert_non_null(strstr(mdt_store_error(f->s), "/nonexistent/list.csv"));
	mdt_import_report_done(&rep);
}

static void
test_invalid_utf8_and_quoting(void **state)
{
	static const char nul[] = HEADER NHS_D ",Nul a\0b,1948-01-30,R,x,y\n";
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path = write_csv(f, 0, nul, sizeof(nul) - 1);
	const char *const want_nul[] = { "2: contains a NUL byte" };
	const char *const want[] = {
		"3: field 2 is not valid UTF-8 (byte \\x",
		"4: field 2 is not valid UTF-8 (byte \\x",
	};

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want_nul, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 0);

	path = write_csv(f, 1, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",Arthur \xc3\x28 Pennington,1936-11-02,R,x,y\n"
	    NHS_C ",Overlong \xc0\xaf,1952-07-21,R,x,y\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want, 2);
	mdt_import_report_done(&rep);

	/* malformed quoting stops the import at its line */
	path = write_csv(f, 2, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",\"Arthur\" Pennington,1936-11-02,R,x,y\n", 0);
	{
		const char *const want_q[] = { "3: malformed quoting" };

		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_REFERRAL, path, true, NULL, false, &rep),
		    MDT_EINVAL);
		assert_errors(&rep, path, want_q, 1);
		mdt_import_report_done(&rep);
	}
	path = write_csv(f, 3, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",\"Arthur Pennington,1936-11-02,R,x,y\n", 0);
	{
		const char *const want_q[] = { "3: never closed" };

		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_REFERRAL, path, false, NULL, false, &rep),
		    MDT_EINVAL);
		assert_errors(&rep, path, want_q, 1);
		mdt_import_report_done(&rep);
	}
	assert_int_equal(patients(f), 0);
}

/* Many bad rows: every one counted, the first MDT_IMPORT_ERRORS_KEPT
 * reported, in file order; the rest are not held. */
static void
test_many_bad_rows(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	char path[192], want[256];
	const long bad = 3L * MDT_IMPORT_ERRORS_KEPT;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/bad.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(HEADER NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n", fp);
	for (long i = 0; i < bad; i++)
		fputs("1\n", fp);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_int_equal(rep.rows, bad + 1);
	assert_int_equal(rep.rejected, bad);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.n_errors, MDT_IMPORT_ERRORS_KEPT);
	snprintf(want, sizeof(want), "%s:3: 1 field where", path);
	assert_memory_equal(rep.errors[0], want, strlen(want));
	snprintf(want, sizeof(want), "%s:%d: 1 field where", path,
	    MDT_IMPORT_ERRORS_KEPT + 2);
	assert_memory_equal(rep.errors[MDT_IMPORT_ERRORS_KEPT - 1], want,
	    strlen(want));
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 0);

	/* skipped: the good row imported, every bad one in the rejects */
	snprintf(want, sizeof(want), "%s/bad.rejects.csv", f->dir);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, want, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 1);
	assert_int_equal(rep.rejected, bad);
	assert_int_equal(rep.n_errors, MDT_IMPORT_ERRORS_KEPT);
	mdt_import_report_done(&rep);
	{
		size_t len, lines = 0;
		unsigned char *text = fx_slurp(want, &len);

		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		free(text);
		assert_int_equal(lines, bad + 1);
	}
	assert_whole(f);
}

static void
test_skip_invalid_rejects(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	char rejects[192];
	unsigned char *text;
	size_t len;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    "9434765918,\"Wrong, Check\",1950-01-01,L,x,y\n"
	    NHS_B ",Arthur,1936-11-02,R,Calls,Ade\n"
	    NHS_C ",Bad Date,1952-02-30,R,x,y\n", 0);

	snprintf(rejects, sizeof(rejects), "%s/rejects.csv", f->dir);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, rejects, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, 4);
	assert_int_equal(rep.added, 2);
	assert_int_equal(rep.rejected, 2);
	assert_int_equal(rep.n_errors, 2);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);
	text = fx_slurp(rejects, &len);
	text[len] = '\0';
	assert_string_equal((char *)text,
	    "\"nhs_number\",\"name\",\"date_of_birth\",\"practice\",\"reason\","
	    "\"referred_by\",\"error\"\r\n"
	    "\"9434765918\",\"Wrong, Check\",\"1950-01-01\",\"L\",\"x\",\"y\","
	    "\"NHS number 943 476 5918 has a wrong check digit\"\r\n"
	    "\"" NHS_C "\",\"Bad Date\",\"1952-02-30\",\"R\",\"x\",\"y\","
	    "\"date of birth \"\"1952-02-30\"\" is not a date"
	    " (YYYY-MM-DD)\"\r\n");
	free(text);

	/* rejects that cannot be written: nothing imported */
	path = write_csv(f, 1, HEADER
	    NHS_D ",Dennis,1948-01-30,R,COPD,Ade\n"
	    "9434765918,Wrong,1950-01-01,L,x,y\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, "/nonexistent/rejects.csv", false, &rep), MDT_EFILE);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);

	/* rejects that exist: kept, nothing imported, unless replaced; the
	 * replacement is mode 0600 whatever the old file's mode */
	assert_int_equal(chmod(rejects, 0644), 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, rejects, false, &rep), MDT_EFILE);
	assert_non_null(strstr(mdt_store_error(f->s), "give --force"));
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 2);
	text = fx_slurp(rejects, &len);
	text[len] = '\0';
	assert_non_null(strstr((char *)text, "Bad Date"));
	free(text);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, rejects, true, &rep), MDT_OK);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 3);
	text = fx_slurp(rejects, &len);
	text[len] = '\0';
	assert_null(strstr((char *)text, "Bad Date"));
	assert_non_null(strstr((char *)text, "\"Wrong\""));
	free(text);
	{
		struct stat sb;

		assert_int_equal(stat(rejects, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
	}

	/* the rejects never the list itself: refused, the list intact */
	text = fx_slurp(path, &len);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, path, true, &rep), MDT_EFILE);
	mdt_import_report_done(&rep);
	{
		size_t len2;
		unsigned char *again = fx_slurp(path, &len2);

		assert_int_equal(len2, len);
		assert_memory_equal(again, text, len);
		free(again);
	}
	free(text);
	assert_whole(f);
}

/* The rejects file of the list at path imported with --skip-invalid into
 * name in the fixture's directory, which rejected that many rows. */
static char *
rejects_of(struct fx *f, const char *path, const char *name, int rejected)
{
	struct mdt_import_report rep;
	char rejects[192];
	unsigned char *text;
	size_t len;

	snprintf(rejects, sizeof(rejects), "%s/%s", f->dir, name);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, true, rejects, false, &rep), MDT_OK);
	assert_int_equal(rep.rejected, rejected);
	mdt_import_report_done(&rep);
	text = fx_slurp(rejects, &len);
	text[len] = '\0';
	return (char *)text;
}

/* The rejects file is read by spreadsheets and printed: no formula, no
 * control character, no bidi control in it. */
static void
test_rejects_hostile(void **state)
{
	struct fx *f = *state;
	char *text;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Ann,1941-03-14,L,x,y\n"
	    NHS_B ",\"Ann\x1b]2;t\x07\xc2\x9b\xe2\x80\xae\",1936-11-02,R,x,y\n",
	    0);

	text = rejects_of(f, path, "hostile.rejects.csv", 1);
	assert_non_null(strstr(text, "\"" NHS_B "\",\"Ann\\x1b]2;t"
	    "\\x07<U+009B><U+202E>\",\"1936-11-02\""));
	for (const unsigned char *p = (unsigned char *)text; *p != '\0'; p++)
		if (*p < 0x20 && *p != '\r' && *p != '\n')
			fail_msg("byte 0x%02x in the rejects", *p);
	free(text);

	/* bad rows whose fields look like formulas */
	path = write_csv(f, 1, HEADER
	    NHS_C ",\"=HYPERLINK(\"\"http://x\"\")\",1952-02-30,+L,-x,@y\n"
	    NHS_D ",\" -2+3\",1952-02-30,R,x,y\n", 0);
	text = rejects_of(f, path, "formula.rejects.csv", 2);
	assert_non_null(strstr(text, "\"'=HYPERLINK(\"\"http://x\"\")"
	    "\",\"1952-02-30\",\"'+L\",\"'-x\",\"'@y\""));
	assert_non_null(strstr(text, "\"'-2+3\""));
	free(text);
}

static void
test_idempotent(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	int64_t audit, outbox, changes;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",Arthur,1936-11-02,R,Calls,Ade\n"
	    NHS_C ",Małgorzata,1952-07-21,L,Home,Dr M\n", 0);

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 3);
	mdt_import_report_done(&rep);
	audit = fx_int(f->s, "SELECT count(*) FROM audit");
	outbox = fx_int(f->s, "SELECT count(*) FROM outbox");
	changes = sqlite3_total_changes(mdt_store_db(f->s));

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.merged, 0);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(rep.unchanged, 3);
	assert_int_equal(rep.patients_created, 0);
	mdt_import_report_done(&rep);
	/* not a row written, not even an audit line */
	assert_int_equal(sqlite3_total_changes(mdt_store_db(f->s)), changes);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"), audit);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"), outbox);
	assert_int_equal(patients(f), 3);
	assert_int_equal(candidates(f), 3);

	/* a changed row of the same list is an update, not a new candidate */
	path = write_csv(f, 1, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls twice now,Dr M\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.updated, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(candidates(f), 3);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries"), 3);
	assert_whole(f);
}

static void
test_merge_lists(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	struct mdt_candidate *c;
	size_t n;
	char label[96];
	const char *inp = write_csv(f, 0,
	    "nhs_number,name,date_of_birth,practice,admitted\n"
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,Larkhall,2026-11-20\n"
	    NHS_B ",Arthur Pennington,1936-11-02,Riverside,2026-11-22\n", 0);
	const char *fa = write_csv(f, 1,
	    "nhs_number,name,date_of_birth,attendances\n"
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,6\n"
	    NHS_C ",Małgorzata Nowak,1952-07-21,4\n", 0);

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_INPATIENT,
	    inp, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 2);
	mdt_import_report_done(&rep);
	assert_int_equal(mdt_import_csv(f->s, f->meeting,
	    MDT_LIST_FREQUENT_ATTENDER, fa, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.added, 1);
	assert_int_equal(rep.merged, 1);
	assert_int_equal(rep.patients_created, 1);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 3);
	assert_int_equal(candidates(f), 3);

	assert_int_equal(mdt_candidates_load(f->s, f->meeting, &c, &n), MDT_OK);
	assert_int_equal(n, 3);
	/* the one on two lists comes first among the undecided */
	assert_string_equal(c[0].nhs_number, NHS_A);
	assert_int_equal(c[0].lists, MDT_LIST_INPATIENT |
	    MDT_LIST_FREQUENT_ATTENDER);
	assert_string_equal(mdt_lists_label(c[0].lists, label, sizeof(label)),
	    "inpatient, frequent attender");
	assert_string_equal(c[0].reason,
	    "inpatient since 2026-11-20; 6 hospital attendances");
	assert_string_equal(c[0].practice, "Larkhall");
	mdt_candidates_free(c, n);
	assert_whole(f);
}

static void
test_record_details(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	char buf[64];
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoe Adebayo,1941-03-14,Larkhall,Falls,Dr M\n", 0);
	const char *const want[] = {
		"2: date of birth 1941-04-14 differs from the record"
		" (1941-03-14)",
	};

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	mdt_import_report_done(&rep);
	/* another list with a different date of birth: refused, not
	 * overwritten */
	path = write_csv(f, 1, "nhs_number,name,date_of_birth\n"
	    NHS_A ",Zoe Adebayo,1941-04-14\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_CASELOAD,
	    path, false, NULL, false, &rep), MDT_EINVAL);
	assert_errors(&rep, path, want, 1);
	mdt_import_report_done(&rep);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT"
	    " date_of_birth FROM patients"), "1941-03-14");
	/* the name comes from the newest row */
	path = write_csv(f, 2, "nhs_number,name,date_of_birth,practice\n"
	    NHS_A ",Zoë Adébáyọ̀,1941-03-14,\n", 0);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_CASELOAD,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.merged, 1);
	mdt_import_report_done(&rep);
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT name FROM"
	    " patients"), "Zoë Adébáyọ̀");
	/* an empty practice keeps the one on record */
	assert_string_equal(fx_text(f->s, buf, sizeof(buf), "SELECT practice"
	    " FROM patients"), "Larkhall");
	assert_int_equal(patients(f), 1);
	assert_whole(f);
}

static void
test_closed_meeting(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *path = write_csv(f, 0, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n", 0);

	assert_int_equal(mdt_meeting_close(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_ESTATE);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), 0);
}

/* The n-th valid test-range NHS number from *seq on. */
static void
next_nhs(long *seq, char out[11])
{
	char d[16];
	int check;

	do {
		snprintf(d, sizeof(d), "999%06ld", *seq % 1000000);
		(*seq)++;
		check = mdt_nhs_check_digit(d);
	} while (check < 0);
	memcpy(out, d, 9);
	out[9] = (char)('0' + check);
	out[10] = '\0';
}

static void
test_five_megabytes(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	char path[192], nhs[11];
	long seq = 0, rows = 0;
	FILE *fp;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/big.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(HEADER, fp);
	while (ftell(fp) < 5L * 1024 * 1024) {
		next_nhs(&seq, nhs);
		fprintf(fp, "%s,\"Patient %ld, Ésmé\",1950-01-%02ld,Larkhall"
		    " Green Practice,\"Falls, frailty and \"\"low mood\"\";"
		    " lives alone, carer unwell\",Dr Siobhán Ní Bhriain\r\n",
		    nhs, rows, 1 + rows % 28);
		rows++;
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size >= 5 * 1024 * 1024);

	assert_int_equal(mdt_import_csv(f->s, f->meeting, MDT_LIST_REFERRAL,
	    path, false, NULL, false, &rep), MDT_OK);
	assert_int_equal(rep.rows, rows);
	assert_int_equal(rep.added, rows);
	assert_int_equal(rep.n_errors, 0);
	mdt_import_report_done(&rep);
	assert_int_equal(patients(f), rows);
	assert_int_equal(candidates(f), rows);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
	    " WHERE name = 'Patient 7, Ésmé'"), 1);
	assert_whole(f);
}

/* A sequence of imports of overlapping lists, good and bad, repeated: each
 * valid NHS number in the files ends as exactly one patient and one
 * candidate, and a bad row never leaves a patient behind. */
static void
test_never_loses_or_duplicates(void **state)
{
	struct fx *f = *state;
	struct mdt_import_report rep;
	const char *ref = write_csv(f, 0, HEADER
	    NHS_A ",Zoë,1941-03-14,L,Falls,Dr M\n"
	    NHS_B ",Arthur,1936-11-02,R,Calls,Ade\n", 0);
	const char *amb = write_csv(f, 1, "nhs_number,name,date_of_birth,calls\n"
	    NHS_B ",Arthur,1936-11-02,9\n"
	    NHS_C ",Małgorzata,1952-07-21,3\n"
	    "9434765918,Wrong,1950-01-01,1\n", 0);
	const char *dis = write_csv(f, 2,
	    "nhs_number,name,date_of_birth,discharged\n"
	    NHS_C ",Małgorzata,1952-07-21,2026-11-18\n"
	    NHS_D ",Dennis,1948-01-30,2026-11-19\n"
	    NHS_D ",Dennis,1948-01-30,2026-11-19\n", 0);
	int round;

	for (round = 0; round < 2; round++) {
		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_REFERRAL, ref, false, NULL, false, &rep), MDT_OK);
		mdt_import_report_done(&rep);
		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_AMBULANCE, amb, false, NULL, false, &rep),
		    MDT_EINVAL);
		mdt_import_report_done(&rep);
		assert_int_equal(patients(f), round == 0 ? 2 : 4);
		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_AMBULANCE, amb, true, NULL, false, &rep), MDT_OK);
		assert_int_equal(rep.rejected, 1);
		mdt_import_report_done(&rep);
		assert_int_equal(mdt_import_csv(f->s, f->meeting,
		    MDT_LIST_DISCHARGE, dis, false, NULL, false, &rep), MDT_OK);
		mdt_import_report_done(&rep);
		assert_int_equal(patients(f), 4);
		assert_int_equal(candidates(f), 4);
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
		    " WHERE nhs_number IN ('" NHS_A "', '" NHS_B "', '" NHS_C
		    "', '" NHS_D "')"), 4);
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM patients"
		    " WHERE nhs_number = '9434765918'"), 0);
		assert_int_equal(fx_int(f->s, "SELECT lists FROM candidates c"
		    " JOIN patients p ON p.id = c.patient_id"
		    " WHERE p.nhs_number = '" NHS_B "'"),
		    MDT_LIST_REFERRAL | MDT_LIST_AMBULANCE);
		assert_int_equal(fx_int(f->s, "SELECT lists FROM candidates c"
		    " JOIN patients p ON p.id = c.patient_id"
		    " WHERE p.nhs_number = '" NHS_C "'"),
		    MDT_LIST_AMBULANCE | MDT_LIST_DISCHARGE);
		assert_whole(f);
	}
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM list_entries"), 6);
}

static void
test_list_names(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(mdt_list_parse("frequent-attender"),
	    MDT_LIST_FREQUENT_ATTENDER);
	assert_int_equal(mdt_list_parse("ambulance"), MDT_LIST_AMBULANCE);
	assert_int_equal(mdt_list_parse("nope"), 0);
	assert_string_equal(mdt_list_name(MDT_LIST_DISCHARGE), "discharge");
	assert_string_equal(mdt_list_label(MDT_LIST_DISCHARGE),
	    "recent discharge");
	assert_string_equal(mdt_lists_label(MDT_LIST_ALL, buf, sizeof(buf)),
	    "caseload, referral, inpatient, recent discharge, frequent"
	    " attender, ambulance caller");
	assert_string_equal(mdt_lists_label(0, buf, sizeof(buf)), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bom_crlf_quotes, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_lines_after_multiline_field, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_referral_untraced, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_every_bad_row_reported,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lists_need_their_columns,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_rows, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_header_only,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_and_quoting,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_skip_invalid_rejects,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rejects_hostile, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_merge_lists, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_record_details, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_closed_meeting, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_five_megabytes, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_many_bad_rows, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_never_loses_or_duplicates,
		    setup, fx_teardown),
		cmocka_unit_test(test_list_names),
	};

	fx_utc();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
