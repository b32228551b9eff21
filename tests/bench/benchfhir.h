/*
 * benchfhir.h - the test FHIR server (tests/fhir) for the benchmarks: its
 * throwaway CA, the server started on a free loopback port, and its
 * control API (faults, counters, reset) over HTTPS with libcurl.
 * Header-only, as benchterm.h.
 */
#ifndef MDT_BENCHFHIR_H
#define MDT_BENCHFHIR_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

struct fhir_server {
	pid_t pid;
	char base[256];		/* https://127.0.0.1:PORT/fhir/R4 */
	char control[256];	/* https://127.0.0.1:PORT/__control */
	char ca[512];
	char token[64];
};

/* Makes a CA in dir/ca and starts the server from fhir (the folder with
 * node_modules); 0, or -1 with a message. */
static inline int
fhir_start(struct fhir_server *f, const char *fhir, const char *dir)
{
	char cmd[2048], node[512], script[512], cert[512], key[512];
	char portfile[512];
	FILE *fp;
	int port = 0, i;

	snprintf(cmd, sizeof(cmd), "sh '%s/make-ca.sh' '%s/ca' >/dev/null",
	    fhir, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot make the test CA\n");
		return -1;
	}
	snprintf(f->token, sizeof(f->token), "bench-%ld", (long)getpid());
	snprintf(node, sizeof(node), "%s/fhir-node", fhir);
	snprintf(script, sizeof(script), "%s/server.mjs", fhir);
	snprintf(cert, sizeof(cert), "%s/ca/server.pem", dir);
	snprintf(key, sizeof(key), "%s/ca/server.key", dir);
	snprintf(portfile, sizeof(portfile), "%s/port", dir);
	snprintf(f->ca, sizeof(f->ca), "%s/ca/ca.pem", dir);
	f->pid = fork();
	if (f->pid == 0) {
		execl("/bin/sh", "sh", node, script, "--cert", cert, "--key",
		    key, "--port", "0", "--port-file", portfile, "--token",
		    f->token, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 600 && access(portfile, F_OK) != 0; i++)
		usleep(100000);
	if ((fp = fopen(portfile, "r")) == NULL || fscanf(fp, "%d", &port) != 1) {
		fprintf(stderr, "the test FHIR server did not start"
		    " (sh tests/fhir/setup.sh?)\n");
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	snprintf(f->base, sizeof(f->base), "https://127.0.0.1:%d/fhir/R4",
	    port);
	snprintf(f->control, sizeof(f->control),
	    "https://127.0.0.1:%d/__control", port);
	return 0;
}

static inline void
fhir_stop(struct fhir_server *f)
{
	int status;

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, &status, 0);
		f->pid = 0;
	}
}

struct fhir_buf {
	char s[4096];
	size_t n;
};

static inline size_t
fhir_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct fhir_buf *b = userp;
	size_t n = size * nmemb, room = sizeof(b->s) - 1 - b->n;

	memcpy(b->s + b->n, data, n < room ? n : room);
	b->n += n < room ? n : room;
	b->s[b->n] = '\0';
	return n;
}

/* One request to url (a POST of body, or with method, or a GET when body
 * is NULL), with the token; the HTTP status; the reply in out. */
static inline long
fhir_call(const struct fhir_server *f, const char *url, const char *method,
    const char *body, const char *type, struct fhir_buf *out)
{
	struct curl_slist *h = NULL;
	char auth[128], ct[128];
	long status = 0;
	CURL *c = curl_easy_init();

	if (c == NULL)
		return 0;
	out->n = 0;
	out->s[0] = '\0';
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", f->token);
	snprintf(ct, sizeof(ct), "Content-Type: %s", type);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, ct);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, f->ca);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fhir_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (method != NULL)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

/* POST body to (or, body NULL, GET) control/name; the HTTP status. */
static inline long
fhir_control(const struct fhir_server *f, const char *name, const char *body,
    struct fhir_buf *out)
{
	struct fhir_buf b;
	char url[512];

	snprintf(url, sizeof(url), "%s/%s", f->control, name);
	return fhir_call(f, url, NULL, body, "application/json",
	    out != NULL ? out : &b);
}

/* A counter of GET control/stats ("requests", "transactions"); -1 if
 * none. */
static inline long
fhir_stat(const struct fhir_server *f, const char *name)
{
	struct fhir_buf b = { .n = 0 };
	char key[64];
	const char *p;

	if (fhir_control(f, "stats", NULL, &b) != 200)
		return -1;
	snprintf(key, sizeof(key), "\"%s\":", name);
	if ((p = strstr(b.s, key)) == NULL)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

/* A configuration for the chair: this server, its CA and token, the
 * client's own retry defaults. */
static inline int
fhir_write_config(const struct fhir_server *f, const char *dir,
    char *path, size_t len)
{
	char tok[600];
	FILE *fp;

	snprintf(tok, sizeof(tok), "%s/token", dir);
	if ((fp = fopen(tok, "w")) == NULL)
		return -1;
	fprintf(fp, "%s\n", f->token);
	fclose(fp);
	chmod(tok, 0600);
	snprintf(path, len, "%s/config.ini", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "[server]\nbase_url = %s\nca_file = %s\n"
	    "token_file = token\nconnect_timeout = 5\ntimeout = 20\n",
	    f->base, f->ca);
	fclose(fp);
	chmod(path, 0600);
	return 0;
}

#endif
