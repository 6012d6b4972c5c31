// SPDX-License-Identifier: GPL-2.0
/*
 * msi-ledger.c - book a message handed to the kernel against its target
 * (see msi-ledger.h).
 */
#include "msi-ledger.h"

static bool same_target(MSIMessage a, MSIMessage b)
{
	return msi_x86_dest(a.address) == msi_x86_dest(b.address) &&
	       msi_x86_vector(a.data) == msi_x86_vector(b.data);
}

void msi_ledger_tell(struct msi_ledger *l, MSIMessage told, MSIMessage entry, bool masked)
{
	unsigned int dest = msi_x86_dest(told.address), vector = msi_x86_vector(told.data);
	int i;

	l->told++;
	if (!same_target(told, entry))
		l->stale++;
	if (masked)
		l->masked++;
	for (i = 0; i < l->nr; i++)
		if (l->t[i].dest == dest && l->t[i].vector == vector)
			break;
	if (i == l->nr) {
		if (l->nr == MSI_LEDGER_TARGETS) {
			l->untargeted++;
			return;
		}
		l->t[l->nr++] = (struct msi_told){ .dest = dest, .vector = vector };
	}
	l->t[i].n++;
}

bool msi_route_message(const struct kvm_irq_routing_entry *e, MSIMessage *msg)
{
	if (!e || e->type != KVM_IRQ_ROUTING_MSI)
		return false;
	*msg = (MSIMessage){ .address = (uint64_t)e->u.msi.address_hi << 32 | e->u.msi.address_lo,
			     .data = e->u.msi.data };
	return true;
}
