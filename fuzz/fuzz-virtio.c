// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-virtio.c - virtio-pci's common config, notify and MSI-X
 * (src/hw/virtio/virtio-pci.c, virtio-pci-irq.c) on virtio-rng with a
 * fake kernel (test_virtio_pci.c's: real eventfds, KVM_IRQFD logged). The
 * input is common config writes/reads, notify writes, MSI-X control and
 * table writes, device notifications (virtio_notify) and KVM_IRQFD or
 * KVM_SET_GSI_ROUTING refused. The fake keeps eventfd counts as KVM does
 * for what virq can see: a signal under an irqfd is KVM's (6.1+ read it in
 * irqfd_wakeup; 5.10 leaves it until irqfd_shutdown drains it at
 * deassign), a count there at assign is injected and drained no later than
 * the deassign, and a deassign matches eventfd and GSI (kvm_irqfd_deassign).
 * After each operation:
 *  - the fake's irqfds are exactly the model's notifier_gsi (the GSI each
 *    guest notifier has a KVM irqfd on), none assigned twice;
 *  - a PBA bit only for a masked vector (QEMU 11.1's msix.c);
 *  - the ledger, per vector: raised == told + unrouted + pending +
 *    coalesced + dropped + moved + stuck (every raise is accounted exactly
 *    once; told = booked as handed to KVM, unrouted = an irqfd on a GSI the
 *    kernel had no route for, stuck = a count a queue took to a vector
 *    already unmasked, which nothing will read: the runner's lost), pending
 *    at most 2 (a PBA bit and a count).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <linux/virtio_pci.h>

#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "vmm/vm.h"
#include "fake-kvm.h"
#include "fuzz.h"

#define MAXFD	1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	int irqfd_gsi[MAXFD];
	bool fail_irqfd, fail_routing;
} fk;

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	struct kvm_irqfd *i = arg;
	uint64_t v;
	long r;

	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	switch (req) {
	case KVM_SET_GSI_ROUTING: return fk.fail_routing ? -EINVAL : 0;
	case KVM_SIGNAL_MSI: return 1;
	case KVM_IRQFD:
		fuzz_check(i->fd < MAXFD, "irqfd fd %u", i->fd);
		if (i->flags & KVM_IRQFD_FLAG_DEASSIGN) {
			if (fk.irqfd_gsi[i->fd] == (int)i->gsi) {	/* else nothing matched: 0 */
				fk.irqfd_gsi[i->fd] = -1;
				fake_real_read(p, (int)i->fd, &v, sizeof(v));	/* drained */
			}
			return 0;
		}
		if (fk.fail_irqfd)
			return -ENOSPC;
		if (fk.irqfd_gsi[i->fd] >= 0)
			return -EBUSY;	/* kvm_irqfd_assign: that eventfd has an irqfd */
		fk.irqfd_gsi[i->fd] = (int)i->gsi;
		return 0;
	default: return 0;
	}
}

/* a signal on an eventfd with an irqfd on it is KVM's at once */
static ssize_t f_write(void *p, int fd, const void *buf, size_t n)
{
	if (fd >= 0 && fd < MAXFD && fk.irqfd_gsi[fd] >= 0)
		return (ssize_t)n;
	return fake_real_write(p, fd, buf, n);
}

/* the device thread waits on its host notifiers and stop fd: real eventfds */
static int f_poll(void *p, struct pollfd *f, nfds_t n, int t) { return poll(f, n, t); }

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = f_ioctl,
	.eventfd = fake_real_eventfd, .read = fake_real_read, .write = f_write,
	.poll = f_poll,
};

