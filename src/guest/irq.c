// SPDX-License-Identifier: GPL-2.0
/*
 * irq.c - interrupt accounting: per-CPU counts and the shared log.
 *
 * The log is a ring indexed by seq % VIRQ_LOG_MAX. seq1 is cleared before
 * and set after the other fields, so a reader that sees seq1 == seq + 1
 * knows the entry is complete and belongs to seq, even after a wrap. x86
 * stores are not reordered with each other; a compiler barrier suffices.
 */
#include "guest.h"

_Static_assert((VIRQ_LOG_MAX & (VIRQ_LOG_MAX - 1)) == 0,
	       "log size is a power of two");

void irq_handle(struct trap_frame *f, uint32_t cpu)
{
	struct virq_log_ent *e;
	uint32_t vec = f->vec;
	uint32_t seq;
	int eoi;

	/* Spurious: no ISR bit was set, so no EOI */
	if (vec == VIRQ_VEC_SPURIOUS)
		return;

	/* The mailbox doorbell only has to end the hlt in cmd_loop() */
	if (vec == VIRQ_VEC_MAILBOX) {
		SHARED->mbox[cpu].wakeups++;
		lapic_eoi();
		return;
	}

	/*
	 * A level interrupt's device is acked first (level_ack: a port or MMIO
	 * access, an exit the VMM has finished before we go on), then counted:
	 * a host that sees the count sees the line the handler lowered.
	 */
	eoi = level_ack(vec, cpu);

	/* Only this CPU writes its row: a plain increment is enough */
	SHARED->counts[cpu][vec]++;

	seq = xadd(&SHARED->seq, 1);
	e = &LOG[seq % VIRQ_LOG_MAX];
	e->seq1 = 0;
	barrier();
	e->apic = cpu;
	e->vector = vec;
	e->tsc_lo = f->tsc_lo;
	e->tsc_hi = f->tsc_hi;
	barrier();
	e->seq1 = seq + 1;

	/* a level interrupt: the device was acked before the EOI, or it re-delivers */
	if (eoi)
		lapic_eoi();
}

/*
 * The log on the serial console ("printlog"), for hosts that cannot read
 * guest memory (QEMU): "virq-log: begin count=N first=F", then one line
 * "virq-log: seq=S apic=A vector=0xVV" per entry still in the ring (F > 0
 * once it wrapped), then "virq-log: end". An entry still being written
 * (seq1 not yet seq + 1) prints as "virq-log: seq=S torn".
 */
void log_print(void)
{
	uint32_t n = SHARED->seq;
	uint32_t s = n > VIRQ_LOG_MAX ? n - VIRQ_LOG_MAX : 0;

	kprintf("virq-log: begin count=%u first=%u\n", n, s);
	for (; s < n; s++) {
		const struct virq_log_ent *e = &LOG[s % VIRQ_LOG_MAX];

		if (e->seq1 != s + 1)
			kprintf("virq-log: seq=%u torn\n", s);
		else
			kprintf("virq-log: seq=%u apic=%u vector=0x%02x\n", s,
				e->apic, e->vector);
	}
	kprintf("virq-log: end\n");
}
