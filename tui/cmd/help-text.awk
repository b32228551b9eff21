# help-text.awk - makes tui/cmd/help_text.c of tui/cmd/help.txt: for each
# section "%% NAME", the C string cmd_help_NAME holding its lines (the
# trailing blank ones dropped) joined by newlines, as CMD_ENTRY (cmd.h)
# expects.
function flush(   i) {
	if (name == "")
		return
	while (n > 0 && text[n] == "")
		n--
	printf "extern const char cmd_help_%s[];\n", name
	printf "const char cmd_help_%s[] =", name
	if (n == 0)
		printf " \"\""
	for (i = 1; i <= n; i++)
		printf "\n    \"%s%s\"", text[i], i < n ? "\\n" : ""
	printf ";\n\n"
	n = 0
}
BEGIN {
	print "/* Made of tui/cmd/help.txt by tui/cmd/help-text.awk: edit those. */"
	print ""
	n = 0
	name = ""
}
/^%% [a-z][a-z0-9_]*$/ {
	flush()
	name = $2
	next
}
name == "" {
	next
}
{
	line = $0
	gsub(/\\/, "&&", line)
	gsub(/"/, "\\\"", line)
	text[++n] = line
}
END {
	flush()
}
