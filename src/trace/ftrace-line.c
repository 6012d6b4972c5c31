// SPDX-License-Identifier: GPL-2.0
/* ftrace-line.c - parse the function tracer's "fn <-caller" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftrace-line.h"

/* copy a symbol, "foo.isra.0" -> "foo" */
static void symbol(char *to, size_t n, const char *from, size_t len)
{
	snprintf(to, n, "%.*s", (int)len, from);
	to[strcspn(to, ".")] = 0;
}

bool ftrace_call(const char *line, char *fn, size_t fn_len, char *caller, size_t caller_len)
{
	const char *arrow = strstr(line, " <-"), *s;

	/* the function tracer prints "fn <-caller"; a kretprobe event's
	 * "(caller+0x1/0x2 <- fn)" has a blank after the arrow and is no call */
	if (line[0] == '#' || !arrow || arrow[3] == ' ' || strstr(line, "tracing_mark_write"))
		return false;
	for (s = arrow; s > line && s[-1] != ' '; s--)
		;
	symbol(fn, fn_len, s, (size_t)(arrow - s));
	symbol(caller, caller_len, arrow + 3, strcspn(arrow + 3, " \r\n"));
	return true;
}

bool ftrace_time(const char *line, double *sec)
{
	const char *p = strchr(line, ']');

	/* "[000] d..1. 1.234567:" or, without irq-info, "[000] 1.234567:" */
	while (p && *p) {
		char *end;

		p += strspn(p, "] ");
		*sec = strtod(p, &end);
		if (end > p && *end == ':')
			return true;
		p = strchr(p, ' ');
	}
	return false;
}

int ftrace_pid(const char *line)
{
	const char *br = strstr(line, " [");
	const char *d = br;

	/* "  CPU 0/KVM-151     [000]": the task's name may hold blanks and dashes */
	while (d && d > line && *d != '-')
		d--;
	return d && *d == '-' ? atoi(d + 1) : -1;
}
