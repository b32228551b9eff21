/*
 * curlload.h - libcurl, loaded when sync starts rather than when the
 * program does.  libcurl brings some forty shared libraries with it (TLS,
 * Kerberos, LDAP, compression ...) whose mapping and relocation was most
 * of the program's start-up; the console needs none of them before its
 * first frame, and none at all without a [server].  So mdtchair is not
 * linked with libcurl: the first sync_curl_load() dlopen()s it by its
 * soname (CURL_SONAME, from configure) and looks up the functions http.c
 * calls.  curl/curl.h still gives every type.
 */
#ifndef MDT_CURLLOAD_H
#define MDT_CURLLOAD_H

#include <stddef.h>

#include <curl/curl.h>

/*
 * The libcurl functions sync/ uses, by their names less "curl_".  The
 * variadic setopt and getinfo have no type checks through a pointer
 * (curl's typecheck-gcc.h works on the curl_easy_setopt macro): callers
 * pass exactly the type each option takes.
 */
struct sync_curl {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *curl);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *multi);
	CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
	CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
	CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
	CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t s,
	    int ev_bitmask, int *running_handles);
	CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
	CURLMcode (*multi_assign)(CURLM *multi, curl_socket_t s,
	    void *sockp);
	struct curl_slist *(*slist_append)(struct curl_slist *list,
	    const char *data);
	void (*slist_free_all)(struct curl_slist *list);
	curl_version_info_data *(*version_info)(CURLversion stamp);
};

/*
 * Loads libcurl and its libraries, once per process: blocking (a few ms
 * warm, tens cold) and safe from any thread, so the console calls it on
 * a worker first.  Loading a libcurl the program already has (a test
 * linked with it) finds the same one.  Returns the functions, which stay
 * valid to the end of the process (libcurl is never unloaded); NULL with
 * a one-line reason in err ("sync unavailable: libcurl.so.4 could not be
 * loaded: ..."), the same reason every time.  Calls no libcurl function
 * but curl_version_info; curl_global_init is the caller's.
 */
const struct sync_curl *sync_curl_load(char *err, size_t errlen);

#endif
