// SPDX-License-Identifier: GPL-2.0
/*
 * idt.c - the IDT shared by all CPUs, trap dispatch and exception reports.
 *
 * Exceptions are fatal: the guest exists to measure interrupts, so any
 * fault means the test is broken and must stop loudly, not limp on.
 */
#include "guest.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t zero;
	uint8_t type;
	uint16_t off_hi;
} __packed;

#define GATE_INTR32	0x8e	/* present, DPL 0, 32-bit interrupt gate */

static struct idt_gate idt[256] __attribute__((aligned(8)));

/* Built once by the BSP before any AP exists; APs only lidt it */
void idt_init(void)
{
	uint32_t v;

	for (v = 0; v < 256; v++) {
		uint32_t addr = (uint32_t)virq_vectors + 16 * v;

		idt[v].off_lo = addr & 0xffff;
		idt[v].sel = GDT_CODE;
		idt[v].zero = 0;
		idt[v].type = GATE_INTR32;
		idt[v].off_hi = addr >> 16;
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __packed desc = { sizeof(idt) - 1, (uint32_t)idt };

	asm volatile("lidt %0" : : "m"(desc));
}

static void __noreturn exception(struct trap_frame *f, uint32_t cpu)
{
	kprintf("virq-guest: exception %u cpu %u eip=0x%x err=0x%x\n",
		f->vec, cpu, f->eip, f->err);
	xadd(&SHARED->exceptions, 1);
	virq_exit(EXIT_EXCEPTION);
}

/* Called from trap_common in idt.S with interrupts disabled */
void virq_trap(struct trap_frame *f)
{
	uint32_t cpu = this_cpu();

	if (f->vec < 32 || cpu >= VIRQ_GUEST_MAX_CPUS)
		exception(f, cpu);
	irq_handle(f, cpu);
}
