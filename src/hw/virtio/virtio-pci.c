// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci.c - the modern virtio PCI transport (QEMU hw/virtio/virtio-pci.c):
 * config structures in BAR 4, MSI-X in BAR 1, guest notifiers as irqfds that
 * follow the guest's MSI-X masking, host notifiers as ioeventfds armed at
 * DRIVER_OK. Everything here runs with the VM's big lock held.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "virtio-pci.h"
#include "../pci/msix.h"
#include "../../vmm/vm.h"
#include "../../trace/trace.h"
#include "../../vmm/util.h"

#define PCI_VENDOR_ID_REDHAT_QUMRANET	0x1af4
#define VIRTIO_PCI_DEVICE_ID_BASE	0x1040	/* modern: 0x1040 + VIRTIO_ID_* */

static VirtIOPCIProxy *to_proxy(PCIDevice *dev)
{
	return dev->opaque;
}

static const struct sys_ops *proxy_sys(VirtIOPCIProxy *p)
{
	return p->vdev.vm->kvm.sys;
}

static KVMState *proxy_kvm(VirtIOPCIProxy *p)
{
	return &p->vdev.vm->kvm;
}

/* ---- guest notifiers: MSI routes and irqfds (kvm_virtio_pci_*) ---- */

/* kvm_virtio_pci_vq_vector_use: one route per vector, committed on first use */
static int kvm_virtio_pci_vq_vector_use(VirtIOPCIProxy *p, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	KVMRouteChange c;
	int r;

	if (irqfd->users == 0) {
		c = kvm_irqchip_begin_route_changes(proxy_kvm(p));
		r = kvm_irqchip_add_msi_route(&c, msix_get_message(&p->pci_dev, vector));
		if (r < 0)
			return r;
		kvm_irqchip_commit_route_changes(&c);
		irqfd->virq = r;
	}
	irqfd->users++;
	return 0;
}

static void kvm_virtio_pci_vq_vector_release(VirtIOPCIProxy *p, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];

	if (--irqfd->users == 0)
		kvm_irqchip_release_virq(proxy_kvm(p), irqfd->virq);
}

static int kvm_virtio_pci_irqfd_use(VirtIOPCIProxy *p, VirtQueue *vq, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	int r = kvm_irqchip_add_irqfd_notifier_gsi(proxy_kvm(p), vq->guest_notifier, -1,
						   irqfd->virq);

	if (r == 0) {
		irqfd->irqfd = true;
		/* KVM injects a count already in the eventfd "as if we didn't miss it" */
		irqfd->outstanding = false;
	}
	return r;
}

static void kvm_virtio_pci_irqfd_release(VirtIOPCIProxy *p, VirtQueue *vq, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];

	kvm_irqchip_remove_irqfd_notifier_gsi(proxy_kvm(p), vq->guest_notifier, irqfd->virq);
	irqfd->irqfd = false;
}

/*
 * virtio_pci_one_vector_unmask: QEMU compares the message with
 * VirtIOIRQFD.msg, which it never writes, so every unmask updates the route
 * and commits; then the irqfd is set up again (no guest_notifier_mask here).
 */
static int virtio_pci_one_vector_unmask(VirtIOPCIProxy *p, VirtQueue *vq, unsigned int vector,
					MSIMessage msg)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	int r;

	if (irqfd->msg.data != msg.data || irqfd->msg.address != msg.address) {
		r = kvm_irqchip_update_msi_route(proxy_kvm(p), irqfd->virq, msg);
		if (r < 0)
			return r;
		kvm_irqchip_commit_routes(proxy_kvm(p));
	}
	return kvm_virtio_pci_irqfd_use(p, vq, vector);
}

static int virtio_pci_vector_unmask(PCIDevice *dev, unsigned int vector, MSIMessage msg)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	int r = 0;

	trace_event("virtio_pci_vector_unmask", "%s vector=%u", dev->name, vector);
	for (int q = 0; q < p->vdev.nvqs && r == 0; q++)
		if (p->vdev.vq[q].enabled && p->vdev.vq[q].vector == vector)
			r = virtio_pci_one_vector_unmask(p, &p->vdev.vq[q], vector, msg);
	return r;
}

