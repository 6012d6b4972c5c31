// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci-irq.c - the interrupt side of the virtio PCI transport, after
 * QEMU 11.1's hw/virtio/virtio-pci.c: each guest notifier (a queue's, the
 * config interrupt's) gets an MSI route per vector (kvm_virtio_pci_*) and
 * an irqfd while its vector is unmasked (virtio_pci_vector_unmask/mask/
 * poll, the MSI-X notifiers); a vector written after DRIVER_OK moves its
 * route (virtio_pci_set_vector); virtio_notify signals the notifier, or
 * goes through msix_notify when guest notifiers are off. Everything here
 * runs with the VM's big lock held.
 */
#include <errno.h>
#include <linux/virtio_config.h>

#include "virtio-pci.h"
#include "../pci/msix.h"
#include "../../vmm/vm.h"
#include "../../trace/trace.h"
#include "../../vmm/fault.h"
#include "../../vmm/util.h"

/* ---- guest notifiers: MSI routes and irqfds (kvm_virtio_pci_*, QEMU 11.1) ---- */

static int notifier_idx(int queue_no)
{
	return queue_no == VIRTIO_CONFIG_IRQ_IDX ? VIRTIO_QUEUE_MAX : queue_no;
}

/* virtio_pci_get_notifier: queue_no's guest notifier and vector; -1 if no such queue */
static int virtio_pci_get_notifier(VirtIOPCIProxy *p, int queue_no, int *fd,
				   unsigned int *vector)
{
	VirtIODevice *vdev = &p->vdev;

	if (queue_no == VIRTIO_CONFIG_IRQ_IDX) {
		*fd = vdev->config_notifier;
		*vector = vdev->config_vector;
		return 0;
	}
	if (!vdev->vq[queue_no].enabled)
		return -1;
	*fd = vdev->vq[queue_no].guest_notifier;
	*vector = vdev->vq[queue_no].vector;
	return 0;
}

/*
 * kvm_virtio_pci_vq_vector_use: one route per vector, committed when added.
 * QEMU asserts the commit succeeds (kvm_irqchip_commit_routes); virq gives
 * a refused route back, so that no user counts a route the kernel lacks,
 * and counts the failure on the vector.
 */
static int kvm_virtio_pci_vq_vector_use(VirtIOPCIProxy *p, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	KVMRouteChange c;
	int r, virq;

	if (irqfd->users == 0) {
		c = kvm_irqchip_begin_route_changes(proxy_kvm(p));
		virq = kvm_irqchip_add_msi_route(&c, msix_get_message(&p->pci_dev, vector));
		r = virq < 0 ? virq : kvm_irqchip_commit_route_changes(&c);
		if (r < 0) {
			if (virq >= 0)
				kvm_irqchip_release_virq(proxy_kvm(p), virq);
			msix_report_notifier_error(&p->pci_dev, vector, "KVM route", r);
			return r;
		}
		irqfd->virq = virq;
	}
	irqfd->users++;
	return 0;
}

/*
 * kvm_virtio_pci_vq_vector_release: the last user gives the route back with
 * kvm_irqchip_release_virq and no commit: the kernel keeps it until the
 * next KVM_SET_GSI_ROUTING, whoever issues it.
 */
static void kvm_virtio_pci_vq_vector_release(VirtIOPCIProxy *p, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];

	if (!irqfd->users) {	/* QEMU's unsigned count would wrap here */
		pr_err("%s: vector %u released with no user", p->pci_dev.name, vector);
		return;
	}
	if (--irqfd->users == 0) {
		trace_event("kvm_irqchip_release_virq", "virq=%d (not committed)", irqfd->virq);
		kvm_irqchip_release_virq(proxy_kvm(p), irqfd->virq);
	}
}

static int kvm_virtio_pci_irqfd_use(VirtIOPCIProxy *p, int queue_no, int fd, unsigned int vector)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	int r = kvm_irqchip_add_irqfd_notifier_gsi(proxy_kvm(p), fd, -1, irqfd->virq);

	if (r == 0) {
		p->notifier_gsi[notifier_idx(queue_no)] = irqfd->virq;
		/*
		 * KVM injects a count already in the eventfd "as if we didn't
		 * miss it" (kvm_irqfd_assign polls it), by the route on virq
		 */
		if (p->notifier_count[notifier_idx(queue_no)])
			msix_ledger_irqfd(&p->pci_dev, vector, irqfd->virq, msix_is_masked(&p->pci_dev, vector));
		p->notifier_count[notifier_idx(queue_no)] = false;
	}
	return r;
}

