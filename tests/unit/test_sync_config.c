/*
 * test_sync_config.c - the parts of sync/ settled before any request: the
 * backoff and Retry-After arithmetic with pinned randomness, the
 * configuration and token file checks, every string of a resource made
 * valid R4 whatever the store held, and addresses redacted for the log.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fixture.h"
#include "sync_internal.h"
#include "text.h"
#include "rstring.h"
#include "store_internal.h"
/* ---- backoff --------------------------------------------------------- */

static void
test_backoff(void **state)
{
	(void)state;
	/* full jitter: uniform in [0, min(cap, initial * 2^(n-1))] */
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 0, 0), 0);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 0, UINT32_MAX),
	    1000);
	assert_int_equal(sync_backoff_ms(2, 1000, 300000, 0, UINT32_MAX),
	    2000);
	assert_int_equal(sync_backoff_ms(3, 1000, 300000, 0, UINT32_MAX),
	    4000);
	assert_int_equal(sync_backoff_ms(3, 1000, 300000, 0, 1u << 31),
	    2000);
	/* capped, and no overflow however many attempts */
	assert_int_equal(sync_backoff_ms(10, 1000, 300000, 0, UINT32_MAX),
	    300000);
	assert_int_equal(sync_backoff_ms(1000000, 1000, 300000, 0,
	    UINT32_MAX), 300000);
	assert_true(sync_backoff_ms(1000000, 1000, 300000, 0, 12345) <=
	    300000);
	/* Retry-After is a floor, whatever the draw */
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 2, 0), 2000);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 2, UINT32_MAX),
	    2000);
	assert_int_equal(sync_backoff_ms(12, 1000, 300000, 2, UINT32_MAX),
	    300000);
	/* even past the cap, but clamped to an hour */
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 600, 0), 600000);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, 999999, 0),
	    SYNC_RETRY_AFTER_MAX_S * 1000);
	assert_int_equal(sync_backoff_ms(1, 1000, 300000, -5, 0), 0);
	/* nonsense settings are made sane */
	assert_int_equal(sync_backoff_ms(0, 0, 0, 0, UINT32_MAX), 1);
}

/* ---- configuration --------------------------------------------------- */

