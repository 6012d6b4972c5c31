// SPDX-License-Identifier: GPL-2.0
/*
 * pci-irq.c - MSI-X of a VFIO device, as QEMU 11.1's hw/vfio/pci.c does it
 * (the functions keep its names; where QEMU 7.2, the one Debian 12 ships
 * and the lab runs, differs observably, a comment says so).
 *
 * Per vector two eventfds: kvm_interrupt, with an irqfd on the vector's GSI
 * (KVM injects; VFIO's irq-bypass producer pairs with the irqfd by this
 * eventfd, so where the kernel can post it does), and
 * interrupt, read here (vfio_msi_interrupt relays through msix_notify).
 * The guest's unmask is vfio_msix_vector_use: route updated and committed,
 * VFIO's trigger pointed at kvm_interrupt. Its mask is
 * vfio_msix_vector_release: the route and irqfd stay, the trigger points at
 * interrupt, so a firing masked vector lands in the PBA.
 *
 * All of it runs with vm->bql held, but the thread that waits on the
 * interrupt eventfds.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>

#include "pci.h"
#include "vfio-common.h"
#include "../pci/msix.h"
#include "../../vmm/vm.h"
#include "../../trace/trace.h"
#include "../../vmm/fault.h"

static KVMState *vfio_kvm(VFIOPCIDevice *vdev)
{
	return &vdev->vm->kvm;
}

static int vfio_eventfd(VFIOPCIDevice *vdev)
{
	return vfio_sys(vdev)->eventfd(vfio_sys(vdev)->priv, 0, EFD_NONBLOCK);
}

/* ---- KVM routes and irqfds ---- */

/* vfio_pci_add_kvm_msi_virq (QEMU 10.1's name; vfio_add_kvm_msi_virq before) */
static void vfio_pci_add_kvm_msi_virq(VFIOPCIDevice *vdev, VFIOMSIVector *vector,
				      unsigned int nr)
{
	vector->virq = kvm_irqchip_add_msi_route(&vdev->route_change,
						 msix_get_message(&vdev->pdev, nr));
}

/* a route added but never connected (its commit refused): given back, no commit */
static void vfio_drop_kvm_msi_virq(VFIOPCIDevice *vdev, VFIOMSIVector *vector)
{
	kvm_irqchip_release_virq(vfio_kvm(vdev), vector->virq);
	vector->virq = -1;
}

/*
 * As QEMU, a vector whose eventfd or irqfd cannot be had falls back to the
 * userspace path; virq also counts it on the vector (the kernel refused).
 */
static void vfio_connect_kvm_msi_virq(VFIOPCIDevice *vdev, VFIOMSIVector *vector)
{
	int r;

	if (vector->virq < 0)
		return;
	r = vector->kvm_interrupt = vfio_eventfd(vdev);
	if (r >= 0)
		r = kvm_irqchip_add_irqfd_notifier_gsi(vfio_kvm(vdev), vector->kvm_interrupt, -1,
						       vector->virq);
	if (r < 0) {
		vfio_close_fd(vdev, &vector->kvm_interrupt);
		vfio_drop_kvm_msi_virq(vdev, vector);
		msix_report_notifier_error(&vdev->pdev, (unsigned int)(vector - vdev->msi_vectors),
					   "use: kvm_interrupt irqfd", r);
	}
}

/* irqfd off, route released (no commit: the next one drops it), eventfd closed */
static void vfio_remove_kvm_msi_virq(VFIOPCIDevice *vdev, VFIOMSIVector *vector)
{
	kvm_irqchip_remove_irqfd_notifier_gsi(vfio_kvm(vdev), vector->kvm_interrupt, vector->virq);
	kvm_irqchip_release_virq(vfio_kvm(vdev), vector->virq);
	vector->virq = -1;
	vfio_close_fd(vdev, &vector->kvm_interrupt);
}

/*
 * vfio_update_kvm_msi_virq: QEMU commits even when the message did not
 * change; --skip-unchanged-commits skips a commit that would push the same
 * table again. QEMU asserts the commit succeeds. virq, refused, takes the
 * vector off KVM (the kernel kept the old message, which kvm_interrupt
 * would reach): the userspace path until the next use adds a route again.
 */