/*
 * QEMU asserts the deassign succeeds; virq has it reported at the seam.
 * QEMU names the vector's virq, but after a move to a vector that already
 * had a route the irqfd is on the old GSI, and kvm_irqfd_deassign, which
 * matches eventfd and GSI, finds nothing and returns 0 (5.10 to 7.2): the
 * irqfd stays, and so it does in virq's account of the kernel.
 */
static void kvm_virtio_pci_irqfd_release(VirtIOPCIProxy *p, int queue_no, int fd,
					 unsigned int vector)
{
	int virq = p->vector_irqfd[vector].virq, *gsi = &p->notifier_gsi[notifier_idx(queue_no)];

	kvm_irqchip_remove_irqfd_notifier_gsi(proxy_kvm(p), fd, virq);
	if (*gsi == virq)
		*gsi = -1;
	else if (*gsi >= 0)
		trace_event("kvm_virtio_pci_irqfd_release", "%s queue=%d: irqfd stays on gsi %d (deassign named gsi %d)",
			    p->pci_dev.name, queue_no, *gsi, virq);
}

/*
 * kvm_virtio_pci_vector_use_one/release_one: the route of queue_no's vector.
 * The irqfd is QEMU's business here only for devices with
 * guest_notifier_mask; this one sets it up at unmask instead.
 */
static int kvm_virtio_pci_vector_use_one(VirtIOPCIProxy *p, int queue_no)
{
	unsigned int vector = VIRTIO_NO_VECTOR;
	int fd = -1;

	if (virtio_pci_get_notifier(p, queue_no, &fd, &vector) < 0)
		return -ENOENT;
	if (vector >= VIRTIO_PCI_MSIX_VECTORS)
		return 0;
	return kvm_virtio_pci_vq_vector_use(p, vector);
}

static void kvm_virtio_pci_vector_release_one(VirtIOPCIProxy *p, int queue_no)
{
	unsigned int vector = VIRTIO_NO_VECTOR;
	int fd = -1;

	if (virtio_pci_get_notifier(p, queue_no, &fd, &vector) < 0 ||
	    vector >= VIRTIO_PCI_MSIX_VECTORS)
		return;
	kvm_virtio_pci_vq_vector_release(p, vector);
}

/* kvm_virtio_pci_vector_vq_use + config_use; on error, what was taken goes back */
static int kvm_virtio_pci_vector_use_all(VirtIOPCIProxy *p)
{
	int q, r;

	for (q = 0; q < p->vdev.nvqs; q++) {
		if (!p->vdev.vq[q].enabled)
			continue;
		r = kvm_virtio_pci_vector_use_one(p, q);
		if (r < 0)
			goto undo;
	}
	r = kvm_virtio_pci_vector_use_one(p, VIRTIO_CONFIG_IRQ_IDX);
	if (r == 0)
		return 0;
undo:
	while (q-- > 0)
		kvm_virtio_pci_vector_release_one(p, q);
	return r;
}

/* kvm_virtio_pci_vector_vq_release + config_release: no commit */
static void kvm_virtio_pci_vector_release_all(VirtIOPCIProxy *p)
{
	for (int q = 0; q < p->vdev.nvqs; q++)
		kvm_virtio_pci_vector_release_one(p, q);
	kvm_virtio_pci_vector_release_one(p, VIRTIO_CONFIG_IRQ_IDX);
}

/*
 * virtio_pci_one_vector_unmask: QEMU compares the message with
 * VirtIOIRQFD.msg, which it never writes, so every unmask updates the route
 * and commits; then the irqfd is set up (no guest_notifier_mask here).
 */
