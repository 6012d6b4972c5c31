// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - two kernel function traces of the same scenario, one under virq
 * and one under another VMM, compared step by step: each trace is cut at
 * its step marks (virq's "virq: step NAME:LINE" trace_marker lines, or the
 * test guest's write of LINE to VIRQ_PORT_STEP, which the kvm_pio event
 * shows under any VMM) and the traced calls of each step are counted.
 */
#include <string.h>

#include "diff.h"
#include "steps.h"
#include "../guest/virq-prog.h"

struct diff_print {
	FILE *out;
	int line, printed;
};

static void diff_print_fn(void *arg, const char *name, int ca, int cb)
{
	struct diff_print *p = arg;

	if (!p->printed++) {
		if (p->line == VIRQ_PROG_MARK_END)
			fprintf(p->out, "end (after the last step: teardown):\n");
		else
			fprintf(p->out, "step %d:\n", p->line);
	}
	fprintf(p->out, "  %-40s %5d %5d\n", name, ca, cb);
}

/* the functions of a and b that differ in count, printed; how many */
static int diff_print_step(FILE *out, int line, const struct trace_step *a,
			   const struct trace_step *b)
{
	struct diff_print p = { .out = out, .line = line };

	return trace_step_each_diff(a, b, diff_print_fn, &p);
}

int trace_diff(const char *path_a, const char *path_b, FILE *out, struct trace_diff_result *res)
{
	struct trace_steps a, b = { 0 };
	int r = trace_steps_read(path_a, &a);

	if (!r)
		r = trace_steps_read(path_b, &b);
	*res = (struct trace_diff_result){ 0 };
	if (!r) {
		fprintf(out, "  %-40s %5s %5s   (calls per step: first trace, second trace)\n",
			"", "A", "B");
		for (int i = 0; i < a.nr_steps + b.nr_steps; i++) {
			const struct trace_step *s = i < a.nr_steps ? &a.steps[i] : &b.steps[i - a.nr_steps];

			if (i >= a.nr_steps && trace_steps_find(&a, s->line))
				continue;	/* printed with a's */
			res->steps++;
			if (diff_print_step(out, s->line, trace_steps_find(&a, s->line),
					    trace_steps_find(&b, s->line)))
				res->differing++;
		}
		fprintf(out, "%d steps, %d with different kernel calls\n", res->steps, res->differing);
	}
	trace_steps_free(&a);
	trace_steps_free(&b);
	return r;
}
