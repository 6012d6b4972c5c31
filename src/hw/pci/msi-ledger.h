/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi-ledger.h - what the kernel was told, per interrupt source. Not a QEMU
 * mechanism: virq's account of each message handed to KVM (KVM_SIGNAL_MSI,
 * or an irqfd signalled while the kernel routes its GSI), booked at the
 * moment it is handed over, against the target the kernel was told and what
 * the guest's own MSI-X entry said then. The runner matches these against
 * the interrupts the guest took (src/scenario/run-ledger.c).
 */
#ifndef VIRQ_MSI_LEDGER_H
#define VIRQ_MSI_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../vmm/kvm.h"

#define MSI_LEDGER_TARGETS	8

/* messages told to the kernel for one (APIC ID, vector) */
struct msi_told {
	unsigned int dest, vector;
	uint64_t n;
};

struct msi_ledger {
	struct msi_told t[MSI_LEDGER_TARGETS];
	int nr;
	uint64_t told;		/* messages handed to the kernel */
	uint64_t untargeted;	/* ... beyond MSI_LEDGER_TARGETS targets: cannot be matched */
	uint64_t stale;		/* ... to a target the guest's entry no longer held */
	uint64_t masked;	/* ... while the guest had the vector masked */
};

/*
 * msi_ledger_tell - the kernel was told msg; the guest's entry held entry,
 * masked or not. stale compares only where the interrupt goes (destination
 * APIC ID and vector), as the guest sees it.
 */
void msi_ledger_tell(struct msi_ledger *l, MSIMessage told, MSIMessage entry, bool masked);

/* the message a KVM_IRQ_ROUTING_MSI entry carries (NULL: the kernel has no route) */
bool msi_route_message(const struct kvm_irq_routing_entry *e, MSIMessage *msg);

#endif /* VIRQ_MSI_LEDGER_H */
