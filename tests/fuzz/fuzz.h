/*
 * fuzz.h - shared by the libFuzzer targets in tests/fuzz: the entry point
 * libFuzzer calls, a fixed clock, and a check that stops the run with a
 * message (an invariant broken is a finding, like a crash).
 */
#ifndef MDT_FUZZ_H
#define MDT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "mdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* 2026-11-25 13:00:00 UTC, as the unit tests. */
#define FUZZ_T0 INT64_C(1795611600000)

#define FUZZ_CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/*
 * Makes *to hold exactly what from holds (SQLite's backup), so that each
 * input starts from the same store without opening one: opening runs the
 * schema and its checks, which under the sanitizers is most of the time.
 */
static inline void
fuzz_store_copy(struct mdt_store *from, struct mdt_store *to)
{
	sqlite3_backup *bk = sqlite3_backup_init(mdt_store_db(to), "main",
	    mdt_store_db(from), "main");

	FUZZ_CHECK(bk != NULL);
	FUZZ_CHECK(sqlite3_backup_step(bk, -1) == SQLITE_DONE);
	FUZZ_CHECK(sqlite3_backup_finish(bk) == SQLITE_OK);
}

#endif
