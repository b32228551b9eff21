#!/bin/sh
# run.sh - runs each libFuzzer target for FUZZ_SECONDS (default 15) from
# a copy of its seed corpus, and prints per target the executions, the
# executions per second, the coverage (edges) and features reached, and
# the corpus size.  A crash, leak or broken invariant fails the run and
# leaves the input in the work folder (its path is printed).
#
#   FUZZ_SECONDS=N sh tests/fuzz/run.sh BUILD_FUZZ_DIR SEED_CORPUS_DIR [TARGET...]
set -u
bin=$1
seeds=$2
shift 2
secs=${FUZZ_SECONDS:-15}
targets=${*:-"import fhir_reply keys"}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/mdtchair-fuzz.XXXXXX")}
rc=0

for t in $targets; do
	mkdir -p "$work/$t"
	cp "$seeds/$t"/* "$work/$t/" 2>/dev/null
	log="$work/$t.log"
	(cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
	    -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$work/$t-" \
	    "$work/$t" >"$log" 2>&1)
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	if [ $st -eq 0 ]; then
		echo "fuzz_$t: ok, ${secs} s, ${execs:-?} runs, ${rate:-?}/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
	else
		echo "fuzz_$t: FAILED (exit $st); log $log" >&2
		grep -E 'ERROR|invariant|SUMMARY|artifact|Test unit written' "$log" | head -n 20 >&2
		rc=1
	fi
done
[ $rc -eq 0 ] && [ -z "${FUZZ_WORK:-}" ] && rm -rf "$work"
exit $rc