static int virtio_pci_one_vector_unmask(VirtIOPCIProxy *p, int queue_no, unsigned int vector,
					MSIMessage msg)
{
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	unsigned int v = VIRTIO_NO_VECTOR;
	int fd = -1, r;

	virtio_pci_get_notifier(p, queue_no, &fd, &v);
	/*
	 * A vector with no route: the queue was moved to it while MSI-X was off
	 * (virtio_pci_set_vector moves routes only while it is on). QEMU then
	 * updates virq 0 (its zeroed VirtIOIRQFD), GSI 0's PIC entry, and aborts
	 * in kvm_irqchip_commit_routes; virq fails the unmask instead
	 * (virtio_pci_vector_unmask_failed).
	 */
	if (!irqfd->users || irqfd->virq < 0) {
		pr_err("%s: queue %d: vector %u has no KVM route (moved while MSI-X was off, or "
		       "its commit was refused); QEMU would abort here", p->pci_dev.name, queue_no,
		       vector);
		return -ENOENT;
	}
	/* a refused commit leaves the kernel the old message: no irqfd on it */
	if (irqfd->msg.data != msg.data || irqfd->msg.address != msg.address) {
		r = kvm_irqchip_update_msi_route(proxy_kvm(p), irqfd->virq, msg);
		if (r == 0)
			r = kvm_irqchip_commit_routes(proxy_kvm(p));
		if (r < 0)
			return r;
	}
	return kvm_virtio_pci_irqfd_use(p, queue_no, fd, vector);
}

/* virtio_pci_one_vector_mask: no guest_notifier_mask: the irqfd goes */
static void virtio_pci_one_vector_mask(VirtIOPCIProxy *p, int queue_no, unsigned int vector)
{
	unsigned int v = VIRTIO_NO_VECTOR;
	int fd = -1;

	virtio_pci_get_notifier(p, queue_no, &fd, &v);
	kvm_virtio_pci_irqfd_release(p, queue_no, fd, vector);
}

/* the queues on vector, then the config interrupt if it is there too */
static int virtio_pci_vector_notifiers(VirtIOPCIProxy *p, unsigned int vector, int *queue_no,
				       int n)
{
	int k = 0;

	for (int q = 0; q < p->vdev.nvqs && k < n; q++)
		if (p->vdev.vq[q].enabled && p->vdev.vq[q].vector == vector)
			queue_no[k++] = q;
	if (p->vdev.config_vector == vector && k < n)
		queue_no[k++] = VIRTIO_CONFIG_IRQ_IDX;
	return k;
}

/*
 * a count waiting in queue_no's guest notifier goes out through msix_notify.
 * Only one signalled while no irqfd was on it (notifier_count): the eventfd
 * also keeps a count KVM already injected when an irqfd was assigned over
 * it (kvm_irqfd_assign's poll injects, and the count stays until
 * irqfd_wakeup reads it, 6.1+, or irqfd_shutdown drains it), booked as
 * told then; that one is drained, not sent again (fuzz-virtio: an MSI-X
 * disable and enable with the irqfd kept, the second assign EBUSY, sent
 * the injected count a second time).
 */
static void virtio_pci_notifier_to_msix(VirtIOPCIProxy *p, int queue_no, unsigned int vector)
{
	unsigned int vec = VIRTIO_NO_VECTOR;
	bool *count = &p->notifier_count[notifier_idx(queue_no)];
	uint64_t v;
	int fd = -1;

	if (virtio_pci_get_notifier(p, queue_no, &fd, &vec) < 0 ||
	    proxy_sys(p)->read(proxy_sys(p)->priv, fd, &v, sizeof(v)) <= 0 || !*count)
		return;
	*count = false;
	msix_notify(&p->pci_dev, vector);
}

/*
 * The unmask failed (KVM_IRQFD or the commit refused, no route) and every
 * notifier on the vector is without an irqfd again. QEMU asserts next, in
 * msix_fire_vector_notifier. virq sends the vector's notifications through
 * msix_notify (KVM_SIGNAL_MSI, as with guest notifiers off) until the next
 * mask, so none waits in an eventfd no irqfd reads, starting with a count
 * already there: the vector is unmasked, so it goes out now. msix.c counts
 * the failure, which fails the scenario.
 */
static void virtio_pci_vector_unmask_failed(VirtIOPCIProxy *p, unsigned int vector,
					    const int *queue_no, int n)
{
	p->vector_irqfd[vector].no_irqfd = true;
	trace_event("virtio_pci_vector_unmask", "%s vector=%u failed: msix_notify until masked",
		    p->pci_dev.name, vector);
	for (int i = 0; i < n; i++)
		virtio_pci_notifier_to_msix(p, queue_no[i], vector);
}

/*
 * virtio_pci_vector_unmask: the use notifier; on error the unmasked ones
 * mask again (QEMU's undo), then virtio_pci_vector_unmask_failed
 */