static int vfio_update_kvm_msi_virq(VFIOPCIDevice *vdev, VFIOMSIVector *vector, MSIMessage msg)
{
	KVMState *s = vfio_kvm(vdev);
	int r = kvm_irqchip_update_msi_route(s, vector->virq, msg);

	if (r == 0 && vdev->skip_unchanged_commits && !s->routes_dirty) {
		trace_event("vfio_update_kvm_msi_virq", "%s virq=%d unchanged: commit skipped",
			    vdev->pdev.name, vector->virq);
		return 0;
	}
	if (r == 0)
		r = kvm_irqchip_commit_routes(s);
	if (r < 0)
		vfio_remove_kvm_msi_virq(vdev, vector);
	return r;
}

/* ---- VFIO_DEVICE_SET_IRQS on the MSI-X index ---- */

/* vfio_enable_msix_no_vec: MSI-X on in the device, vector 0 with no fd, none signalling */
static int vfio_enable_msix_no_vec(VFIOPCIDevice *vdev)
{
	int32_t fd = -1;

	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				       VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
}

/*
 * the fd vfio_enable_vectors gives vector i: MSI-X mask and pending bits are
 * emulated, so KVM's eventfd only for a vector in use, with a route and
 * unmasked; a masked one must reach vfio_msi_interrupt and the PBA
 */
static int32_t vfio_vector_trigger_fd(VFIOPCIDevice *vdev, unsigned int i)
{
	VFIOMSIVector *v = &vdev->msi_vectors[i];

	if (!v->use)
		return -1;
	if (v->virq < 0 || msix_is_masked(&vdev->pdev, i))
		return v->interrupt;
	return v->kvm_interrupt;
}

/*
 * vfio_enable_vectors: vectors 0..nr_vectors-1 in one SET_IRQS. On a
 * resizable index (no VFIO_IRQ_INFO_NORESIZE: kernel 6.5+ with dynamic MSI-X) QEMU first
 * enables MSI-X with no vector, so that the kernel allocates only the
 * vectors the set names (QEMU 7.2 has no such first call).
 */
static int vfio_enable_vectors(VFIOPCIDevice *vdev)
{
	int32_t fds[VFIO_MSIX_MAX_VECTORS];
	int r;

	if (!vdev->msix_noresize) {
		r = vfio_enable_msix_no_vec(vdev);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < vdev->nr_vectors; i++)
		fds[i] = vfio_vector_trigger_fd(vdev, (unsigned int)i);
	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				       VFIO_PCI_MSIX_IRQ_INDEX, 0, (unsigned int)vdev->nr_vectors,
				       fds);
}

/* set_irq_signalling: one vector's trigger, KVM's eventfd when it has a route */
static int set_irq_signalling(VFIOPCIDevice *vdev, VFIOMSIVector *vector, unsigned int nr)
{
	return vfio_device_irq_set_signaling(vdev, VFIO_PCI_MSIX_IRQ_INDEX, nr,
					     VFIO_IRQ_SET_ACTION_TRIGGER,
					     vector->virq >= 0 ? vector->kvm_interrupt :
					     vector->interrupt);
}

/* ---- the notifiers msix.c fires ---- */

static VFIOPCIDevice *to_vdev(PCIDevice *pdev)
{
	return (VFIOPCIDevice *)pdev;
}

/*
 * vfio_pci_vector_init: a vector's first use (QEMU 10.1 split it out of
 * do_use). QEMU reports a failed `interrupt` notifier and uses the vector
 * anyway, so a later release would hand VFIO no fd: "tear down", and the
 * masked vector's interrupts would go nowhere. virq returns the error
 * with nothing changed: the vector stays unused.
 */
static int vfio_pci_vector_init(VFIOPCIDevice *vdev, unsigned int nr)
{
	VFIOMSIVector *vector = &vdev->msi_vectors[nr];
	uint64_t one = 1;
	int fd = vfio_eventfd(vdev);

	if (fd < 0)
		return fd;
	vector->virq = -1;
	vector->interrupt = fd;
	vector->use = true;
	/* QEMU's vfio_msix_vector_do_use: msix_notify relays only a used vector */
	msix_vector_use(&vdev->pdev, nr);
	/* QEMU's qemu_set_fd_handler: the reader thread polls the new fd from now on */
	vdev->poll_gen++;
	vfio_sys(vdev)->write(vfio_sys(vdev)->priv, vdev->stop_fd, &one, sizeof(one));
	return 0;
}

