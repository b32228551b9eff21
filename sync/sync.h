/*
 * sync.h - delivery of the outbox to the central FHIR R4 record over
 * HTTPS: the configuration (an INI file) and the engine that drains the
 * outbox on the program's libuv loop without ever blocking it.
 *
 * The engine reads the rows core/ queued, builds each named record's FHIR
 * resources from the store at send time (docs/fhir-mapping.md), and sends
 * them as transaction bundles of PUTs with our own ids, so that sending
 * the same thing twice never makes a duplicate.  Transient failures are
 * retried with capped exponential backoff and jitter (the schedule is kept
 * in the outbox, so a restart keeps it); a rejection is kept with the
 * server's words; a version clash is reported, never overwritten.
 * docs/sync.md is the reference for the configuration.
 */
#ifndef MDT_SYNC_H
#define MDT_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "mdt.h"

/* ---- configuration --------------------------------------------------- */

/*
 * [server] base_url, ca_file, client_cert, client_key, token_file,
 * connect_timeout, timeout, bundle_size, max_response_bytes;
 * [retry] initial_ms, max_ms; [meeting] quorum; [privacy] idle_minutes;
 * [retention] days.  [server] may be left out (nothing is then sent).
 * Opaque; never holds the token itself.
 */
struct sync_config;

/*
 * Loads and checks the INI file at path.  Returns 0 with *out set; 1 with
 * *out NULL when the file does not exist ("sync is not configured"); -1
 * with a one-line reason in err (HTTPS only; the token file must exist and
 * be mode 0600 exactly: "token file PATH is readable by others (mode
 * 0644); chmod 600 it").  Relative paths in the file are taken from the
 * file's folder.  DESTRUCTOR: sync_config_free.
 */
int sync_config_load(const char *path, struct sync_config **out, char *err,
    size_t errlen);
void sync_config_free(struct sync_config *cfg);

/* The base URL (for messages; it holds no secret). */
const char *sync_config_base_url(const struct sync_config *cfg);
/* [meeting] quorum: the roles that must be present, comma-separated; NULL
 * if not set. */
const char *sync_config_quorum(const struct sync_config *cfg);
/* [network] practices: the member practices, comma-separated; NULL if not
 * set.  A quorum role "ROLE from each practice" asks for one from each. */
const char *sync_config_practices(const struct sync_config *cfg);
/* [network] rota: the venues meetings go to in turn, comma-separated;
 * the practices if not set; NULL if neither is. */
const char *sync_config_rota(const struct sync_config *cfg);
/* [privacy] idle_minutes (or idle_seconds) in seconds; 0 if not set. */
int64_t sync_config_idle_lock_s(const struct sync_config *cfg);
/* [retention] days: identifiable detail of closed, fully delivered
 * meetings older than this may be purged; 0 if not set. */
int sync_config_retention_days(const struct sync_config *cfg);
/* Whether a [server] section was given.  Without one the file holds only
 * the meeting, privacy and retention rules, and nothing is sent. */
bool sync_config_has_server(const struct sync_config *cfg);

/*
 * The configuration file to use: --config (given), else $MDTCHAIR_CONFIG,
 * else $XDG_CONFIG_HOME/mdtchair/config.ini, else
 * ~/.config/mdtchair/config.ini.  Writes it into buf; -1 if no path can
 * be made (no HOME).
 */
int sync_config_path(const char *given, char *buf, size_t len);

/* ---- the engine ------------------------------------------------------ */

struct sync_engine;

/*
 * A new engine on loop, delivering the outbox of store (shared with the
 * caller; both stay the caller's and must outlive the engine).  cfg is
 * copied; NULL gives an engine that reports "not configured" and never
 * sends.  Does not start sending: call sync_engine_kick.
 * DESTRUCTOR: sync_engine_close.
 */
struct sync_engine *sync_engine_new(uv_loop_t *loop, struct mdt_store *store,
    const struct sync_config *cfg);

