/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seed.h - the seed's ftrace of one passthrough vector moved between vCPUs
 * (shared/seed), as data, and a matcher for a kernel function trace.
 */
#ifndef VIRQ_SEED_H
#define VIRQ_SEED_H

#include <stdio.h>

enum seed_block { SEED_RELEASE, SEED_COMMIT, SEED_USE, SEED_BLOCKS };

/* the seed's 21 calls: release (6), commit (9), use (6) */
extern const char *const seed_calls[];
extern const int seed_block_start[SEED_BLOCKS + 1];

/*
 * seed_trace_compare - read ftrace text, list the traced calls (markers
 * left out, the vendors' and eras' names of pi_update_irte taken as one:
 * vmx_, avic_, svm_update_pi_irte), and print them beside
 * the seed's. Returns a bit mask: 1 << block for each seed block found
 * contiguously in order (release before commit before use), plus 8 when
 * the 21 calls appear back to back. -1 if the file cannot be read.
 */
int seed_trace_compare(const char *path, FILE *out);

#endif