/*
 * route: updated and committed, removed (no message), or added and
 * committed. A refused commit leaves the vector with no route (QEMU
 * asserts), on the userspace path, and is counted on it.
 */
static void vfio_msix_vector_route(VFIOPCIDevice *vdev, VFIOMSIVector *vector, unsigned int nr,
				   MSIMessage *msg)
{
	int r = 0;

	if (vector->virq >= 0) {
		if (!msg)
			vfio_remove_kvm_msi_virq(vdev, vector);
		else
			r = vfio_update_kvm_msi_virq(vdev, vector, *msg);
	} else if (msg) {
		if (vdev->defer_kvm_irq_routing) {
			vfio_pci_add_kvm_msi_virq(vdev, vector, nr);
		} else {
			vdev->route_change = kvm_irqchip_begin_route_changes(vfio_kvm(vdev));
			vfio_pci_add_kvm_msi_virq(vdev, vector, nr);
			r = kvm_irqchip_commit_route_changes(&vdev->route_change);
			if (r < 0)
				vfio_drop_kvm_msi_virq(vdev, vector);
			else
				vfio_connect_kvm_msi_virq(vdev, vector);
		}
	}
	if (r < 0)
		msix_report_notifier_error(&vdev->pdev, nr, "use: KVM route commit", r);
}

/*
 * VFIO's trigger for a used vector: on a NORESIZE index that grew, the
 * whole set disabled and enabled again, else the vector alone. QEMU
 * reports a failure and goes on; virq counts it on the vector.
 */
