/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virq-guest.h - the ABI between the virq VMM and its bare-metal test guest.
 *
 * Shared by the VMM (x86-64, hosted) and the guest (i386, freestanding), so
 * it uses fixed-size types only and no pointers.
 *
 * Guest physical memory map (RAM from GPA 0, the xAPIC page at 0xFEE00000
 * is the in-kernel LAPIC, not memory):
 *
 *   0x07000  multiboot info (struct multiboot_info), written by the VMM
 *   0x07100  kernel command line, NUL terminated, written by the VMM
 *   0x08000  AP real-mode trampoline, copied there by the BSP (SIPI vector 0x08)
 *   0x10000  struct virq_shared (mailboxes, per-CPU counters)
 *   0x20000  struct virq_log_ent[VIRQ_LOG_MAX] (interrupt log)
 *   0x100000 the guest ELF image (multiboot v1, loaded by the VMM)
 *
 * Boot: the VMM enters the BSP as a multiboot loader does (32-bit flat
 * protected mode, EAX = 0x2BADB002, EBX = multiboot info). The command line
 * carries "ncpus=N". The BSP starts APs 1..N-1 with INIT, SIPI, SIPI as
 * Linux does; every CPU software-enables its xAPIC, writes its APIC id to
 * VIRQ_PORT_ONLINE and idles in "sti; hlt".
 *
 * Mailbox: to run a command on CPU c the VMM fills mbox[c].op/arg, then
 * increments mbox[c].seq and sends VIRQ_VEC_MAILBOX to APIC id c with
 * KVM_SIGNAL_MSI. CPU c runs the command (interrupts enabled), stores
 * status/result, sets done = seq and writes c to VIRQ_PORT_DONE.
 *
 * Interrupt log: every vector 0x20..0xfe except VIRQ_VEC_MAILBOX is counted
 * in counts[apic][vector] and appended to the log before the EOI.
 */
#ifndef VIRQ_GUEST_H
#define VIRQ_GUEST_H

#include <stdint.h>

#define VIRQ_GUEST_MAX_CPUS	8

#define VIRQ_MBINFO_GPA		0x00007000u
#define VIRQ_CMDLINE_GPA	0x00007100u
#define VIRQ_CMDLINE_MAX	256u
#define VIRQ_TRAMPOLINE_GPA	0x00008000u
#define VIRQ_SHARED_GPA		0x00010000u
#define VIRQ_LOG_GPA		0x00020000u
#define VIRQ_LOG_MAX		16384u
#define VIRQ_IMAGE_GPA		0x00100000u

/* I/O ports the guest uses; the VMM handles them */
#define VIRQ_PORT_SERIAL	0x3f8	/* 16550 THR; LSR at +5 reads bit 5 set */
#define VIRQ_PORT_EXIT		0xf4	/* isa-debug-exit: status (code << 1) | 1 */
#define VIRQ_PORT_ONLINE	0x700	/* outl: APIC id of a CPU now online */
#define VIRQ_PORT_DONE		0x704	/* outl: APIC id that finished a command */

#define VIRQ_VEC_MAILBOX	0xf0	/* VMM -> guest: a command is waiting */
#define VIRQ_VEC_SPURIOUS	0xff	/* SVR spurious vector, never EOIed */

#define VIRQ_SHARED_MAGIC	0x51524956u	/* "VIRQ" */

enum virq_op {
	VIRQ_OP_NOP = 0,
	VIRQ_OP_OUT,		/* arg0 port, arg1 size 1/2/4, arg2 value, arg3 count */
	VIRQ_OP_IN,		/* arg0 port, arg1 size -> result */
	VIRQ_OP_MMIO_WRITE,	/* arg0 gpa, arg1 size 1/2/4, arg2 value, arg3 count */
	VIRQ_OP_MMIO_READ,	/* arg0 gpa, arg1 size -> result */
	VIRQ_OP_EXIT,		/* arg0 code: written to VIRQ_PORT_EXIT */
	VIRQ_OP_MAX,
};

enum virq_status {
	VIRQ_ST_OK = 0,
	VIRQ_ST_BAD_OP,
	VIRQ_ST_BAD_ARG,
};

struct virq_mailbox {
	volatile uint32_t seq;		/* VMM: bumped after op/arg are written */
	volatile uint32_t done;		/* guest: = seq when the command finished */
	volatile uint32_t op;		/* enum virq_op */
	volatile uint32_t status;	/* guest: enum virq_status */
	volatile uint32_t arg[4];
	volatile uint32_t result;	/* guest: value read by IN / MMIO_READ */
	volatile uint32_t wakeups;	/* guest: VIRQ_VEC_MAILBOX interrupts taken */
	uint32_t pad[6];
};

struct virq_shared {
	volatile uint32_t magic;	/* guest: VIRQ_SHARED_MAGIC once the BSP is up */
	volatile uint32_t ncpus;	/* guest: CPUs asked for on the command line */
	volatile uint32_t online;	/* guest: CPUs online (lock inc) */
	volatile uint32_t seq;		/* guest: next log sequence number (lock xadd) */
	volatile uint32_t sipis;	/* guest: SIPIs the BSP sent */
	volatile uint32_t exceptions;	/* guest: exceptions taken (any CPU) */
	uint32_t pad[10];
	struct virq_mailbox mbox[VIRQ_GUEST_MAX_CPUS];
	volatile uint32_t counts[VIRQ_GUEST_MAX_CPUS][256];	/* [apic id][vector] */
};

struct virq_log_ent {
	volatile uint32_t seq1;		/* seq + 1, stored last: entry complete when != 0 */
	volatile uint8_t apic;
	volatile uint8_t vector;
	uint16_t pad;
	volatile uint32_t tsc_lo;	/* rdtsc at entry of the handler */
	volatile uint32_t tsc_hi;
};

_Static_assert(sizeof(struct virq_mailbox) == 64, "mailbox is 64 bytes");
_Static_assert(sizeof(struct virq_log_ent) == 16, "log entry is 16 bytes");
_Static_assert(VIRQ_SHARED_GPA + sizeof(struct virq_shared) <= VIRQ_LOG_GPA,
	       "shared area fits below the log");
_Static_assert(VIRQ_LOG_GPA + VIRQ_LOG_MAX * sizeof(struct virq_log_ent) <= 0x80000,
	       "log fits in conventional memory");

#endif /* VIRQ_GUEST_H */
