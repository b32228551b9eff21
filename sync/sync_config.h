/*
 * sync_config.h - the fields of a sync configuration and its defaults
 * (config.c reads them from the file), and the token read at send time.
 */
#ifndef MDT_SYNC_CONFIG_H
#define MDT_SYNC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_DEFAULT_BUNDLE 50
#define SYNC_DEFAULT_CONNECT_S 10
#define SYNC_DEFAULT_TIMEOUT_S 60
#define SYNC_DEFAULT_MAX_RESPONSE (8L * 1024 * 1024)
#define SYNC_DEFAULT_INITIAL_MS 1000
#define SYNC_DEFAULT_MAX_MS (5L * 60 * 1000)
#define SYNC_DEFAULT_PULL_MIN 10

struct sync_config {
	char *base_url;		/* https://host/fhir/R4, no trailing '/' */
	char *ca_file;		/* NULL: the system's CA store */
	char *client_cert;	/* NULL: no client certificate */
	char *client_key;
	char *token_file;	/* NULL: no bearer token */
	long connect_timeout_s;
	long timeout_s;		/* a whole exchange; also the stall limit */
	int bundle_size;	/* entries per transaction */
	long max_response_bytes;
	int64_t retry_initial_ms;
	int64_t retry_max_ms;
	int pull_minutes;	/* the console reads the record back this
				 * often; 0: only when asked (p) */
	char *quorum;		/* [meeting] quorum: roles, comma-separated */
	char *practices;	/* [network] practices: the member practices,
				 * comma-separated */
	char *rota;		/* [network] rota: where meetings are held in
				 * turn; NULL: the practices */
	int64_t idle_lock_s;	/* [privacy] idle time before locking; 0 off */
	int retention_days;	/* [retention] days; 0: not set */
	bool has_server;	/* a [server] section was given */
	bool record_patients;	/* [server] patients = record: the central
				 * record owns its patients; refer to them,
				 * never create one */
};

/* A copy of c that owns copies of its strings.  DESTRUCTOR:
 * sync_config_free. */
struct sync_config *sync_config_dup(const struct sync_config *c);

/*
 * Reads the token file at send time: checks again that it is a regular
 * file of mode 0600, reads one line (at most len - 1 bytes), refuses
 * control characters.  0 ok; -1 with a reason in err (never the token).
 * The caller zeroes buf after use.
 */
int sync_token_read(const char *path, char *buf, size_t len, char *err,
    size_t errlen);

#endif