static void vfio_msix_vector_signal(VFIOPCIDevice *vdev, VFIOMSIVector *vector, unsigned int nr,
				    bool resizing)
{
	int r, r2;

	if (vdev->msix_noresize && resizing) {
		r = vfio_device_irq_disable(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
		r2 = vfio_enable_vectors(vdev);
		r = r < 0 ? r : r2;
	} else {
		r = set_irq_signalling(vdev, vector, nr);
	}
	if (r < 0)
		msix_report_notifier_error(&vdev->pdev, nr, "use: VFIO_DEVICE_SET_IRQS", r);
}

/*
 * vfio_msix_vector_do_use: a vector that grows the set is enabled alone on
 * a resizable index; a NORESIZE one (before 6.5, or no dynamic MSI-X) is disabled and
 * enabled again whole, every vector on the fd vfio_enable_vectors picks.
 * (QEMU 7.2 disables and re-enables on every growth, resizable or not.)
 * Like QEMU's it returns 0 and reports each failure where it happens
 * (msix_report_notifier_error): an error returned from a use at MSI-X
 * enable would make msix_set_vector_notifiers undo every vector and leave
 * the device with no notifiers.
 */
static int vfio_msix_vector_do_use(PCIDevice *pdev, unsigned int nr, MSIMessage *msg)
{
	VFIOPCIDevice *vdev = to_vdev(pdev);
	VFIOMSIVector *vector = &vdev->msi_vectors[nr];
	bool resizing = vdev->nr_vectors < (int)nr + 1;
	int r;

	trace_event("vfio_msix_vector_do_use", "%s nr=%u", pdev->name, nr);
	if (!vector->use) {
		r = vfio_pci_vector_init(vdev, nr);
		if (r < 0) {
			msix_report_notifier_error(pdev, nr, "use: eventfd for `interrupt`", r);
			return 0;
		}
	}
	vfio_msix_vector_route(vdev, vector, nr, msg);
	if (resizing)
		vdev->nr_vectors = (int)nr + 1;
	if (!vdev->defer_kvm_irq_routing)
		vfio_msix_vector_signal(vdev, vector, nr, resizing);
	/* disable PBA emulation when nothing more is pending */
	vdev->pending &= ~(1u << nr);
	if (!vdev->pending && vdev->pba_emulated) {
		vdev->pba_emulated = false;
		trace_event("vfio_msix_pba_disable", "%s", pdev->name);
	}
	return 0;
}

static int vfio_msix_vector_use(PCIDevice *pdev, unsigned int nr, MSIMessage msg)
{
	return vfio_msix_vector_do_use(pdev, nr, &msg);
}

/*
 * vfio_msix_vector_release: "There are still old guests that mask and
 * unmask vectors on every interrupt": keep the KVM route and irqfd, just
 * point VFIO's trigger at the eventfd we read, so a masked vector's
 * interrupt reaches vfio_msi_interrupt and the PBA.
 */
static void vfio_msix_vector_release(PCIDevice *pdev, unsigned int nr)
{
	VFIOPCIDevice *vdev = to_vdev(pdev);
	VFIOMSIVector *vector = &vdev->msi_vectors[nr];
	int r = 0;

	trace_event("vfio_msix_vector_release", "%s nr=%u", pdev->name, nr);
	if (vector->virq >= 0 && !should_fail(FAULT_MASKED_IRQFD))
		r = vfio_device_irq_set_signaling(vdev, VFIO_PCI_MSIX_IRQ_INDEX, nr,
						  VFIO_IRQ_SET_ACTION_TRIGGER, vector->interrupt);
	/* QEMU reports it and goes on: KVM may go on injecting the masked vector */
	if (r < 0)
		msix_report_notifier_error(pdev, nr, "release: VFIO_DEVICE_SET_IRQS", r);
}

/* ---- interrupts through the VMM ---- */

/*
 * vfio_msi_interrupt: VFIO signalled `interrupt` (the vector is released, or
 * has no KVM route). A masked vector needs the PBA: emulate it from now on;
 * msix_notify then sets the pending bit, or sends with KVM_SIGNAL_MSI.
 */
static void vfio_msi_interrupt(VFIOPCIDevice *vdev, unsigned int nr)
{
	MSIMessage msg = msix_get_message(&vdev->pdev, nr);

	if (msix_is_masked(&vdev->pdev, nr)) {
		/* msix_notify below counts it as pended or coalesced */
		vdev->pending |= 1u << nr;
		vdev->pba_emulated = true;
		trace_event("vfio_msix_pba_enable", "%s", vdev->pdev.name);
	}
	trace_event("vfio_msi_interrupt", "%s nr=%u address=0x%llx data=0x%x", vdev->pdev.name, nr,
		    (unsigned long long)msg.address, msg.data);
	msix_notify(&vdev->pdev, nr);
}

/* the reader of every `interrupt` eventfd: MSI-X vectors, and INTx on the slow path */
static void *vfio_msi_thread(void *arg)
{
	VFIOPCIDevice *vdev = arg;
	const struct sys_ops *sys = vfio_sys(vdev);
	struct pollfd fds[VFIO_MSIX_MAX_VECTORS + 2];
	int nr_of[VFIO_MSIX_MAX_VECTORS + 2];	/* the MSI-X vector, -1 for INTx */
	uint64_t v;

	for (;;) {
		unsigned int gen;
		int n = 1;

		fds[0] = (struct pollfd){ .fd = vdev->stop_fd, .events = POLLIN };
		pthread_mutex_lock(&vdev->vm->bql);
		gen = vdev->poll_gen;
		for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++) {
			if (!vdev->msi_vectors[i].use)
				continue;
			nr_of[n] = i;
			fds[n++] = (struct pollfd){ .fd = vdev->msi_vectors[i].interrupt, .events = POLLIN };
		}
		if (vdev->intx.enabled && !vdev->intx.kvm_accel) {	/* the slow path */
			nr_of[n] = -1;
			fds[n++] = (struct pollfd){ .fd = vdev->intx.interrupt, .events = POLLIN };
		}
		pthread_mutex_unlock(&vdev->vm->bql);
		if (sys->poll(sys->priv, fds, (nfds_t)n, -1) < 0)
			continue;
		if (fds[0].revents) {
			/*
			 * stop, or the set of vectors changed: an fd polled here may be
			 * closed (and its number reused) by now, so poll again from a
			 * fresh set; a pending count is still there next time
			 */
			sys->read(sys->priv, vdev->stop_fd, &v, sizeof(v));
			if (vdev->thread_stop)
				return NULL;
			continue;
		}
		pthread_mutex_lock(&vdev->vm->bql);
		/* the set changed since poll: its fd numbers may be reused, poll again */
		for (int k = 1; k < n && gen == vdev->poll_gen; k++)
			if (fds[k].revents && sys->read(sys->priv, fds[k].fd, &v, sizeof(v)) == sizeof(v)) {
				if (nr_of[k] < 0) {
					vfio_intx_interrupt(vdev);
					continue;
				}
				/* signals that met in the eventfd make one notify, as QEMU's test_and_clear */
				vdev->msi_vectors[nr_of[k]].relayed += v;
				vdev->pdev.msix_stats[nr_of[k]].coalesced += v - 1;
				vfio_msi_interrupt(vdev, (unsigned int)nr_of[k]);
			}
		pthread_mutex_unlock(&vdev->vm->bql);
	}
}

