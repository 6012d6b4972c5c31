/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-pci.h - the modern (1.x) virtio PCI transport, after QEMU's
 * hw/virtio/virtio-pci.c: common/notify/ISR/device capabilities in BAR 4,
 * the MSI-X table and PBA in BAR 1.
 *
 * Guest notifiers are irqfds on the queue vector's MSI route, set up at
 * DRIVER_OK the way QEMU 11.1 does when guest notifiers are in use (vhost,
 * dataplane) for a device without guest_notifier_mask:
 * kvm_virtio_pci_vector_vq_use/config_use, then msix_set_vector_notifiers
 * with virtio_pci_vector_unmask/mask/poll, the irqfd set at unmask. A
 * vector written after DRIVER_OK moves its route (virtio_pci_set_vector).
 * The config interrupt has its guest notifier too (never signalled by
 * virtio-rng, which has no config changes). Host notifiers are ioeventfds
 * on each queue's notify address, armed at DRIVER_OK
 * (virtio_pci_start_ioeventfd) and disarmed on reset; the device's host
 * side runs on its own thread reading them.
 */
#ifndef VIRQ_VIRTIO_PCI_H
#define VIRQ_VIRTIO_PCI_H

#include <pthread.h>

#include "virtio.h"
#include "../pci/pci.h"
#include "../../vmm/vm.h"

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

/* per MSI-X vector: the route QEMU keeps in VirtIOIRQFD */
typedef struct VirtIOIRQFD {
	MSIMessage msg;			/* never written, as in QEMU: see vector_unmask */
	int virq;
	unsigned int users;		/* guest notifiers (queues, config) on this vector */
	/* accounting for the runner */
	uint64_t raised;		/* notifications the device sent on this vector */
	uint64_t coalesced;		/* ... that met an unconsumed one while masked */
	uint64_t dropped;		/* ... whose count was thrown away with the notifiers */
	uint64_t moved;			/* ... whose count a queue took to another vector */
	bool no_irqfd;			/* its unmask failed: msix_notify until the next mask */
} VirtIOIRQFD;

/* index of a guest notifier in notifier_gsi: queues 0.., then the config one */
#define VIRTIO_PCI_NOTIFIERS	(VIRTIO_QUEUE_MAX + 1)

typedef struct VirtIOPCIProxy {
	PCIDevice pci_dev;
	VirtIODevice vdev;
	uint32_t dfselect, gfselect;
	uint16_t queue_sel;
	bool with_irqfd;		/* guest notifiers set up with irqfds */
	bool ioeventfd_started;
	VirtIOIRQFD vector_irqfd[VIRTIO_PCI_MSIX_VECTORS];
	/* the GSI each guest notifier has a KVM irqfd on, -1 if none (the kernel's state) */
	int notifier_gsi[VIRTIO_PCI_NOTIFIERS];
	/* a count waits in the guest notifier (no irqfd on it): it goes where the queue goes */
	bool notifier_count[VIRTIO_PCI_NOTIFIERS];
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

/* between virtio-pci.c (the transport) and virtio-pci-irq.c (its interrupts) */
static inline VirtIOPCIProxy *to_proxy(PCIDevice *dev) { return dev->opaque; }
static inline const struct sys_ops *proxy_sys(VirtIOPCIProxy *p) { return p->vdev.vm->kvm.sys; }
static inline KVMState *proxy_kvm(VirtIOPCIProxy *p) { return &p->vdev.vm->kvm; }

/* virtio_pci_set_guest_notifiers - at DRIVER_OK (assign) and when it is cleared or reset */
int virtio_pci_set_guest_notifiers(VirtIOPCIProxy *p, bool assign);
/* a queue_msix_vector (queue_no) or config_msix_vector (VIRTIO_CONFIG_IRQ_IDX) write */
void virtio_pci_write_vector(VirtIOPCIProxy *p, int queue_no, uint16_t old_vector, uint32_t val);
/* the runner's accounting of a vector: dev->vector_stats */
void virtio_pci_vector_stats(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st);

#endif /* VIRQ_VIRTIO_PCI_H */