static void virtio_pci_vector_mask(PCIDevice *dev, unsigned int vector)
{
	VirtIOPCIProxy *p = to_proxy(dev);

	trace_event("virtio_pci_vector_mask", "%s vector=%u", dev->name, vector);
	for (int q = 0; q < p->vdev.nvqs; q++)
		if (p->vdev.vq[q].enabled && p->vdev.vq[q].vector == vector)
			kvm_virtio_pci_irqfd_release(p, &p->vdev.vq[q], vector);
}

/* virtio_pci_vector_poll: a masked vector's notifier count becomes its PBA bit */
static void virtio_pci_vector_poll(PCIDevice *dev, unsigned int start, unsigned int end)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	uint64_t v;

	for (int q = 0; q < p->vdev.nvqs; q++) {
		VirtQueue *vq = &p->vdev.vq[q];

		if (!vq->enabled || vq->vector < start || vq->vector >= end ||
		    !msix_is_masked(dev, vq->vector))
			continue;
		if (proxy_sys(p)->read(proxy_sys(p)->priv, vq->guest_notifier, &v, sizeof(v)) > 0) {
			/* a bit already set takes the count in: one message for both */
			if (msix_is_pending(dev, vq->vector))
				p->vector_irqfd[vq->vector].coalesced++;
			msix_set_pending(dev, vq->vector);
			p->vector_irqfd[vq->vector].outstanding = false;
		}
	}
}

/*
 * Undo the guest notifiers of queues [0, nq): an irqfd still assigned goes
 * (disabling MSI-X fires no release, and our eventfds outlive a reset, so
 * QEMU's closing of the notifier is done here by hand), the count it left
 * is drained so no stale interrupt survives a reset, the routes go.
 */
static void virtio_pci_release_vectors(VirtIOPCIProxy *p, int nq)
{
	uint64_t v;
	bool released = false;

	for (int q = 0; q < nq; q++) {
		VirtQueue *vq = &p->vdev.vq[q];

		if (!vq->enabled || vq->vector >= VIRTIO_PCI_MSIX_VECTORS ||
		    !p->vector_irqfd[vq->vector].users)
			continue;
		if (p->vector_irqfd[vq->vector].irqfd)
			kvm_virtio_pci_irqfd_release(p, vq, vq->vector);
		proxy_sys(p)->read(proxy_sys(p)->priv, vq->guest_notifier, &v, sizeof(v));
		p->vector_irqfd[vq->vector].outstanding = false;
		kvm_virtio_pci_vq_vector_release(p, vq->vector);
		released = true;
	}
	if (released)
		kvm_irqchip_commit_routes(proxy_kvm(p));
}

/* virtio_pci_set_guest_notifiers(assign): routes, then the MSI-X notifiers */
static int virtio_pci_set_guest_notifiers(VirtIOPCIProxy *p, bool assign)
{
	int r = 0, q;

	if (!assign) {
		if (p->with_irqfd)
			msix_unset_vector_notifiers(&p->pci_dev);
		virtio_pci_release_vectors(p, p->vdev.nvqs);
		p->with_irqfd = false;
		return 0;
	}
	if (!msix_enabled(&p->pci_dev))
		return 0;	/* QEMU: with_irqfd needs MSI-X on */
	for (q = 0; q < p->vdev.nvqs && r == 0; q++)
		if (p->vdev.vq[q].enabled && p->vdev.vq[q].vector < VIRTIO_PCI_MSIX_VECTORS)
			r = kvm_virtio_pci_vq_vector_use(p, p->vdev.vq[q].vector);
	if (r == 0)
		r = msix_set_vector_notifiers(&p->pci_dev, virtio_pci_vector_unmask,
					      virtio_pci_vector_mask, virtio_pci_vector_poll);
	if (r < 0) {
		/* QEMU's notifiers_error: give back what was taken */
		virtio_pci_release_vectors(p, q);
		return r;
	}
	p->with_irqfd = true;
	return 0;
}

/* ---- host notifiers: ioeventfds on the notify addresses ---- */

static uint64_t virtio_pci_notify_addr(VirtIOPCIProxy *p, int q)
{
	return pci_bar_address(&p->pci_dev, VIRTIO_PCI_MODERN_BAR) + VIRTIO_PCI_NOTIFY_OFF +
	       (uint64_t)q * VIRTIO_PCI_NOTIFY_MULT;
}