/* ---- enable / disable, from the guest's Message Control writes ---- */

static void vfio_pci_prepare_kvm_msi_virq_batch(VFIOPCIDevice *vdev)
{
	vdev->defer_kvm_irq_routing = true;
	vdev->route_change = kvm_irqchip_begin_route_changes(vfio_kvm(vdev));
}

/*
 * one KVM_SET_GSI_ROUTING for the batch, then the irqfds. QEMU walks every
 * vector below nr_vectors; its zeroed array gives an unused one virq 0, so
 * virq connects only the vectors in use. QEMU asserts the commit succeeds;
 * refused, every route of the batch (all there are: MSI-X was off) is
 * given back, and vfio_enable_vectors puts those vectors on `interrupt`.
 */
static void vfio_pci_commit_kvm_msi_virq_batch(VFIOPCIDevice *vdev)
{
	int r;

	vdev->defer_kvm_irq_routing = false;
	r = kvm_irqchip_commit_route_changes(&vdev->route_change);
	for (int i = 0; i < vdev->nr_vectors; i++) {
		VFIOMSIVector *v = &vdev->msi_vectors[i];

		if (!v->use)
			continue;
		if (r == 0) {
			vfio_connect_kvm_msi_virq(vdev, v);
		} else if (v->virq >= 0) {
			vfio_drop_kvm_msi_virq(vdev, v);
			msix_report_notifier_error(&vdev->pdev, (unsigned int)i,
						   "use: KVM route commit (MSI-X enable)", r);
		}
	}
}

/* the SET_IRQS that enables MSI-X refused: counted on the vectors it was for */
static void vfio_msix_enable_failed(VFIOPCIDevice *vdev, int err)
{
	bool any = false;

	for (int i = 0; i < vdev->nr_vectors; i++) {
		if (!vdev->msi_vectors[i].use)
			continue;
		any = true;
		msix_report_notifier_error(&vdev->pdev, (unsigned int)i,
					   "MSI-X enable: VFIO_DEVICE_SET_IRQS", err);
	}
	if (!any)	/* vfio_enable_msix_no_vec: vector 0 with no fd */
		msix_report_notifier_error(&vdev->pdev, 0, "MSI-X enable: VFIO_DEVICE_SET_IRQS", err);
}

/*
 * vfio_msix_enable: setting the notifiers fires use for every unmasked
 * vector; their routes are added in one batch and committed once, then the
 * irqfds connected and the vectors enabled (vfio_enable_vectors). With none
 * in use, vector 0 is set with no fd so the physical device is in MSI-X mode
 * like the guest's view (vfio_enable_msix_no_vec; QEMU 7.2 instead uses and
 * releases vector 0: disable, then vector 0 on `interrupt`). INTx goes off
 * first (vfio_disable_interrupts): the kernel refuses MSI-X triggers while
 * the device's IRQ type is INTx (vfio_pci_set_msi_trigger: EINVAL).
 */
static void vfio_msix_enable(VFIOPCIDevice *vdev)
{
	int r;

	vfio_intx_disable(vdev);
	trace_event("vfio_msix_enable", "%s", vdev->pdev.name);
	vdev->msix_on = true;
	vfio_pci_prepare_kvm_msi_virq_batch(vdev);
	/* vfio_msix_vector_use reports its own failures and returns 0 */
	msix_set_vector_notifiers(&vdev->pdev, vfio_msix_vector_use, vfio_msix_vector_release, NULL);
	vfio_pci_commit_kvm_msi_virq_batch(vdev);
	if (vdev->nr_vectors)
		r = vfio_enable_vectors(vdev);
	else
		r = vfio_enable_msix_no_vec(vdev);
	if (r < 0)
		vfio_msix_enable_failed(vdev, r);
}

