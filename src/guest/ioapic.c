// SPDX-License-Identifier: GPL-2.0
/*
 * ioapic.c - the I/O APIC through its MMIO window (ioapic-rte.h), as
 * Linux's io_apic.c reaches it (io_apic_read/io_apic_write), and the
 * level handler's device ack (virq_level_ack in virq-guest.h).
 *
 * One window serves every CPU: a command selects a register and then
 * reads or writes it, so two CPUs programming entries at once could mix
 * their selects. The VMM runs one guest step at a time; the handler's ack
 * goes to a port, not the window, so interrupts never touch it.
 */
#include "guest.h"
#include "ioapic-rte.h"

static uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	return *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WINDOW);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WINDOW) = v;
}

/*
 * High dword (the destination) first, then the low one with vector,
 * trigger and mask, as Linux's __ioapic_write_entry: an entry unmasked by
 * the low write is complete when it is.
 */
uint32_t ioapic_write_op(const volatile uint32_t *arg, uint32_t *result)
{
	uint32_t pin = arg[0];

	if (pin >= IOAPIC_NUM_PINS)
		return VIRQ_ST_BAD_ARG;
	ioapic_write(IOAPIC_REG_RTE(pin) + 1, arg[2]);
	ioapic_write(IOAPIC_REG_RTE(pin), arg[1]);
	*result = ioapic_read(IOAPIC_REG_RTE(pin));
	return VIRQ_ST_OK;
}

uint32_t ioapic_read_op(const volatile uint32_t *arg, uint32_t *result)
{
	if (arg[0] >= IOAPIC_NUM_PINS)
		return VIRQ_ST_BAD_ARG;
	*result = ioapic_read(IOAPIC_REG_RTE(arg[0]));
	return VIRQ_ST_OK;
}

uint32_t level_ack_op(const volatile uint32_t *arg)
{
	struct virq_level_ack *l;

	if (arg[0] < 0x20 || arg[0] > 0xfe || arg[0] == VIRQ_VEC_MAILBOX)
		return VIRQ_ST_BAD_ARG;
	l = &SHARED->level[arg[0]];
	l->every = 0;		/* the handler ignores it while it changes */
	barrier();
	l->gsi = arg[1];
	l->flags = arg[3];
	l->ack_addr = arg[4];
	l->since = 0;
	barrier();
	l->every = arg[2];
	return VIRQ_ST_OK;
}

/*
 * In the handler, interrupts off, before the interrupt is counted and
 * before the EOI (irq.c). Returns whether the
 * handler EOIs: one deferring it leaves the vector in the LAPIC's ISR (and
 * a level entry's Remote IRR set) until VIRQ_OP_EOI; the mailbox vector
 * 0xf0 has a higher priority class than any the scenarios give a line, so
 * commands still get through meanwhile.
 */
int level_ack(uint32_t vec, uint32_t cpu)
{
	struct virq_level_ack *l = &SHARED->level[vec];

	if (l->every && ++l->since >= l->every) {
		l->acked_cpu = cpu;
		l->acked_at = SHARED->counts[cpu][vec] + 1;	/* this one included */
		if (l->ack_addr)
			(void)*(volatile uint32_t *)l->ack_addr;
		else
			outl(VIRQ_PORT_INTX_ACK, l->gsi);
		l->since = 0;
		l->acks++;
	}
	if (!(l->flags & VIRQ_LEVEL_DEFER_EOI))
		return 1;
	l->deferred++;
	return 0;
}

uint32_t eoi_op(void)
{
	lapic_eoi();
	return VIRQ_ST_OK;
}