/*
 * virtio_pci_ioeventfd_assign: QEMU's modern MMIO notify takes any length
 * and no datamatch (each queue has its own address); kicks that came before
 * are caught by signalling the notifier once (virtio_device_start_ioeventfd).
 */
static void virtio_pci_ioeventfd_assign(VirtIOPCIProxy *p, bool assign)
{
	uint64_t one = 1;

	for (int q = 0; q < p->vdev.nvqs; q++) {
		VirtQueue *vq = &p->vdev.vq[q];

		if (!vq->enabled)
			continue;
		kvm_set_ioeventfd_mmio(proxy_kvm(p), vq->host_notifier, virtio_pci_notify_addr(p, q),
				       0, assign, false, 0);
		if (assign)
			proxy_sys(p)->write(proxy_sys(p)->priv, vq->host_notifier, &one, sizeof(one));
	}
	p->ioeventfd_started = assign;
}

static void virtio_pci_start_ioeventfd(VirtIOPCIProxy *p)
{
	trace_event("virtio_pci_start_ioeventfd", "%s", p->pci_dev.name);
	virtio_pci_ioeventfd_assign(p, true);
}

static void virtio_pci_stop_ioeventfd(VirtIOPCIProxy *p)
{
	if (!p->ioeventfd_started)
		return;
	trace_event("virtio_pci_stop_ioeventfd", "%s", p->pci_dev.name);
	virtio_pci_ioeventfd_assign(p, false);
}

/* ---- the device interrupts the driver ---- */

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
	VirtIOPCIProxy *p = vdev->transport;
	VirtIOIRQFD *irqfd;
	uint64_t one = 1;

	if (vq->vector >= VIRTIO_PCI_MSIX_VECTORS)
		return;
	irqfd = &p->vector_irqfd[vq->vector];
	irqfd->raised++;
	if (!p->with_irqfd) {
		msix_notify(&p->pci_dev, vq->vector);	/* KVM_SIGNAL_MSI, or the PBA */
		return;
	}
	/* event_notifier_set(guest_notifier): the irqfd, or a count kept while masked */
	if (!irqfd->irqfd) {
		/* a count already waits in the eventfd: this one merges into it */
		if (irqfd->outstanding)
			irqfd->coalesced++;
		irqfd->outstanding = true;
	}
	trace_event("virtio_notify_irqfd", "%s queue=%ld vector=%u", p->pci_dev.name,
		    (long)(vq - vdev->vq), vq->vector);
	proxy_sys(p)->write(proxy_sys(p)->priv, vq->guest_notifier, &one, sizeof(one));
}

/* the runner's view: an irqfd path once guest notifiers are set */
static void virtio_pci_vector_stats(PCIDevice *dev, unsigned int vector,
				    struct msix_vector_stats *st)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];

	*st = (struct msix_vector_stats){
		.gsi = irqfd->users ? irqfd->virq : -1,
		.host_irq = -1,
		.path = irqfd->users ? "irqfd" : "signal-msi",
		.raised = irqfd->raised,
		.coalesced = irqfd->coalesced + dev->msix_stats[vector].coalesced,
		.pending = msix_is_pending(dev, vector) + irqfd->outstanding,
	};
}

/* ---- status ---- */

static void virtio_pci_reset(VirtIOPCIProxy *p)
{
	virtio_pci_stop_ioeventfd(p);
	virtio_pci_set_guest_notifiers(p, false);
	for (int q = 0; q < p->vdev.nvqs; q++)
		virtio_queue_reset(&p->vdev.vq[q]);
	p->vdev.status = 0;
	p->vdev.guest_features = 0;
	p->queue_sel = 0;
}

static void virtio_pci_set_status(VirtIOPCIProxy *p, uint8_t val)
{
	bool was_ok = p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK;

	trace_event("virtio_set_status", "%s 0x%x", p->pci_dev.name, val);
	if (val == 0) {
		virtio_pci_reset(p);
		return;
	}
	p->vdev.status = val;
	if (!was_ok && (val & VIRTIO_CONFIG_S_DRIVER_OK)) {
		/* as a dataplane/vhost start: guest notifiers first, then host notifiers */
		if (virtio_pci_set_guest_notifiers(p, true) < 0)
			pr_err("%s: guest notifiers: irqfds not set, completions go through the VMM",
			       p->pci_dev.name);
		virtio_pci_start_ioeventfd(p);
	} else if (was_ok && !(val & VIRTIO_CONFIG_S_DRIVER_OK)) {
		/* QEMU stops the ioeventfds whenever DRIVER_OK is cleared */
		virtio_pci_stop_ioeventfd(p);
		virtio_pci_set_guest_notifiers(p, false);
	}
}

