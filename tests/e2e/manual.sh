#!/bin/sh
# manual.sh - the manual page and the bash completion agree with the
# program's table of commands: mandoc finds nothing to say of the page, its
# synopsis has each command's usage as 'mdtchair CMD --help' prints it, and
# the completion (written by the program) completes commands, options and
# their values in bash.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

[ -n "$MANDOC_BIN" ] || fail "mandoc is not installed (apt-get install mandoc)"
[ -f "$MANPAGE" ] || fail "no manual page at $MANPAGE"
lint=$("$MANDOC_BIN" -T lint -W warning "$MANPAGE" 2>&1) || true
[ -z "$lint" ] || fail "mandoc -T lint: $lint"
pass "mandoc -T lint finds nothing in mdtchair(1)"

# the synopsis, rendered wide, against each command's own usage line
"$MANDOC_BIN" -T utf8 -O width=250 "$MANPAGE" | sed "s/.\x08//g" >"$E2E_TMP/man.txt"
cmds=$("$MDTCHAIR" --help | awk '/^Commands:/ {f = 1; next} /^$/ {f = 0} f && /^  [a-z]/ {print $1}')
[ -n "$cmds" ] || fail "no commands in --help"
for c in $cmds; do
	# the usage line whole, its 80-column breaks ("       | ...") joined
	usage=$("$MDTCHAIR" "$c" --help | awk 'NR == 1 { sub(/^Usage: mdtchair \[--db PATH\] /, ""); u = $0; next }
	    /^       \| / { sub(/^       /, " "); u = u $0; next } { exit } END { print u }')
	grep -qF -- "mdtchair $usage" "$E2E_TMP/man.txt" ||
	    fail "the manual's synopsis lacks: mdtchair $usage"
done
n_man=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$E2E_TMP/man.txt" | grep -c '^ *mdtchair ') || true
n_cmd=$(echo "$cmds" | wc -l)
[ "$n_man" -ge "$n_cmd" ] || fail "the synopsis has $n_man lines for $n_cmd commands"
pass "the manual's synopsis has every command's usage ($n_cmd)"

# the completion, as bash loads it
[ -f "$COMPLETION" ] || fail "no completion at $COMPLETION"
complete_words() {
	# $1: the line so far (the last word is completed)
	bash -c '. "$1"; complete -p mdtchair >/dev/null || exit 3
	    read -ra COMP_WORDS <<<"$2"; [[ $2 == *" " ]] && COMP_WORDS+=("")
	    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mdtchair
	    printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPLETION" "$1"
}
bash -c '. "$1" && complete -p mdtchair' sh "$COMPLETION" |
    grep -q -- '-F _mdtchair mdtchair' || fail "complete -p mdtchair"
[ "$(complete_words 'mdtchair sy')" = sync ] || fail "sy does not complete to sync"
for c in $cmds; do
	complete_words "mdtchair " | grep -qx "$c" || fail "$c is not completed"
done
got=$(complete_words "mdtchair import --list " | sort | tr '\n' ' ')
[ "$got" = "ambulance caseload discharge frequent-attender inpatient referral " ] ||
    fail "import --list completes to: $got"
(cd "$E2E_TMP" && : >list-one.csv && complete_words "mdtchair import --list caseload list-o") |
    grep -qx list-one.csv || fail "import's FILE operand is not completed as a file"
complete_words "mdtchair import --l" | grep -qx -- --list || fail "import --list"
complete_words "mdtchair minutes --format " | grep -qx json || fail "minutes --format"
complete_words "mdtchair review --" | grep -qx -- --chart || fail "review --chart"
complete_words "mdtchair actions d" | grep -qx done || fail "actions done"
complete_words "mdtchair --db x.db schedule --t" | grep -qx -- --title ||
    fail "schedule's options after --db"
complete_words "mdtchair help " | grep -qx purge || fail "help COMMAND"
pass "bash completes commands, parts, options and their values"

# every option the completion offers for a command is in the manual, in
# that command's own entry (the global ones anywhere)
section() {
	sed -n '/^COMMANDS/,/^KEYS/p' "$E2E_TMP/man.txt" |
	    awk -v c="$1" '/^     [a-z]/ { split($0, w, " "); on = w[1] == c } on'
}
for c in $cmds; do
	section "$c" >"$E2E_TMP/section.txt"
	[ -s "$E2E_TMP/section.txt" ] || fail "the manual has no entry for $c"
	for o in $(complete_words "mdtchair $c --" | grep '^--'); do
		case $o in
		--help | --db | --config) where=$E2E_TMP/man.txt ;;
		*) where=$E2E_TMP/section.txt ;;
		esac
		grep -qF -- "$o" "$where" || fail "$c $o is not in the manual's entry for $c"
	done
done
pass "every option the completion knows is in the manual, under its command"
