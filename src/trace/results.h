/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - what one scenario run produced, as the report writers read
 * it. The runner fills it once at the end of a run (run_results_fill in
 * src/scenario/run-results.c); nothing here points back into the runner,
 * the VM or KVMState, so a report can be written after they are gone.
 */
#ifndef VIRQ_RESULTS_H
#define VIRQ_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define RESULTS_NAME_LEN	32
#define RESULTS_TEXT_LEN	256
#define RESULTS_MAX_EXITS	8

/* one `expect` line's verdict */
struct results_expect {
	int line;
	bool passed;
	bool na;			/* not applicable on this kernel (got says why) */
	char text[RESULTS_TEXT_LEN];	/* the line as written */
	char got[RESULTS_TEXT_LEN];	/* what was seen */
};

/* one row of the per-vector table (vfio_intr_stat-like) */
struct results_vector {
	char device[RESULTS_NAME_LEN];
	int index;
	int gsi;			/* -1: none (signal-msi) */
	int host_irq;			/* -1: not a passthrough vector */
	int guest_vector, vcpu;		/* where the last raise went */
	char path[16];			/* "irqfd", "signal-msi", "relay" */
	uint64_t raised, delivered, pending, coalesced;
	uint64_t dropped;		/* nothing will deliver them: vector unused, pending bit cleared */
	uint64_t taken;			/* interrupts the guest took for the row: delivered, or
					 * more for a level line re-delivered while up */
	uint64_t notifier_errors;	/* MSI-X use/release the kernel refused (fails the run) */
	/* the ledger (src/scenario/ledger.c); each fails the run unless an expect names it */
	uint64_t moved;			/* raised, then taken along by a queue to another vector */
	uint64_t misrouted;		/* taken, but not on the vCPU/vector the kernel was told */
	uint64_t lost;			/* neither taken nor pending */
	uint64_t stale;			/* taken as the kernel was told, not as the entry said */
	uint64_t delivered_masked;	/* told while the guest had the vector masked */
};

/* user exits of one kind ("io", "mmio", ...), all vCPUs together */
struct results_exits {
	char reason[16];
	uint64_t count;
};

/* user exits on one port or MMIO address */
struct results_exit_addr {
	char space[8];			/* "io" or "mmio" */
	uint64_t addr;
	uint64_t count;
};

/* every step of the scenario, run or not (ns 0), with its wall time */
struct results_step {
	int line;
	uint64_t ns;
	char text[RESULTS_TEXT_LEN];
	bool traced;			/* the kernel's calls below are from its ftrace */
	int commits, irqfds, set_irqs;	/* KVM_SET_GSI_ROUTING, KVM_IRQFD, MSI-X SET_IRQS */
};

/* interrupts the guest took, as its own log says */
struct results_irq {
	int vcpu, vector;
	uint64_t count;
};

/* the kernel calls of the run from its ftrace (src/trace/steps.h), all steps together */
struct results_trace {
	bool have;
	int commits, irqfds, set_irqs;
	int setup_commits, setup_irqfds, setup_set_irqs;	/* ... before the first step */
	int end_commits, end_irqfds, end_set_irqs;		/* ... after the last: teardown */
};

struct results {
	char scenario[64];		/* the file's basename without .virq */
	char file[256];			/* as given on the command line */
	char kernel[128];		/* uname -r */
	char vmm[128];			/* "virq", or the other VMM's name and version */
	bool vmm_state;			/* the VMM's own tables below are known (virq's) */
	int status;			/* VIRQ_EXIT_* */
	bool passed;			/* status == VIRQ_EXIT_OK */
	bool applicable;		/* false: this kernel lacks what it needs (error says what) */
	char error[320];		/* why the run stopped early, "" if it did not */
	char lacks_modules[256];	/* modules the lab could not load ($LAB_MODULES_MISSING) */
	char lacks_functions[512];	/* ftrace filter entries with nothing to trace here */
	uint64_t ns;			/* wall time of the whole run */

	struct results_expect *expects;
	int nr_expects;
	struct results_vector *vectors;
	int nr_vectors;

	/* KVMState at the end */
	unsigned int commits;		/* KVM_SET_GSI_ROUTING issued */
	unsigned int commit_errors;	/* ... of which the kernel refused */
	unsigned int routes;		/* entries in the route table */
	unsigned int max_routes;	/* KVM_CAP_IRQ_ROUTING */

	struct results_exits exits[RESULTS_MAX_EXITS];
	int nr_exits;
	struct results_exit_addr *exit_addrs;
	int nr_exit_addrs;
	struct results_step *steps;
	int nr_steps;
	struct results_irq *irqs;
	int nr_irqs;
	struct results_trace trace;
};

static inline void results_free(struct results *res)
{
	free(res->expects);
	free(res->vectors);
	free(res->exit_addrs);
	free(res->steps);
	free(res->irqs);
	res->irqs = NULL;
	res->expects = NULL;
	res->vectors = NULL;
	res->exit_addrs = NULL;
	res->steps = NULL;
	res->nr_expects = res->nr_vectors = res->nr_exit_addrs = res->nr_steps = res->nr_irqs = 0;
}

/*
 * results_add_trace - the kernel's calls per step from an ftrace.txt of the
 * run (either VMM's step marks), into res->steps and res->trace; 0 or -errno
 */
int results_add_trace(struct results *res, const char *ftrace_path);

#endif /* VIRQ_RESULTS_H */