static void check(PCIDevice *d)
{
	VirtIOPCIProxy *p = d->opaque;

	for (int q = 0; q < VIRTIO_QUEUE_MAX; q++) {
		int fd = p->vdev.vq[q].guest_notifier;

		fuzz_check(p->notifier_gsi[q] < 0 || (fd >= 0 && fd < MAXFD &&
			   fk.irqfd_gsi[fd] == p->notifier_gsi[q]),
			   "queue %d: model irqfd on gsi %d (fd %d), kernel %d", q,
			   p->notifier_gsi[q], fd, fd >= 0 && fd < MAXFD ? fk.irqfd_gsi[fd] : -2);
	}
	for (int fd = 0; fd < MAXFD; fd++) {
		bool found = fk.irqfd_gsi[fd] < 0;

		for (int q = 0; q <= VIRTIO_QUEUE_MAX && !found; q++)
			found = (q < VIRTIO_QUEUE_MAX ? p->vdev.vq[q].guest_notifier :
				 p->vdev.config_notifier) == fd;
		fuzz_check(found, "fd %d has an irqfd on gsi %d no notifier owns", fd,
			   fk.irqfd_gsi[fd]);
	}
	for (unsigned int v = 0; v < d->msix_entries_nr; v++) {
		uint64_t stuck = 0;
		struct msix_vector_stats st;

		for (int q = 0; q < VIRTIO_QUEUE_MAX && !msix_is_masked(d, v); q++)
			stuck += p->vdev.vq[q].enabled && p->vdev.vq[q].vector == v &&
				 p->notifier_count[q];
		fuzz_check(!msix_is_pending(d, v) || msix_is_masked(d, v),
			   "vector %u pending while unmasked", v);
		msix_vector_stats(d, v, &st);
		fuzz_check(st.pending <= 2 && st.raised == st.ledger->told + d->msix_stats[v].unrouted +
			   st.pending + st.coalesced + st.dropped + st.moved + stuck,
			   "vector %u: raised %lu != told %lu + unrouted %lu + pending %lu + coalesced %lu + dropped %lu + moved %lu + stuck %lu",
			   v, (unsigned long)st.raised, (unsigned long)st.ledger->told,
			   (unsigned long)d->msix_stats[v].unrouted, (unsigned long)st.pending,
			   (unsigned long)st.coalesced, (unsigned long)st.dropped,
			   (unsigned long)st.moved, (unsigned long)stuck);
	}
}

static void bar_write(PCIDevice *d, int bar, uint64_t off, uint32_t v, unsigned int size)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	d->io_regions[bar].ops->write(d->io_regions[bar].opaque, off, b, size);
}

static void step(struct vm *vm, PCIDevice *d, struct fuzz_in *in)
{
	VirtIOPCIProxy *p = d->opaque;
	uint8_t op = fuzz_u8(in), x = fuzz_u8(in);
	uint32_t val = fuzz_u(in, 4);
	uint8_t b[4];

	pthread_mutex_lock(&vm->bql);	/* as a vCPU's access, and the device thread */
	switch (op % 8) {
	case 0: bar_write(d, VIRTIO_PCI_MODERN_BAR, x % 0x40, val, (unsigned int)fuzz_len(in)); break;
	case 1: d->io_regions[VIRTIO_PCI_MODERN_BAR].ops->read(d->io_regions[VIRTIO_PCI_MODERN_BAR].opaque,
								 x % 0x40, b, 4); break;
	case 2: bar_write(d, VIRTIO_PCI_MODERN_BAR, VIRTIO_PCI_NOTIFY_OFF + x % 8 * 2, val, 2); break;
	case 3: pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, val, 2); break;
	case 4: msix_table_mmio_write(d, x % (VIRTIO_PCI_MSIX_VECTORS * 4) * 4, val, 4); break;
	case 5:	/* a device notifies the queues it serves: enabled ones (virtio_irq) */
		if (p->vdev.vq[x % VIRTIO_QUEUE_MAX].enabled)
			virtio_notify(&p->vdev, &p->vdev.vq[x % VIRTIO_QUEUE_MAX]);
		break;
	case 6: fk.fail_irqfd = val & 1; fk.fail_routing = val & 2; break;
	case 7: pci_config_write(d, x, val, fuzz_len(in)); break;
	}
	check(d);
	pthread_mutex_unlock(&vm->bql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vm *vm = calloc(1, sizeof(*vm));
	PCIBus *bus = calloc(1, sizeof(*bus));
	PCIDevice *d;

	memset(fk.irqfd_gsi, 0xff, sizeof(fk.irqfd_gsi));
	fk.fail_irqfd = fk.fail_routing = false;
	fuzz_check(!kvm_init(&vm->kvm, &fake_kernel) && !kvm_irqchip_create(&vm->kvm), "kvm");
	pthread_mutex_init(&vm->bql, NULL);
	pthread_mutex_init(&vm->lock, NULL);
	fuzz_check(!pci_bus_init(bus, vm), "pci_bus_init");
	d = virtio_rng_pci_type.realize(vm, bus, "R", NULL);
	fuzz_check(d, "realize");
	while (fuzz_more(&in))
		step(vm, d, &in);
	virtio_rng_pci_type.unrealize(d);
	kvm_destroy(&vm->kvm);
	free(bus);
	free(vm);
	return 0;
}