struct cfgdir {
	char dir[64];
	char path[128];
	char token[128];
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int
setup_cfg(void **state)
{
	struct cfgdir *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	snprintf(c->dir, sizeof(c->dir), "/tmp/mdt-cfg-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/config.ini", c->dir);
	snprintf(c->token, sizeof(c->token), "%s/token", c->dir);
	write_file(c->token, "s3cret-token\n", 0600);
	*state = c;
	return 0;
}

static int
teardown_cfg(void **state)
{
	struct cfgdir *c = *state;

	nftw(c->dir, fx_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(c);
	return 0;
}

/* Loads text as the configuration; returns sync_config_load's result. */
static int
load(struct cfgdir *c, const char *text, struct sync_config **cfg,
    char *err, size_t errlen)
{
	write_file(c->path, text, 0600);
	return sync_config_load(c->path, cfg, err, errlen);
}

static void
expect_refused(struct cfgdir *c, const char *text, const char *words)
{
	struct sync_config *cfg = (struct sync_config *)1;
	char err[512];

	assert_int_equal(load(c, text, &cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	if (strstr(err, words) == NULL)
		fprintf(stderr, "got: %s\n", err);
	assert_non_null(strstr(err, words));
	assert_null(strchr(err, '\n'));
}

/* Every string of a resource leaves valid R4, whatever the store held. */
static void
test_rstring_clean(void **state)
{
	char *long_text, *dumped;
	json_t *r;
	size_t i;

	(void)state;
	long_text = malloc(10001);
	assert_non_null(long_text);
	for (i = 0; i < 10000; i++)
		long_text[i] = i % 97 == 0 ? '\x1b' : (char)('a' + i % 26);
	long_text[10000] = '\0';
	r = json_pack("{s:s, s:s, s:[{s:s}, {s:s}], s:{s:s}, s:s, s:{s:s},"
	    " s:s}",
	    "resourceType", "Encounter",
	    "title", "  MDT\x1b]2;pwned\x07 \xc2\x9b" "31m\xe2\x80\xae" "Riverside\n ",
	    "reasonCode", "text", "Falls\x01 at \xef\xbf\xbe night",
	    "text", "\x0b \x0c",	/* only white space: the element goes */
	    "location", "display", "Tanner St\xc2\xa0Surgery\xe2\x80\xa8",
	    "long", long_text,
	    "empty", "x", "\xe2\x80\x83\xef\xbb\xbf", "gone", "");
	/* what JSON cannot hold as it is: invalid UTF-8, a NUL */
	json_object_set_new(r, "note", json_string_nocheck(
	    "\xff\xfe bad \xed\xa0\x80 surrogate \xc0\xaf"));
	json_object_set_new(r, "bytes", json_stringn_nocheck("a\0b", 3));
	/* plain ASCII is trimmed all the same, and spaces alone go */
	json_object_set_new(r, "padded", json_string("  Tanner Street "));
	json_object_set_new(r, "spaces", json_string("   "));
	free(long_text);
	assert_non_null(r);
	json_object_set_new(r, "narrative", json_pack("{s:s}", "div",
	    "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n a\xef\xbf\xbf\x1b"
	    "</div>"));

	assert_true(sync_rstring_clean(r));
	assert_string_equal(json_string_value(json_object_get(r, "title")),
	    "MDT\xef\xbf\xbd]2;pwned\xef\xbf\xbd \xef\xbf\xbd" "31m"
	    "\xef\xbf\xbd" "Riverside");
	assert_int_equal(json_array_size(json_object_get(r, "reasonCode")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(r, "reasonCode"), 0), "text")),
	    "Falls\xef\xbf\xbd at \xef\xbf\xbd night");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r, "location"), "display")), "Tanner St Surgery");
	assert_string_equal(json_string_value(json_object_get(r, "note")),
	    "\xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd surrogate \xef\xbf\xbd\xef\xbf\xbd");
	/* an object, an array element and a string left empty go */
	assert_null(json_object_get(r, "empty"));
	assert_null(json_object_get(r, "gone"));
	assert_null(json_object_get(r, "spaces"));
	assert_string_equal(json_string_value(json_object_get(r, "padded")),
	    "Tanner Street");
	assert_string_equal(json_string_value(json_object_get(r, "bytes")),
	    "a\xef\xbf\xbd" "b");
	/* the narrative keeps its line break, loses what XML forbids */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r, "narrative"), "div")), "<div xmlns=\"http://www.w3.org/1999/"
	    "xhtml\">\n a\xef\xbf\xbd\xef\xbf\xbd</div>");
	/* and every string is now valid */
	dumped = json_dumps(r, JSON_COMPACT);
	assert_non_null(dumped);
	assert_null(strchr(dumped, '\x1b'));
	assert_null(strstr(dumped, "\\u001b"));
	assert_null(strstr(dumped, "\xe2\x80\xae"));
	free(dumped);
	assert_true(sync_rstring_valid(json_string_value(json_object_get(r,
	    "long"))));
	assert_int_equal(strlen(json_string_value(json_object_get(r, "long"))),
	    10000 + 2 * (10000 / 97 + 1));
	/* clean text is left as it is */
	assert_false(sync_rstring_clean(r));
	assert_true(sync_rstring_valid("Dr Siobh\xc3\xa1n N\xc3\xad Bhriain"));
	assert_false(sync_rstring_valid(" lead"));
	assert_false(sync_rstring_valid(""));
	assert_false(sync_rstring_valid("a\xe2\x81\xa6" "b"));
	/* text from the store that JSON could not hold is repaired first */
	assert_null(sync_rstring_utf8("caf\xc3\xa9", 5));
	dumped = sync_rstring_utf8("caf\xc3 \xe9", 6);
	assert_string_equal(dumped, "caf\xef\xbf\xbd \xef\xbf\xbd");
	free(dumped);
	json_decref(r);
}

