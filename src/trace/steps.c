// SPDX-License-Identifier: GPL-2.0
/*
 * steps.c - an ftrace.txt cut at its step marks, calls counted per step
 * (steps.h). The marks are the VMM's or the guest's, so the same reader
 * serves a trace taken under virq and one taken under QEMU.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftrace-line.h"
#include "steps.h"
#include "../guest/virq-prog.h"

/* VFIO's INTx unmask handler as the resamplefd runs it, apart from SET_IRQS's */
#define STEPS_UNMASK_BY_RESAMPLE	"vfio_pci_intx_unmask_handler<-virqfd_wakeup"

static struct trace_step *steps_of(struct trace_steps *t, int line)
{
	for (int i = 0; i < t->nr_steps; i++)
		if (t->steps[i].line == line)
			return &t->steps[i];
	t->steps[t->nr_steps] = (struct trace_step){ .line = line, .t0 = -1 };
	return &t->steps[t->nr_steps++];
}

/* an ioctl handler: what it calls is a request of the VMM (5.10's VFIO: vfio_pci_ioctl) */
static bool steps_is_ioctl(const char *caller)
{
	return !strcmp(caller, "kvm_vm_ioctl") || !strcmp(caller, "vfio_pci_core_ioctl") ||
	       !strcmp(caller, "vfio_pci_ioctl");
}

static void steps_count(struct trace_step *s, const char *fn, const char *caller)
{
	int i;

	/* VFIO's unmask run by the resamplefd, per interrupt; by SET_IRQS, a request's */
	if (!strcmp(fn, "vfio_pci_intx_unmask_handler") && !strcmp(caller, "virqfd_wakeup"))
		fn = STEPS_UNMASK_BY_RESAMPLE;
	s->commits += !strcmp(fn, "kvm_set_irq_routing") && !strcmp(caller, "kvm_vm_ioctl");
	s->irqfds += !strcmp(fn, "kvm_irqfd") && !strcmp(caller, "kvm_vm_ioctl");
	s->set_irqs += !strcmp(fn, "vfio_pci_set_msi_trigger");
	for (i = 0; i < s->nr_fns && strcmp(s->fn[i], fn); i++)
		;
	if (i == s->nr_fns) {
		if (s->nr_fns == TRACE_STEP_FNS)
			return;
		snprintf(s->fn[s->nr_fns], sizeof(s->fn[0]), "%s", fn);
		s->count[s->nr_fns++] = 0;
	}
	s->count[i]++;
	if (steps_is_ioctl(caller) && s->nr_reqs++ < TRACE_STEP_REQS)
		s->req[s->nr_reqs - 1] = (unsigned char)i;
}

/* the step a line marks, or -1: "virq: step seed-affinity:34 ..." or kvm_pio's */
static int steps_mark(const char *line)
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
	if (m && sscanf(m + strlen(pio), "%x", &v) == 1 && v <= VIRQ_PROG_MARK_END)
		return (int)v;
	return -1;
}

/* the handlers of enum trace_timed; KVM's called from kvm_vm_ioctl, VFIO's from its SET_IRQS */
static const char *const steps_timed_fn[TRACE_TIMED_NR] = {
	[TRACE_TIMED_COMMIT] = "kvm_set_irq_routing",
	[TRACE_TIMED_IRQFD] = "kvm_irqfd",
	[TRACE_TIMED_SET_IRQS] = "vfio_pci_set_msi_trigger",
};
static const char *const steps_timed_caller[TRACE_TIMED_NR] = {
	[TRACE_TIMED_COMMIT] = "kvm_vm_ioctl",
	[TRACE_TIMED_IRQFD] = "kvm_vm_ioctl",
};

/*
 * An ioctl in flight: the step it began in, its task and entry time. A
 * task is in one ioctl at a time; a few tasks (QEMU's main thread and
 * vCPUs) may each be in one.
 */
#define STEPS_IN_FLIGHT	8
struct steps_call {
	struct trace_step *step;	/* NULL: a free slot */
	int pid;
	double t;
};

/* the kretprobe's "NAME: (kvm_vm_ioctl+0x5/0x9 [kvm] <- kvm_irqfd)": its handler, or -1 */
static int steps_ret_of(const char *line)
{
	const char *m = strstr(line, " <- ");

	for (int i = 0; m && i < TRACE_TIMED_NR; i++) {
		size_t l = strlen(steps_timed_fn[i]);

		if (!strncmp(m + 4, steps_timed_fn[i], l) && (m[4 + l] == ')' || m[4 + l] == '.'))
			return i;
	}
	return -1;
}

static int steps_timed_of(const char *fn, const char *caller)
{
	for (int i = 0; i < TRACE_TIMED_NR; i++)
		if (!strcmp(fn, steps_timed_fn[i]) &&
		    (!steps_timed_caller[i] || !strcmp(caller, steps_timed_caller[i])))
			return i;
	return -1;
}

/* a timed ioctl's entry (function tracer) or return (kretprobe): pair them by task */
static void steps_call_time(struct trace_steps *t, struct steps_call *c, int k,
			    struct trace_step *cur, const char *line, bool entry)
{
	int pid = ftrace_pid(line), slot = -1;
	double ts;

