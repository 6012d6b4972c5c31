// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - the per-CPU idle loop that runs mailbox commands from the VMM.
 *
 * The mailbox is checked with interrupts off and, if empty, we sleep with
 * "sti; hlt": STI's one-instruction interrupt shadow makes the pair atomic,
 * so a doorbell arriving after the check still ends the hlt instead of
 * being taken before it and lost.
 */
#include "guest.h"

static int size_ok(uint32_t size)
{
	return size == 1 || size == 2 || size == 4;
}

static void port_out(uint32_t port, uint32_t size, uint32_t v)
{
	if (size == 1)
		outb(port, v);
	else if (size == 2)
		outw(port, v);
	else
		outl(port, v);
}

static uint32_t port_in(uint32_t port, uint32_t size)
{
	if (size == 1)
		return inb(port);
	if (size == 2)
		return inw(port);
	return inl(port);
}

/* the mailbox's MMIO accesses, which the step program's device steps make too */
void mmio_write(uint32_t gpa, uint32_t size, uint32_t v)
{
	if (size == 1)
		*(volatile uint8_t *)gpa = v;
	else if (size == 2)
		*(volatile uint16_t *)gpa = v;
	else
		*(volatile uint32_t *)gpa = v;
}

uint32_t mmio_read(uint32_t gpa, uint32_t size)
{
	if (size == 1)
		return *(volatile uint8_t *)gpa;
	if (size == 2)
		return *(volatile uint16_t *)gpa;
	return *(volatile uint32_t *)gpa;
}

/* Returns an enum virq_status; a repeat count of 0 means once */
static uint32_t run_op(volatile struct virq_mailbox *mb, uint32_t *result)
{
	uint32_t op = mb->op;
	uint32_t addr = mb->arg[0];
	uint32_t size = mb->arg[1];
	uint32_t val = mb->arg[2];
	uint32_t n = mb->arg[3] ? mb->arg[3] : 1;

	switch (op) {
	case VIRQ_OP_NOP:
		return VIRQ_ST_OK;
	case VIRQ_OP_PCI_ENUM:
		return pci_enum(result);
	case VIRQ_OP_VIRTQ_ADD:
		return virtq_add(mb->arg, result);
	case VIRQ_OP_NVME_SQE:
		return nvme_sqe(mb->arg);
	case VIRQ_OP_IOAPIC_WRITE:
		return ioapic_write_op(mb->arg, result);
	case VIRQ_OP_IOAPIC_READ:
		return ioapic_read_op(mb->arg, result);
	case VIRQ_OP_LEVEL_ACK:
		return level_ack_op(mb->arg);
	case VIRQ_OP_EOI:
		return eoi_op();
	case VIRQ_OP_HANG:	/* after done: run_command */
		return VIRQ_ST_OK;
	case VIRQ_OP_EXIT:
		exit_port(addr);
		return VIRQ_ST_OK;
	case VIRQ_OP_OUT:
	case VIRQ_OP_IN:
		if (addr > 0xffff || !size_ok(size))
			return VIRQ_ST_BAD_ARG;
		break;
	case VIRQ_OP_MMIO_WRITE:
	case VIRQ_OP_MMIO_READ:
	case VIRQ_OP_MMIO_TOGGLE:
		if (!size_ok(size))
			return VIRQ_ST_BAD_ARG;
		break;
	default:
		return VIRQ_ST_BAD_OP;
	}

	switch (op) {
	case VIRQ_OP_OUT:
		while (n--)
			port_out(addr, size, val);
		break;
	case VIRQ_OP_IN:
		*result = port_in(addr, size);
		break;
	case VIRQ_OP_MMIO_WRITE:
		while (n--)
			mmio_write(addr, size, val);
		break;
	case VIRQ_OP_MMIO_READ:
		*result = mmio_read(addr, size);
		break;
	case VIRQ_OP_MMIO_TOGGLE:
		while (n--) {
			mmio_write(addr, size, val);
			mmio_write(addr, size, mb->arg[4]);
		}
		break;
	}
	return VIRQ_ST_OK;
}

/*
 * VIRQ_OP_HANG: a CPU stuck with interrupts off, as a hard lockup leaves
 * one. No exit to the VMM but the host's own (its timer, a signal), so
 * only the VMM's mailbox watchdog can tell; the VMM stops the vCPU
 * thread with a signal (vcpu_kick_stop) as for any other.
 */
static void __noreturn hang(void)
{
	asm volatile("cli" ::: "memory");
	for (;;)
		asm volatile("" ::: "memory");
}

/*
 * seq is read once, before op/arg: the VMM bumps it after writing them and
 * x86 does not reorder loads, so we see the arguments of (at least) this
 * seq. If the VMM posted again meanwhile, done != seq and we run again.
 */
static void run_command(volatile struct virq_mailbox *mb, uint32_t me)
{
	uint32_t seq = mb->seq;
	uint32_t result = 0, op;

	barrier();
	op = mb->op;	/* the VMM may post the next command once done is set */
	mb->status = run_op(mb, &result);
	mb->result = result;
	barrier();	/* results before done: the VMM polls done */
	mb->done = seq;
	outl(VIRQ_PORT_DONE, me);
	if (op == VIRQ_OP_HANG)
		hang();
}

/* Run a command already in our mailbox: the selftest's way to drive the BSP */
int cmd_poll(uint32_t me)
{
	volatile struct virq_mailbox *mb = &SHARED->mbox[me];

	if (mb->seq == mb->done)
		return 0;
	run_command(mb, me);
	return 1;
}

void __noreturn cmd_loop(uint32_t me)
{
	volatile struct virq_mailbox *mb = &SHARED->mbox[me];

	for (;;) {
		asm volatile("cli" ::: "memory");
		if (mb->seq == mb->done) {
			asm volatile("sti; hlt" ::: "memory");
			continue;
		}
		asm volatile("sti" ::: "memory");
		run_command(mb, me);
	}
}
