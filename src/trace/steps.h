/* SPDX-License-Identifier: GPL-2.0 */
/*
 * steps.h - a kernel function trace cut at a scenario's step marks: virq's
 * "virq: step NAME:LINE" trace_marker lines, or the test guest's write of
 * LINE to VIRQ_PORT_STEP, which the kvm_pio event shows under any VMM. The
 * traced calls of each step are counted, so two VMMs' traces of one
 * scenario can be compared step by step (diff.c) and a run's results can
 * say what each step cost in the kernel. Where the trace also has
 * kretprobe events on the ioctls' handlers ("NAME: (kvm_vm_ioctl+0x../0x..
 * [kvm] <- kvm_set_irq_routing)", set up by bench/lab-bench.sh), each
 * KVM_SET_GSI_ROUTING's and KVM_IRQFD's time inside the kernel is summed
 * per step: from the function tracer's entry line to that return.
 */
#ifndef VIRQ_TRACE_STEPS_H
#define VIRQ_TRACE_STEPS_H

#include <stdbool.h>

#define TRACE_STEP_FNS		64
#define TRACE_STEP_FN_LEN	48
#define TRACE_STEP_REQS		128

/* the ioctls a step's kernel time is measured for (kretprobes permitting) */
enum trace_timed {
	TRACE_TIMED_COMMIT,		/* kvm_set_irq_routing <-kvm_vm_ioctl */
	TRACE_TIMED_IRQFD,		/* kvm_irqfd <-kvm_vm_ioctl */
	TRACE_TIMED_SET_IRQS,		/* vfio_pci_set_msi_trigger (MSI/MSI-X SET_IRQS), any caller */
	TRACE_TIMED_NR,
};

struct trace_step {
	int line;			/* scenario line; 0 before the first mark, VIRQ_PROG_MARK_END after the last */
	double t0, t1;			/* first and last timestamp seen in the step (s) */
	int commits;			/* kvm_set_irq_routing <-kvm_vm_ioctl: KVM_SET_GSI_ROUTING */
	int irqfds;			/* kvm_irqfd <-kvm_vm_ioctl: KVM_IRQFD, assign or deassign */
	int set_irqs;			/* vfio_pci_set_msi_trigger: MSI/MSI-X VFIO_DEVICE_SET_IRQS */
	int timed[TRACE_TIMED_NR];	/* of commits, irqfds: those whose return was traced */
	double in_s[TRACE_TIMED_NR];	/* their time inside the handler (s) */
	int nr_fns;
	char fn[TRACE_STEP_FNS][TRACE_STEP_FN_LEN];
	int count[TRACE_STEP_FNS];
	/*
	 * the VMM's requests in the order the kernel took them: the calls an
	 * ioctl handler made (kvm_vm_ioctl's kvm_irqfd, kvm_set_irq_routing;
	 * vfio_pci_core_ioctl's vfio_pci_set_*), as indices into fn[]
	 */
	int nr_reqs;			/* may exceed TRACE_STEP_REQS: only the first are kept */
	unsigned char req[TRACE_STEP_REQS];
};

struct trace_steps {
	struct trace_step *steps;	/* by first appearance; steps[0] = before any mark */
	int nr_steps;
	int marks;			/* step marks seen (virq --program: two a step, kvm_pio's and its own) */
	int rets[TRACE_TIMED_NR];	/* kretprobe returns seen (0: none set up) */
};

/* trace_steps_read - read an ftrace.txt into *t; 0 or -errno. Free with trace_steps_free. */
int trace_steps_read(const char *path, struct trace_steps *t);
void trace_steps_free(struct trace_steps *t);
const struct trace_step *trace_steps_find(const struct trace_steps *t, int line);
/* calls of fn in s (s may be NULL: 0) */
int trace_step_calls(const struct trace_step *s, const char *fn);

/*
 * trace_step_each_diff - fn(arg, name, calls in a, calls in b) for each
 * function whose calls differ between a and b (either may be NULL): a's
 * functions in a's order, then those only b has; how many
 */
int trace_step_each_diff(const struct trace_step *a, const struct trace_step *b,
			 void (*fn)(void *arg, const char *name, int ca, int cb), void *arg);

/*
 * trace_fn_per_interrupt - a function the kernel calls for each level
 * interrupt (VFIO's INTx handler, the IOAPIC's EOI, the resampler's ack,
 * VFIO's unmask handler when the resamplefd runs it: counted apart as
 * "vfio_pci_intx_unmask_handler<-virqfd_wakeup"), not for a request of
 * the VMM: which step it lands in depends on when the guest took the
 * interrupt, so two traces compare it over all the steps together
 */
extern const char *const trace_per_interrupt_fns[];	/* NULL-terminated */
bool trace_fn_per_interrupt(const char *fn);
/* its calls in every step but setup and the end */
int trace_steps_calls_between(const struct trace_steps *t, const char *fn);

/*
 * trace_step_reqs_str - a step's requests in order, "kvm_irqfd vfio_pci_set_intx_mask ..."
 * (s may be NULL: ""), leaving out functions requested a different number
 * of times in o (NULL: a step with none), so two steps compare in order on
 * what they share; *nr gets how many it kept; buf is returned
 */
char *trace_step_reqs_str(const struct trace_step *s, const struct trace_step *o, char *buf,
			  size_t n, int *nr);

#endif
