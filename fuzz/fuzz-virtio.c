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
 * The device is realized once (its thread started once); each input ends
 * with the driver's reset (status 0: virtio_pci_reset) and the PCI core's
 * (pci_do_device_reset), which must leave the device and the VM as they
 * were realized: no irqfd, route or count left, every register back.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <linux/virtio_pci.h>

#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "fake-kvm.h"
#include "fuzz-common.h"

/* a signal on an eventfd with an irqfd on it is KVM's at once */
static ssize_t f_write(void *p, int fd, const void *buf, size_t n)
{
	if (fuzz_kernel_irqfd_gsi(fd) >= 0)
		return (ssize_t)n;
	return fake_real_write(p, fd, buf, n);
}

/* the device thread waits on its host notifiers and stop fd: real eventfds */
static int f_poll(void *p, struct pollfd *f, nfds_t n, int t) { return poll(f, n, t); }

/* a deassign that matched: irqfd_shutdown drains what the irqfd had not read */
static void f_drain(int fd)
{
	uint64_t v;

	fake_real_read(NULL, fd, &v, sizeof(v));
}

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = fuzz_sys_ioctl,
	.eventfd = fake_real_eventfd, .read = fake_real_read, .write = f_write,
	.poll = f_poll,
};

/* the fd of guest notifier i: queues 0.., then the config one */
static int notifier_fd(VirtIOPCIProxy *p, int i)
{
	return i < VIRTIO_QUEUE_MAX ? p->vdev.vq[i].guest_notifier : p->vdev.config_notifier;
}

static void check_irqfds(VirtIOPCIProxy *p)
{
	for (int q = 0; q < VIRTIO_QUEUE_MAX; q++) {
		int fd = p->vdev.vq[q].guest_notifier;

		fuzz_check(p->notifier_gsi[q] < 0 || fuzz_kernel_irqfd_gsi(fd) == p->notifier_gsi[q],
			   "queue %d: model irqfd on gsi %d (fd %d), kernel %d", q,
			   p->notifier_gsi[q], fd, fuzz_kernel_irqfd_gsi(fd));
	}
	for (unsigned int i = 0; i < fuzz_kernel.nr_irqfds; i++) {
		bool found = false;

		for (int n = 0; n < VIRTIO_PCI_NOTIFIERS && !found; n++)
			found = notifier_fd(p, n) == fuzz_kernel.irqfds[i].fd;
		fuzz_check(found, "fd %d has an irqfd on gsi %d no notifier owns",
			   fuzz_kernel.irqfds[i].fd, fuzz_kernel.irqfds[i].gsi);
	}
}

static void check(PCIDevice *d)
{
	VirtIOPCIProxy *p = d->opaque;

	check_irqfds(p);
	fuzz_check_pba(d);
	for (unsigned int v = 0; v < d->msix_entries_nr; v++) {
		uint64_t stuck = 0;

		for (int q = 0; q < VIRTIO_QUEUE_MAX && !msix_is_masked(d, v); q++)
			stuck += p->vdev.vq[q].enabled && p->vdev.vq[q].vector == v &&
				 p->notifier_count[q];
		fuzz_check_ledger(d, v, stuck);
	}
}

static void step(PCIDevice *d, struct fuzz_in *in)
{
	VirtIOPCIProxy *p = d->opaque;
	uint8_t op = fuzz_u8(in), x = fuzz_u8(in);
	uint32_t val = fuzz_u(in, 4);

	switch (op % 8) {
	case 0: fuzz_bar_write(d, VIRTIO_PCI_MODERN_BAR, x % 0x40, val, (unsigned int)fuzz_len(in)); break;
	case 1: (void)fuzz_bar_read(d, VIRTIO_PCI_MODERN_BAR, x % 0x40, 4); break;
	case 2: fuzz_bar_write(d, VIRTIO_PCI_MODERN_BAR, VIRTIO_PCI_NOTIFY_OFF + x % 8 * 2, val, 2); break;
	case 3: pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, val, 2); break;
	case 4: msix_table_mmio_write(d, x % (VIRTIO_PCI_MSIX_VECTORS * 4) * 4, val, 4); break;
	case 5:	/* a device notifies the queues it serves: enabled ones (virtio_irq) */
		if (p->vdev.vq[x % VIRTIO_QUEUE_MAX].enabled)
			virtio_notify(&p->vdev, &p->vdev.vq[x % VIRTIO_QUEUE_MAX]);
		break;
	case 6: fuzz_kernel.fail_irqfd = val & 1; fuzz_kernel.fail_routing = val & 2; break;
	case 7: pci_config_write(d, x, val, fuzz_len(in)); break;
	}
	check(d);
}

