// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - two kernel function traces of the same scenario, one under virq
 * and one under another VMM, compared step by step: each trace is cut at
 * its step marks (virq's "virq: step NAME:LINE" trace_marker lines, or the
 * test guest's write of LINE to VIRQ_PORT_STEP, which the kvm_pio event
 * shows under any VMM) and the traced calls of each step are counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "ftrace-line.h"
#include "../guest/virq-prog.h"

#define DIFF_MAX_FNS	64

struct diff_step {
	int line;
	int nr_fns;
	char fn[DIFF_MAX_FNS][48];
	int count[DIFF_MAX_FNS];
};

struct diff_trace {
	struct diff_step *steps;	/* by first appearance; steps[0] = before any mark */
	int nr_steps;
};

static struct diff_step *diff_step_of(struct diff_trace *t, int line)
{
	for (int i = 0; i < t->nr_steps; i++)
		if (t->steps[i].line == line)
			return &t->steps[i];
	t->steps[t->nr_steps] = (struct diff_step){ .line = line };
	return &t->steps[t->nr_steps++];
}

static void diff_count(struct diff_step *s, const char *fn)
{
	for (int i = 0; i < s->nr_fns; i++)
		if (!strcmp(s->fn[i], fn)) {
			s->count[i]++;
			return;
		}
	if (s->nr_fns == DIFF_MAX_FNS)
		return;
	snprintf(s->fn[s->nr_fns], sizeof(s->fn[0]), "%s", fn);
	s->count[s->nr_fns++] = 1;
}

/* the step a line marks, or -1: "virq: step seed-affinity:34 ..." or kvm_pio's */
static int diff_mark(const char *line)
{
	const char *m = strstr(line, "tracing_mark_write: virq: step ");
	char pio[64];
	unsigned int v;

	if (m) {
		m = strchr(m + 31, ':');
		return m ? atoi(m + 1) : -1;
	}
	snprintf(pio, sizeof(pio), "kvm_pio: pio_write at 0x%x size 4 count 1 val ", VIRQ_PORT_STEP);
	m = strstr(line, pio);
	if (m && sscanf(m + strlen(pio), "%x", &v) == 1)
		return (int)v;
	return -1;
}

static int diff_read(const char *path, struct diff_trace *t)
{
	FILE *f = fopen(path, "r");
	struct diff_step *cur;
	char line[512], fn[48], caller[48];

	if (!f)
		return -errno;
	t->steps = calloc(VIRQ_PROG_MAX_STEPS + 1, sizeof(*t->steps));
	if (!t->steps) {
		fclose(f);
		return -ENOMEM;
	}
	t->nr_steps = 0;
	cur = diff_step_of(t, 0);
	while (fgets(line, sizeof(line), f)) {
		int mark = diff_mark(line);

		if (mark >= 0 && t->nr_steps < (int)VIRQ_PROG_MAX_STEPS)
			cur = diff_step_of(t, mark);
		else if (ftrace_call(line, fn, sizeof(fn), caller, sizeof(caller)))
			diff_count(cur, fn);
	}
	fclose(f);
	return 0;
}

static int diff_get(const struct diff_step *s, const char *fn)
{
	for (int i = 0; s && i < s->nr_fns; i++)
		if (!strcmp(s->fn[i], fn))
			return s->count[i];
	return 0;
}

static const struct diff_step *diff_find(const struct diff_trace *t, int line)
{
	for (int i = 0; i < t->nr_steps; i++)
		if (t->steps[i].line == line)
			return &t->steps[i];
	return NULL;
}

/* the functions of a and b that differ in count, printed; how many */
static int diff_print_step(FILE *out, int line, const struct diff_step *a,
			   const struct diff_step *b)
{
	int nd = 0;

	for (int pass = 0; pass < 2; pass++) {
		const struct diff_step *s = pass ? b : a, *o = pass ? a : b;

		for (int i = 0; s && i < s->nr_fns; i++) {
			int ca = diff_get(a, s->fn[i]), cb = diff_get(b, s->fn[i]);

			if (ca == cb || (pass && diff_get(o, s->fn[i])))
				continue;
			if (!nd++)
				fprintf(out, "step %d:\n", line);
			fprintf(out, "  %-40s %5d %5d\n", s->fn[i], ca, cb);
		}
	}
	return nd;
}

int trace_diff(const char *path_a, const char *path_b, FILE *out, struct trace_diff_result *res)
{
	struct diff_trace a = { 0 }, b = { 0 };
	int r = diff_read(path_a, &a);

	if (!r)
		r = diff_read(path_b, &b);
	*res = (struct trace_diff_result){ 0 };
	if (!r) {
		fprintf(out, "  %-40s %5s %5s   (calls per step: first trace, second trace)\n",
			"", "A", "B");
		for (int i = 0; i < a.nr_steps + b.nr_steps; i++) {
			const struct diff_step *s = i < a.nr_steps ? &a.steps[i] : &b.steps[i - a.nr_steps];

			if (i >= a.nr_steps && diff_find(&a, s->line))
				continue;	/* printed with a's */
			res->steps++;
			if (diff_print_step(out, s->line, diff_find(&a, s->line),
					    diff_find(&b, s->line)))
				res->differing++;
		}
		fprintf(out, "%d steps, %d with different kernel calls\n", res->steps, res->differing);
	}
	free(a.steps);
	free(b.steps);
	return r;
}
