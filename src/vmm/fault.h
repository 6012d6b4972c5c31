/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fault.h - bugs virq can be told to have, on purpose, so that the tests of
 * the interrupt ledger can show it names what went wrong (tests/data/ledger/,
 * one scenario each, failing by design). In the spirit of the kernel's
 * fault injection (should_fail): one fault per scenario, from its vm line's
 * fault= key; a scenario without one runs with none.
 */
#ifndef VIRQ_FAULT_H
#define VIRQ_FAULT_H

#include <stdbool.h>
#include <string.h>

enum virq_fault {
	FAULT_NONE,
	/* KVMState's copy of the kernel's table keeps an MSI entry's old message after a commit */
	FAULT_KERNEL_COPY_BEHIND,
	/* vfio_msix_vector_release leaves VFIO's trigger on KVM's irqfd (the masked vector fires) */
	FAULT_MASKED_IRQFD,
	/* virtio_notify forgets to signal the guest notifier */
	FAULT_DROP_NOTIFY,
	FAULT_MAX,
};

static const char *const fault_names[FAULT_MAX] = {
	[FAULT_NONE] = "none", [FAULT_KERNEL_COPY_BEHIND] = "kernel-copy-behind",
	[FAULT_MASKED_IRQFD] = "masked-irqfd", [FAULT_DROP_NOTIFY] = "drop-notify",
};

static inline int fault_from_name(const char *s)
{
	for (int f = 0; f < FAULT_MAX; f++)
		if (!strcmp(s, fault_names[f]))
			return f;
	return -1;
}

extern enum virq_fault virq_fault;	/* util.c; set by the runner for one scenario */

static inline bool should_fail(enum virq_fault f)
{
	return virq_fault == f;
}

#endif /* VIRQ_FAULT_H */
