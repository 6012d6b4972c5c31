/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virq-prog.h - the step program: a scenario's guest steps, compiled by the
 * VMM side (src/scenario/program.c) into a flat image the test guest reads
 * from a multiboot module and runs on its own, so that the same guest ELF
 * runs the same steps under real QEMU (-kernel guest.elf -initrd prog) and
 * under virq.
 *
 * Shared by the host (x86-64) and the guest (i386, freestanding): fixed-size
 * types, no pointers, little endian.
 *
 * Devices are named by what the guest can find on any PCI topology: the
 * instance-th function with vendor:device (q35's firmware places BARs and
 * slots as it likes). Before each step the guest writes its scenario line
 * to VIRQ_PORT_STEP (outl), so the kernel's kvm_pio events mark the steps
 * in the trace under either VMM. Expects the guest can judge (interrupts it
 * took, pending bits it reads) are steps too: it prints each verdict on the
 * serial console ("virq-expect LINE ok|FAIL ..."). What only a VMM can see
 * (its route table, its exits, its accounting) is not in the program.
 */
#ifndef VIRQ_PROG_H
#define VIRQ_PROG_H

#include <stdint.h>

#define VIRQ_PROG_MAGIC		0x47525056u	/* "VPRG" */
#define VIRQ_PROG_VERSION	3u	/* 2: virtio and NVMe driver steps; 3: IOAPIC, level acks */
#define VIRQ_PROG_MAX_DEVS	8u
#define VIRQ_PROG_MAX_STEPS	4096u

/*
 * outl: the scenario line of the next step. Free on virq and on QEMU's pc
 * and q35 as SeaBIOS sets them up: not the ACPI PM block (0x600-0x67f),
 * SMBus (0x700-0x73f), pc-testdev (0x2000-0x2017) or the I/O BAR window
 * (0xc000 up).
 */
#define VIRQ_PORT_STEP		0x1010
/*
 * ... and after the last step this mark (no scenario line is 0xffff): what
 * follows in the trace is the VMM's teardown, counted apart from the last
 * step under either VMM.
 */
#define VIRQ_PROG_MARK_END	0xffffu
/* how long the guest waits for each NVMe command's completion before it stops */
#define VIRQ_PROG_NVME_CQE_MS	2000u

enum virq_prog_dev_kind {
	VIRQ_PROG_DEV_E1000E = 1,	/* a passed-through (or emulated) e1000e */
	VIRQ_PROG_DEV_VIRTIO_RNG,
	VIRQ_PROG_DEV_NVME,
};

struct virq_prog_dev {
	uint16_t vendor, device;	/* PCI IDs to look for */
	uint8_t instance;		/* 0: the first function with those IDs */
	uint8_t kind;			/* enum virq_prog_dev_kind */
	uint16_t flags;			/* VIRQ_PROG_DEV_*: how the VMM is to attach it */
};

#define VIRQ_PROG_DEV_NO_KVM_INTX	1u	/* vfio-pci x-no-kvm-intx=on */

