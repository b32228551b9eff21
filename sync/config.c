/*
 * config.c - the sync configuration: an INI file read with inih, every
 * value checked before anything is sent (HTTPS only, files present, the
 * token file private), and the token itself read only at send time into
 * a buffer the caller zeroes.  The token never enters struct sync_config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "sync.h"
#include "sync_config.h"
#include "safefile.h"
#include "text.h"
#include "util.h"

struct parse {
	struct sync_config *cfg;
	const char *dir;	/* folder of the config file */
	char *err;
	size_t errlen;
	bool failed;
};

/* A path from the file, taken from the file's folder when relative. */
static char *
resolve(const char *dir, const char *value)
{
	if (value[0] == '/' || dir == NULL)
		return mdt_xstrdup(value);
	return mdt_xasprintf("%s/%s", dir, value);
}

static bool
parse_long(const char *value, long lo, long hi, long *out)
{
	int64_t v;

	if (!mdt_str_number(value, lo, hi, &v))
		return false;
	*out = (long)v;
	return true;
}

static int
on_value(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse *p = user;
	struct sync_config *c = p->cfg;
	char why[96];
	long v;

	if (p->failed)
		return 1;
#define BAD(...) do { mdt_set_err(p->err, p->errlen, __VA_ARGS__); \
	p->failed = true; return 0; } while (0)
#define NUM(field, lo, hi) do { \
	if (!parse_long(value, (lo), (hi), &v)) \
		BAD("[%s] %s must be a whole number from %ld to %ld (got '%s')", \
		    section, name, (long)(lo), (long)(hi), value); \
	c->field = v; } while (0)
#define PATHV(field) do { free(c->field); \
	c->field = value[0] != '\0' ? resolve(p->dir, value) : NULL; \
	} while (0)

	/* every value one line under the input policy (textio.h) */
	if (!mdt_text_line_ok(value, 0, why, sizeof why) ||
	    !mdt_text_line_ok(name, 0, why, sizeof why) ||
	    !mdt_text_line_ok(section, 0, why, sizeof why))
		BAD("[%.40s] %.40s: the text %s", section, name, why);
	if (strcmp(section, "server") == 0) {
		c->has_server = true;
		if (strcmp(name, "base_url") == 0) {
			free(c->base_url);
			c->base_url = mdt_xstrdup(value);
		} else if (strcmp(name, "ca_file") == 0)
			PATHV(ca_file);
		else if (strcmp(name, "client_cert") == 0)
			PATHV(client_cert);
		else if (strcmp(name, "client_key") == 0)
			PATHV(client_key);
		else if (strcmp(name, "token_file") == 0)
			PATHV(token_file);
		else if (strcmp(name, "connect_timeout") == 0)
			NUM(connect_timeout_s, 1, 600);
		else if (strcmp(name, "timeout") == 0)
			NUM(timeout_s, 1, 3600);
		else if (strcmp(name, "bundle_size") == 0)
			NUM(bundle_size, 1, 1000);
		else if (strcmp(name, "max_response_bytes") == 0)
			NUM(max_response_bytes, 4096, 1L << 30);
		else if (strcmp(name, "pull_minutes") == 0)
			NUM(pull_minutes, 0, 1440);
		else if (strcmp(name, "patients") == 0) {
			if (strcmp(value, "create") != 0 &&
			    strcmp(value, "record") != 0)
				BAD("[server] patients is 'create' or 'record',"
				    " not '%.40s'", value);
			c->record_patients = strcmp(value, "record") == 0;
		} else
			BAD("unknown setting '%s' in [server]", name);
	} else if (strcmp(section, "retry") == 0) {
		if (strcmp(name, "initial_ms") == 0)
			NUM(retry_initial_ms, 1, 3600000);
		else if (strcmp(name, "max_ms") == 0)
			NUM(retry_max_ms, 1, 86400000);
		else
			BAD("unknown setting '%s' in [retry]", name);
	} else if (strcmp(section, "privacy") == 0) {
		/* idle_seconds is for tests and demonstrations. */
		if (strcmp(name, "idle_minutes") == 0) {
			NUM(idle_lock_s, 0, 1440);
			c->idle_lock_s *= 60;
		} else if (strcmp(name, "idle_seconds") == 0)
			NUM(idle_lock_s, 0, 86400);
		else
			BAD("unknown setting '%s' in [privacy]", name);
	} else if (strcmp(section, "retention") == 0) {
		if (strcmp(name, "days") == 0)
			NUM(retention_days, 1, 36500);
		else
			BAD("unknown setting '%s' in [retention]", name);
	} else if (strcmp(section, "meeting") == 0) {
		if (strcmp(name, "quorum") == 0) {
			free(c->quorum);
			c->quorum = value[0] != '\0' ? mdt_xstrdup(value) :
			    NULL;
		} else
			BAD("unknown setting '%s' in [meeting]", name);
	} else if (strcmp(section, "network") == 0) {
		char **field = strcmp(name, "practices") == 0 ? &c->practices :
		    strcmp(name, "rota") == 0 ? &c->rota : NULL;

		if (field == NULL)
			BAD("unknown setting '%s' in [network]", name);
		free(*field);
		*field = value[0] != '\0' ? mdt_xstrdup(value) : NULL;
	} else
		BAD("unknown section [%s]", section);
	return 1;
