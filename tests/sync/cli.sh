#!/bin/sh
# cli.sh - `mdtchair sync` and `mdtchair status` from the command line,
# against the test FHIR server that tests/sync/run.sh started: not
# configured, a token file readable by others, an http:// URL, a whole
# meeting sent with a progress line, 3 x 503 then success, a hung server
# and the deadline, a refused resource kept with the server's words, and
# the bearer token never in the database nor on stderr.
set -u

: "${MDTCHAIR:?}" "${SYNC_TEST_BIN:?}" "${SYNC_TEST_BASE:?}" "${SYNC_TEST_CA:?}"
: "${SYNC_TEST_TOKEN:?}" "${SYNC_TEST_CONTROL:?}" "${SYNC_TEST_NODE:?}"
SQLITE3_BIN=${SQLITE3_BIN:-sqlite3}
unset MDTCHAIR_DB MDTCHAIR_CONFIG

d=$(mktemp -d "${TMPDIR:-/tmp}/mdtchair-sync-cli.XXXXXX")
trap 'rm -rf "$d"' EXIT
failed=0
passed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
notok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	for f in "$d/out" "$d/err"; do
		[ -s "$f" ] && sed 's/^/#   /' "$f" | head -n 12
	done
}
check() { d_=$1; shift; if "$@"; then ok "$d_"; else notok "$d_"; fi; }
has() { grep -q -- "$2" "$1"; }

# control NAME JSON: the server's fault-injection API
control() {
	NODE_EXTRA_CA_CERTS="$SYNC_TEST_CA" "$SYNC_TEST_NODE" -e '
	    fetch(process.argv[1], { method: "POST", body: process.argv[2] })
	        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));' \
	    "$SYNC_TEST_CONTROL/$1" "$2"
}

config() { # extra lines for [server]
	{
		echo "[server]"
		echo "base_url = $SYNC_TEST_BASE"
		echo "ca_file = $SYNC_TEST_CA"
		echo "token_file = token"
		echo "timeout = 20"
		printf '%s' "${1:-}"
		echo "[retry]"
		echo "initial_ms = 50"
		echo "max_ms = 500"
	} >"$d/config.ini"
}

# every output of every run is kept in $d/all, searched for secrets at the end
mdt() {
	"$MDTCHAIR" --db "$d/m.db" --config "$d/config.ini" "$@" >"$d/out" 2>"$d/err"
	rc_=$?
	cat "$d/out" "$d/err" >>"$d/all"
	return $rc_
}

control reset '{"data":true,"stats":true}' || { echo "not ok - control API"; exit 1; }
"$SYNC_TEST_BIN" --make-db "$d/m.db" >/dev/null || { echo "not ok - make a meeting"; exit 1; }
(umask 077; printf '%s\n' "$SYNC_TEST_TOKEN" >"$d/token")

# not configured
rm -f "$d/config.ini"
mdt sync; rc=$?
check "sync without a configuration: exit 1" [ $rc -eq 1 ]
check "  says where to write it" has "$d/err" "sync is not configured: write $d/config.ini (see docs/sync.md)"
mdt status; rc=$?
check "status without a configuration: exit 0" [ $rc -eq 0 ]
check "  counts" has "$d/out" "^pending: [1-9]"
check "  not configured" has "$d/out" "not configured"

# a token file others can read
config
chmod 644 "$d/token"
mdt sync; rc=$?
check "token file mode 0644: refused, exit 1" [ $rc -eq 1 ]
check "  with the reason" has "$d/err" "token file $d/token is readable by others (mode 0644); chmod 600 it"
check "  nothing sent" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 0 ]
chmod 600 "$d/token"

# http:// is refused
sed -i 's|^base_url = https://|base_url = http://|' "$d/config.ini"
mdt sync; rc=$?
check "an http:// base_url: refused, exit 1" [ $rc -eq 1 ]
check "  HTTPS only" has "$d/err" "https://"
config