enum virq_prog_op {
	VIRQ_PROG_END = 0,
	VIRQ_PROG_PCI_ENUM,		/* find the devices; BARs placed if no firmware did */
	VIRQ_PROG_MSIX_ENABLE,		/* dev: Message Control Enable set */
	VIRQ_PROG_MSIX_DISABLE,		/* dev: ... cleared */
	VIRQ_PROG_MSIX_FMASK,		/* dev: Function Mask set */
	VIRQ_PROG_MSIX_FUNMASK,		/* dev: ... cleared */
	VIRQ_PROG_MSIX_VECTOR,		/* dev, index: arg0 destination APIC id, arg1 vector */
	VIRQ_PROG_MSIX_MASK,		/* dev, index: Vector Control mask bit set */
	VIRQ_PROG_MSIX_UNMASK,		/* dev, index: ... cleared */
	VIRQ_PROG_MSIX_READ_PBA,	/* dev: every PBA dword read */
	VIRQ_PROG_E1000E_INIT,		/* dev: the register writes before any raise */
	VIRQ_PROG_E1000E_RAISE,		/* dev, index: arg0 times, each 2 ms after the last */
	VIRQ_PROG_OUT,			/* arg0 port, arg1 size, arg2 value, arg3 times */
	VIRQ_PROG_IN,			/* arg0 port, arg1 size */
	VIRQ_PROG_WRITE,		/* arg0 address, arg1 size, arg2 value, arg3 times */
	VIRQ_PROG_READ,			/* arg0 address, arg1 size */
	VIRQ_PROG_WAIT,			/* arg0 ms */
	VIRQ_PROG_EXPECT_IRQ,		/* arg0 APIC id, arg1 vector, arg2 count since boot,
					 * arg3 ms to wait for it */
	VIRQ_PROG_EXPECT_NONE,		/* arg0 ms: nothing since the last irq expect */
	VIRQ_PROG_EXPECT_PENDING,	/* dev, index: arg0 1 = set, 0 = clear */
	/*
	 * version 2: the driver steps of virtio-rng and NVMe (src/guest/virtio-drv.h,
	 * nvme-drv.h), arg0 the device's DMA area (rings, queues, buffers): the
	 * same guest-physical addresses virq's runner hands out
	 */
	VIRQ_PROG_VIRTIO_SETUP,		/* dev, index: queue 0's MSI-X vector; arg0 dma */
	VIRQ_PROG_VIRTIO_DRIVER_OK,	/* dev */
	VIRQ_PROG_VIRTIO_RESET,		/* dev */
	VIRQ_PROG_VIRTIO_KICK,		/* dev: arg0 dma, arg1 times (a buffer, then the notify) */
	VIRQ_PROG_VIRTIO_QUEUE_VECTOR,	/* dev, index: queue 0's queue_msix_vector */
	VIRQ_PROG_VIRTIO_CONFIG_VECTOR,	/* dev, index: config_msix_vector */
	VIRQ_PROG_NVME_INIT,		/* dev, index: I/O CQ 1's vector; arg0 dma */
	VIRQ_PROG_NVME_READ,		/* dev: arg0 dma, arg1 times (a Read, its doorbell, its CQE) */
	/*
	 * version 3: the level-triggered half. PCI enum under firmware also turns
	 * q35's PIRQ routing to the PIC off, as a Linux guest's ACPI does
	 * (pci_q35_pirq_disable), so INTx takes the GSIs virq gives it.
	 */
	VIRQ_PROG_IOAPIC_WRITE,		/* arg0 pin, arg1 RTE low dword, arg2 high dword */
	VIRQ_PROG_IOAPIC_READ,		/* arg0 pin: the low dword printed */
	VIRQ_PROG_LEVEL_ACK,		/* dev (an e1000e: its ICR is read) or none (the port):
					 * arg0 vector, arg1 GSI, arg2 every, arg3 flags */
	VIRQ_PROG_EOI,			/* a LAPIC EOI */
	VIRQ_PROG_OP_MAX,
};

struct virq_prog_step {
	uint16_t op;			/* enum virq_prog_op */
	uint16_t line;			/* in the scenario file */
	uint8_t cpu;			/* APIC id that runs it */
	uint8_t dev;			/* index in devs[], 0xff: none */
	uint16_t index;			/* MSI-X vector of dev */
	uint32_t arg[4];
};

struct virq_prog {
	uint32_t magic, version;
	uint32_t nr_devs, nr_steps;
	struct virq_prog_dev devs[VIRQ_PROG_MAX_DEVS];
	struct virq_prog_step steps[];	/* nr_steps, the last VIRQ_PROG_END */
};

#define VIRQ_PROG_NO_DEV	0xffu

_Static_assert(sizeof(struct virq_prog_dev) == 8, "prog dev is 8 bytes");
_Static_assert(sizeof(struct virq_prog_step) == 24, "prog step is 24 bytes");
_Static_assert(sizeof(struct virq_prog) == 80, "prog header is 80 bytes");

#endif /* VIRQ_PROG_H */
