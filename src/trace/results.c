// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - a run's kernel calls per step, from its ftrace.txt: what the
 * VMM made the kernel do, counted the same way under virq and under QEMU.
 */
#include "results.h"
#include "steps.h"
#include "../guest/virq-prog.h"

static void results_add(int *c, int *i, int *s, const struct trace_step *t)
{
	*c += t->commits;
	*i += t->irqfds;
	*s += t->set_irqs;
}

int results_add_trace(struct results *res, const char *ftrace_path)
{
	struct results_trace *rt = &res->trace;
	struct trace_steps t;
	int r = trace_steps_read(ftrace_path, &t);

	if (r < 0)
		return r;
	*rt = (struct results_trace){ .have = true };
	for (int i = 0; i < t.nr_steps; i++) {
		const struct trace_step *s = &t.steps[i];

		results_add(&rt->commits, &rt->irqfds, &rt->set_irqs, s);
		if (s->line == 0)
			results_add(&rt->setup_commits, &rt->setup_irqfds, &rt->setup_set_irqs, s);
		else if (s->line == VIRQ_PROG_MARK_END)
			results_add(&rt->end_commits, &rt->end_irqfds, &rt->end_set_irqs, s);
	}
	for (int i = 0; i < res->nr_steps; i++) {
		struct results_step *rs = &res->steps[i];
		const struct trace_step *s = trace_steps_find(&t, rs->line);

		/* another VMM's step times: from its mark to the next one's */
		if (!res->vmm_state && s && s + 1 < t.steps + t.nr_steps && s[1].t0 >= s->t0)
			rs->ns = (uint64_t)((s[1].t0 - s->t0) * 1e9);
		rs->traced = true;
		rs->commits = s ? s->commits : 0;
		rs->irqfds = s ? s->irqfds : 0;
		rs->set_irqs = s ? s->set_irqs : 0;
	}
	trace_steps_free(&t);
	return 0;
}