# 3 x 503, then the whole meeting goes
control faults '{"faults":[{"status":503,"times":3}]}'
total=$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox")
MDTCHAIR_CONFIG="$d/config.ini" "$MDTCHAIR" --db "$d/m.db" sync >"$d/out" 2>"$d/err"; rc=$?
cat "$d/out" "$d/err" >>"$d/all"
check "sync (config from MDTCHAIR_CONFIG) after 3 x 503: exit 0" [ $rc -eq 0 ]
check "  a progress line" has "$d/err" "^sync: [0-9]*/$total sent, 0 failed"
check "  says when it retries, and why" has "$d/err" "retrying at [0-2][0-9]:[0-5][0-9]:[0-5][0-9] (.*503"
# not a terminal (a log, cron): a line when something changes, not a
# countdown every second: at most one per retry
check "  no countdown in a log" [ "$(grep -c "retrying" "$d/err")" -le 3 ]
check "  all sent" has "$d/err" "^sync: all sent"
check "  the token is not on stderr" sh -c "! grep -q -- '$SYNC_TEST_TOKEN' '$d/err' '$d/out'"
check "  the token is not in the database" sh -c "! grep -a -q -- '$SYNC_TEST_TOKEN' '$d'/m.db*"
mdt status; rc=$?
check "status: exit 0" [ $rc -eq 0 ]
check "  pending 0" has "$d/out" "^pending: 0$"
check "  sent $total" has "$d/out" "^sent: $total$"
check "  a last success" sh -c "grep -q '^last success: 20' '$d/out'"

# the server loses its data (a restore from an old backup, a new one):
# --verify reads back what it should hold and sends it again
control reset '{"data":true}' || notok "control reset"
mdt sync --verify --deadline 60; rc=$?
check "sync --verify after the server lost its data: exit 0" [ $rc -eq 0 ]
check "  says what it found" has "$d/err" "^sync: verified [0-9]* resources with the central record: [1-9][0-9]* missing, 0 different, [1-9][0-9]* queued again"
check "  and sent it again" has "$d/err" "^sync: all sent ([1-9]"
mdt sync --verify --deadline 60; rc=$?
check "  verified again: nothing missing" has "$d/err" "^sync: verified [1-9][0-9]* resources with the central record: 0 missing, 0 different, 0 queued again"
check "  the verification is audited" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM audit WHERE action = 'verify'")" = 2 ]
mdt status
check "  status shows the last verification" has "$d/out" "^last verification: 20[0-9: -]*UTC, verified [1-9][0-9]* resources with the central record: 0 missing"

# the owner closes a Task on the record (another program): --verify reads
# it back first and takes it for the record's change, not a difference
# to send over her close
open_task=$("$SQLITE3_BIN" "$d/m.db" "SELECT a.uuid FROM actions a JOIN sync_versions v ON v.resource_type = 'Task' AND v.resource_id = a.uuid WHERE a.status = 'open' ORDER BY a.id LIMIT 1")
NODE_EXTRA_CA_CERTS="$SYNC_TEST_CA" "$SYNC_TEST_NODE" -e '
    const [base, token, id] = process.argv.slice(1);
    const h = { authorization: `Bearer ${token}`, "content-type": "application/fhir+json" };
    (async () => {
        const g = await fetch(`${base}/Task/${id}`, { headers: h });
        const t = await g.json();
        t.status = "completed";
        // closed now, or when agreed if the meeting clock ran ahead
        t.lastModified = new Date(Math.max(Date.now(), Date.parse(t.authoredOn) || 0)).toISOString();
        const r = await fetch(`${base}/Task/${id}`, { method: "PUT", headers: h, body: JSON.stringify(t) });
        if (!r.ok) console.error(`Task/${id}: GET ${g.status}, PUT ${r.status} ${await r.text()}`);
        process.exit(r.ok ? 0 : 1);
    })().catch((e) => { console.error(`Task/${id}: ${e}`); process.exit(1); });' \
    "$SYNC_TEST_BASE" "$SYNC_TEST_TOKEN" "$open_task" 2>"$d/err" || notok "the Task closed on the record"