/* ---- BAR 4: common configuration, ISR, notify ---- */

static VirtQueue *proxy_vq(VirtIOPCIProxy *p)
{
	return p->queue_sel < p->vdev.nvqs ? &p->vdev.vq[p->queue_sel] : NULL;
}

static uint32_t virtio_pci_common_read(VirtIOPCIProxy *p, uint64_t off)
{
	VirtIODevice *vdev = &p->vdev;
	VirtQueue *vq = proxy_vq(p);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT: return p->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return p->dfselect < 2 ? (uint32_t)(vdev->host_features >> (32 * p->dfselect)) : 0;
	case VIRTIO_PCI_COMMON_GFSELECT: return p->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return p->gfselect < 2 ? (uint32_t)(vdev->guest_features >> (32 * p->gfselect)) : 0;
	case VIRTIO_PCI_COMMON_MSIX: return vdev->config_vector;
	case VIRTIO_PCI_COMMON_NUMQ: return (uint32_t)vdev->nvqs;
	case VIRTIO_PCI_COMMON_STATUS: return vdev->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION: return 0;
	case VIRTIO_PCI_COMMON_Q_SELECT: return p->queue_sel;
	case VIRTIO_PCI_COMMON_Q_SIZE: return vq ? (vq->num ? vq->num : 16) : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX: return vq ? vq->vector : VIRTIO_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE: return vq ? vq->enabled : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF: return p->queue_sel;	/* notify at NOTIFY_OFF + 4 * queue */
	default: return 0;
	}
}

static void virtio_pci_set_addr(uint64_t *a, bool hi, uint32_t val)
{
	*a = hi ? (*a & 0xffffffffull) | (uint64_t)val << 32 : (*a & ~0xffffffffull) | val;
}

static void virtio_pci_common_write(VirtIOPCIProxy *p, uint64_t off, uint32_t val)
{
	VirtIODevice *vdev = &p->vdev;
	VirtQueue *vq = proxy_vq(p);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT: p->dfselect = val; return;
	case VIRTIO_PCI_COMMON_GFSELECT: p->gfselect = val; return;
	case VIRTIO_PCI_COMMON_GF:
		if (p->gfselect < 2)
			virtio_pci_set_addr(&vdev->guest_features, p->gfselect, val);
		vdev->guest_features &= vdev->host_features;
		return;
	case VIRTIO_PCI_COMMON_MSIX: vdev->config_vector = (uint16_t)val; return;
	case VIRTIO_PCI_COMMON_STATUS: virtio_pci_set_status(p, (uint8_t)val); return;
	case VIRTIO_PCI_COMMON_Q_SELECT: p->queue_sel = (uint16_t)val; return;
	}
	if (!vq)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE: vq->num = (uint16_t)val; break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		vq->vector = val < VIRTIO_PCI_MSIX_VECTORS ? (uint16_t)val : VIRTIO_NO_VECTOR;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE: vq->enabled = val == 1; break;
	case VIRTIO_PCI_COMMON_Q_DESCLO: case VIRTIO_PCI_COMMON_Q_DESCHI:
		virtio_pci_set_addr(&vq->desc, off == VIRTIO_PCI_COMMON_Q_DESCHI, val); break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO: case VIRTIO_PCI_COMMON_Q_AVAILHI:
		virtio_pci_set_addr(&vq->avail, off == VIRTIO_PCI_COMMON_Q_AVAILHI, val); break;
	case VIRTIO_PCI_COMMON_Q_USEDLO: case VIRTIO_PCI_COMMON_Q_USEDHI:
		virtio_pci_set_addr(&vq->used, off == VIRTIO_PCI_COMMON_Q_USEDHI, val); break;
	}
}

/*
 * A notify write that exits to us: the ioeventfd is not armed, i.e. before
 * DRIVER_OK. The device must not use buffers yet (virtio 1.x, 3.1.1); the
 * kick is counted and picked up when the ioeventfd starts.
 */