	if (!ftrace_time(line, &ts))
		return;
	t->rets[k] += !entry;
	for (int i = 0; i < STEPS_IN_FLIGHT && slot < 0; i++)
		if (c[i].step && c[i].pid == pid)
			slot = i;
	if (entry) {
		/* a new entry on the task replaces one whose return went unseen */
		for (int i = 0; i < STEPS_IN_FLIGHT && slot < 0; i++)
			if (!c[i].step)
				slot = i;
		if (slot >= 0)
			c[slot] = (struct steps_call){ .step = cur, .pid = pid, .t = ts };
		return;
	}
	if (slot < 0 || ts < c[slot].t)
		return;
	c[slot].step->timed[k]++;
	c[slot].step->in_s[k] += ts - c[slot].t;
	c[slot].step = NULL;
}

static void steps_time(struct trace_step *s, const char *line)
{
	double t;

	if (!ftrace_time(line, &t))
		return;
	if (s->t0 < 0)
		s->t0 = t;
	s->t1 = t;
}

int trace_steps_read(const char *path, struct trace_steps *t)
{
	FILE *f = fopen(path, "r");
	struct steps_call calls[TRACE_TIMED_NR][STEPS_IN_FLIGHT] = { 0 };
	struct trace_step *cur;
	char line[512], fn[TRACE_STEP_FN_LEN], caller[TRACE_STEP_FN_LEN];
	int k;

	*t = (struct trace_steps){ 0 };
	if (!f)
		return -errno;
	/* a line appears once per program step, the end mark once more */
	t->steps = calloc(VIRQ_PROG_MAX_STEPS + 2, sizeof(*t->steps));
	if (!t->steps) {
		fclose(f);
		return -ENOMEM;
	}
	cur = steps_of(t, 0);
	while (fgets(line, sizeof(line), f)) {
		int mark = steps_mark(line);

		if (mark >= 0 && t->nr_steps < (int)VIRQ_PROG_MAX_STEPS + 2) {
			cur = steps_of(t, mark);
			t->marks++;
		} else if (ftrace_call(line, fn, sizeof(fn), caller, sizeof(caller))) {
			steps_count(cur, fn, caller);
			if ((k = steps_timed_of(fn, caller)) >= 0)
				steps_call_time(t, calls[k], k, cur, line, true);
		} else if ((k = steps_ret_of(line)) >= 0) {
			steps_call_time(t, calls[k], k, cur, line, false);
		}
		steps_time(cur, line);
	}
	fclose(f);
	return 0;
}

void trace_steps_free(struct trace_steps *t)
{
	free(t->steps);
	*t = (struct trace_steps){ 0 };
}

const struct trace_step *trace_steps_find(const struct trace_steps *t, int line)
{
	for (int i = 0; i < t->nr_steps; i++)
		if (t->steps[i].line == line)
			return &t->steps[i];
	return NULL;
}

int trace_step_calls(const struct trace_step *s, const char *fn)
{
	for (int i = 0; s && i < s->nr_fns; i++)
		if (!strcmp(s->fn[i], fn))
			return s->count[i];
	return 0;
}

const char *const trace_per_interrupt_fns[] = {
	"vfio_intx_handler", STEPS_UNMASK_BY_RESAMPLE, "kvm_ioapic_update_eoi",
	"irqfd_resampler_ack", NULL,
};

bool trace_fn_per_interrupt(const char *fn)
{
	for (int i = 0; trace_per_interrupt_fns[i]; i++)
		if (!strcmp(fn, trace_per_interrupt_fns[i]))
			return true;
	return false;
}

int trace_steps_calls_between(const struct trace_steps *t, const char *fn)
{
	int n = 0;

	for (int i = 0; i < t->nr_steps; i++)
		if (t->steps[i].line != 0 && t->steps[i].line != (int)VIRQ_PROG_MARK_END)
			n += trace_step_calls(&t->steps[i], fn);
	return n;
}

/* how many of s's requests were fn's */
static int steps_reqs_of(const struct trace_step *s, const char *fn)
{
	int n = 0;

	for (int i = 0; s && i < s->nr_reqs && i < TRACE_STEP_REQS; i++)
		n += !strcmp(s->fn[s->req[i]], fn);
	return n;
}

char *trace_step_reqs_str(const struct trace_step *s, const struct trace_step *o, char *buf,
			  size_t n, int *nr)
{
	size_t len = 0;

	buf[0] = 0;
	*nr = 0;
	for (int i = 0; s && i < s->nr_reqs && i < TRACE_STEP_REQS && len < n; i++) {
		const char *fn = s->fn[s->req[i]];

		if (steps_reqs_of(s, fn) != steps_reqs_of(o, fn))
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", *nr ? " " : "", fn);
		++*nr;
	}
	if (s && s->nr_reqs > TRACE_STEP_REQS && len < n)
		snprintf(buf + len, n - len, " ... (%d in all)", s->nr_reqs);
	return buf;
}

int trace_step_each_diff(const struct trace_step *a, const struct trace_step *b,
			 void (*fn)(void *arg, const char *name, int ca, int cb), void *arg)
{
	int n = 0;

	for (int pass = 0; pass < 2; pass++) {
		const struct trace_step *s = pass ? b : a, *o = pass ? a : b;

		for (int i = 0; s && i < s->nr_fns; i++) {
			int ca = trace_step_calls(a, s->fn[i]), cb = trace_step_calls(b, s->fn[i]);

			/* b's pass: only what a lacks, a's pass printed the rest */
			if (ca == cb || (pass && trace_step_calls(o, s->fn[i])))
				continue;
			fn(arg, s->fn[i], ca, cb);
			n++;
		}
	}
	return n;
}