/*
 * Loads what sending needs (libcurl, which the program is not linked
 * with: its libraries are mapped only when sync starts).  Blocking (a few
 * ms warm, tens of ms cold) and safe from any thread: the console calls
 * it on a worker before sync_engine_new, which otherwise calls it itself.
 * Done once; 0, or -1 with a one-line reason in err ("sync unavailable:
 * libcurl.so.4 could not be loaded: ..."), which an engine made after a
 * failure also shows in its status.
 */
int sync_prepare(char *err, size_t errlen);

/* What sync_verify found. */
struct sync_verify_result {
	int64_t checked;	/* resources read back */
	int64_t missing;	/* not on the record */
	int64_t different;	/* on it, not as sent */
	int64_t queued;		/* of those, queued to be sent again */
	int64_t not_queued;	/* of those, with no record here to send */
	int64_t from_record;	/* Tasks changed on the record, read back by
				 * the pull: not different, not sent again */
	char error[512];	/* why it stopped; "" if it ran to the end */
};

/*
 * Reads back every resource the central record acknowledged (a search by
 * _id, a page at a time) and queues again, through its record's outbox
 * row, each that is missing or not as it was sent; an audit row says what
 * was found.  Runs loop until done (libcurl loaded: sync_prepare).  0, or
 * -1 with out->error.
 */
int sync_verify(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_verify_result *out);

/* What sync_pull read and did. */
struct sync_pull_result {
	int64_t actions;	/* actions asked about */
	int64_t requests;	/* searches and pages read */
	int64_t bytes;		/* sent and received, headers included */
	struct mdt_pull_result merged;	/* what the merge did */
	char error[512];	/* why it stopped; "" if it ran to the end */
};

/*
 * Reads back, from the central record, the Tasks of the actions it has
 * that are open here (or have a change not yet sent) and changed since
 * the last pull (Task?_id=...&_lastUpdated=gt..., 40 ids a search, next
 * pages followed under base_url only), and merges them into the store
 * (mdt_pull_apply, docs/sync.md "Pull"): all or nothing, in one
 * transaction after the last page.  Runs loop until done (libcurl
 * loaded: sync_prepare).  0, or -1 with out->error (nothing taken).
 */
int sync_pull(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_pull_result *out);

/* What sync_pull_elsewhere read and kept. */
struct sync_elsewhere_result {
	int64_t patients;	/* patients asked about */
	int64_t requests;	/* searches and pages read */
	int64_t bytes;		/* sent and received, headers included */
	int64_t skipped;	/* not ours, or not well formed: left out */
	struct mdt_elsewhere_result kept;	/* what was kept */
	char error[512];	/* why it stopped; "" if it ran to the end */
};

/*
 * Reads back, from the central record, the discussions of the patients
 * on the next planned meeting's agenda (Encounter?patient.identifier=
 * ...&type=...|discussion&_lastUpdated=gt..., 40 patients a search, with
 * their meetings, outcomes and open actions; next pages followed under
 * base_url only), and keeps those not held here (mdt_elsewhere_apply,
 * docs/sync.md "Pull"): all or nothing, in one transaction after the
 * last page.  Runs loop until done (libcurl loaded: sync_prepare).  0
 * (nothing asked when no patient is on that agenda), or -1 with
 * out->error (nothing kept).
 */
int sync_pull_elsewhere(uv_loop_t *loop, struct mdt_store *s,
    const struct sync_config *cfg, struct sync_elsewhere_result *out);

/* What sync_restore read and made. */
struct sync_restore_result {
	int64_t meetings;	/* meetings restored */
	int64_t discussions;	/* their discussions */
	int64_t actions;	/* actions restored */
	int64_t open_actions;	/* of those, open */
	int64_t plans;		/* joined-up plans */
	int64_t people;		/* people and teams */
	int64_t patients;	/* patients discussed */
	int64_t skipped;	/* resources not made by mdtchair, or not
				 * well formed: left out */
	int64_t requests;	/* searches and pages read */
	int64_t bytes;		/* sent and received, headers included */
	char error[512];	/* why nothing was restored; "" if done */
};

