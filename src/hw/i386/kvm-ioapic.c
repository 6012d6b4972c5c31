// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-ioapic.c - the PC's GSIs in the in-kernel irqchip (kvm-ioapic.h).
 */
#include <errno.h>
#include <string.h>

#include "kvm-ioapic.h"
#include "../../trace/trace.h"

int gsi_handler(KVMState *s, int n, int level, struct gsi_status *st)
{
	int r;

	if (n < 0 || n >= GSI_NUM_PINS)
		return -EINVAL;
	*st = (struct gsi_status){ .pic = KVM_IRQ_STATUS_IGNORED };
	trace_event("gsi_handler", "gsi=%d level=%d", n, level);
	if (n < ISA_NUM_IRQS) {
		r = kvm_set_irq(s, n, level);		/* kvm_pic_set_irq */
		if (r < KVM_IRQ_STATUS_IGNORED)
			return r;
		st->pic = r;
		st->calls++;
	}
	r = kvm_set_irq(s, n, level);			/* kvm_ioapic_set_irq */
	if (r < KVM_IRQ_STATUS_IGNORED)
		return r;
	st->ioapic = r;
	st->calls++;
	return 0;
}

int kvm_pc_gsi_to_ioapic_pin(int gsi)
{
	if (gsi == 0)
		return 2;
	if (gsi == 2 || gsi < 0 || gsi >= GSI_NUM_PINS)
		return -1;
	return gsi;
}

int kvm_ioapic_get(KVMState *s, struct kvm_ioapic_state *st)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	long r = kvm_vm_ioctl(s, KVM_GET_IRQCHIP, &chip, "chip_id=%d", KVM_IRQCHIP_IOAPIC);

	if (r < 0)
		return (int)r;
	memcpy(st, &chip.chip.ioapic, sizeof(*st));
	return 0;
}