static void virtio_pci_notify_write(VirtIOPCIProxy *p, uint64_t off)
{
	int q = (int)(off / VIRTIO_PCI_NOTIFY_MULT);

	p->early_kicks++;
	trace_event("virtio_queue_notify", "%s queue=%d (user exit, status 0x%x)", p->pci_dev.name,
		    q, p->vdev.status);
	if (q < p->vdev.nvqs && (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) && p->vdev.handle_output)
		p->vdev.handle_output(&p->vdev, &p->vdev.vq[q]);
}

static void virtio_pci_modern_write(void *opaque, uint64_t off, const uint8_t *data,
				    unsigned int size)
{
	VirtIOPCIProxy *p = opaque;

	if (off < VIRTIO_PCI_ISR_OFF)
		virtio_pci_common_write(p, off, bus_data_get(data, size));
	else if (off >= VIRTIO_PCI_NOTIFY_OFF)
		virtio_pci_notify_write(p, off - VIRTIO_PCI_NOTIFY_OFF);
}

static void virtio_pci_modern_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	VirtIOPCIProxy *p = opaque;

	/* ISR (INTx only) and device config (virtio-rng has none) read 0 */
	bus_data_set(data, size, off < VIRTIO_PCI_ISR_OFF ? virtio_pci_common_read(p, off) : 0);
}

static const struct bus_ops virtio_pci_modern_ops = {
	.write = virtio_pci_modern_write, .read = virtio_pci_modern_read,
};

/* ---- BAR 1: the MSI-X table at 0, the PBA at 0x800 ---- */

#define VIRTIO_PCI_PBA_OFF	0x800

static void virtio_pci_msix_write(void *opaque, uint64_t off, const uint8_t *data,
				  unsigned int size)
{
	VirtIOPCIProxy *p = opaque;

	msix_bar_write(&p->pci_dev, off, data, size, VIRTIO_PCI_PBA_OFF);
}

static void virtio_pci_msix_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	VirtIOPCIProxy *p = opaque;

	msix_bar_read(&p->pci_dev, off, data, size, VIRTIO_PCI_PBA_OFF);
}

static const struct bus_ops virtio_pci_msix_ops = {
	.write = virtio_pci_msix_write, .read = virtio_pci_msix_read,
};

/* ---- the host side: one thread reading the host notifiers ---- */

static void *virtio_pci_thread(void *arg)
{
	VirtIOPCIProxy *p = arg;
	const struct sys_ops *sys = proxy_sys(p);
	struct pollfd fds[VIRTIO_QUEUE_MAX + 1];
	uint64_t v;

	for (;;) {
		int n = 0;

		fds[n++] = (struct pollfd){ .fd = p->stop_fd, .events = POLLIN };
		for (int q = 0; q < p->vdev.nvqs; q++)
			fds[n++] = (struct pollfd){ .fd = p->vdev.vq[q].host_notifier, .events = POLLIN };
		if (sys->poll(sys->priv, fds, (nfds_t)n, -1) < 0)
			continue;
		if (fds[0].revents)
			return NULL;
		for (int q = 0; q < p->vdev.nvqs; q++) {
			if (!fds[q + 1].revents ||
			    sys->read(sys->priv, fds[q + 1].fd, &v, sizeof(v)) != sizeof(v))
				continue;
			pthread_mutex_lock(&p->vdev.vm->bql);
			if (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK)
				p->vdev.handle_output(&p->vdev, &p->vdev.vq[q]);
			pthread_mutex_unlock(&p->vdev.vm->bql);
		}
	}
}

/* ---- realize ---- */

