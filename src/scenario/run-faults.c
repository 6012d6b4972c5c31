// SPDX-License-Identifier: GPL-2.0
/*
 * run-faults.c - faults the VMM must survive (issue 12), as steps: a
 * route the kernel refuses at the next commit (route NAME ioapic with a
 * pin past the IOAPIC's), the eventfd of an assigned irqfd closed
 * (irqfd NAME close), a passed-through device reset while its vectors are
 * in use (device NAME reset), a guest CPU that stops answering (guest
 * hang); and the expects that show what the VMM believes the kernel has:
 * its irqfds, the table last pushed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "../hw/vfio/pci.h"
#include "../trace/trace.h"

#define RUN_HANG_TIMEOUT_MS	10000

bool run_faults_handles(enum sc_op op)
{
	return op == SC_ROUTE_IOAPIC || op == SC_IRQFD_CLOSE || op == SC_DEVICE_RESET ||
	       op == SC_GUEST_HANG;
}

bool run_faults_step_is_host(enum sc_op op)
{
	return op == SC_ROUTE_IOAPIC || op == SC_IRQFD_CLOSE;
}

/* route NAME ioapic pin=P: an IRQCHIP entry on the lowest free GSI, pushed at the next commit */
static int step_route_ioapic(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	KVMRouteChange c = kvm_irqchip_begin_route_changes(&run->vm.kvm);
	int r;

	*o = (struct run_obj){ .virq = -1, .efd = -1, .rfd = -1 };
	r = kvm_irqchip_add_irqchip_route(&c, KVM_IRQCHIP_IOAPIC, (unsigned int)st->pin);
	if (r < 0)
		return r;
	*o = (struct run_obj){ .live = true, .virq = r, .efd = -1, .rfd = -1 };
	trace_event("kvm_irqchip_add_irq_route", "virq=%d irqchip=IOAPIC pin=%d", r, st->pin);
	return 0;
}

/*
 * irqfd NAME close: the VMM closes the eventfd under its irqfd. The
 * kernel's eventfd_release wakes the irqfd with EPOLLHUP and irqfd_wakeup
 * deactivates it (irqfd_shutdown frees it later), so KVMState drops it
 * too. The number is kept for a later 'irqfd NAME remove', whose
 * KVM_IRQFD deassign the kernel answers (EBADF: the fd is closed), and is
 * never closed again.
 */
static int step_irqfd_close(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	const struct sys_ops *sys = run->vm.kvm.sys;
	const char *name = run->sc->names[st->name].name;
	unsigned int n;
	int r = run_route_live(run, st);

	if (r < 0)
		return r;
	if (!o->irqfd || o->efd < 0) {
		run_fail(run, st, "route %s has no irqfd whose eventfd to close", name);
		return -EINVAL;
	}
	trace_event("event_notifier_cleanup", "fd=%d gsi=%d: the irqfd not deassigned", o->efd,
		    o->virq);
	sys->close(sys->priv, o->efd);
	n = kvm_irqfd_eventfd_closed(&run->vm.kvm, o->efd);
	pr_info("irqfd %s close: eventfd %d closed with %u irqfd%s on it (GSI %d): the kernel drops it (EPOLLHUP)",
		name, o->efd, n, n == 1 ? "" : "s", o->virq);
	o->closed_efd = o->efd;
	o->efd_closed = true;
	o->efd = -1;
	o->irqfd = false;
	return 0;
}

/* device NAME reset: QEMU's vfio_pci_reset, then the PCI core's (pci_device_reset) */
static int step_device_reset(struct run *run, const struct sc_step *st)
{
	struct run_device *d = &run->devs[st->name];
	int r;

	driver_e1000e_settle(d);	/* vfio_pci_pre_reset disables MSI-X at the host */
	pthread_mutex_lock(&run->vm.bql);
	r = vfio_pci_reset(d->dev);
	pthread_mutex_unlock(&run->vm.bql);
	if (r < 0)
		run_fail(run, st, "device %s: no reset worked (%s): it is quiesced, on INTx",
			 d->dev->name, strerror(-r));
	return r;
}

