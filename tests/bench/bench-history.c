/*
 * bench-history.c - the chair's console on ten years of weekly meetings,
 * through a real pseudo-terminal, as a chair would meet it on the day of
 * the next meeting.  The history is made once by gen-history (520
 * meetings, 8,000 patients, 60,000 actions by default; the next meeting
 * prepared, not opened) and kept in a cache folder under a name made of
 * the generator's arguments; each measure runs on a fresh copy.
 *
 * Measures, printing median and p99 (and min, max) of each:
 *   - start-up to the first agenda frame, with the page cache dropped
 *     (cold, when the kernel lets us) and warm;
 *   - key to screen on the slot screen: from writing 'p' (pause/resume,
 *     a durable commit) to the message it causes ("Paused"/"Resumed",
 *     near the end of the frame, which curses writes top to bottom),
 *     with no sync, and with --fhir also while the test FHIR server hangs
 *     every request and while 10,000 queued actions drain to it;
 *   - with --fhir, from the first frame to the sync engine made (the
 *     status bar leaves "starting": libcurl is loaded after the first
 *     frame) and to the server's first answer ("online");
 *   - draining to the server (resources/s, transactions, round trips);
 *   - the chair's peak resident memory (VmHWM) after start-up and after
 *     a meeting's worth of keys;
 *   - wakeups per second when idle on the agenda and on a running slot
 *     (voluntary context switches of all the chair's threads);
 *   - the disk's own time for one appended page and fdatasync, the
 *     durable part of every key (a floor under key to screen);
 *   - the floor under key to screen through this benchmark: the same key,
 *     terminal and wait, answered by a process that only appends a
 *     pause's eleven log pages, fdatasyncs them and writes the message.
 * Asserts nothing.
 *
 *   bench-history --gen GEN_HISTORY --cache DIR [--runs N] [--cold N]
 *       [--keys N] [--idle SECONDS] [--meetings N] [--patients N]
 *       [--actions N] [--seed S] [--sent] [--fhir FHIR_DIR]
 *       [--floor-pages N] [--floor-only] MDTCHAIR
 *
 * --sent: the history counts as delivered (outbox rows sent) in the
 * start-up and console measures too, as on a console that has synced all
 * along; without it they run on the history as made, its 194,000 rows
 * never sent.  The sync measures always start from a delivered history.
 * --floor-pages N: log pages the floor's child appends a key (11, a
 * pause's); --floor-only: the disk and the floor only (MDTCHAIR is not
 * run, but still named).
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <termios.h>

#include <sqlite3.h>

#include "benchterm.h"
#include "benchhist.h"
#include "benchfhir.h"

struct opts {
	const char *gen, *cache, *bin, *fhir;
	int runs, cold, keys, idle_s;
	int floor_pages;	/* log pages a key in the floor's child */
	bool floor_only;	/* the disk and the floor, nothing else */
	bool sent;		/* the history delivered before today */
	long meetings, patients, actions, seed;
};

static char work[] = "/tmp/mdtchair-bench-history.XXXXXX";

#define DRAIN_ROUNDS 50		/* at most as many 10,000s queued */
#define PULL_ROUNDS 20		/* at most as many --keys while a pull runs */

/* ---- files and the database ------------------------------------------- */

/* A fresh copy of the history as work/NAME.db; its path in db. */
static void
fresh_copy(const char *history, const char *name, char *db, size_t len)
{
	fresh_copy_in(work, history, name, db, len);
}

/* n open actions for patients of the history, each queued: the queue a
 * long offline spell leaves (as bench-sync makes it). */
