/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-ioapic.h - the PC's interrupt inputs with KVM's in-kernel irqchip:
 * how a GSI's level reaches the kernel (QEMU's gsi_handler in
 * hw/i386/x86.c with hw/i386/kvm/i8259.c and ioapic.c), which IOAPIC pin
 * a GSI is on (kvm_pc_setup_irq_routing, src/vmm/kvm.c), and the IOAPIC's
 * state as the kernel holds it (KVM_GET_IRQCHIP, QEMU's kvm_ioapic_get).
 */
#ifndef VIRQ_KVM_IOAPIC_H
#define VIRQ_KVM_IOAPIC_H

#include "../../vmm/kvm.h"

#define ISA_NUM_IRQS	16
#define GSI_NUM_PINS	24

/* what the kernel said to each KVM_IRQ_LINE(_STATUS) of one level change */
struct gsi_status {
	int calls;	/* 2 for an ISA IRQ (PIC, then IOAPIC), else 1 */
	int pic;	/* kvm_set_irq's status of the PIC call, if made */
	int ioapic;	/* ... of the IOAPIC call: the one QEMU reports */
};

/*
 * gsi_handler - GSI n (0..23) to level, as QEMU with kernel-irqchip=on:
 * for an ISA IRQ (n < 16) kvm_pic_set_irq then kvm_ioapic_set_irq, each a
 * kvm_set_irq of GSI n, so the kernel sees two ioctls and drives both of
 * its chips twice (its routes put GSI n < 16 on both); for 16..23 the
 * IOAPIC's alone. 0 with st filled, or the first call's -errno.
 */
int gsi_handler(KVMState *s, int n, int level, struct gsi_status *st);

/* the IOAPIC pin kvm_pc_setup_irq_routing puts GSI gsi on: 0 -> 2, 2 -> none (-1) */
int kvm_pc_gsi_to_ioapic_pin(int gsi);

/* KVM_GET_IRQCHIP of KVM_IRQCHIP_IOAPIC: redirtbl[], irr, as the kernel has them now */
int kvm_ioapic_get(KVMState *s, struct kvm_ioapic_state *st);

#endif /* VIRQ_KVM_IOAPIC_H */