/* every vector in use: irqfd removed, route released (no commit), eventfds closed */
static void vfio_msi_disable_common(VFIOPCIDevice *vdev)
{
	for (int i = 0; i < vdev->nr_vectors; i++) {
		VFIOMSIVector *v = &vdev->msi_vectors[i];

		if (!v->use)
			continue;
		if (v->virq >= 0)
			vfio_remove_kvm_msi_virq(vdev, v);
		vfio_close_fd(vdev, &v->interrupt);
		v->use = false;
	}
	vdev->nr_vectors = 0;
	vdev->msix_on = false;
	vdev->poll_gen++;
}

/*
 * vfio_msix_disable: msix.c fires no release once Enable is clear, so each
 * vector in use is released here (one SET_IRQS back to `interrupt` for a
 * vector with a route) and unused (its PBA bit cleared), then the index is
 * disabled and the vectors torn down. Then INTx again (vfio_intx_enable:
 * new eventfds, the irqfd with resample). The PBA MMIO stays emulated, as
 * QEMU's region, until a use finds nothing pending.
 */
void vfio_msix_disable(VFIOPCIDevice *vdev)
{
	uint64_t one = 1;

	trace_event("vfio_msix_disable", "%s", vdev->pdev.name);
	/* the reader thread must stop polling the fds closed below */
	vfio_sys(vdev)->write(vfio_sys(vdev)->priv, vdev->stop_fd, &one, sizeof(one));
	msix_unset_vector_notifiers(&vdev->pdev);
	for (int i = 0; i < vdev->nr_vectors; i++) {
		if (!vdev->msi_vectors[i].use)
			continue;
		vfio_msix_vector_release(&vdev->pdev, (unsigned int)i);
		msix_vector_unuse(&vdev->pdev, (unsigned int)i);
	}
	/* always, as QEMU: the index may be on with no vector (vfio_enable_msix_no_vec) */
	vfio_device_irq_disable(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
	vfio_msi_disable_common(vdev);
	vdev->pending = 0;
	vfio_intx_enable(vdev);
}

/* after the emulated write (msix_write_config already ran): follow Enable */
void vfio_msix_write_config(VFIOPCIDevice *vdev, uint32_t addr, uint32_t val, int len)
{
	bool is_enabled = msix_enabled(&vdev->pdev);

	(void)addr; (void)val; (void)len;
	if (is_enabled && !vdev->msix_on)
		vfio_msix_enable(vdev);
	else if (!is_enabled && vdev->msix_on)
		vfio_msix_disable(vdev);
}

/*
 * The ledger's booking of a hardware raise. The interrupt reaches whichever
 * eventfd VFIO has as the vector's trigger when the device sends it: KVM's
 * (its irqfd injects by the route the kernel holds for virq, and nothing
 * in the VMM sees it) or `interrupt` (vfio_msi_interrupt, where msix.c books
 * it as sent or pending). Which one is measured, not guessed, because the
 * guest may mask and unmask the vector on another vCPU meanwhile: the host
 * IRQ's count (/proc/interrupts, the host's vfio_msihandler) since the
 * snapshot, minus the signals the VMM read from `interrupt`, went through
 * KVM. It is known once the count moved and `interrupt` holds nothing
 * unread (vfio_msi_thread reads and handles under the bql, held here).
 * Sent through KVM while the guest has the vector masked is a delivery
 * QEMU's semantics never make (release moves the trigger first): booked as
 * such when KVM's eventfd is still the trigger of a masked vector.
 */
static void vfio_msix_book_kvm(VFIOPCIDevice *vdev, unsigned int nr, uint64_t n)
{
	VFIOMSIVector *v = &vdev->msi_vectors[nr];
	bool masked = msix_is_masked(&vdev->pdev, nr) && vdev->msix_trigger[nr] == v->kvm_interrupt;

	while (n--)
		msix_ledger_irqfd(&vdev->pdev, nr, v->virq, masked);
}

void vfio_msix_raise_begin(VFIOPCIDevice *vdev, unsigned int nr, struct vfio_raise *r)
{
	VFIOMSIVector *v;

	*r = (struct vfio_raise){ 0 };
	if (nr >= VFIO_MSIX_MAX_VECTORS)
		return;
	v = &vdev->msi_vectors[nr];
	r->relayed = v->relayed;
	v->raised++;
	r->measured = v->use && vfio_host_irq_count(vdev, nr, &r->host) == 0;
	/* no host IRQ to count: booked by the trigger VFIO has now */
	if (!r->measured && v->use && v->virq >= 0 && v->kvm_interrupt >= 0 &&
	    vdev->msix_trigger[nr] == v->kvm_interrupt)
		vfio_msix_book_kvm(vdev, nr, 1);
}

bool vfio_msix_raise_end(VFIOPCIDevice *vdev, unsigned int nr, const struct vfio_raise *r)
{
	VFIOMSIVector *v;
	struct pollfd pfd;
	uint64_t host, relayed;

	if (!r->measured)	/* also for nr out of range: begin measured nothing */
		return true;
	v = &vdev->msi_vectors[nr];
	pfd = (struct pollfd){ .fd = v->interrupt, .events = POLLIN };
	relayed = v->relayed - r->relayed;
	if (vfio_host_irq_count(vdev, nr, &host) < 0 || host == r->host)
		return false;
	if (v->interrupt >= 0 && vfio_sys(vdev)->poll(vfio_sys(vdev)->priv, &pfd, 1, 0) > 0)
		return false;		/* the VMM has yet to read it */
	trace_event("vfio_msix_raise", "%s nr=%u host +%llu relayed +%llu", vdev->pdev.name, nr,
		    (unsigned long long)(host - r->host), (unsigned long long)relayed);
	if (host - r->host > relayed && v->virq >= 0)
		vfio_msix_book_kvm(vdev, nr, host - r->host - relayed);
	return true;
}

/* the runner's view of a vector: the device's raises against what the guest got */
static void vfio_vector_stats(PCIDevice *pdev, unsigned int nr, struct msix_vector_stats *st)
{
	VFIOPCIDevice *vdev = to_vdev(pdev);
	VFIOMSIVector *v = &vdev->msi_vectors[nr];

	*st = (struct msix_vector_stats){
		.gsi = v->use ? v->virq : -1,
		.host_irq = v->use ? vfio_host_irq(vdev, nr) : -1,
		.path = !v->use ? "relay" : v->virq < 0 ? "relay" :
			msix_is_masked(pdev, nr) ? "relay" : "irqfd",
		.raised = v->raised,
		.coalesced = pdev->msix_stats[nr].coalesced,
		.dropped = pdev->msix_stats[nr].unused + pdev->msix_stats[nr].cleared,
		.pending = msix_is_pending(pdev, nr),
	};
}

int vfio_msix_start(VFIOPCIDevice *vdev)
{
	int r;

	vdev->pdev.vector_stats = vfio_vector_stats;
	vdev->stop_fd = vfio_eventfd(vdev);
	if (vdev->stop_fd < 0)
		return vdev->stop_fd;
	vdev->thread_stop = false;
	r = pthread_create(&vdev->thread, NULL, vfio_msi_thread, vdev);
	if (r) {
		vfio_close_fd(vdev, &vdev->stop_fd);
		return -r;
	}
	pthread_setname_np(vdev->thread, "vfio-msi");
	return 0;
}

void vfio_msix_stop(VFIOPCIDevice *vdev)
{
	uint64_t one = 1;

	if (vdev->stop_fd < 0)
		return;
	vdev->thread_stop = true;
	vfio_sys(vdev)->write(vfio_sys(vdev)->priv, vdev->stop_fd, &one, sizeof(one));
	pthread_join(vdev->thread, NULL);
	pthread_mutex_lock(&vdev->vm->bql);
	if (vdev->msix_on)
		vfio_msix_disable(vdev);
	pthread_mutex_unlock(&vdev->vm->bql);
	vfio_close_fd(vdev, &vdev->stop_fd);
}
