// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - check the guest without the VMM (e.g. under QEMU TCG).
 *
 * The BSP plays the VMM's part with the local APIC's ICR: fixed IPIs to
 * every CPU, one at a time so the log order is known, then mailbox
 * commands to every AP through the doorbell vector; selftest-dev.c then
 * runs the device ops on the BSP.
 */
#include "guest.h"

#define ST_VEC		0x41
#define ST_ROUNDS	3

static int fail(const char *why, uint32_t cpu)
{
	kprintf("virq-guest: selftest FAIL %s cpu %u\n", why, cpu);
	return -1;
}

static int test_ipis(uint32_t ncpus)
{
	uint32_t c, k, idx = 0;

	for (c = 0; c < ncpus; c++) {
		for (k = 0; k < ST_ROUNDS; k++, idx++) {
			struct virq_log_ent *e = &LOG[idx];

			lapic_send_ipi(c, ST_VEC);
			if (wait_until_ge(&e->seq1, idx + 1))
				return fail("ipi timeout", c);
			if (e->seq1 != idx + 1 || e->apic != c ||
			    e->vector != ST_VEC || !(e->tsc_lo | e->tsc_hi))
				return fail("bad log entry", c);
		}
		if (SHARED->counts[c][ST_VEC] != ST_ROUNDS)
			return fail("bad count", c);
	}
	if (SHARED->seq != idx)
		return fail("unexpected interrupts", 0);
	return 0;
}

/* Act as the VMM: post a command, ring the doorbell, wait for done */
static int post(uint32_t c, uint32_t op, uint32_t a0, uint32_t a1,
		uint32_t a2, uint32_t *result)
{
	volatile struct virq_mailbox *mb = &SHARED->mbox[c];
	uint32_t seq = mb->seq + 1;

	mb->op = op;
	mb->arg[0] = a0;
	mb->arg[1] = a1;
	mb->arg[2] = a2;
	mb->arg[3] = 2;		/* repeat count: harmless twice */
	barrier();
	mb->seq = seq;
	lapic_send_ipi(c, VIRQ_VEC_MAILBOX);
	if (wait_until_ge(&mb->done, seq))
		return -1;
	*result = mb->result;
	return mb->status;
}

static volatile uint32_t scratch;

static int test_mailbox(uint32_t ncpus)
{
	uint32_t c, r, seq = SHARED->seq;

	for (c = 1; c < ncpus; c++) {
		if (post(c, VIRQ_OP_MMIO_READ, VIRQ_SHARED_GPA, 4, 0, &r) !=
		    VIRQ_ST_OK || r != VIRQ_SHARED_MAGIC)
			return fail("mailbox mmio read", c);
		if (post(c, VIRQ_OP_MMIO_WRITE, (uint32_t)&scratch, 2, c, &r) !=
		    VIRQ_ST_OK || scratch != c)
			return fail("mailbox mmio write", c);
		/* LSR: the transmitter is idle, or we could not have printed */
		if (post(c, VIRQ_OP_IN, VIRQ_PORT_SERIAL + 5, 1, 0, &r) !=
		    VIRQ_ST_OK || !(r & 0x20))
			return fail("mailbox in", c);
		if (post(c, VIRQ_OP_MAX, 0, 0, 0, &r) != VIRQ_ST_BAD_OP)
			return fail("mailbox bad op", c);
		if (post(c, VIRQ_OP_IN, VIRQ_PORT_SERIAL + 5, 3, 0, &r) !=
		    VIRQ_ST_BAD_ARG)
			return fail("mailbox bad size", c);
		if (!SHARED->mbox[c].wakeups)
			return fail("no doorbell taken", c);
		if (SHARED->counts[c][VIRQ_VEC_MAILBOX])
			return fail("doorbell counted", c);
	}
	if (SHARED->seq != seq)
		return fail("doorbell logged", 0);
	return 0;
}

/* Returns 0 on PASS; runs on the BSP with interrupts enabled */
int selftest_run(uint32_t ncpus)
{
	asm volatile("sti" ::: "memory");

	if (SHARED->online != ncpus)
		return fail("online count", SHARED->online);
	if (test_ipis(ncpus) || test_mailbox(ncpus) || selftest_devices())
		return -1;
	if (SHARED->exceptions)
		return fail("exceptions", 0);

	kprintf("virq-guest: selftest PASS\n");
	return 0;
}
