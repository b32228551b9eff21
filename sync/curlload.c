/*
 * curlload.c - dlopen() of libcurl by its soname and dlsym() of the
 * functions http.c calls (see curlload.h for why).  The result, good or
 * bad, is worked out once under uv_once and kept: a second engine, or
 * the engine made after the console's worker has loaded libcurl, gets it
 * at once.  RTLD_NOW binds every symbol of libcurl and its libraries
 * during the load, on whichever thread loads, rather than lazily on the
 * loop thread at the first transfer.  The library is never closed:
 * libcurl's TLS back ends keep process-wide state.
 */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "curlload.h"

/* The oldest libcurl configure accepts (7.80.0). */
#define SYNC_CURL_MIN_VERSION 0x075000

static const struct {
	const char *name;
	size_t off;		/* of its pointer in struct sync_curl */
} sync_curl_syms[] = {
#define SYM(f) { "curl_" #f, offsetof(struct sync_curl, f) }
	SYM(global_init),
	SYM(global_cleanup),
	SYM(easy_init),
	SYM(easy_cleanup),
	SYM(easy_setopt),
	SYM(easy_getinfo),
	SYM(easy_strerror),
	SYM(multi_init),
	SYM(multi_cleanup),
	SYM(multi_setopt),
	SYM(multi_add_handle),
	SYM(multi_remove_handle),
	SYM(multi_socket_action),
	SYM(multi_info_read),
	SYM(multi_assign),
	SYM(slist_append),
	SYM(slist_free_all),
	SYM(version_info),
#undef SYM
};

/*
 * Each pointer has the type of curl.h's own prototype, so that a call
 * through it is the call curl.h declares (GCC and clang check it here).
 */
#if defined(__GNUC__)
#define SAME_TYPE(f) _Static_assert(__builtin_types_compatible_p( \
	__typeof__(&curl_##f), __typeof__(((struct sync_curl *)0)->f)), \
	"struct sync_curl: " #f " is not curl_" #f "'s type")
SAME_TYPE(global_init);
SAME_TYPE(global_cleanup);
SAME_TYPE(easy_init);
SAME_TYPE(easy_cleanup);
SAME_TYPE(easy_setopt);
SAME_TYPE(easy_getinfo);
SAME_TYPE(easy_strerror);
SAME_TYPE(multi_init);
SAME_TYPE(multi_cleanup);
SAME_TYPE(multi_setopt);
SAME_TYPE(multi_add_handle);
SAME_TYPE(multi_remove_handle);
SAME_TYPE(multi_socket_action);
SAME_TYPE(multi_info_read);
SAME_TYPE(multi_assign);
SAME_TYPE(slist_append);
SAME_TYPE(slist_free_all);
SAME_TYPE(version_info);
#undef SAME_TYPE
#endif

static uv_once_t sync_curl_once = UV_ONCE_INIT;
static struct sync_curl sync_curl_fns;
static const struct sync_curl *sync_curl_loaded;	/* NULL: failed */
static char sync_curl_why[256];

static void
sync_curl_fail(const char *what)
{
	snprintf(sync_curl_why, sizeof(sync_curl_why),
	    "sync unavailable: %s could not be loaded: %s", CURL_SONAME, what);
}

static void
sync_curl_do_load(void)
{
	curl_version_info_data *v;
	const char *e;
	char what[200];
	void *lib, *p;

	dlerror();
	lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		e = dlerror();
		sync_curl_fail(e != NULL ? e : "dlopen failed");
		return;
	}
	for (size_t i = 0; i < sizeof(sync_curl_syms) /
	    sizeof(sync_curl_syms[0]); i++) {
		p = dlsym(lib, sync_curl_syms[i].name);
		if (p == NULL) {
			snprintf(what, sizeof(what), "it has no %s",
			    sync_curl_syms[i].name);
			sync_curl_fail(what);
			return;
		}
		/* POSIX: a data pointer from dlsym holds a function's */
		memcpy((char *)&sync_curl_fns + sync_curl_syms[i].off, &p,
		    sizeof(p));
	}
	v = sync_curl_fns.version_info(CURLVERSION_NOW);
	if (v == NULL || (unsigned int)v->version_num <
	    SYNC_CURL_MIN_VERSION) {
		snprintf(what, sizeof(what), "it is version %s; 7.80.0 or"
		    " later is needed", v != NULL && v->version != NULL ?
		    v->version : "?");
		sync_curl_fail(what);
		return;
	}
	sync_curl_loaded = &sync_curl_fns;
}

const struct sync_curl *
sync_curl_load(char *err, size_t errlen)
{
	uv_once(&sync_curl_once, sync_curl_do_load);
	if (sync_curl_loaded == NULL && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", sync_curl_why);
	return sync_curl_loaded;
}