#undef BAD
#undef NUM
#undef PATHV
}

/* A file that must exist and be readable. */
static int
check_file(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		mdt_set_err(err, errlen, "%s %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		mdt_set_err(err, errlen, "%s %s is not a regular file", what,
		    path);
		return -1;
	}
	if (access(path, R_OK) != 0) {
		mdt_set_err(err, errlen, "%s %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* A secret: a regular file, ours, mode 0600 exactly. */
static int
check_private(const char *what, const struct stat *sb, const char *path,
    char *err, size_t errlen)
{
	unsigned mode = (unsigned)(sb->st_mode & 07777);

	if (!S_ISREG(sb->st_mode)) {
		mdt_set_err(err, errlen, "%s %s is not a regular file", what,
		    path);
		return -1;
	}
	if (mode & 077) {
		mdt_set_err(err, errlen,
		    "%s %s is readable by others (mode %04o);"
		    " chmod 600 it", what, path, mode);
		return -1;
	}
	if (mode != 0600) {
		mdt_set_err(err, errlen, "%s %s has mode %04o; it must be 0600"
		    " (chmod 600 it)", what, path, mode);
		return -1;
	}
	if (sb->st_uid != geteuid()) {
		mdt_set_err(err, errlen, "%s %s belongs to another user", what,
		    path);
		return -1;
	}
	return 0;
}

int
sync_token_read(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	struct stat sb;
	ssize_t n;
	size_t got = 0, i;
	int fd;

	if (len < 2) {
		mdt_set_err(err, errlen, "no room for the token");
		return -1;
	}
	/* a regular file, found so without waiting on a FIFO */
	fd = mdt_infile_open(path, "token file", &sb, err, errlen);
	if (fd < 0)
		return -1;
	if (check_private("token file", &sb, path, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mdt_set_err(err, errlen, "token file %s: %s", path,
			    strerror(errno));
			close(fd);
			explicit_bzero(buf, len);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	/* one line: the token, then optional white space */
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' ||
	    buf[got - 1] == ' ' || buf[got - 1] == '\t'))
		buf[--got] = '\0';
	if (got == 0) {
		mdt_set_err(err, errlen, "token file %s is empty", path);
		return -1;
	}
	if (got >= len - 1) {
		explicit_bzero(buf, len);
		mdt_set_err(err, errlen,
		    "token file %s holds more than %zu bytes",
		    path, len - 2);
		return -1;
	}
	for (i = 0; i < got; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f) {
			explicit_bzero(buf, len);
			mdt_set_err(err, errlen,
			    "token file %s must hold one token"
			    " on one line (no spaces or control characters)",
			    path);
			return -1;
		}
	return 0;
}

static int
check_url(const char *url, char *err, size_t errlen)
{
	const char *host, *end, *at;
	char shown[512];

	if (url == NULL || url[0] == '\0') {
		mdt_set_err(err, errlen, "[server] base_url is missing");
		return -1;
	}
	/* the URL is quoted with any user name, password or query hidden */
	sync_url_redact(url, shown, sizeof(shown));
	if (strncasecmp(url, "https://", 8) != 0) {
		mdt_set_err(err, errlen,
		    "[server] base_url must be an https://"
		    " URL (got '%s'): the central record is reached over HTTPS"
		    " only", shown);
		return -1;
	}
	host = url + 8;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (end == host || at != NULL) {
		mdt_set_err(err, errlen,
		    "[server] base_url must name a host and"
		    " hold no user name or password (got '%s'): put the"
		    " token in token_file", shown);
		return -1;
	}
	if (strpbrk(url, "?# \t") != NULL) {
		mdt_set_err(err, errlen,
		    "[server] base_url must not hold a query,"
		    " a fragment or spaces (got '%s')", shown);
		return -1;
	}
	return 0;
}

/* The [server] settings: HTTPS, files present, secrets private. */
static int
check_server(struct sync_config *c, char *err, size_t errlen)
{
	struct stat sb;
	char probe[8192];
	size_t n;

	if (check_url(c->base_url, err, errlen) != 0)
		return -1;
	n = strlen(c->base_url);
	while (n > 8 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	if (c->ca_file != NULL && check_file("CA file", c->ca_file, err,
	    errlen) != 0)
		return -1;
	if ((c->client_cert == NULL) != (c->client_key == NULL)) {
		mdt_set_err(err, errlen,
		    "[server] client_cert and client_key go"
		    " together: give both or neither");
		return -1;
	}
	if (c->client_cert != NULL) {
		if (check_file("client certificate", c->client_cert, err,
		    errlen) != 0)
			return -1;
		if (check_file("client key", c->client_key, err, errlen) != 0)
			return -1;
		if (stat(c->client_key, &sb) != 0 || check_private(
		    "client key", &sb, c->client_key, err, errlen) != 0)
			return -1;
	}
	if (c->token_file != NULL) {
		if (stat(c->token_file, &sb) != 0) {
			mdt_set_err(err, errlen, "token file %s: %s",
			    c->token_file,
			    strerror(errno));
			return -1;
		}
		if (check_private("token file", &sb, c->token_file, err,
		    errlen) != 0)
			return -1;
		/* read it once now, so that a bad one is reported at start */
		if (sync_token_read(c->token_file, probe, sizeof(probe), err,
		    errlen) != 0) {
			explicit_bzero(probe, sizeof(probe));
			return -1;
		}
		explicit_bzero(probe, sizeof(probe));
	}
	return 0;
}

static int
check_config(struct sync_config *c, char *err, size_t errlen)
{
	/* A file without [server] sets the meeting, privacy and retention
	 * rules of a team that does not deliver to a central record. */
	if (c->has_server && check_server(c, err, errlen) != 0)
		return -1;
	if (c->retry_max_ms < c->retry_initial_ms) {
		mdt_set_err(err, errlen,
		    "[retry] max_ms (%lld) must not be less"
		    " than initial_ms (%lld)", (long long)c->retry_max_ms,
		    (long long)c->retry_initial_ms);
		return -1;
	}
	return 0;
}

int
sync_config_load(const char *path, struct sync_config **out, char *err,
    size_t errlen)
{
	struct sync_config *c;
	struct parse p;
	struct stat sb;
	const char *slash;
	char *dir;
	FILE *fp;
	int fd, rc;

	*out = NULL;
	mdt_set_err(err, errlen, "%s", "");
	if (path == NULL || path[0] == '\0') {
		mdt_set_err(err, errlen, "no configuration file given");
		return -1;
	}
	/* a regular file, found so without waiting on a FIFO */
	fd = mdt_infile_open(path, "configuration", &sb, err, errlen);
	if (fd < 0 && errno == ENOENT) {
		mdt_set_err(err, errlen, "%s", "");
		return 1;
	}
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "re");
	if (fp == NULL) {
		mdt_set_err(err, errlen, "configuration %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	c = mdt_xcalloc(1, sizeof(*c));
	c->connect_timeout_s = SYNC_DEFAULT_CONNECT_S;
	c->timeout_s = SYNC_DEFAULT_TIMEOUT_S;
	c->bundle_size = SYNC_DEFAULT_BUNDLE;
	c->max_response_bytes = SYNC_DEFAULT_MAX_RESPONSE;
	c->retry_initial_ms = SYNC_DEFAULT_INITIAL_MS;
	c->retry_max_ms = SYNC_DEFAULT_MAX_MS;
	c->pull_minutes = SYNC_DEFAULT_PULL_MIN;

	slash = strrchr(path, '/');
	dir = slash == NULL ? mdt_xstrdup(".") : slash == path ?
	    mdt_xstrdup("/") : mdt_xasprintf("%.*s", (int)(slash - path),
	    path);
	memset(&p, 0, sizeof(p));
	p.cfg = c;
	p.dir = dir;
	p.err = err;
	p.errlen = errlen;
	rc = ini_parse_file(fp, on_value, &p);
	fclose(fp);
	free(dir);
	if (rc != 0 || p.failed) {
		char reason[400];

		if (p.failed)
			snprintf(reason, sizeof(reason), "%s", err);
		else
			snprintf(reason, sizeof(reason), "%s",
			    rc > 0 ? "not a valid line" : "cannot read it");
		if (rc > 0)
			mdt_set_err(err, errlen,
			    "configuration %s, line %d: %s",
			    path, rc, reason);
		else
			mdt_set_err(err, errlen, "configuration %s: %s", path,
			    reason);
		sync_config_free(c);
		return -1;
	}
	if (check_config(c, err, errlen) != 0) {
		char reason[400];

		snprintf(reason, sizeof(reason), "%s", err);
		mdt_set_err(err, errlen, "configuration %s: %s", path, reason);
		sync_config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* The strings a configuration owns: copied with it, freed with it. */
static const size_t sync_config_strings[] = {
	offsetof(struct sync_config, base_url),
	offsetof(struct sync_config, ca_file),
	offsetof(struct sync_config, client_cert),
	offsetof(struct sync_config, client_key),
	offsetof(struct sync_config, token_file),
	offsetof(struct sync_config, quorum),
	offsetof(struct sync_config, practices),
	offsetof(struct sync_config, rota),
};
#define SYNC_CONFIG_N_STRINGS \
	(sizeof(sync_config_strings) / sizeof(sync_config_strings[0]))

static char **
sync_config_string(struct sync_config *c, size_t i)
{
	return (char **)(void *)((char *)c + sync_config_strings[i]);
}

struct sync_config *
sync_config_dup(const struct sync_config *c)
{
	struct sync_config *d = mdt_xcalloc(1, sizeof(*d));

	*d = *c;
	for (size_t i = 0; i < SYNC_CONFIG_N_STRINGS; i++) {
		char **s = sync_config_string(d, i);

		if (*s != NULL)
			*s = mdt_xstrdup(*s);
	}
	return d;
}

void
sync_config_free(struct sync_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < SYNC_CONFIG_N_STRINGS; i++)
		free(*sync_config_string(c, i));
	free(c);
}

int64_t
sync_config_idle_lock_s(const struct sync_config *c)
{
	return c != NULL ? c->idle_lock_s : 0;
}

const char *
sync_config_quorum(const struct sync_config *c)
{
	return c != NULL ? c->quorum : NULL;
}

const char *
sync_config_practices(const struct sync_config *c)
{
	return c != NULL ? c->practices : NULL;
}

const char *
sync_config_rota(const struct sync_config *c)
{
	return c == NULL ? NULL : c->rota != NULL ? c->rota : c->practices;
}

const char *
sync_config_base_url(const struct sync_config *c)
{
	return c != NULL && c->base_url != NULL ? c->base_url : "";
}

bool
sync_config_has_server(const struct sync_config *c)
{
	return c != NULL && c->has_server;
}

int
sync_config_retention_days(const struct sync_config *c)
{
	return c != NULL ? c->retention_days : 0;
}

int
sync_config_path(const char *given, char *buf, size_t len)
{
	const char *env = getenv("MDTCHAIR_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (given != NULL && given[0] != '\0')
		n = snprintf(buf, len, "%s", given);
	else if (env != NULL && env[0] != '\0')
		n = snprintf(buf, len, "%s", env);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s/mdtchair/config.ini", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, len, "%s/.config/mdtchair/config.ini", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}