/*
 * Makes the new database path from the central record: the meetings
 * whose period starts on or after since (YYYY-MM-DD), their attendance
 * and venue, the people, the discussions with their patients, consent,
 * notes, outcome and actions, the open actions of those patients, their
 * plans, referrals, stays on the register and deaths, each with our
 * UUIDs; every resource read recorded as on the record at its
 * version (nothing queued to send back); an audit row of the restore
 * (actor, when, from where).  Refuses a path that exists (a symbolic
 * link too).  Everything is read first, all or nothing; the store is
 * built in a new 0600 file beside path and linked to path only if
 * nothing is there.  Runs loop until done (libcurl loaded:
 * sync_prepare).  0, or -1 with out->error (no file at path).
 */
int sync_restore(uv_loop_t *loop, const struct sync_config *cfg,
    const char *path, const char *since, const struct mdt_clock *clock,
    const char *actor, struct sync_restore_result *out);

/* The outbox may have new rows: start a pass now unless one is running or
 * the engine is backing off (then it goes at the scheduled time). */
void sync_engine_kick(struct sync_engine *e);

/* A person asked to send now: the backoff wait is cut short (the rows
 * are due at once) and a pass starts unless one is running. */
void sync_engine_send_now(struct sync_engine *e);

/*
 * The console's engine reads the record back by itself: once the queue
 * is first drained with the record answering, then every [server]
 * pull_minutes (default 10; 0: only when asked).  Other engines (the
 * sync command's, which pulls once itself) never do.
 */
void sync_engine_auto_pull(struct sync_engine *e);

/*
 * A person asked (the sync panel's p): the record is read back now
 * (sync_pull's searches, on the loop, each reply as it comes; the merge
 * in one short transaction after the last page), even while rows are
 * being sent.  0 started; 1 a pull is
 * already under way; -1 sync is not set up or cannot send.
 */
int sync_engine_pull_now(struct sync_engine *e);

/* What the last pull of this engine did (out->error if it took nothing),
 * and how many have ended (0: none yet, out is zero). */
void sync_engine_last_pull(const struct sync_engine *e,
    struct sync_pull_result *out, int64_t *pulls);

/* cb(ctx) is called on the loop whenever the status changes (to redraw).
 * NULL removes it. */
void sync_engine_on_change(struct sync_engine *e, void (*cb)(void *ctx),
    void *ctx);

struct sync_status {
	bool configured;	/* a configuration was given */
	bool online;		/* the last exchange reached the server and
				 * got an answer that was not 5xx/429 (with
				 * nothing to send, a GET of the server's
				 * metadata finds out) */
	bool busy;		/* a request is in flight */
	bool unavailable;	/* configured, but nothing can be sent:
				 * libcurl could not be loaded or started
				 * (last_error says why) */
	bool starting;		/* not the engine's: the console's, while
				 * libcurl loads before the engine is made */
	int64_t pending;	/* outbox rows still to send */
	int64_t failed;		/* refused by the server (kept) */
	int64_t conflicts;	/* changed on the server meanwhile (kept) */
	int64_t sent;		/* delivered */
	int64_t last_success_at;	/* wall-clock ms; 0 if never */
	int64_t next_attempt_at;	/* wall-clock ms of the next retry when
					 * backing off, else 0 */
	bool pulling;		/* the record is being read back */
	int64_t pulls;		/* pulls ended since the engine was made:
				 * when it moves, the store has what the
				 * last one took */
	char last_error[256];	/* the last problem, one line; "" if none */
};

void sync_engine_status(struct sync_engine *e, struct sync_status *out);
/* The same without sent and last_success_at (0): no count of the whole
 * outbox, for the status bar on every redraw. */
void sync_engine_status_brief(struct sync_engine *e, struct sync_status *out);

/*
 * Stops the transfers and closes the engine's handles.  Asynchronous: the
 * memory is freed in the close callbacks, so the loop must run once more;
 * it then finishes cleanly (uv_loop_close returns 0).  No callback is
 * called after this.
 */
void sync_engine_close(struct sync_engine *e);

#endif