static int virtio_pci_vector_unmask(PCIDevice *dev, unsigned int vector, MSIMessage msg)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	int queue_no[VIRTIO_PCI_NOTIFIERS], n, i, r = 0;

	trace_event("virtio_pci_vector_unmask", "%s vector=%u", dev->name, vector);
	p->vector_irqfd[vector].no_irqfd = false;
	n = virtio_pci_vector_notifiers(p, vector, queue_no, VIRTIO_PCI_NOTIFIERS);
	for (i = 0; i < n && r == 0; i++)
		r = virtio_pci_one_vector_unmask(p, queue_no[i], vector, msg);
	if (r < 0) {
		for (i -= 1; i-- > 0;)
			virtio_pci_one_vector_mask(p, queue_no[i], vector);
		virtio_pci_vector_unmask_failed(p, vector, queue_no, n);
	}
	return r;
}

static void virtio_pci_vector_mask(PCIDevice *dev, unsigned int vector)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	int queue_no[VIRTIO_PCI_NOTIFIERS], n;

	trace_event("virtio_pci_vector_mask", "%s vector=%u", dev->name, vector);
	p->vector_irqfd[vector].no_irqfd = false;	/* masked, counts wait in the notifiers */
	n = virtio_pci_vector_notifiers(p, vector, queue_no, VIRTIO_PCI_NOTIFIERS);
	for (int i = 0; i < n; i++)
		virtio_pci_one_vector_mask(p, queue_no[i], vector);
}

/* one guest notifier's count, if its vector is masked and in [start, end), to the PBA */
static void virtio_pci_poll_one(VirtIOPCIProxy *p, int queue_no, unsigned int start,
				unsigned int end)
{
	PCIDevice *dev = &p->pci_dev;
	unsigned int vector = VIRTIO_NO_VECTOR;
	uint64_t v;
	int fd = -1;

	if (virtio_pci_get_notifier(p, queue_no, &fd, &vector) < 0 || vector < start ||
	    vector >= end || !msix_is_masked(dev, vector))
		return;
	if (proxy_sys(p)->read(proxy_sys(p)->priv, fd, &v, sizeof(v)) > 0) {
		/* a bit already set takes the count in: one message for both */
		if (msix_is_pending(dev, vector))
			p->vector_irqfd[vector].coalesced++;
		msix_set_pending(dev, vector);
		p->notifier_count[notifier_idx(queue_no)] = false;
	}
}

/* virtio_pci_vector_poll: a masked vector's notifier count becomes its PBA bit */
static void virtio_pci_vector_poll(PCIDevice *dev, unsigned int start, unsigned int end)
{
	VirtIOPCIProxy *p = to_proxy(dev);

	for (int q = 0; q < p->vdev.nvqs; q++)
		virtio_pci_poll_one(p, q, start, end);
	virtio_pci_poll_one(p, VIRTIO_CONFIG_IRQ_IDX, start, end);
}

/*
 * The guest notifiers go: QEMU closes them, which drops an irqfd still on
 * one (EPOLLHUP) and the count it held. virq's eventfds outlive a reset,
 * so the irqfd is deassigned by hand and the count drained, and dropped.
 */
static void virtio_pci_close_guest_notifier(VirtIOPCIProxy *p, int queue_no)
{
	int *gsi = &p->notifier_gsi[notifier_idx(queue_no)];
	unsigned int vector = VIRTIO_NO_VECTOR;
	uint64_t v;
	int fd = -1;

	if (virtio_pci_get_notifier(p, queue_no, &fd, &vector) < 0)
		return;
	if (*gsi >= 0)
		kvm_irqchip_remove_irqfd_notifier_gsi(proxy_kvm(p), fd, *gsi);
	*gsi = -1;
	if (proxy_sys(p)->read(proxy_sys(p)->priv, fd, &v, sizeof(v)) > 0 &&
	    vector < VIRTIO_PCI_MSIX_VECTORS)
		p->vector_irqfd[vector].dropped++;
	p->notifier_count[notifier_idx(queue_no)] = false;
}

/*
 * virtio_pci_set_guest_notifiers(assign): routes, then the MSI-X notifiers;
 * deassign: notifiers unset (release for each unmasked vector), routes
 * released without a commit, then the notifiers closed.
 */
