/*
 * completion.c - the bash completion of mdtchair, written from the table
 * of the commands ('mdtchair help --bash-completion'; the build installs
 * its output), so that it knows every command, part and option the
 * program knows: the commands and global options first; after a command,
 * its parts and options; after an option, its value by its kind (words,
 * the lists, files, commands).
 */
#include "config.h"

#include <stdio.h>

#include "mdt.h"

#include "cmd.h"

/* The words of the options of a list, with a space before each. */
static void
put_options(FILE *f, const struct cmd_option *o)
{
	for (; o != NULL && o->opt.name != NULL; o++)
		fprintf(f, " --%s", o->opt.name);
}

/* A case arm for each option of a list that takes a value. */
static void
put_values(FILE *f, const struct cmd_option *o)
{
	for (; o != NULL && o->opt.name != NULL; o++) {
		if (o->opt.has_arg == no_argument)
			continue;
		fprintf(f, "\t\t--%s) ", o->opt.name);
		switch (o->value) {
		case CMD_WORD:
			fputs("words='", f);
			for (int i = 0; o->words[i] != NULL; i++)
				fprintf(f, "%s%s", i > 0 ? " " : "", o->words[i]);
			fputs("' ;;\n", f);
			break;
		case CMD_LIST:
			fputs("words='", f);
			for (int i = 0; i < MDT_LIST_COUNT; i++)
				fprintf(f, "%s%s", i > 0 ? " " : "",
				    mdt_list_name((enum mdt_list)(1 << i)));
			fputs("' ;;\n", f);
			break;
		case CMD_FILE:
			fputs("files=1 ;;\n", f);
			break;
		default:
			fputs("return 0 ;;\n", f);	/* free text */
			break;
		}
	}
}

/* The case arm of one command (or part: name is "cmd part"). */
static void
put_command(FILE *f, const char *pattern, const struct cmd_entry *c)
{
	fprintf(f, "\t%s)\n\t\tcase $prev in\n", pattern);
	put_values(f, c->options);
	put_values(f, cmd_global_options);
	/* no value asked for: a file operand, unless an option is begun */
	fputs("\t\tesac\n\t\tif [[ -z $words && -z $files ]]; then\n", f);
	if (c->operands != NULL && c->operands->kind == CMD_FILE)
		fputs("\t\t\t[[ $cur == -* ]] || files=1\n", f);
	fputs("\t\t\t[[ -n $files ]] || words='--help", f);
	put_options(f, c->options);
	for (int i = 0; c->subs != NULL && c->subs[i] != NULL; i++)
		fprintf(f, " %s", c->subs[i]->name);
	if (c->operands != NULL && c->operands->kind == CMD_COMMAND)
		for (size_t i = 0; i < cmd_table_size; i++)
			fprintf(f, " %s", cmd_table[i]->name);
	fputs("'\n\t\tfi\n", f);
	fputs("\t\t;;\n", f);
}

void
cmd_print_completion(FILE *f)
{
	fputs("# bash completion for mdtchair, written by"
	    " 'mdtchair help --bash-completion'\n"
	    "_mdtchair()\n{\n"
	    "\tlocal cur=${COMP_WORDS[COMP_CWORD]}"
	    " prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\tlocal cmd= words= files= i w\n"
	    "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	    "\t\tw=${COMP_WORDS[i]}\n"
	    "\t\tcase $w in\n"
	    "\t\t--db|--config) [[ -z $cmd ]] && ((i++)) ;;\n"
	    "\t\t-*) ;;\n"
	    "\t\t*) if [[ -z $cmd ]]; then cmd=$w\n"
	    "\t\t   elif [[ $cmd != *' '* ]]; then cmd=\"$cmd $w\"; fi ;;\n"
	    "\t\tesac\n"
	    "\tdone\n"
	    "\tcase $cmd in\n"
	    "\t'')\n\t\tcase $prev in\n", f);
	put_values(f, cmd_global_options);
	fputs("\t\tesac\n\t\t[[ -n $words || -n $files ]] ||\n"
	    "\t\t\twords='", f);
	for (size_t i = 0; i < cmd_table_size; i++)
		fprintf(f, "%s ", cmd_table[i]->name);
	put_options(f, cmd_global_options);
	fputs("'\n\t\t;;\n", f);
	for (size_t i = 0; i < cmd_table_size; i++) {
		const struct cmd_entry *c = cmd_table[i];
		char pattern[128];

		for (int k = 0; c->subs != NULL && c->subs[k] != NULL; k++) {
			snprintf(pattern, sizeof pattern, "'%s %s'", c->name,
			    c->subs[k]->name);
			put_command(f, pattern, c->subs[k]);
		}
		snprintf(pattern, sizeof pattern, "%s|%s\\ *", c->name,
		    c->name);
		put_command(f, pattern, c);
	}
	fputs("\tesac\n"
	    "\tif [[ -n $files ]]; then\n"
	    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\telse\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	    "\tfi\n"
	    "\treturn 0\n"
	    "}\n"
	    "complete -o filenames -F _mdtchair mdtchair\n", f);
}