/* Secrets a URL carries are hidden, whatever else it holds. */
static void
test_url_redact(void **state)
{
	static const char *const cases[][2] = {
		{ "https://h/fhir/R4", "https://h/fhir/R4" },
		{ "https://u@h/", "https://***@h/" },
		{ "https://u:p@ss@h:8443/x", "https://***@h:8443/x" },
		{ "https://h/x?token=t&a=b", "https://h/x?***" },
		{ "https://h?t", "https://h?***" },
		{ "https://h/x#frag?no", "https://h/x#***" },
		{ "h/x@y?z", "h/x@y?***" },	/* no authority: '@' in a path */
		{ "", "" },
	};
	char out[64], tiny[8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(sync_url_redact(cases[i][0], out,
		    sizeof(out)), cases[i][1]);
	/* cut to fit, never past the buffer */
	assert_string_equal(sync_url_redact("https://u:p@h/", tiny,
	    sizeof(tiny)), "https:/");
	assert_string_equal(sync_url_redact(NULL, out, sizeof(out)), "");
}

static void
test_config_good(void **state)
{
	struct cfgdir *c = *state;
	struct sync_config *cfg = NULL;
	char err[512], want[160];

	assert_int_equal(load(c,
	    "; the central record\n"
	    "[server]\n"
	    "base_url = https://fhir.example.nhs.uk/R4/\n"
	    "token_file = token\n"
	    "bundle_size = 20\n"
	    "timeout = 30\n"
	    "[retry]\n"
	    "initial_ms = 500\n", &cfg, err, sizeof(err)), 0);
	assert_non_null(cfg);
	/* trailing slash gone, relative path from the file's folder */
	assert_string_equal(cfg->base_url, "https://fhir.example.nhs.uk/R4");
	assert_string_equal(sync_config_base_url(cfg),
	    "https://fhir.example.nhs.uk/R4");
	assert_string_equal(cfg->token_file, c->token);
	assert_null(cfg->ca_file);
	assert_int_equal(cfg->bundle_size, 20);
	assert_int_equal(cfg->timeout_s, 30);
	assert_int_equal(cfg->connect_timeout_s, SYNC_DEFAULT_CONNECT_S);
	assert_int_equal(cfg->max_response_bytes, SYNC_DEFAULT_MAX_RESPONSE);
	assert_int_equal(cfg->retry_initial_ms, 500);
	assert_int_equal(cfg->retry_max_ms, SYNC_DEFAULT_MAX_MS);
	/* mdtchair creates the patients unless told the record owns them */
	assert_false(cfg->record_patients);
	sync_config_free(cfg);
	assert_int_equal(load(c, "[server]\nbase_url = https://h\n"
	    "patients = record\n", &cfg, err, sizeof(err)), 0);
	assert_true(cfg->record_patients);
	sync_config_free(cfg);

	/* defaults */
	assert_int_equal(load(c, "[server]\nbase_url = https://h/fhir\n", &cfg,
	    err, sizeof(err)), 0);
	assert_int_equal(cfg->bundle_size, 50);
	assert_int_equal(cfg->retry_initial_ms, 1000);
	assert_int_equal(cfg->retry_max_ms, 300000);
	assert_null(cfg->token_file);
	sync_config_free(cfg);

	/* the rules of a team that does not deliver: no [server] */
	assert_int_equal(load(c,
	    "[meeting]\nquorum = GP, Social worker\n"
	    "[privacy]\nidle_minutes = 3\n"
	    "[retention]\ndays = 730\n", &cfg, err, sizeof(err)), 0);
	assert_false(sync_config_has_server(cfg));
	assert_string_equal(sync_config_base_url(cfg), "");
	assert_string_equal(sync_config_quorum(cfg), "GP, Social worker");
	assert_int_equal(sync_config_idle_lock_s(cfg), 180);
	assert_int_equal(sync_config_retention_days(cfg), 730);
	sync_config_free(cfg);
	assert_int_equal(load(c, "[server]\nbase_url = https://h/fhir\n"
	    "[privacy]\nidle_seconds = 45\n", &cfg, err, sizeof(err)), 0);
	assert_true(sync_config_has_server(cfg));
	assert_int_equal(sync_config_idle_lock_s(cfg), 45);
	assert_int_equal(sync_config_retention_days(cfg), 0);
	assert_null(sync_config_quorum(cfg));
	sync_config_free(cfg);
	assert_false(sync_config_has_server(NULL));

	/* a missing file is "not configured", not an error */
	snprintf(want, sizeof(want), "%s/none.ini", c->dir);
	cfg = (struct sync_config *)1;
	assert_int_equal(sync_config_load(want, &cfg, err, sizeof(err)), 1);
	assert_null(cfg);
}

static void
test_config_refused(void **state)
{
	struct cfgdir *c = *state;
	char want[256];

	expect_refused(c, "[server]\nbase_url = http://h/fhir\n",
	    "must be an https:// URL");
	expect_refused(c, "[server]\nbase_url = ftp://h/fhir\n", "https://");
	expect_refused(c, "[server]\nbase_url = https://u:p@h/fhir\n",
	    "no user name or password");
	/* a secret in the URL is never quoted back */
	expect_refused(c, "[server]\nbase_url = https://ann:s3cr3t@h/fhir\n",
	    "(got 'https://***@h/fhir')");
	expect_refused(c, "[server]\nbase_url = https://h/fhir?token=s3cr3t\n",
	    "(got 'https://h/fhir?***')");
	expect_refused(c, "[server]\nbase_url = http://a:s3cr3t@h/?k=s3cr3t#s3\n",
	    "(got 'http://***@h/?***#***')");
	expect_refused(c, "[server]\ntimeout = 5\n", "base_url is missing");
	expect_refused(c, "[retention]\ndays = 0\n",
	    "[retention] days must be a whole number from 1 to 36500");
	expect_refused(c, "[retention]\nkeep = 5\n",
	    "unknown setting 'keep' in [retention]");
	expect_refused(c, "[privacy]\nidle_minutes = -1\n", "idle_minutes");
	expect_refused(c, "[server]\nbase_url = https://h\npatients = mine\n",
	    "[server] patients is 'create' or 'record', not 'mine'");
	expect_refused(c, "[server]\nbase_url = https://h\nbundle_size = 0\n",
	    "bundle_size must be a whole number from 1 to 1000");
	expect_refused(c, "[server]\nbase_url = https://h\ntimeout = soon\n",
	    "line 3");
	expect_refused(c, "[server]\nbase_url = https://h\nverify = no\n",
	    "unknown setting 'verify'");
	expect_refused(c, "[proxy]\nhost = x\n", "unknown section [proxy]");
	expect_refused(c, "[server]\nbase_url = https://h\nca_file = nope.pem\n",
	    "CA file");
	expect_refused(c, "[server]\nbase_url = https://h\nclient_cert = token\n",
	    "give both or neither");
	expect_refused(c, "[server]\nbase_url = https://h\n[retry]\n"
	    "initial_ms = 5000\nmax_ms = 1000\n", "must not be less");

	/* the token file: 0600 exactly */
	chmod(c->token, 0644);
	snprintf(want, sizeof(want), "token file %s is readable by others"
	    " (mode 0644); chmod 600 it", c->token);
	expect_refused(c, "[server]\nbase_url = https://h\ntoken_file = token\n",
	    want);
	chmod(c->token, 0640);
	expect_refused(c, "[server]\nbase_url = https://h\ntoken_file = token\n",
	    "(mode 0640); chmod 600 it");
	chmod(c->token, 0400);
	expect_refused(c, "[server]\nbase_url = https://h\ntoken_file = token\n",
	    "has mode 0400; it must be 0600");
	chmod(c->token, 0600);
	expect_refused(c, "[server]\nbase_url = https://h\n"
	    "token_file = missing\n", "No such file");
	write_file(c->token, "\n", 0600);
	expect_refused(c, "[server]\nbase_url = https://h\ntoken_file = token\n",
	    "is empty");
	write_file(c->token, "two words\n", 0600);
	expect_refused(c, "[server]\nbase_url = https://h\ntoken_file = token\n",
	    "one token on one line");
}

static void
test_token_read(void **state)
{
	struct cfgdir *c = *state;
	char buf[64], err[256];

	write_file(c->token, "abc.DEF-123_xyz\r\n\n", 0600);
	assert_int_equal(sync_token_read(c->token, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	assert_string_equal(buf, "abc.DEF-123_xyz");
	/* never in the error message */
	chmod(c->token, 0644);
	assert_int_equal(sync_token_read(c->token, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_null(strstr(err, "abc.DEF"));
	chmod(c->token, 0600);
	write_file(c->token, "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\n", 0600);
	assert_int_equal(sync_token_read(c->token, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
}

static void
test_config_path(void **state)
{
	char buf[256];

	(void)state;
	setenv("MDTCHAIR_CONFIG", "/etc/m.ini", 1);
	setenv("XDG_CONFIG_HOME", "/x", 1);
	setenv("HOME", "/home/chair", 1);
	assert_int_equal(sync_config_path("/given.ini", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/given.ini");
	assert_int_equal(sync_config_path(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/etc/m.ini");
	unsetenv("MDTCHAIR_CONFIG");
	assert_int_equal(sync_config_path(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/mdtchair/config.ini");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(sync_config_path("", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/chair/.config/mdtchair/config.ini");
	unsetenv("HOME");
	assert_int_equal(sync_config_path(NULL, buf, sizeof(buf)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test_setup_teardown(test_config_good, setup_cfg,
		    teardown_cfg),
		cmocka_unit_test_setup_teardown(test_config_refused, setup_cfg,
		    teardown_cfg),
		cmocka_unit_test_setup_teardown(test_token_read, setup_cfg,
		    teardown_cfg),
		cmocka_unit_test(test_config_path),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_rstring_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