int virtio_pci_set_guest_notifiers(VirtIOPCIProxy *p, bool assign)
{
	int r;

	if (!assign) {
		if (p->with_irqfd) {
			msix_unset_vector_notifiers(&p->pci_dev);
			kvm_virtio_pci_vector_release_all(p);
		}
		for (int q = 0; q < p->vdev.nvqs; q++)
			virtio_pci_close_guest_notifier(p, q);
		virtio_pci_close_guest_notifier(p, VIRTIO_CONFIG_IRQ_IDX);
		p->with_irqfd = false;
		for (int v = 0; v < VIRTIO_PCI_MSIX_VECTORS; v++)
			p->vector_irqfd[v].no_irqfd = false;
		return 0;
	}
	if (!msix_enabled(&p->pci_dev))
		return 0;	/* QEMU: with_irqfd needs MSI-X on */
	r = kvm_virtio_pci_vector_use_all(p);
	if (r < 0)
		return r;
	r = msix_set_vector_notifiers(&p->pci_dev, virtio_pci_vector_unmask,
				      virtio_pci_vector_mask, virtio_pci_vector_poll);
	if (r < 0) {
		/* QEMU's notifiers_error: give back what was taken */
		kvm_virtio_pci_vector_release_all(p);
		return r;
	}
	p->with_irqfd = true;
	return 0;
}

/*
 * The moved queue got no route on its new vector (counted there). The
 * irqfd it kept from the old one would deliver by whatever the kernel
 * routes on that GSI: it goes (by the GSI it is on), and an unmasked
 * vector sends by msix_notify until its next mask, as after a failed unmask.
 */
static void virtio_pci_set_vector_failed(VirtIOPCIProxy *p, int queue_no, unsigned int vector)
{
	int *gsi = &p->notifier_gsi[notifier_idx(queue_no)];
	unsigned int v = VIRTIO_NO_VECTOR;
	int fd = -1;

	virtio_pci_get_notifier(p, queue_no, &fd, &v);
	if (*gsi >= 0)
		kvm_irqchip_remove_irqfd_notifier_gsi(proxy_kvm(p), fd, *gsi);
	*gsi = -1;
	if (msix_is_masked(&p->pci_dev, vector))
		return;
	p->vector_irqfd[vector].no_irqfd = true;
	virtio_pci_notifier_to_msix(p, queue_no, vector);
}

/*
 * A count waiting in the queue's notifier is the queue's, not the vector's:
 * QEMU's guest notifier goes with the queue, and whatever consumes the count
 * later (the new vector's irqfd, its PBA, a reset) does so as the new
 * vector. The ledger books it so: moved on the old vector, raised on the
 * new. With no new vector it waits in transit, on no vector's row.
 */
static void virtio_pci_move_count(VirtIOPCIProxy *p, int queue_no, uint16_t old_vector,
				  uint16_t new_vector)
{
	if (!p->notifier_count[notifier_idx(queue_no)])
		return;
	if (old_vector < VIRTIO_PCI_MSIX_VECTORS)
		p->vector_irqfd[old_vector].moved++;
	if (new_vector < VIRTIO_PCI_MSIX_VECTORS)
		p->vector_irqfd[new_vector].raised++;
}

/*
 * virtio_pci_set_vector (QEMU 11.1; since 9.0, commit 2ce6cff94d "virtio-pci:
 * fix use of a released vector", CVE-2024-4693; upstream 7.2 only stored the
 * vector): a vector written after DRIVER_OK with guest notifiers on moves
 * the route: the old vector's released (no commit), the new one's used
 * (added and committed if it had no user). This device has no
 * guest_notifier_mask, so an irqfd set at unmask stays on the GSI it was
 * given, which the new route takes again when it is the lowest free one.
 * QEMU moves the routes only while MSI-X is enabled: a write while it is
 * off leaks the old vector's route, and the new vector's unmask later
 * updates virq 0 and aborts in kvm_irqchip_commit_routes. virq moves them
 * whenever guest notifiers are on (docs/qemu-differences.md).
 */
