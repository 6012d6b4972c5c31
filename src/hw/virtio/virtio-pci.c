// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci.c - the modern virtio PCI transport (QEMU 11.1 hw/virtio/virtio-pci.c):
 * config structures in BAR 4, MSI-X in BAR 1, host notifiers as ioeventfds
 * armed at DRIVER_OK; the guest notifiers (irqfds that follow the guest's
 * MSI-X masking) are in virtio-pci-irq.c. Everything here runs with the
 * VM's big lock held.
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

/* ---- status ---- */

/*
 * virtio_pci_reset (QEMU 11.1): the device reset (queues, vectors to
 * NO_VECTOR), then msix_unuse_all_vectors: every use count and every
 * pending bit cleared, so nothing raised before the reset is replayed.
 */
static void virtio_pci_reset(VirtIOPCIProxy *p)
{
	virtio_pci_stop_ioeventfd(p);
	virtio_pci_set_guest_notifiers(p, false);
	for (int q = 0; q < p->vdev.nvqs; q++)
		virtio_queue_reset(&p->vdev.vq[q]);
	p->vdev.status = 0;
	p->vdev.guest_features = 0;
	p->vdev.config_vector = VIRTIO_NO_VECTOR;
	p->queue_sel = 0;
	msix_unuse_all_vectors(&p->pci_dev);
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
	case VIRTIO_PCI_COMMON_MSIX:
		virtio_pci_write_vector(p, VIRTIO_CONFIG_IRQ_IDX, vdev->config_vector, val);
		return;
	case VIRTIO_PCI_COMMON_STATUS: virtio_pci_set_status(p, (uint8_t)val); return;
	case VIRTIO_PCI_COMMON_Q_SELECT: p->queue_sel = (uint16_t)val; return;
	}
	if (!vq)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE: vq->num = (uint16_t)val; break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		virtio_pci_write_vector(p, p->queue_sel, vq->vector, val);
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/*
		 * QEMU 11.1 takes only 1 ("wrong value for queue_enable" else,
		 * virtio_error): a queue goes off only by a reset. Taking 0
		 * left its guest notifier with an irqfd nothing owned (fuzz-virtio)
		 */
		if (val == 1)
			vq->enabled = true;
		else
			pr_err("%s: wrong value for queue_enable %u", p->pci_dev.name, val);
		break;
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

	for (int i = 0; i < VIRTIO_PCI_NOTIFIERS; i++)
		p->notifier_gsi[i] = -1;	/* no irqfd yet */
	p->stop_fd = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
	if (p->stop_fd < 0)
		return p->stop_fd;
	p->vdev.config_notifier = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
	if (p->vdev.config_notifier < 0)
		return p->vdev.config_notifier;
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
	p->vdev.config_notifier = -1;
	p->vdev.config_vector = VIRTIO_NO_VECTOR;
	for (int v = 0; v < VIRTIO_PCI_MSIX_VECTORS; v++)
		p->vector_irqfd[v].virq = -1;	/* QEMU's g_new0 leaves 0: GSI 0 */
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
	if (p->vdev.config_notifier >= 0)
		sys->close(sys->priv, p->vdev.config_notifier);
	p->stop_fd = p->vdev.config_notifier = -1;
	msix_uninit(&p->pci_dev);
}