/* guest hang: the CPU reports the command done, then spins with interrupts off */
static int step_guest_hang(struct run *run, const struct sc_step *st)
{
	uint32_t arg[8] = { 0 };
	int r = guest_cmd(run, st->vcpu, VIRQ_OP_HANG, arg, NULL,
			  run_timeout_ms(run, 0, RUN_HANG_TIMEOUT_MS));

	if (r < 0) {
		run_fail(run, st, "guest step did not complete: %s", strerror(-r));
		return r;
	}
	pr_info("%s:%d: guest CPU %d spins with interrupts off from now on", run->sc->file,
		st->line, st->vcpu);
	return 0;
}

int run_faults_step(struct run *run, const struct sc_step *st)
{
	int r;

	switch (st->op) {
	case SC_ROUTE_IOAPIC: case SC_IRQFD_CLOSE:
		pthread_mutex_lock(&run->vm.bql);	/* KVMState: shared with notifiers */
		r = st->op == SC_ROUTE_IOAPIC ? step_route_ioapic(run, st) :
		    step_irqfd_close(run, st);
		pthread_mutex_unlock(&run->vm.bql);
		return r;
	case SC_DEVICE_RESET:
		return step_device_reset(run, st);
	default:
		return step_guest_hang(run, st);
	}
}

/* "GSI 24 -> vCPU 0 vector 0x41", or the IRQCHIP pin an entry points at */
static void describe_entry(const struct kvm_irq_routing_entry *e, char *got, size_t n)
{
	if (e->type == KVM_IRQ_ROUTING_MSI)
		snprintf(got, n, "GSI %u -> vCPU %u vector 0x%x", e->gsi,
			 msi_x86_dest(e->u.msi.address_lo), msi_x86_vector(e->u.msi.data));
	else
		snprintf(got, n, "GSI %u -> irqchip %u pin %u", e->gsi, e->u.irqchip.irqchip,
			 e->u.irqchip.pin);
}

/* the entry the kernel routes NAME by: KVMState's copy of the table last pushed */
static bool expect_kernel_route(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	const struct run_obj *o = &run->objs[st->name];
	const struct kvm_irq_routing_entry *e =
		o->live ? kvm_irqchip_find_kernel_route(&run->vm.kvm, o->virq) : NULL;

	if (!e) {
		snprintf(got, n, "no entry for GSI %d in the table last pushed", o->virq);
		return false;
	}
	describe_entry(e, got, n);
	if (e->type != KVM_IRQ_ROUTING_MSI)
		return st->vcpu < 0 && st->vector < 0 && (st->gsi < 0 || (int)e->gsi == st->gsi);
	return (st->gsi < 0 || (int)e->gsi == st->gsi) &&
	       (st->vcpu < 0 || (int)msi_x86_dest(e->u.msi.address_lo) == st->vcpu) &&
	       (st->vector < 0 || (int)msi_x86_vector(e->u.msi.data) == st->vector);
}

/* expect irqfds, kernel-routes, kernel-route: KVMState, which notifiers edit under the bql */
bool run_faults_expect(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	KVMState *s = &run->vm.kvm;
	bool ok;

	pthread_mutex_lock(&run->vm.bql);
	switch (st->op) {
	case SC_EXPECT_IRQFDS:
		snprintf(got, n, "%u irqfd%s assigned", s->nr_irqfds, s->nr_irqfds == 1 ? "" : "s");
		ok = s->nr_irqfds == st->count;
		break;
	case SC_EXPECT_KERNEL_ROUTES:
		snprintf(got, n, "%u entries pushed (KVMState's table: %u)", s->nr_kernel_routes,
			 s->irq_routes->nr);
		ok = s->nr_kernel_routes == st->count;
		break;
	default:
		ok = expect_kernel_route(run, st, got, n);
		break;
	}
	pthread_mutex_unlock(&run->vm.bql);
	return ok;
}