static void
queue_actions(const char *db, int n)
{
	char sql[2048];

	snprintf(sql, sizeof(sql),
	    "BEGIN;"
	    "CREATE TEMP TABLE q AS WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL"
	    " SELECT i + 1 FROM k WHERE i + 1 < %d) SELECT i, lower(hex("
	    "randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||"
	    " substr(lower(hex(randomblob(2))), 2) || '-a' ||"
	    " substr(lower(hex(randomblob(2))), 2) || '-' ||"
	    " lower(hex(randomblob(6))) AS u FROM k;"
	    "INSERT INTO actions (uuid, patient_id, text, owner_id, due_date,"
	    " created_at) SELECT u, (SELECT min(id) FROM patients WHERE id >="
	    " (SELECT min(id) FROM patients) + i %% 12),"
	    " 'Follow-up call ' || (i + 1), (SELECT min(id) FROM people"
	    " WHERE id >= (SELECT min(id) FROM people) + i %% 10),"
	    " printf('2027-%%02d-%%02d', i %% 12 + 1, i %% 28 + 1),"
	    " CAST(strftime('%%s', 'now') AS INTEGER) * 1000 FROM q;"
	    "INSERT INTO outbox (uuid, entity, entity_uuid, created_at,"
	    " next_at) SELECT lower(hex(randomblob(4))) || '-' ||"
	    " lower(hex(randomblob(2))) || '-4' ||"
	    " substr(lower(hex(randomblob(2))), 2) || '-b' ||"
	    " substr(lower(hex(randomblob(2))), 2) || '-' ||"
	    " lower(hex(randomblob(6))), 'action', u,"
	    " CAST(strftime('%%s', 'now') AS INTEGER) * 1000,"
	    " CAST(strftime('%%s', 'now') AS INTEGER) * 1000 FROM q;"
	    "COMMIT;", n);
	db_exec(db, sql);
}

/* Brings a fresh copy to the schema of the binary measured (a one-off on
 * a real console, counted in "first start"), so that the console's
 * measures (its peak memory above all) do not include a migration. */
static void
migrate_copy(const struct opts *o, const char *db)
{
	char cmd[1400];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' people >/dev/null", o->bin,
	    db);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-history: %s could not open %s\n",
		    o->bin, db);
		exit(1);
	}
}

/* ---- the chair's process ---------------------------------------------- */

/* A line "Name:   123 kB" of /proc/PID/status, in kB; -1 if none. */
static long
proc_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	FILE *fp;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, name, strlen(name)) == 0)
			v = strtol(line + strlen(name), NULL, 10);
	fclose(fp);
	return v;
}

/* Voluntary context switches of all the process's threads: each is a
 * sleep ended by a wakeup. */
