/*
 * curlstub.c - a shared object named like libcurl (libcurl.so.4) that is
 * not libcurl: it has none of curl_*'s functions.  curl-load.sh puts it
 * first in LD_LIBRARY_PATH to see what the real binary does when the
 * library it loads for sync is the wrong one.  Its constructor waits
 * CURLSTUB_DELAY_MS milliseconds, as a cold disk can, so that the test can
 * work the screen while the load is still going on.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

void curlstub_present(void);

__attribute__((constructor)) static void
curlstub_load(void)
{
	const char *s = getenv("CURLSTUB_DELAY_MS");
	struct timespec ts;
	long ms;

	if (s == NULL)
		return;
	ms = strtol(s, NULL, 10);
	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Something to export: a library with no symbols at all is not typical. */
void
curlstub_present(void)
{
}
