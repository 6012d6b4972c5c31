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
 * carries "ncpus=N" (and optionally "pci=assign" / "pci=firmware",
 * "selftest", "need=VVVV:DDDD", "printlog": main.c). The BSP starts APs
 * 1..N-1 with INIT, SIPI, SIPI as Linux does; every CPU software-enables
 * its xAPIC, writes its APIC id to VIRQ_PORT_ONLINE and idles in
 * "sti; hlt".
 *
 * Mailbox: to run a command on CPU c the VMM fills mbox[c].op/arg, then
 * increments mbox[c].seq and sends VIRQ_VEC_MAILBOX to APIC id c with
 * KVM_SIGNAL_MSI. CPU c runs the command (interrupts enabled), stores
 * status/result, sets done = seq and writes c to VIRQ_PORT_DONE.
 *
 * Interrupt log: every vector 0x20..0xfe except VIRQ_VEC_MAILBOX is counted
 * in counts[apic][vector] and appended to the log before the EOI. With
 * "printlog" the guest also prints the log on the serial console when it
 * exits (irq.c), for hosts that cannot read guest memory (QEMU).
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
#define VIRQ_PORT_INTX_ACK	0x708	/* outl: GSI: the driver acks its device, which
					 * lowers that INTx line (as a status read that
					 * clears it would) */

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
	VIRQ_OP_PCI_ENUM,	/* scan bus 0, size and place (or keep) BARs, fill
				 * shared->pci -> result = count */
	VIRQ_OP_VIRTQ_ADD,	/* split virtqueue: arg0 desc table gpa, arg1 queue size,
				 * arg2 buffer gpa, arg3 buffer len: one device-writable
				 * buffer made available -> result = new avail idx */
	VIRQ_OP_NVME_SQE,	/* arg0 SQE gpa, arg1 CDW0 (opcode | cid << 16), arg2 NSID,
				 * arg3 PRP1, arg4 CDW10, arg5 CDW11, arg6 CDW12: a 64-byte
				 * submission queue entry, the other dwords zero */
	VIRQ_OP_IOAPIC_WRITE,	/* arg0 pin, arg1 RTE low dword, arg2 high dword: written
				 * through IOREGSEL/IOWIN, high first -> result = the
				 * low dword read back */
	VIRQ_OP_IOAPIC_READ,	/* arg0 pin -> result = the RTE's low dword */
	VIRQ_OP_LEVEL_ACK,	/* arg0 vector, arg1 GSI, arg2 every (0 = never), arg3
				 * flags (VIRQ_LEVEL_DEFER_EOI), arg4 a device's cause
				 * register (0: none): the handler of vector acks GSI's
				 * line on every N-th interrupt, before its EOI, by a
				 * write to the port or a read of arg4 (virq_level_ack) */
	VIRQ_OP_EOI,		/* a LAPIC EOI now: ends the interrupt a deferring
				 * handler left in service */
	VIRQ_OP_MMIO_TOGGLE,	/* arg0 gpa, arg1 size, arg2 value, arg3 count, arg4
				 * a second value: value then the second written,
				 * count times (an MSI-X mask bit flapped) */
	VIRQ_OP_HANG,		/* reported done, then the CPU spins with interrupts
				 * off for good: it takes no mailbox command again
				 * (a CPU in a hard lockup; the VMM's watchdog's case) */
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
	volatile uint32_t arg[8];
	volatile uint32_t result;	/* guest: value read by IN / MMIO_READ, ... */
	volatile uint32_t wakeups;	/* guest: VIRQ_VEC_MAILBOX interrupts taken */
	uint32_t pad[2];
};

/*
 * PCI as the guest found it (VIRQ_OP_PCI_ENUM): bus 0, every function of
 * every slot (functions 1-7 when function 0's header says multi-function).
 * Bridges are recorded, not crossed. How BARs get their addresses is the
 * machine's pci_mode, decided once per boot (pci.c):
 *  - VIRQ_PCI_ASSIGN (virq: no firmware): like firmware would, memory BARs
 *    placed upwards from VIRQ_PCI_MMIO_BASE aligned to their size, I/O BARs
 *    from VIRQ_PCI_IO_BASE; then I/O, memory and bus master enabled.
 *  - VIRQ_PCI_FIRMWARE (QEMU + SeaBIOS): the addresses firmware wrote are
 *    kept (a BAR it left at 0 stays unused); only the decoding the kept
 *    BARs need, and bus master for an MSI-X function, are turned on.
 */
