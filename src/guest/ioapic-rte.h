/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioapic-rte.h - the I/O APIC a PC has at 0xfec00000, as KVM's in-kernel
 * model (arch/x86/kvm/ioapic.c, an 82093AA, version 0x11) decodes it:
 * the window (IOREGSEL, IOWIN) and a redirection table entry's bits. Shared
 * by the test guest, which programs entries through the window, and the
 * VMM, which reads them back with KVM_GET_IRQCHIP (struct
 * kvm_ioapic_state's redirtbl[].bits, the same 64-bit layout). Fixed-size
 * types only: the guest is freestanding i386.
 *
 * KVM's window: only addr & 0xff is decoded, IOREGSEL at 0x00 (8 bits),
 * IOWIN at 0x10, nothing else (there is no EOI register before version
 * 0x20: a level interrupt ends with the LAPIC's EOI broadcast). Entry n is
 * indirect register 0x10 + 2n (low dword) and 0x11 + 2n (high dword).
 */
#ifndef VIRQ_IOAPIC_RTE_H
#define VIRQ_IOAPIC_RTE_H

#include <stdint.h>

#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_NUM_PINS		24	/* KVM_IOAPIC_NUM_PINS */

#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01	/* KVM: 0x00170011, 24 entries, version 0x11 */
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))	/* low dword; high is + 1 */

/* a redirection table entry, as the 64 bits of union kvm_ioapic_redirect_entry */
#define RTE_VECTOR_MASK		0xffull
#define RTE_DELIV_FIXED		(0ull << 8)	/* bits 10:8 */
#define RTE_DEST_LOGICAL	(1ull << 11)
#define RTE_DELIV_STATUS	(1ull << 12)	/* read-only */
#define RTE_POLARITY_LOW	(1ull << 13)	/* KVM ignores it (KVM_CAP_X86_IOAPIC_POLARITY_IGNORED) */
#define RTE_REMOTE_IRR		(1ull << 14)	/* read-only: a level interrupt awaits its EOI */
#define RTE_TRIGGER_LEVEL	(1ull << 15)
#define RTE_MASKED		(1ull << 16)	/* every entry is masked at reset */
#define RTE_DEST_SHIFT		56		/* bits 63:56, an APIC id in physical mode */

/* fixed delivery, physical destination, active high: what the test guest programs */
static inline uint64_t ioapic_rte_encode(uint32_t vector, uint32_t dest, int level, int masked)
{
	return (vector & RTE_VECTOR_MASK) | RTE_DELIV_FIXED | (level ? RTE_TRIGGER_LEVEL : 0) |
	       (masked ? RTE_MASKED : 0) | (uint64_t)(dest & 0xff) << RTE_DEST_SHIFT;
}

static inline uint32_t ioapic_rte_vector(uint64_t rte) { return rte & RTE_VECTOR_MASK; }
static inline uint32_t ioapic_rte_dest(uint64_t rte) { return rte >> RTE_DEST_SHIFT; }
static inline int ioapic_rte_level(uint64_t rte) { return !!(rte & RTE_TRIGGER_LEVEL); }
static inline int ioapic_rte_masked(uint64_t rte) { return !!(rte & RTE_MASKED); }
static inline int ioapic_rte_remote_irr(uint64_t rte) { return !!(rte & RTE_REMOTE_IRR); }

#endif /* VIRQ_IOAPIC_RTE_H */
