/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-pci.h - the modern (1.x) virtio PCI transport, after QEMU's
 * hw/virtio/virtio-pci.c: common/notify/ISR/device capabilities in BAR 4,
 * the MSI-X table and PBA in BAR 1.
 *
 * Guest notifiers are irqfds on the queue vector's MSI route, set up at
 * DRIVER_OK the way QEMU does when guest notifiers are in use (vhost,
 * dataplane): kvm_virtio_pci_vector_use, then msix_set_vector_notifiers
 * with virtio_pci_vector_unmask/mask/poll. Host notifiers are ioeventfds
 * on each queue's notify address, armed at DRIVER_OK
 * (virtio_pci_start_ioeventfd) and disarmed on reset; the device's host
 * side runs on its own thread reading them.
 */
#ifndef VIRQ_VIRTIO_PCI_H
#define VIRQ_VIRTIO_PCI_H

#include <pthread.h>

#include "virtio.h"
#include "../pci/pci.h"

#define VIRTIO_PCI_MSIX_VECTORS	4

/* BAR layout, as QEMU's (offsets in BAR 4; MSI-X in BAR 1) */
#define VIRTIO_PCI_MSIX_BAR	1
#define VIRTIO_PCI_MODERN_BAR	4
#define VIRTIO_PCI_COMMON_OFF	0x0000
#define VIRTIO_PCI_ISR_OFF	0x1000
#define VIRTIO_PCI_DEVICE_OFF	0x2000
#define VIRTIO_PCI_NOTIFY_OFF	0x3000
#define VIRTIO_PCI_NOTIFY_MULT	4	/* QEMU's default: no page per vq */
#define VIRTIO_PCI_MODERN_SIZE	0x4000

/* per MSI-X vector: the route and irqfd QEMU keeps in VirtIOIRQFD */
typedef struct VirtIOIRQFD {
	MSIMessage msg;			/* never written, as in QEMU: see vector_unmask */
	int virq;
	unsigned int users;
	bool irqfd;			/* KVM_IRQFD assigned now */
	/* accounting for the runner */
	uint64_t raised;		/* notifications the device sent on this vector */
	uint64_t coalesced;		/* ... that met an unconsumed one while masked */
	bool outstanding;		/* a count waits in the guest notifier (irqfd off) */
} VirtIOIRQFD;

typedef struct VirtIOPCIProxy {
	PCIDevice pci_dev;
	VirtIODevice vdev;
	uint32_t dfselect, gfselect;
	uint16_t queue_sel;
	bool with_irqfd;		/* guest notifiers set up with irqfds */
	bool ioeventfd_started;
	VirtIOIRQFD vector_irqfd[VIRTIO_PCI_MSIX_VECTORS];
	pthread_t thread;		/* the device's host side */
	bool thread_started;
	int stop_fd;			/* eventfd that ends the thread */
	uint64_t early_kicks;		/* notify writes before DRIVER_OK */
} VirtIOPCIProxy;

int virtio_pci_realize(VirtIOPCIProxy *proxy, struct vm *vm, PCIBus *bus, const char *name,
		       const char *type);
void virtio_pci_unrealize(VirtIOPCIProxy *proxy);
/* virtio_notify - the device used buffers on vq: interrupt the driver */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);

#endif /* VIRQ_VIRTIO_PCI_H */
