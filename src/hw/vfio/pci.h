/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - a host PCI function passed through with VFIO, after QEMU 11.1's
 * hw/vfio/pci.c: container, group, device; guest RAM DMA-mapped; config
 * space read from the device with the MSI-X capability virtualised (msix.c
 * owns table, PBA and masks); BARs forwarded to the device's regions, but
 * the MSI-X table and PBA, which are emulated.
 *
 * MSI-X (pci-irq.c), as QEMU 11.1: per vector two eventfds, kvm_interrupt
 * (with the irqfd on the vector's GSI) and interrupt (read by the VMM); use
 * points VFIO's trigger at kvm_interrupt, release at interrupt and keeps the
 * route; MSI-X disable releases and unuses every vector, then the index.
 *
 * Everything but realize/unrealize runs with vm->bql held.
 */
#ifndef VIRQ_VFIO_PCI_H
#define VIRQ_VFIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/vfio.h>

#include "../pci/pci.h"

/* QEMU sizes msi_vectors by the table; virq's bound, above QEMU nvme's 65 (msix_qsize) */
#define VFIO_MSIX_MAX_VECTORS	128

typedef struct VFIOMSIVector {
	int interrupt;			/* eventfd the VMM reads: vfio_msi_interrupt */
	int kvm_interrupt;		/* eventfd with the irqfd on virq */
	int virq;			/* GSI of the vector's MSI route, -1 if none */
	bool use;			/* the guest has the vector unmasked (in use) */
	/* accounting for the runner (pended/coalesced are msix.c's) */
	uint64_t raised;		/* raises the scenario asked the device for */
	uint64_t relayed;		/* signals read from `interrupt` (vfio_msi_thread) */
} VFIOMSIVector;

/*
 * INTx (pci-intx.c), QEMU 11.1's VFIOINTx: VFIO signals `interrupt` with
 * the host line masked. With KVM acceleration an irqfd with resample on the
 * pin's GSI takes it, and KVM's EOI signals `unmask`, which VFIO's virqfd
 * turns into ACTION_UNMASK; without, the VMM reads `interrupt`, raises the
 * GSI and, at the guest's next BAR access, lowers it and unmasks
 * (vfio_pci_intx_eoi).
 */
typedef struct VFIOINTx {
	bool enabled;			/* vdev->interrupt == VFIO_INT_INTx */
	bool pending;			/* the slow path holds the GSI up */
	bool kvm_accel;
	uint8_t pin;			/* 0 = INTA */
	int gsi;			/* route.irq, -1 if none */
	int interrupt, unmask;		/* eventfds, -1 when closed */
	/* for results */
	uint64_t interrupts;		/* read by the VMM (slow path) */
	uint64_t eois;			/* of those, lowered and unmasked */
	uint64_t raised;		/* the runner's raises while MSI-X was off */
} VFIOINTx;

typedef struct VFIOPCIDevice {
	PCIDevice pdev;			/* the guest's view; first member */
	struct vm *vm;
	char host[32];			/* host BDF, "0000:00:02.0" */
	int container, group, device;	/* fds, -1 when closed */
	int group_id;
	int kvm_vfio_dev;		/* KVM_DEV_TYPE_VFIO device fd, -1 if none */
	struct vfio_device_info info;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	void *bar_map[PCI_NUM_REGIONS];	/* mmap of a BAR region, NULL: pread/pwrite */
	/* the physical MSI-X capability */
	uint8_t msix_cap;
	unsigned int msix_entries;
	int msix_table_bar, msix_pba_bar;
	uint32_t msix_table_offset, msix_pba_offset;
	bool msix_noresize;		/* VFIO_IRQ_INFO_NORESIZE on the MSI-X index */

	/* MSI-X state (pci-irq.c) */
	VFIOMSIVector msi_vectors[VFIO_MSIX_MAX_VECTORS];
	int nr_vectors;			/* vectors enabled with VFIO_DEVICE_SET_IRQS */
	/* the eventfd VFIO signals for each MSI-X vector now, -1 none (the ledger's) */
	int32_t msix_trigger[VFIO_MSIX_MAX_VECTORS];
	bool msix_on;			/* VFIO MSI-X index enabled */
	bool defer_kvm_irq_routing;	/* batching route adds in vfio_msix_enable */
	KVMRouteChange route_change;
	uint32_t pending;		/* QEMU's vdev->msix->pending: fired while masked */
	bool pba_emulated;		/* PBA MMIO emulated, else the device's own is read */
	bool skip_unchanged_commits;	/* --skip-unchanged-commits */
	bool no_kvm_intx;		/* QEMU's x-no-kvm-intx=on: INTx through the VMM */
	VFIOINTx intx;
	pthread_t thread;		/* reads the `interrupt` eventfds */
	int stop_fd;			/* wakes it: to stop, or to poll a new vector */
	bool thread_stop;
	unsigned int poll_gen;		/* bumped when the set of `interrupt` fds changes */
} VFIOPCIDevice;

/* pci.c: the device */
PCIDevice *vfio_pci_realize(struct vm *vm, PCIBus *bus, const char *name, const char *host);
void vfio_pci_unrealize(PCIDevice *dev);

/*
 * pci-reset.c: QEMU 11.1's vfio_pci_reset (interrupts off, a reset VFIO
 * can do, INTx back), then the emulated side's (pci_do_device_reset).
 * With vm->bql held. 0, or -errno when no reset worked (the device is
 * then only quiesced and back on INTx, as QEMU leaves it).
 */
int vfio_pci_reset(PCIDevice *dev);

/* device.c: VFIO_DEVICE_SET_IRQS (QEMU 11.1's hw/vfio/device.c names), the host IRQ */
/* one VFIO_DEVICE_SET_IRQS: count vectors from start, fds (DATA_EVENTFD) or NULL */
int vfio_device_io_set_irqs(VFIOPCIDevice *vdev, uint32_t flags, unsigned int index,
			    unsigned int start, unsigned int count, const int32_t *fds);
/* one vector: fd >= 0 sets its trigger, fd -1 tears it down */
int vfio_device_irq_set_signaling(VFIOPCIDevice *vdev, unsigned int index,
				  unsigned int subindex, uint32_t action, int fd);
/* the whole index off (DATA_NONE, count 0) */
int vfio_device_irq_disable(VFIOPCIDevice *vdev, unsigned int index);
/* the host IRQ VFIO requested for MSI-X vector nr (/proc/interrupts), -1 if none */
int vfio_host_irq(VFIOPCIDevice *vdev, unsigned int nr);
/* the interrupts the host took on that IRQ so far (all CPUs); -ENOENT if none */
int vfio_host_irq_count(VFIOPCIDevice *vdev, unsigned int nr, uint64_t *count);
/*
 * the device is made to raise vector nr (vm->bql held for each): begin
 * counts it and takes a snapshot; end books what the host delivered since
 * (see pci-irq.c), returning false while that is not known yet
 */
struct vfio_raise {
	uint64_t host, relayed;		/* the vector's host IRQ count; its `interrupt` signals read */
	bool measured;			/* false: no host IRQ to count, booked at begin */
};
void vfio_msix_raise_begin(VFIOPCIDevice *vdev, unsigned int nr, struct vfio_raise *r);
bool vfio_msix_raise_end(VFIOPCIDevice *vdev, unsigned int nr, const struct vfio_raise *r);

/* device.c: the INTx index's mask and unmask (DATA_NONE, subindex 0) */
int vfio_device_irq_mask(VFIOPCIDevice *vdev, unsigned int index);
int vfio_device_irq_unmask(VFIOPCIDevice *vdev, unsigned int index);

/* pci-intx.c: INTx as hw/vfio/pci.c does it */
void vfio_intx_init(VFIOPCIDevice *vdev);	/* fds closed, before enable */
int vfio_intx_enable(VFIOPCIDevice *vdev);
void vfio_intx_disable(VFIOPCIDevice *vdev);
void vfio_intx_interrupt(VFIOPCIDevice *vdev);	/* `interrupt` was read */
void vfio_pci_intx_eoi(VFIOPCIDevice *vdev);	/* any BAR access by the guest */

/* pci-irq.c: MSI-X as hw/vfio/pci.c does it */
void vfio_msix_write_config(VFIOPCIDevice *vdev, uint32_t addr, uint32_t val, int len);
/* every vector released and unused, the index off, then INTx (also vfio_pci_pre_reset's) */
void vfio_msix_disable(VFIOPCIDevice *vdev);
int vfio_msix_start(VFIOPCIDevice *vdev);	/* the thread reading `interrupt`s */
void vfio_msix_stop(VFIOPCIDevice *vdev);

#endif /* VIRQ_VFIO_PCI_H */
