/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seed.h - the seed's ftrace of one passthrough vector moved between vCPUs
 * (shared/seed), as data, and a matcher for a kernel function trace.
 */
#ifndef VIRQ_SEED_H
#define VIRQ_SEED_H

#include <stdbool.h>
#include <stdio.h>

enum seed_block { SEED_RELEASE, SEED_COMMIT, SEED_USE, SEED_BLOCKS };

/* one traced call, "fn <-caller", names as the seed writes them */
struct seed_call {
	const char *fn;
	const char *caller;
};

/* the seed's 21 calls: release (6), commit (9), use (6) */
extern const struct seed_call seed_calls[];
extern const int seed_block_start[SEED_BLOCKS + 1];

/* what seed_trace_compare found */
struct seed_match {
	int at[SEED_BLOCKS];		/* traced call index of each block, -1: not found */
	int caller_ok[SEED_BLOCKS];	/* calls of the block whose caller matches too */
	bool back_to_back;		/* the 21 calls in a row */
	int commit_updates;		/* irqfd_update calls in the move's commit */
	int commit_arch_updates;	/* kvm_arch_update_irqfd_routing calls there */
	int commit_filter_calls;	/* kvm_arch_irqfd_route_changed calls there */
	int commit_len;			/* seed-list calls from kvm_set_irq_routing on */
	int commit_at;			/* traced call index of that kvm_set_irq_routing, -1: none */
	char pi_hook[48];		/* the *_pi_update_irte name seen, "" if none */
	char vfio_ioctl[48];		/* caller of vfio_pci_set_msi_trigger seen */
};

/*
 * seed_trace_compare - read ftrace text and find the seed's blocks in it:
 * release, then commit, then use, each contiguous, compared call for call
 * (function and <-caller, with the names that changed between kernel eras
 * mapped), leaving out markers and functions the seed did not trace. Prints
 * each block, the move's commit as the kernel did it, and the trace's era
 * fingerprints. Returns 0 and fills *m, or -errno if the file cannot be read.
 */
int seed_trace_compare(const char *path, FILE *out, struct seed_match *m);

#endif
