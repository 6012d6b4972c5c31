// SPDX-License-Identifier: GPL-2.0
/*
 * trace-steps.c - 'virq trace-steps FTRACE': a kernel trace cut at its step
 * marks (src/trace/steps.c), one line a step with its wall time and what
 * the VMM made the kernel do in it. bench/run.sh sums these per section,
 * the same way for a trace taken under virq and one taken under QEMU.
 */
#include <stdio.h>
#include <string.h>

#include "../src/scenario/run.h"
#include "../src/trace/steps.h"

int cmd_trace_steps(int argc, char **argv);

/* from the step's first line to the next step's; the last one to its own last line */
static double step_ms(const struct trace_steps *t, int i)
{
	const struct trace_step *s = &t->steps[i];

	if (s->t0 < 0)
		return 0;
	if (i + 1 < t->nr_steps && t->steps[i + 1].t0 >= s->t0)
		return (t->steps[i + 1].t0 - s->t0) * 1e3;
	return (s->t1 - s->t0) * 1e3;
}

/* ms inside a timed ioctl, "-" if the trace has no kretprobe on its handler */
static const char *step_in_ms(const struct trace_steps *t, const struct trace_step *s,
			      enum trace_timed k, char *buf, size_t n)
{
	if (!t->rets[k])
		return "-";
	snprintf(buf, n, "%.3f", s->in_s[k] * 1e3);
	return buf;
}

static void steps_print(const char *path, const struct trace_steps *t)
{
	printf("# %s: %d steps, %d marks, kretprobe returns: kvm_set_irq_routing %d, kvm_irqfd %d, "
	       "vfio_pci_set_msi_trigger %d\n"
	       "# line: the scenario's (0 before the first mark, 65535 the end); ms: from its\n"
	       "# first mark to the next step's; commit_ms, irqfd_ms, set_irqs_ms: inside\n"
	       "# kvm_set_irq_routing, kvm_irqfd and vfio_pci_set_msi_trigger for the 'timed' of\n"
	       "# its KVM_SET_GSI_ROUTING, KVM_IRQFD and MSI-X SET_IRQS calls ('-': the trace\n"
	       "# has no kretprobe on the handler)\n"
	       "# line ms commits set_irqs irqfds commit_ms commits_timed irqfd_ms irqfds_timed"
	       " set_irqs_ms set_irqs_timed\n",
	       path, t->nr_steps, t->marks, t->rets[TRACE_TIMED_COMMIT], t->rets[TRACE_TIMED_IRQFD],
	       t->rets[TRACE_TIMED_SET_IRQS]);
	for (int i = 0; i < t->nr_steps; i++) {
		const struct trace_step *s = &t->steps[i];
		char c[32], f[32], q[32];

		printf("%d %.3f %d %d %d %s %d %s %d %s %d\n", s->line, step_ms(t, i), s->commits,
		       s->set_irqs, s->irqfds, step_in_ms(t, s, TRACE_TIMED_COMMIT, c, sizeof(c)),
		       s->timed[TRACE_TIMED_COMMIT], step_in_ms(t, s, TRACE_TIMED_IRQFD, f, sizeof(f)),
		       s->timed[TRACE_TIMED_IRQFD], step_in_ms(t, s, TRACE_TIMED_SET_IRQS, q, sizeof(q)),
		       s->timed[TRACE_TIMED_SET_IRQS]);
	}
}

int cmd_trace_steps(int argc, char **argv)
{
	struct trace_steps t;
	int r;

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fputs("usage: virq trace-steps FTRACE.TXT\n"
		      "Cuts a kernel trace at its step marks (as trace-diff does) and prints one line\n"
		      "a step: its scenario line, wall ms from its mark to the next, KVM_SET_GSI_ROUTING,\n"
		      "MSI-X SET_IRQS and KVM_IRQFD calls, and the ms inside kvm_set_irq_routing and\n"
		      "kvm_irqfd when the trace has kretprobes on them (bench/lab-bench.sh sets them up).\n",
		      argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : VIRQ_EXIT_USAGE;
	}
	r = trace_steps_read(argv[1], &t);
	if (r < 0) {
		fprintf(stderr, "virq: trace-steps: %s: %s\n", argv[1], strerror(-r));
		return VIRQ_EXIT_USAGE;
	}
	steps_print(argv[1], &t);
	trace_steps_free(&t);
	return 0;
}
