// SPDX-License-Identifier: GPL-2.0
/*
 * apic.c - xAPIC setup and inter-processor interrupts through the ICR.
 */
#include "guest.h"

#define SVR_ENABLE		0x100
#define LVT_MASKED		0x10000

#define ICR_BUSY		0x1000	/* delivery status: send pending */
#define ICR_ASSERT		0x4000
#define ICR_FIXED		(ICR_ASSERT | 0x000)
#define ICR_INIT_ASSERT		0xc500	/* level, assert, INIT */
#define ICR_INIT_DEASSERT	0x8500	/* level, de-assert, INIT */
#define ICR_STARTUP		0x0600

#define ICR_SPIN_MAX		1000000

/*
 * Software-enable the local APIC with the spurious vector, accept every
 * priority, and mask LINT0: firmware (e.g. SeaBIOS) leaves it in ExtINT
 * mode, and the 8259 timer would otherwise arrive as vector 8, a #DF.
 * The VMM can unmask it with an MMIO_WRITE command if it wants the PIC.
 */
void lapic_enable(void)
{
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VIRQ_VEC_SPURIOUS);
}

/* Bounded: a stuck ICR must not hang us; the caller's wait will time out */
static void icr_wait_idle(void)
{
	uint32_t i;

	for (i = 0; i < ICR_SPIN_MAX; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_BUSY))
			return;
		cpu_relax();
	}
}

/* Writing the low half sends the IPI, so the destination goes first */
static void icr_send(uint32_t apic, uint32_t low)
{
	icr_wait_idle();
	lapic_write(LAPIC_ICR_HI, apic << 24);
	lapic_write(LAPIC_ICR_LO, low);
	icr_wait_idle();
}

void lapic_send_ipi(uint32_t apic, uint32_t vector)
{
	icr_send(apic, ICR_FIXED | vector);
}

/*
 * INIT, INIT de-assert, then two SIPIs, as Linux's
 * wakeup_secondary_cpu_via_init() does. The second SIPI is ignored by an
 * AP that already left wait-for-SIPI. The delays are token ones: KVM and
 * QEMU need none, and we have no calibrated clock for real ones.
 */
void lapic_wakeup_ap(uint32_t apic, uint32_t sipi_vector)
{
	int i;

	icr_send(apic, ICR_INIT_ASSERT);
	delay_cycles(100000);
	icr_send(apic, ICR_INIT_DEASSERT);

	for (i = 0; i < 2; i++) {
		icr_send(apic, ICR_STARTUP | sipi_vector);
		xadd(&SHARED->sipis, 1);
		delay_cycles(100000);
	}
}