static void virtio_pci_add_cap(PCIDevice *dev, uint8_t type, uint32_t off, uint32_t len,
			       uint8_t cap_len)
{
	int pos = pci_add_capability(dev, PCI_CAP_ID_VNDR, 0, cap_len);

	if (pos < 0)
		return;
	dev->config[pos + VIRTIO_PCI_CAP_LEN] = cap_len;
	dev->config[pos + VIRTIO_PCI_CAP_CFG_TYPE] = type;
	dev->config[pos + VIRTIO_PCI_CAP_BAR] = VIRTIO_PCI_MODERN_BAR;
	pci_set_long(dev->config + pos + VIRTIO_PCI_CAP_OFFSET, off);
	pci_set_long(dev->config + pos + VIRTIO_PCI_CAP_LENGTH, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		pci_set_long(dev->config + pos + sizeof(struct virtio_pci_cap), VIRTIO_PCI_NOTIFY_MULT);
}

static int virtio_pci_open_notifiers(VirtIOPCIProxy *p)
{
	const struct sys_ops *sys = proxy_sys(p);

	p->stop_fd = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
	if (p->stop_fd < 0)
		return p->stop_fd;
	for (int q = 0; q < p->vdev.nvqs; q++) {
		VirtQueue *vq = &p->vdev.vq[q];

		vq->host_notifier = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
		vq->guest_notifier = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
		if (vq->host_notifier < 0 || vq->guest_notifier < 0)
			return -EMFILE;
	}
	return 0;
}

int virtio_pci_realize(VirtIOPCIProxy *p, struct vm *vm, PCIBus *bus, const char *name,
		       const char *type)
{
	PCIDevice *dev = &p->pci_dev;
	int r;

	p->vdev.vm = vm;
	p->vdev.transport = p;
	p->vdev.notify = virtio_notify;
	p->vdev.host_features |= 1ull << VIRTIO_F_VERSION_1;
	p->stop_fd = -1;
	for (int q = 0; q < VIRTIO_QUEUE_MAX; q++) {
		p->vdev.vq[q].host_notifier = p->vdev.vq[q].guest_notifier = -1;
		virtio_queue_reset(&p->vdev.vq[q]);
	}
	pci_device_init(dev, name, type, PCI_VENDOR_ID_REDHAT_QUMRANET,
			VIRTIO_PCI_DEVICE_ID_BASE + p->vdev.device_id, 0x00ff0001);
	dev->opaque = p;
	dev->vector_stats = virtio_pci_vector_stats;
	pci_register_bar(dev, VIRTIO_PCI_MSIX_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY, 0x1000,
			 &virtio_pci_msix_ops, p);
	pci_register_bar(dev, VIRTIO_PCI_MODERN_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
			 VIRTIO_PCI_MODERN_SIZE, &virtio_pci_modern_ops, p);
	r = msix_init(dev, VIRTIO_PCI_MSIX_VECTORS, VIRTIO_PCI_MSIX_BAR, 0, VIRTIO_PCI_MSIX_BAR,
		      VIRTIO_PCI_PBA_OFF, 0);
	if (r < 0)
		return r;
	virtio_pci_add_cap(dev, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF, 0x1000, 16);
	virtio_pci_add_cap(dev, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 0x1000, 16);
	virtio_pci_add_cap(dev, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFF, 0x1000, 16);
	virtio_pci_add_cap(dev, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF, 0x1000, 20);
	r = virtio_pci_open_notifiers(p);
	if (r < 0)
		goto err_close;
	r = pci_bus_add_device(bus, dev);
	if (r < 0)
		goto err_close;
	r = -pthread_create(&p->thread, NULL, virtio_pci_thread, p);
	if (r < 0)
		goto err_close;
	p->thread_started = true;
	pthread_setname_np(p->thread, "virtio-host");
	return 0;

err_close:
	virtio_pci_unrealize(p);
	return r;
}

void virtio_pci_unrealize(VirtIOPCIProxy *p)
{
	const struct sys_ops *sys = proxy_sys(p);
	uint64_t one = 1;

	if (p->thread_started) {
		sys->write(sys->priv, p->stop_fd, &one, sizeof(one));
		pthread_join(p->thread, NULL);
		p->thread_started = false;
	}
	if (p->pci_dev.bus && p->pci_dev.bus->devices[p->pci_dev.devfn >> 3] == &p->pci_dev) {
		pthread_mutex_lock(&p->vdev.vm->bql);
		p->pci_dev.bus->devices[p->pci_dev.devfn >> 3] = NULL;
		pthread_mutex_unlock(&p->vdev.vm->bql);
	}
	for (int q = 0; q < VIRTIO_QUEUE_MAX; q++) {
		if (p->vdev.vq[q].host_notifier >= 0)
			sys->close(sys->priv, p->vdev.vq[q].host_notifier);
		if (p->vdev.vq[q].guest_notifier >= 0)
			sys->close(sys->priv, p->vdev.vq[q].guest_notifier);
		p->vdev.vq[q].host_notifier = p->vdev.vq[q].guest_notifier = -1;
	}
	if (p->stop_fd >= 0)
		sys->close(sys->priv, p->stop_fd);
	p->stop_fd = -1;
	msix_uninit(&p->pci_dev);
}
