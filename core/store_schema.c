/*
 * store_schema.c - the schema of the store applied when a store is
 * opened (store.c): the steps that take a database from each version to
 * the next (store_steps_first.c, store_steps_later.c), one transaction a
 * step.
 */
#include "config.h"

#include "store_internal.h"
#include "store_steps.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "model.h"
#include "store.h"
#include "util.h"

const char *
mdt_schema_step_sql(int version)
{
	if (version < 0 || version >= MDT_SCHEMA_VERSION)
		return NULL;
	return version < MDT_STEPS_FIRST ? mdt_steps_first[version] :
	    mdt_steps_later[version - MDT_STEPS_FIRST];
}

/* One step, if the database lacks one: *stepped says whether it did. */
static enum mdt_status
migrate_step(struct mdt_store *s, void *ctx)
{
	bool *stepped = ctx;
	enum mdt_status st;
	char sql[96];
	int64_t version;
	int rc;

	/* Read again inside the lock: another window may have migrated
	 * meanwhile. */
	st = mdt_query_int(s, &version, "PRAGMA user_version", NULL);
	if (st != MDT_OK || version >= MDT_SCHEMA_VERSION)
		return st;
	rc = sqlite3_exec(s->db, mdt_schema_step_sql((int)version), NULL,
	    NULL, NULL);
	if (rc != SQLITE_OK)
		return mdt_fail_db(s, rc, "creating the schema");
	if (version == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		    MDT_APPLICATION_ID);
		st = mdt_run(s, sql, NULL);
	}
	if (st == MDT_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    (int)version + 1);
		st = mdt_run(s, sql, NULL);
	}
	*stepped = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_schema_migrate(struct mdt_store *s)
{
	enum mdt_status st;
	bool stepped;

	do {
		stepped = false;
		st = mdt_tx_run(s, migrate_step, &stepped, &stepped);
	} while (st == MDT_OK && stepped);
	return st;
}