static void virtio_pci_set_vector(VirtIOPCIProxy *p, int queue_no, uint16_t old_vector,
				  uint16_t new_vector)
{
	bool kvm_irqfd = (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) && p->with_irqfd;

	if (new_vector == old_vector)
		return;
	trace_event("virtio_pci_set_vector", "%s queue=%d vector %u -> %u%s", p->pci_dev.name,
		    queue_no, old_vector, new_vector, kvm_irqfd ? " (routes)" : "");
	if (kvm_irqfd && old_vector != VIRTIO_NO_VECTOR)
		kvm_virtio_pci_vector_release_one(p, queue_no);
	virtio_pci_move_count(p, queue_no, old_vector, new_vector);
	if (queue_no == VIRTIO_CONFIG_IRQ_IDX)
		p->vdev.config_vector = new_vector;
	else
		p->vdev.vq[queue_no].vector = new_vector;
	if (kvm_irqfd && new_vector != VIRTIO_NO_VECTOR &&
	    kvm_virtio_pci_vector_use_one(p, queue_no) < 0)
		virtio_pci_set_vector_failed(p, queue_no, new_vector);
}

/*
 * A queue_msix_vector or config_msix_vector write (virtio_pci_common_write):
 * the old vector unused, the new one used if it exists (else NO_VECTOR, so
 * the guest reads back the error), then virtio_pci_set_vector.
 */
void virtio_pci_write_vector(VirtIOPCIProxy *p, int queue_no, uint16_t old_vector, uint32_t val)
{
	if (old_vector != VIRTIO_NO_VECTOR)
		msix_vector_unuse(&p->pci_dev, old_vector);
	if (val < VIRTIO_PCI_MSIX_VECTORS)
		msix_vector_use(&p->pci_dev, val);
	else
		val = VIRTIO_NO_VECTOR;
	virtio_pci_set_vector(p, queue_no, old_vector, (uint16_t)val);
}

/* ---- the device interrupts the driver ---- */

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
	VirtIOPCIProxy *p = vdev->transport;
	VirtIOIRQFD *irqfd;
	uint64_t one = 1;
	int q = (int)(vq - vdev->vq);

	if (vq->vector >= VIRTIO_PCI_MSIX_VECTORS)
		return;
	irqfd = &p->vector_irqfd[vq->vector];
	irqfd->raised++;
	if (should_fail(FAULT_DROP_NOTIFY))
		return;
	/* no guest notifiers, or none usable since an unmask failed */
	if (!p->with_irqfd || irqfd->no_irqfd) {
		msix_notify(&p->pci_dev, vq->vector);	/* KVM_SIGNAL_MSI, or the PBA */
		return;
	}
	/* event_notifier_set(guest_notifier): the irqfd, or a count kept while masked */
	if (p->notifier_gsi[q] < 0) {
		/* a count already waits in the eventfd: this one merges into it */
		if (p->notifier_count[q])
			irqfd->coalesced++;
		p->notifier_count[q] = true;
	} else {
		msix_ledger_irqfd(&p->pci_dev, vq->vector, p->notifier_gsi[q],
				  msix_is_masked(&p->pci_dev, vq->vector));
	}
	trace_event("virtio_notify_irqfd", "%s queue=%d vector=%u gsi=%d", p->pci_dev.name, q,
		    vq->vector, p->notifier_gsi[q]);
	proxy_sys(p)->write(proxy_sys(p)->priv, vq->guest_notifier, &one, sizeof(one));
}

/* the runner's view: an irqfd path once guest notifiers are set */
void virtio_pci_vector_stats(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st)
{
	VirtIOPCIProxy *p = to_proxy(dev);
	VirtIOIRQFD *irqfd = &p->vector_irqfd[vector];
	struct msix_stats *m = &dev->msix_stats[vector];
	int waiting = 0, queue_no[VIRTIO_PCI_NOTIFIERS];
	int n = virtio_pci_vector_notifiers(p, vector, queue_no, VIRTIO_PCI_NOTIFIERS);

	/*
	 * a count waits for the vector's unmask (the irqfd) or poll (the PBA);
	 * on a vector already unmasked neither comes (a queue moved there: no
	 * guest_notifier_mask, so QEMU sets no irqfd): not pending, lost
	 */
	for (int i = 0; i < n && msix_is_masked(dev, vector); i++)
		waiting += p->notifier_count[notifier_idx(queue_no[i])];
	*st = (struct msix_vector_stats){
		.gsi = irqfd->users ? irqfd->virq : -1,
		.host_irq = -1,
		.path = irqfd->users && !irqfd->no_irqfd ? "irqfd" : "signal-msi",
		.raised = irqfd->raised,
		.coalesced = irqfd->coalesced + m->coalesced,
		.pending = msix_is_pending(dev, vector) + (uint64_t)waiting,
		.dropped = irqfd->dropped + m->unused + m->cleared,
		.moved = irqfd->moved,
	};
}