mdt sync --verify --deadline 60; rc=$?
check "sync --verify after a Task was closed on the record: exit 0" [ $rc -eq 0 ]
check "  the pull closed the action here" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT status FROM actions WHERE uuid = '$open_task'")" = done ]
check "  not a difference: nothing queued, the record's change read back" has "$d/err" "^sync: verified [1-9][0-9]* resources with the central record: 0 missing, 0 different, 0 queued again, 1 changed on the record and read back"
check "  the owner's close stays on the record" [ "$(NODE_EXTRA_CA_CERTS="$SYNC_TEST_CA" "$SYNC_TEST_NODE" -e '
    const [base, token, id] = process.argv.slice(1);
    fetch(`${base}/Task/${id}`, { headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.json()).then((t) => console.log(t.status), () => process.exit(1));' \
    "$SYNC_TEST_BASE" "$SYNC_TEST_TOKEN" "$open_task")" = completed ]

# hostile text in every field the record is made of, as an older version
# or another program could have left it: control characters, escape
# sequences, C1, bidi overrides, non-characters, invalid UTF-8, line
# breaks, 10,000 characters.  Every resource still goes, and every
# narrative the server holds is well-formed XHTML.
long=$(printf 'x%.0s' $(seq 1 10000))
"$SQLITE3_BIN" "$d/m.db" "
UPDATE meetings SET title = 'MDT ' || char(27) || ']2;pwned' || char(7) || char(155) || '31m' || char(8238) || ' ' || char(65534);
UPDATE venues SET name = 'Tanner' || char(1) || char(10) || 'Street ' || CAST(x'ff' AS TEXT) || char(65535);
UPDATE slots SET reason = char(27) || '[31mFalls' || char(11) || char(12) || ' at night ' || CAST(x'c3' AS TEXT) || char(8294) || '$long';
UPDATE notes SET text = text || ' ' || char(65534) || char(27) || '[2J' || char(10) || '<script>alert(1)</script> & ' || CAST(x'edb080' AS TEXT);
UPDATE people SET name = name || char(27) || '[1A' || char(160), organisation = char(8238) || organisation;
UPDATE actions SET text = char(155) || text || char(0x2028) || '$long';
UPDATE patients SET name = name || char(10) || '- Consent: given' || char(127);
INSERT OR IGNORE INTO consent_exclusions (slot_id, organisation)
    SELECT slot_id, 'Drug ' || char(65534) || ' service' || char(27) || '[0m' FROM consent;
UPDATE outbox SET state = 'pending', sent_at = NULL, next_at = 0, attempts = 0, last_error = NULL;
DELETE FROM sync_versions;" || notok "hostile text written into the database"
mdt sync --deadline 60; rc=$?
check "hostile text in every field: sync exit 0" [ $rc -eq 0 ]
check "  every row sent" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ]
# every narrative the server holds, through xmllint
NODE_EXTRA_CA_CERTS="$SYNC_TEST_CA" "$SYNC_TEST_NODE" -e '
    const [base, token, dir] = process.argv.slice(1);
    const fs = require("fs");
    (async () => {
        let n = 0;
        for (const type of ["Encounter", "Consent", "Observation", "Task", "Composition", "Practitioner"]) {
            const r = await fetch(`${base}/${type}?_count=1000`, { headers: { authorization: `Bearer ${token}` } });
            if (!r.ok) process.exit(2);
            for (const e of (await r.json()).entry ?? []) {
                if (!e.resource.text) continue;
                fs.writeFileSync(`${dir}/div${n++}.xml`, e.resource.text.div);
            }
        }
        console.log(n);
    })().catch(() => process.exit(1));' "$SYNC_TEST_BASE" "$SYNC_TEST_TOKEN" "$d" >"$d/ndivs"
# (the meeting's Encounter and each discussion record carry one)
ndiscussed=$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM consent")
check "  the server's narratives read back ($(cat "$d/ndivs"))" [ "$(cat "$d/ndivs" 2>/dev/null || echo 0)" -ge $((ndiscussed + 1)) ]
bad=0
for f in "$d"/div*.xml; do
	"${XMLLINT_BIN:-xmllint}" --noout "$f" 2>>"$d/xmllint.err" || bad=$((bad + 1))
done
check "  every narrative is well-formed XHTML ($bad not)" [ $bad -eq 0 ]
check "  no escape character reached the record" sh -c "! grep -l -a \"\$(printf '\\033')\" '$d'/div*.xml"
rm -f "$d"/div*.xml

# a hung server and the deadline
"$SQLITE3_BIN" "$d/m.db" "UPDATE outbox SET state = 'pending', sent_at = NULL WHERE id = (SELECT max(id) FROM outbox); DELETE FROM sync_versions;"
control faults '{"faults":[{"hang":true}]}'
start=$(date +%s)
mdt sync --deadline 2; rc=$?
took=$(( $(date +%s) - start ))
control reset '{}'
check "a hung server: exit 1 at the deadline" [ $rc -eq 1 ]
check "  within a few seconds ($took s)" [ "$took" -le 6 ]
check "  says what is left" has "$d/err" "not sent (1 pending, 0 failed, 0 conflict; deadline reached"

# rows waiting out a retry (the server's Retry-After: 120) keep their
# time, and do not hold back the rows that are due: sync sends those,
# says when the rest will go and stops at once
"$SQLITE3_BIN" "$d/m.db" "UPDATE outbox SET state = 'pending', sent_at = NULL, next_at = (strftime('%s','now') + 120) * 1000, last_error = 'the central record is busy (HTTP 429; Retry-After 120 s)' WHERE entity = 'action'; UPDATE outbox SET state = 'pending', sent_at = NULL, next_at = 0 WHERE entity = 'note'; DELETE FROM sync_versions;"
start=$(date +%s)
mdt sync --deadline 20; rc=$?
took=$(( $(date +%s) - start ))
check "rows waiting 120 s: sync exit 1 within a few seconds ($took s)" [ $rc -eq 1 ] && [ "$took" -le 10 ]
check "  says when they will go, and why" has "$d/err" "waiting until 20[0-9-]* [0-9:]* UTC as the last try asked (the central record is busy (HTTP 429; Retry-After 120 s)); 'mdtchair sync --now' sends them now"
check "  the rows due went" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox WHERE entity = 'note' AND state <> 'sent'")" = 0 ]
check "  the waiting ones kept their time" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox WHERE entity = 'action' AND state = 'pending' AND next_at > strftime('%s','now') * 1000")" -ge 10 ]
mdt status
check "  status says the next attempt" has "$d/out" "^next attempt: 20"
# a row stamped far in the future (a clock since put right) is due now
"$SQLITE3_BIN" "$d/m.db" "UPDATE outbox SET next_at = (strftime('%s','now') + 86400 * 365) * 1000 WHERE id = (SELECT min(id) FROM outbox WHERE entity = 'action')"
mdt sync --deadline 20
check "  a row stamped a year ahead goes now" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT state FROM outbox WHERE id = (SELECT min(id) FROM outbox WHERE entity = 'action')")" = sent ]