static long
wakeups(pid_t pid)
{
	char path[64], file[400], line[256];
	struct dirent *d;
	DIR *dir;
	long n = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		FILE *fp;

		if (d->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/status", path, d->d_name);
		if ((fp = fopen(file, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
				n += strtol(line + 24, NULL, 10);
		fclose(fp);
	}
	closedir(dir);
	return n;
}

static int
threads(pid_t pid)
{
	return (int)proc_kb(pid, "Threads:");
}

static void
send_key(struct term *t, const char *k)
{
	if (write(t->fd, k, strlen(k)) != (ssize_t)strlen(k))
		die("write");
}

/* Ends the chair as a closed terminal would (q may ask first). */
static void
chair_stop(struct term *t)
{
	term_hangup(t);
}

/* Starts the chair on db and waits for its first frame; -1 if none. */
static int
chair_start(struct term *t, const struct opts *o, const char *db)
{
	term_start(t, o->bin, db, "chair");
	if (term_wait_for(t, "Sync:", 20000) == 0)
		return 0;
	fprintf(stderr, "bench-history: the chair's first frame never came;"
	    " it wrote:\n%.*s\n", (int)t->len, t->out);
	return -1;
}

/*
 * Key to screen: 'p' on the running slot, from the write to the
 * "Paused"/"Resumed" message of its redraw (the whole frame, after the
 * commit).  Keys go at uneven times (50-250 ms apart).  If pending_db is
 * set, stops once that database's outbox has nothing pending.  Returns
 * how many were measured.
 */
static int
slot_keys(struct term *t, double *v, int n, const char *pending_db)
{
	int got = 0;
	bool paused = false;

	for (int i = 0; i < n; i++) {
		/* the start of the message only: curses may rewrite the
		 * rest of it with a deleted or inserted character */
		const char *want = paused ? "Resum" : "Paus";
		double t0;

		settle(t, 50 + (i * 37) % 200);
		t0 = now_ms();
		send_key(t, "p");
		if (term_wait_for(t, want, 5000) != 0) {
			fprintf(stderr, "bench-history: no '%s' after a key;"
			    " the screen got:\n%.*s\n", want, (int)t->len,
			    t->out);
			break;
		}
		v[got++] = now_ms() - t0;
		paused = !paused;
		if (pending_db != NULL && i % 5 == 4 && db_int(pending_db,
		    "SELECT count(*) FROM outbox WHERE state = 'pending'") == 0)
			break;
	}
	/* leave the slot running */
	if (paused) {
		send_key(t, "p");
		term_wait_for(t, "Resum", 5000);
	}
	return got;
}

/* n: the slot at position starts (the database says so: curses redraws
 * only the digits that change, so the screen's "Slot N of" is no marker).
 * n asks first when carried-forward actions have no verdict: y.  -1 if
 * it has not started after 5 s. */
static int
next_slot(struct term *t, const char *db, int position)
{
	double start = now_ms();
	bool asked = false;

	send_key(t, "n");
	while (now_ms() < start + 5000) {
		if (db_int(db, "SELECT s.position FROM meetings m JOIN slots s"
		    " ON s.id = m.current_slot_id WHERE m.id = (SELECT max(id)"
		    " FROM meetings)") == position)
			return 0;
		if (!asked && now_ms() > start + 300) {
			send_key(t, "y");
			asked = true;
		}
		term_read(t, 20);
	}
	return -1;
}

static double
idle_rate(struct term *t, int seconds)
{
	long w0, w1;
	double t0, t1;

	/* after the last commit's looks again (store_wal_hook, tui/app.c);
	 * and half a second off the phase of a running slot's clock, which
	 * ticks on the second of the slot's start: a window that began and
	 * ended on a tick counted six ticks in five seconds, or five */
	settle(t, 2500);
	w0 = wakeups(t->pid);
	t0 = now_ms();
	settle(t, seconds * 1000);
	w1 = wakeups(t->pid);
	t1 = now_ms();
	return (double)(w1 - w0) * 1000.0 / (t1 - t0);
}

/* ---- the history ------------------------------------------------------ */

/* The cached history for these options, made if missing. */
static void
history(const struct opts *o, char *path, size_t len)
{
	cached_history(o->gen, o->cache, o->meetings, o->patients, o->actions,
	    o->seed, path, len);
}

/* ---- the measures ----------------------------------------------------- */

static bool
drop_caches(void)
{
	FILE *fp;
	bool ok;

	sync();
	if ((fp = fopen("/proc/sys/vm/drop_caches", "w")) == NULL)
		return false;
	ok = fputs("3\n", fp) >= 0;
	return fclose(fp) == 0 && ok;
}

static void
measure_start(const struct opts *o, const char *hist, double *v)
{
	char db[600];
	struct term t = { 0 };
	bool dropped = true;

	t.out = malloc(OUTCAP + 1);
	fresh_copy(hist, "start", db, sizeof(db));
	if (o->sent)
		mark_history_sent(db);
	/* the first start of the day opens the meeting: a write */
	{
		double t0 = now_ms();

		if (chair_start(&t, o, db) != 0) {
			fprintf(stderr, "bench-history: no first frame\n");
			exit(1);
		}
		printf("first start (opens the meeting): %.2f ms\n",
		    now_ms() - t0);
		chair_stop(&t);
	}
	for (int i = 0; i < o->cold; i++) {
		double t0;

		dropped = drop_caches() && dropped;
		t0 = now_ms();
		if (chair_start(&t, o, db) != 0)
			exit(1);
		v[i] = now_ms() - t0;
		chair_stop(&t);
	}
	if (o->cold > 0)
		report(dropped ? "start-up, cold (caches dropped)" :
		    "start-up (could not drop caches)", v, o->cold);
	for (int i = 0; i < o->runs; i++) {
		double t0 = now_ms();

		if (chair_start(&t, o, db) != 0)
			exit(1);
		v[i] = now_ms() - t0;
		chair_stop(&t);
	}
	report("start-up, warm", v, o->runs);
	free(t.out);
}

/*
 * What the disk itself takes for the durable part of a key: one 4 kB page
 * (with a log frame's 24-byte header) appended to a file beside the
 * copies, then fdatasync, as SQLite's log does for each commit; n times,
 * 20 ms apart.  A floor under "key to screen", which waits for one.
 */
static void
measure_disk(double *v, int n)
{
	char path[sizeof(work) + 16], page[4096 + 24];
	int fd;

	snprintf(path, sizeof(path), "%s/disk", work);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (fd < 0)
		die("open");
	memset(page, 0x5a, sizeof(page));
	for (int i = 0; i < n; i++) {
		double t0;

		usleep(20000);
		t0 = now_ms();
		if (write(fd, page, 24) != 24 ||
		    write(fd, page + 24, 4096) != 4096)
			die("write");
		if (fdatasync(fd) != 0)
			die("fdatasync");
		v[i] = now_ms() - t0;
	}
	close(fd);
	unlink(path);
	report("disk: 4 kB appended + fdatasync", v, n);
}

/*
 * The floor under "key to screen": what any program that makes each key
 * durable before showing it would take here, measured the way the console
 * is.  A child in its own pseudo-terminal (raw, as curses sets it) reads
 * a key, appends eleven log frames (24-byte header and 4 kB page each, as
 * SQLite's log does for a pause's commit) to a file beside the copies,
 * fdatasyncs it, and writes one line holding the message the console
 * would show.  No database, no curses, no event loop.
 */
static void
floor_child(int floor_pages)
{
	static char frame[24 + 4096];
	char path[sizeof(work) + 16], line[160], c;
	struct termios tio;
	bool paused = false;
	int fd;

	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	snprintf(path, sizeof(path), "%s/floor-wal", work);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (fd < 0)
		_exit(1);
	memset(frame, 0x5a, sizeof(frame));
	if (write(STDOUT_FILENO, "ready\r\n", 7) != 7)
		_exit(1);
	while (read(STDIN_FILENO, &c, 1) == 1 && c != 'q') {
		int n;

		for (int i = 0; i < floor_pages; i++)
			if (write(fd, frame, 24) != 24 ||
			    write(fd, frame + 24, 4096) != 4096)
				_exit(1);
		if (fdatasync(fd) != 0)
			_exit(1);
		paused = !paused;
		n = snprintf(line, sizeof(line), "\x1b[24;1H\x1b[7m%-72s"
		    "\x1b[m", paused ? "Paused: the slot's clock has stopped"
		    : "Resumed: the slot's clock runs again");
		if (write(STDOUT_FILENO, line, (size_t)n) != n)
			_exit(1);
	}
	unlink(path);
	_exit(0);
}

static void
measure_floor(const struct opts *o, double *v)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct term t = { 0 };
	int n;

	t.out = malloc(OUTCAP + 1);
	t.pid = forkpty(&t.fd, NULL, NULL, &ws);
	if (t.pid < 0)
		die("forkpty");
	if (t.pid == 0)
		floor_child(o->floor_pages);
	if (term_wait_for(&t, "ready", 5000) != 0) {
		fprintf(stderr, "bench-history: the floor's child never"
		    " started\n");
		exit(1);
	}
	n = slot_keys(&t, v, o->keys, NULL);
	if (n > 0) {
		char what[64];

		snprintf(what, sizeof(what), "floor: %d page%s + fdatasync +"
		    " line", o->floor_pages, o->floor_pages == 1 ? "" : "s");
		report(what, v, n);
	}
	term_stop(&t);
	free(t.out);
}

/*
 * The chair's console without sync: idle on the agenda, then the first
 * slot (idle on it, then keys), then the rest of the meeting (each slot
 * started, paused, resumed, and every screen looked at).
 */
static void
measure_console(const struct opts *o, const char *hist, double *v)
{
	static const char *const screens[] = { "1", "2", "4", "5", "3" };
	char db[600];
	struct term t = { 0 };
	long hwm_start, rss_start;
	int n, slots;

	t.out = malloc(OUTCAP + 1);
	fresh_copy(hist, "console", db, sizeof(db));
	migrate_copy(o, db);
	if (o->sent)
		mark_history_sent(db);
	printf("console without sync: %lld outbox rows queued\n", db_int(db,
	    "SELECT count(*) FROM outbox WHERE state <> 'sent'"));
	slots = (int)db_int(db, "SELECT count(*) FROM slots WHERE meeting_id"
	    " = (SELECT max(id) FROM meetings)");
	if (chair_start(&t, o, db) != 0)
		exit(1);
	settle(&t, 500);
	hwm_start = proc_kb(t.pid, "VmHWM:");
	rss_start = proc_kb(t.pid, "VmRSS:");
	printf("peak RSS after start-up: %ld kB (VmHWM; VmRSS %ld kB),"
	    " %d thread(s)\n", hwm_start, rss_start, threads(t.pid));
	printf("idle on the agenda: %.2f wakeups/s over %d s\n",
	    idle_rate(&t, o->idle_s), o->idle_s);
	if (next_slot(&t, db, 1) != 0) {
		fprintf(stderr, "bench-history: the first slot did not start\n");
		exit(1);
	}
	printf("idle on a running slot: %.2f wakeups/s over %d s\n",
	    idle_rate(&t, o->idle_s), o->idle_s);
	n = slot_keys(&t, v, o->keys, NULL);
	if (n > 0)
		report("key to screen, no sync", v, n);
	/* the rest of the meeting */
	for (int s = 2; s <= slots; s++) {
		if (next_slot(&t, db, s) != 0) {
			fprintf(stderr, "bench-history: slot %d did not start\n",
			    s);
			slots = s - 1;
			break;
		}
		send_key(&t, "p");
		term_wait_for(&t, "Paus", 5000);
		send_key(&t, "p");
		term_wait_for(&t, "Resum", 5000);
		for (size_t k = 0; k < sizeof(screens) / sizeof(*screens); k++) {
			send_key(&t, screens[k]);
			settle(&t, 30);
		}
	}
	printf("peak RSS after the meeting (%d slots started, paused, resumed;"
	    " every screen shown): %ld kB (VmHWM; VmRSS %ld kB)\n", slots,
	    proc_kb(t.pid, "VmHWM:"), proc_kb(t.pid, "VmRSS:"));
	chair_stop(&t);
	free(t.out);
}

/*
 * Sync configured, warm: the first frame ("Sync:"), then the engine made
 * ("offline", which curses writes whole over "starting"; a console that
 * makes the engine before its first frame shows it at once), then the
 * first answer ("online" over "offline": curses writes "nline", or,
 * where the terminal can delete a character, "n" and a delete of one).
 */
static void
measure_sync_start(const struct opts *o, const char *hist)
{
	static const char *const online_seen[] = { "nline", "n\033[1P" };
	double *first, *ready, *online, t0, t1;
	struct term t = { 0 };
	char db[600];
	int n = 0;

	first = calloc((size_t)o->runs * 3, sizeof(*first));
	if (first == NULL)
		die("calloc");
	ready = first + o->runs;
	online = ready + o->runs;
	t.out = malloc(OUTCAP + 1);
	fresh_copy(hist, "sync-start", db, sizeof(db));
	mark_history_sent(db);
	for (int i = 0; i < o->runs; i++) {
		t0 = now_ms();
		if (chair_start(&t, o, db) != 0)
			exit(1);
		t1 = now_ms();
		if (term_wait_for(&t, "ffline", 10000) != 0) {
			fprintf(stderr, "bench-history: the sync engine never"
			    " came\n");
			chair_stop(&t);
			break;
		}
		ready[n] = now_ms() - t1;
		if (term_wait_for_any(&t, online_seen, 2, 10000) != 0) {
			fprintf(stderr, "bench-history: never online\n");
			chair_stop(&t);
			break;
		}
		online[n] = now_ms() - t1;
		first[n++] = t1 - t0;
		chair_stop(&t);
	}
	if (n > 0) {
		report("start-up, warm, sync configured", first, n);
		report("first frame to sync engine made", ready, n);
		report("first frame to first answer", online, n);
	}
	free(t.out);
	free(first);
}

/* The same console, sync configured: idle, then the server hanging
 * every request, then 10,000 actions draining. */
static void
measure_sync(const struct opts *o, const char *hist, double *v)
{
	struct fhir_server f = { 0 };
	char db[600], config[700];
	struct term t = { 0 };
	long req0, tx0, res;
	double t0, secs;
	int n, rounds = 0, total = 0;

	if (fhir_start(&f, o->fhir, work) != 0 ||
	    fhir_write_config(&f, work, config, sizeof(config)) != 0) {
		fhir_stop(&f);
		return;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	setenv("MDTCHAIR_CONFIG", config, 1);
	t.out = malloc(OUTCAP + 1);
	printf("sync: the test FHIR server on %s (Medplum, R4 validation of"
	    " every write), bundle_size 50\n", f.base);
	measure_sync_start(o, hist);

	/* idle, everything sent */
	fresh_copy(hist, "sync-idle", db, sizeof(db));
	migrate_copy(o, db);
	mark_history_sent(db);
	if (chair_start(&t, o, db) != 0)
		exit(1);
	settle(&t, 1000);
	printf("idle on the agenda, sync configured and online: %.2f"
	    " wakeups/s over %d s\n", idle_rate(&t, o->idle_s), o->idle_s);
	next_slot(&t, db, 1);	/* a meeting not today asks first */
	printf("idle on a running slot, sync configured: %.2f wakeups/s over"
	    " %d s\n", idle_rate(&t, o->idle_s), o->idle_s);

	/* the server hangs every request: each key queues a row */
	fhir_control(&f, "faults", "{\"faults\":[{\"hang\":true}]}", NULL);
	n = slot_keys(&t, v, o->keys, NULL);
	if (n > 0)
		report("key to screen, server hanging", v, n);
	chair_stop(&t);
	fhir_control(&f, "reset", "{\"data\":true,\"stats\":true}", NULL);

	/* 10,000 queued actions draining (again if they drain before the
	 * keys are done) */
	fresh_copy(hist, "sync-drain", db, sizeof(db));
	migrate_copy(o, db);
	mark_history_sent(db);
	queue_actions(db, 10000);
	req0 = fhir_stat(&f, "requests");
	tx0 = fhir_stat(&f, "transactions");
	t0 = now_ms();
	if (chair_start(&t, o, db) != 0)
		exit(1);
	next_slot(&t, db, 1);	/* a meeting not today asks first */
	/* the queue is made again only for keys still to come, so that the
	 * measure ends with the keys (and the round trips below start from
	 * an outbox that drains) */
	while (total < o->keys && rounds < DRAIN_ROUNDS) {
		n = slot_keys(&t, v + total, o->keys - total, db);
		total += n;
		if (n == 0)
			break;
		if (rounds == 0) {
			/* wait for the first 10,000 to go, for the rate */
			while (db_int(db, "SELECT count(*) FROM outbox WHERE"
			    " state = 'pending'") > 0 && now_ms() - t0 < 600000)
				settle(&t, 50);
			secs = (now_ms() - t0) / 1000;
			res = (long)db_int(db, "SELECT count(*) FROM"
			    " sync_versions");
			printf("drain of 10,000 queued actions on the history,"
			    " from start-up, keys being pressed: %ld resources in"
			    " %.2f s, %.0f resources/s, %ld transactions, %ld"
			    " requests\n", res, secs, (double)res / secs,
			    fhir_stat(&f, "transactions") - tx0,
			    fhir_stat(&f, "requests") - req0);
		}
		rounds++;
		if (total < o->keys && rounds < DRAIN_ROUNDS)
			queue_actions(db, 10000);
	}
	if (total > 0)
		report("key to screen, 10,000 draining", v, total);

	while (db_int(db, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending'") > 0)
		settle(&t, 100);
	/* keys while the record is read back (slot 1 still running, the
	 * queue drained): the last pull forgotten, so
	 * that the one p in the sync panel begins reads every open action's
	 * Task again (over 10,000, 40 a search), then merges them; keys
	 * until it has ended (a few rounds at most) */
	db_exec(db, "UPDATE record_pull SET since = 0");
	{
		long long before = db_int(db, "SELECT pulled_at FROM"
		    " record_pull WHERE resource_type = 'Task'");
		double *w = calloc((size_t)o->keys * PULL_ROUNDS + 1,
		    sizeof(*w));

		if (w == NULL)
			die("calloc");

		req0 = fhir_stat(&f, "requests");
		t0 = now_ms();
		send_key(&t, "5");
		settle(&t, 300);
		send_key(&t, "p");
		settle(&t, 300);
		send_key(&t, "3");
		settle(&t, 300);
		total = 0;
		for (rounds = 0; rounds < PULL_ROUNDS; rounds++) {
			n = slot_keys(&t, w + total, o->keys, NULL);
			total += n;
			if (n == 0 || db_int(db, "SELECT pulled_at FROM"
			    " record_pull WHERE resource_type = 'Task'") !=
			    before)
				break;
		}
		while (db_int(db, "SELECT pulled_at FROM record_pull WHERE"
		    " resource_type = 'Task'") == before &&
		    now_ms() - t0 < 600000)
			settle(&t, 100);
		printf("the record read back in the console: %lld open"
		    " actions, %ld requests, %.1f s\n", db_int(db, "SELECT"
		    " count(*) FROM actions WHERE status = 'open'"),
		    fhir_stat(&f, "requests") - req0, (now_ms() - t0) / 1000);
		if (total > 0)
			report("key to screen, the record read back", w, total);
		free(w);
	}

	/* round trips for a meeting chaired live */
	fhir_control(&f, "reset", "{\"stats\":true}", NULL);
	while (db_int(db, "SELECT count(*) FROM outbox WHERE state ="
	    " 'pending'") > 0)
		settle(&t, 100);
	req0 = fhir_stat(&f, "requests");
	{
		int slots = (int)db_int(db, "SELECT count(*) FROM slots WHERE"
		    " meeting_id = (SELECT max(id) FROM meetings)");
		long rows0 = (long)db_int(db, "SELECT count(*) FROM outbox");

		for (int s = 2; s <= slots; s++) {
			if (next_slot(&t, db, s) != 0) {
				fprintf(stderr, "bench-history: slot %d did not"
				    " start\n", s);
				slots = s - 1;
				break;
			}
			settle(&t, 150);
		}
		send_key(&t, "n");	/* the last slot ends */
		settle(&t, 500);
		while (db_int(db, "SELECT count(*) FROM outbox WHERE state ="
		    " 'pending'") > 0)
			settle(&t, 100);
		printf("round trips for the rest of the meeting (slots 2-%d"
		    " started one after another, live): %ld requests for %ld"
		    " outbox rows\n", slots, fhir_stat(&f, "requests") - req0,
		    (long)db_int(db, "SELECT count(*) FROM outbox") - rows0);
	}

	chair_stop(&t);
	unsetenv("MDTCHAIR_CONFIG");
	free(t.out);
	fhir_stop(&f);
	curl_global_cleanup();
}

static long
num(const char *v)
{
	return strtol(v, NULL, 10);
}

int
main(int argc, char **argv)
{
	struct opts o = { .runs = 20, .cold = 10, .keys = 60, .idle_s = 12,
	    .floor_pages = 11,
	    .meetings = 520, .patients = 8000, .actions = 60000, .seed = 1 };
	char hist[1024], cmd[1200], none[600];
	double *v;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : "";

		if (strcmp(a, "--gen") == 0)
			o.gen = argv[++i];
		else if (strcmp(a, "--cache") == 0)
			o.cache = argv[++i];
		else if (strcmp(a, "--fhir") == 0)
			o.fhir = argv[++i];
		else if (strcmp(a, "--sent") == 0)
			o.sent = true;
		else if (strcmp(a, "--floor-only") == 0)
			o.floor_only = true;
		else if (strcmp(a, "--floor-pages") == 0)
			o.floor_pages = (int)num(val), i++;
		else if (strcmp(a, "--runs") == 0)
			o.runs = (int)num(val), i++;
		else if (strcmp(a, "--cold") == 0)
			o.cold = (int)num(val), i++;
		else if (strcmp(a, "--keys") == 0)
			o.keys = (int)num(val), i++;
		else if (strcmp(a, "--idle") == 0)
			o.idle_s = (int)num(val), i++;
		else if (strcmp(a, "--meetings") == 0)
			o.meetings = num(val), i++;
		else if (strcmp(a, "--patients") == 0)
			o.patients = num(val), i++;
		else if (strcmp(a, "--actions") == 0)
			o.actions = num(val), i++;
		else if (strcmp(a, "--seed") == 0)
			o.seed = num(val), i++;
		else
			o.bin = a;
	}
	if (o.gen == NULL || o.cache == NULL || o.bin == NULL || o.runs < 1 ||
	    o.cold < 0 || o.keys < 1 || o.idle_s < 1 || o.meetings < 1 ||
	    o.floor_pages < 1 || o.floor_pages > 1000) {
		fputs("usage: bench-history --gen GEN_HISTORY --cache DIR"
		    " [--runs N] [--cold N] [--keys N] [--idle SECONDS]"
		    " [--meetings N] [--patients N] [--actions N] [--seed S]"
		    " [--sent] [--fhir FHIR_DIR] [--floor-pages N]"
		    " [--floor-only] MDTCHAIR\n", stderr);
		return 2;
	}
	print_command_line(argc, argv);
	if (!o.floor_only)
		history(&o, hist, sizeof(hist));
	if (!mkdtemp(work))
		die("mkdtemp");
	/* no configuration but the one given */
	snprintf(none, sizeof(none), "%s/none", work);
	setenv("XDG_CONFIG_HOME", none, 1);
	unsetenv("MDTCHAIR_CONFIG");
	v = calloc((size_t)(o.runs + o.cold + o.keys + 16), sizeof(*v));
	if (v == NULL)
		die("calloc");

	if (!o.floor_only)
		measure_start(&o, hist, v);
	measure_disk(v, o.keys);
	measure_floor(&o, v);
	if (!o.floor_only) {
		measure_console(&o, hist, v);
		if (o.fhir != NULL)
			measure_sync(&o, hist, v);
	}
	free(v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	return system(cmd) == 0 ? 0 : 1;
}