#define VIRQ_PCI_MAX_DEVS	16
#define VIRQ_PCI_MMIO_BASE	0xc0000000u
#define VIRQ_PCI_IO_BASE	0xc000u

enum virq_pci_mode {
	VIRQ_PCI_UNDECIDED = 0,	/* until the first VIRQ_OP_PCI_ENUM */
	VIRQ_PCI_ASSIGN,	/* "pci=assign", or no BAR had an address */
	VIRQ_PCI_FIRMWARE,	/* "pci=firmware", or some BAR had one */
};

struct virq_pci_dev {
	uint32_t bdf;			/* bus << 8 | dev << 3 | fn */
	uint16_t vendor, device;
	uint32_t bar[6];		/* assigned address (flag bits cleared), 0 = none */
	uint32_t bar_size[6];
	uint32_t msix_cap;		/* config offset of the MSI-X capability, 0 = none */
	uint32_t msix_size;		/* table entries */
	uint32_t msix_table;		/* guest-physical address of the table */
	uint32_t msix_pba;		/* ... and of the PBA */
	uint8_t header;			/* header type (bit 7, multi-function, cleared) */
	uint8_t io_bars;		/* bit i set: bar[i] is in I/O space */
	uint8_t msix_table_bir;		/* BAR holding the table, ... */
	uint8_t msix_pba_bir;		/* ... and the PBA */
};

/* guest RAM the runner hands out for rings, queues and buffers */
#define VIRQ_DMA_GPA		0x00200000u
#define VIRQ_DMA_SIZE		0x00200000u
#define VIRQ_DMA_PER_DEV	0x00010000u	/* the n-th device line's slice: + n * this */

/*
 * A level-triggered interrupt's handler, as a driver's: the line stays
 * asserted until the driver acks its device, and KVM's IOAPIC delivers
 * again at the EOI of every interrupt taken while it still is. The handler
 * of a vector with every = N acks on its N-th interrupt (since counts
 * them), writing gsi to VIRQ_PORT_INTX_ACK before the EOI; so one
 * assertion gives exactly N interrupts, the last N - 1 re-deliveries.
 * A real device's line (a passed-through e1000e) is acked as its driver
 * does, by reading its cause register (ICR, read-to-clear: e1000_intr):
 * ack_addr, a 32-bit MMIO read in place of the port write.
 */
#define VIRQ_LEVEL_DEFER_EOI	1u	/* no EOI in the handler: VIRQ_OP_EOI ends it */

struct virq_level_ack {
	uint32_t gsi;			/* VMM (by VIRQ_OP_LEVEL_ACK) */
	uint32_t every;			/* 0: never ack (an edge, or the host lowers it) */
	uint32_t flags;			/* VIRQ_LEVEL_* */
	uint32_t ack_addr;		/* VMM: the cause register to read, 0: the port */
	volatile uint32_t deferred;	/* guest: interrupts whose EOI it left to VIRQ_OP_EOI */
	volatile uint32_t since;	/* guest: interrupts since the last ack */
	volatile uint32_t acks;		/* guest: acks written */
	volatile uint32_t acked_cpu;	/* guest: the CPU of the last ack, ... */
	volatile uint32_t acked_at;	/* ... and its counts[][vector] then: any
					 * interrupt after it while the line stays
					 * down is a duplicate */
};

struct virq_shared {
	volatile uint32_t magic;	/* guest: VIRQ_SHARED_MAGIC once the BSP is up */
	volatile uint32_t ncpus;	/* guest: CPUs asked for on the command line */
	volatile uint32_t online;	/* guest: CPUs online (lock inc) */
	volatile uint32_t seq;		/* guest: next log sequence number (lock xadd) */
	volatile uint32_t sipis;	/* guest: SIPIs the BSP sent */
	volatile uint32_t exceptions;	/* guest: exceptions taken (any CPU) */
	volatile uint32_t nr_pci;	/* guest: entries in pci[] */
	volatile uint32_t pci_mode;	/* guest: enum virq_pci_mode */
	uint32_t pad[8];
	struct virq_mailbox mbox[VIRQ_GUEST_MAX_CPUS];
	struct virq_pci_dev pci[VIRQ_PCI_MAX_DEVS];
	volatile uint32_t counts[VIRQ_GUEST_MAX_CPUS][256];	/* [apic id][vector] */
	struct virq_level_ack level[256];			/* by vector */
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