# a resource the server refuses: kept as failed, with its words
# (the rows also carry an earlier backoff an hour long: --now, asked for
# by a person, does not wait it out)
"$SQLITE3_BIN" "$d/m.db" "UPDATE actions SET due_date = 'next week' WHERE id = (SELECT min(id) FROM actions); UPDATE outbox SET state = 'pending', sent_at = NULL, next_at = (strftime('%s','now') + 3600) * 1000 WHERE entity = 'action'; DELETE FROM sync_versions;"
start=$(date +%s)
mdt sync --deadline 20 --now; rc=$?
took=$(( $(date +%s) - start ))
check "sync --now: an earlier backoff is not waited out ($took s)" [ "$took" -le 10 ]
check "an invalid resource: exit 1" [ $rc -eq 1 ]
check "  one-line summary with the server's reason" has "$d/err" "[0-9] failed.*refused Task/.*HTTP 400"
mdt status; rc=$?
check "status lists it" has "$d/out" "^failed: action: .*HTTP 400"
check "  the other actions went" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(*) FROM outbox WHERE entity = 'action' AND state = 'sent'")" -ge 9 ]
check "  only its own rows failed" [ "$("$SQLITE3_BIN" "$d/m.db" "SELECT count(DISTINCT entity_uuid) FROM outbox WHERE state = 'failed'")" = 1 ]
check "  what lists it waits on it, and status says so" has "$d/out" "^waiting: action: .*waiting on Task/"
mdt sync --retry-failed; rc=$?
check "sync --retry-failed tries it again (and it fails again)" [ $rc -eq 1 ]

# a user name, a password or a query in base_url: refused, never echoed
password="p$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
host_path=${SYNC_TEST_BASE#https://}
for url in "https://ann:$password@$host_path" "https://$host_path?token=$password" \
    "http://ann:$password@$host_path#$password"; do
	cp "$d/config.ini" "$d/config.keep"
	sed -i "s|^base_url = .*|base_url = $url|" "$d/config.ini"
	mdt sync; rc=$?
	check "base_url ${url%%:*}://...: sync refuses it, exit 1" [ $rc -eq 1 ]
	check "  and shows it hidden" sh -c "grep -q \"got 'http[s]*://[^']*\\*\\*\\*\" '$d/err'"
	mdt status; rc=$?
	check "  status: exit 0, configuration refused" has "$d/out" "configuration refused"
	mv "$d/config.keep" "$d/config.ini"
done

# nothing any run printed holds the token or the password
check "no output of any run holds the token" sh -c "! grep -a -q -- '$SYNC_TEST_TOKEN' '$d/all'"
check "no output of any run holds the password" sh -c "! grep -a -q -- '$password' '$d/all'"
check "  (the runs said something: $(wc -l <"$d/all") lines)" [ "$(wc -l <"$d/all")" -gt 20 ]
check "the database holds neither" sh -c "! grep -a -q -e '$SYNC_TEST_TOKEN' -e '$password' '$d'/m.db*"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
