/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ledger.h - match what the kernel was told against what the guest took.
 * Pure logic (no VM): the runner hands it its rows and a copy of the
 * guest's counts; tests/unit/test_ledger.c drives it with made-up ones.
 */
#ifndef VIRQ_LEDGER_H
#define VIRQ_LEDGER_H

#include <stdint.h>

#include "run.h"

/* the guest's counts[apic id][vector], and the vectors level rows own */
struct ledger_taken {
	uint32_t counts[VIRQ_GUEST_MAX_CPUS][256];
	int nr_cpus;
	uint64_t level[4];		/* bitmap: vectors of INTx lines, not matched here */
};

/*
 * ledger_match - for every row that is not a level line: delivered = its
 * messages the guest took on the (vCPU, vector) the kernel was told,
 * misrouted = the ones it did not take there while the guest took as many
 * somewhere no message was told to go, lost = the rest, and the ones raised
 * but never handed to the kernel nor still pending. Rows that share a target
 * are served in order. Returns the interrupts the guest took that no message
 * explains beyond the misrouted ones (0 when the ledger is exact).
 */
uint64_t ledger_match(struct run_vector *rows, int n, const struct ledger_taken *t);

/* wanted[apic][vector]: the messages told to each target, for a settle wait */
void ledger_wanted(const struct run_vector *rows, int n, const struct ledger_taken *t,
		   uint32_t wanted[VIRQ_GUEST_MAX_CPUS][256]);

#endif /* VIRQ_LEDGER_H */