static struct vm *vm;
static PCIDevice *dev;
static VirtIOPCIProxy made;	/* the transport as realized */
static struct fuzz_pci_state made_pci;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	fuzz_kernel.drain = f_drain;
	dev = fuzz_realize(&virtio_rng_pci_type, &fake_kernel, 0, &vm, &made_pci);
	made = *(VirtIOPCIProxy *)dev->opaque;
	return 0;
}

/* a count left in a guest notifier (one poll for them all) */
static int notifier_with_count(VirtIOPCIProxy *p)
{
	struct pollfd f[VIRTIO_PCI_NOTIFIERS];

	for (int n = 0; n < VIRTIO_PCI_NOTIFIERS; n++)
		f[n] = (struct pollfd){ .fd = notifier_fd(p, n), .events = POLLIN };
	if (poll(f, VIRTIO_PCI_NOTIFIERS, 0) > 0)
		for (int n = 0; n < VIRTIO_PCI_NOTIFIERS; n++)
			if (f[n].revents)
				return n;
	return -1;
}

/* the transport's registers and notifiers as realized; counts in no eventfd */
static void check_made(VirtIOPCIProxy *p)
{
	int n = notifier_with_count(p);

	fuzz_check(!p->vdev.status && !p->vdev.guest_features &&
		   p->vdev.config_vector == VIRTIO_NO_VECTOR && !p->dfselect && !p->gfselect &&
		   !p->queue_sel && !p->with_irqfd && !p->ioeventfd_started,
		   "reset: status 0x%x features 0x%llx config vector %u", p->vdev.status,
		   (unsigned long long)p->vdev.guest_features, p->vdev.config_vector);
	fuzz_check(!memcmp(p->vdev.vq, made.vdev.vq, sizeof(made.vdev.vq)), "reset: a queue");
	fuzz_check(n < 0, "reset: notifier %d keeps a count", n);
	for (n = 0; n < VIRTIO_PCI_NOTIFIERS; n++)
		fuzz_check(p->notifier_gsi[n] < 0 && !p->notifier_count[n], "reset: notifier %d", n);
	for (int i = 0; i < VIRTIO_PCI_MSIX_VECTORS; i++)
		fuzz_check(!p->vector_irqfd[i].users && !p->vector_irqfd[i].no_irqfd,
			   "reset: vector %d has %u users", i, p->vector_irqfd[i].users);
}

/* the runner's accounting, not the device's state */
static void forget(VirtIOPCIProxy *p)
{
	for (int i = 0; i < VIRTIO_PCI_MSIX_VECTORS; i++) {
		VirtIOIRQFD *irqfd = &p->vector_irqfd[i];

		irqfd->raised = irqfd->coalesced = irqfd->dropped = irqfd->moved = 0;
	}
	p->early_kicks = 0;
	for (int q = 0; q < VIRTIO_QUEUE_MAX; q++)
		p->vdev.vq[q].completions = 0;
	fuzz_pci_forget(&p->pci_dev);
}

/*
 * the driver's reset (status 0), the select registers a driver would
 * write (QEMU's reset leaves them too), then the PCI core's reset
 */
static void reset(PCIDevice *d)
{
	VirtIOPCIProxy *p = d->opaque;

	fuzz_kernel.fail_irqfd = fuzz_kernel.fail_routing = false;
	fuzz_bar_write(d, VIRTIO_PCI_MODERN_BAR, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	fuzz_bar_write(d, VIRTIO_PCI_MODERN_BAR, VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	fuzz_bar_write(d, VIRTIO_PCI_MODERN_BAR, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	pci_do_device_reset(d);
	check_made(p);
	fuzz_pci_check_fresh(d, &made_pci);
	forget(p);
	fuzz_vm_reset(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	pthread_mutex_lock(&vm->bql);	/* as a vCPU's accesses; the device thread takes it too */
	while (fuzz_more(&in))
		step(dev, &in);
	reset(dev);	/* here, so that what it finds left is this input's crash */
	pthread_mutex_unlock(&vm->bql);
	return 0;
}
