// SPDX-License-Identifier: GPL-2.0
/*
 * run-table.c - the scenario's host steps that edit KVMState or register
 * eventfds, as QEMU's code would call them: route add/update/release,
 * routes fill, commit, a raw commit, irqfd add/remove, ioeventfd
 * add/remove. Each name of the scenario is a struct run_obj. The caller
 * holds the VM's big lock (device notifiers share KVMState).
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>

#include "run.h"
#include "../trace/trace.h"

int run_route_live(struct run *run, const struct sc_step *st)
{
	const struct run_obj *o = &run->objs[st->name];

	if (o->live)
		return 0;
	pr_err("%s:%d: %s: route %s was not added (its 'route %s msi' failed): nothing to act on",
	       run->sc->file, st->line, st->text, run->sc->names[st->name].name,
	       run->sc->names[st->name].name);
	return -ENOENT;
}

static int step_route(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	MSIMessage msg = msi_x86_message((unsigned int)st->vcpu, (unsigned int)st->vector);
	KVMRouteChange c;
	int r;

	if (st->op != SC_ROUTE_ADD && (r = run_route_live(run, st)) < 0)
		return r;
	switch (st->op) {
	case SC_ROUTE_ADD:
		/* a refused add leaves no GSI (0 is the PIT's) and no fd (0 is stdin) to use */
		*o = (struct run_obj){ .virq = -1, .efd = -1, .rfd = -1 };
		c = kvm_irqchip_begin_route_changes(&run->vm.kvm);
		r = kvm_irqchip_add_msi_route(&c, msg);
		if (r < 0)
			return r;
		*o = (struct run_obj){ .live = true, .virq = r, .efd = -1, .rfd = -1 };
		trace_event("kvm_irqchip_add_msi_route", "virq=%d dest=%d vector=0x%x", r,
			    st->vcpu, st->vector);
		return 0;
	case SC_ROUTE_UPDATE:
		trace_event("kvm_irqchip_update_msi_route", "virq=%d dest=%d vector=0x%x",
			    o->virq, st->vcpu, st->vector);
		return kvm_irqchip_update_msi_route(&run->vm.kvm, o->virq, msg);
	default:
		if (o->irqfd) {
			run_fail(run, st, "route %s still has an irqfd: remove it first",
				 run->sc->names[st->name].name);
			return -EBUSY;
		}
		trace_event("kvm_irqchip_release_virq", "virq=%d", o->virq);
		kvm_irqchip_release_virq(&run->vm.kvm, o->virq);
		o->live = false;
		return 0;
	}
}

/* routes fill: add MSI routes until count or the first error */
static int step_routes_fill(struct run *run, const struct sc_step *st)
{
	KVMRouteChange c = kvm_irqchip_begin_route_changes(&run->vm.kvm);
	MSIMessage msg = msi_x86_message((unsigned int)st->vcpu, (unsigned int)st->vector);
	uint32_t n;
	int r = 0;

	for (n = 0; n < st->count; n++) {
		r = kvm_irqchip_add_msi_route(&c, msg);
		if (r < 0)
			break;
	}
	trace_event("kvm_irqchip_add_msi_route", "x%u (routes fill), table %u entries", n,
		    run->vm.kvm.irq_routes->nr);
	pr_info("routes fill: added %u of %u MSI routes, table has %u entries%s%s", n, st->count,
		run->vm.kvm.irq_routes->nr, r < 0 ? ", then " : "",
		r < 0 ? strerrorname_np(-r) : "");
	return r < 0 ? r : 0;
}

static int step_commit(struct run *run)
{
	return kvm_irqchip_commit_routes(&run->vm.kvm);
}

/* routes commit-raw: a table QEMU would not build, for the kernel's own limit */
static int step_commit_raw(struct run *run, const struct sc_step *st)
{
	MSIMessage msg = msi_x86_message((unsigned int)st->vcpu, (unsigned int)st->vector);
	int r = kvm_set_gsi_routing_raw(&run->vm.kvm, st->count, msg);

	if (r == -ERANGE) {
		run_fail(run, st, "KVMState's table has %u entries, more than count=%u",
			 run->vm.kvm.irq_routes->nr, st->count);
		return r;
	}
	pr_info("routes commit-raw: KVM_SET_GSI_ROUTING of %u entries (KVMState has %u): %s",
		st->count, run->vm.kvm.irq_routes->nr, r < 0 ? strerrorname_np(-r) : "ok");
	return r;
}

static int step_irqfd(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	const struct sys_ops *sys = run->vm.kvm.sys;
	int r = run_route_live(run, st);

	if (r < 0)
		return r;
	if (st->op == SC_IRQFD_REMOVE && o->efd_closed) {
		/* its eventfd was closed ('irqfd NAME close'): the kernel answers for that number */
		r = kvm_irqchip_remove_irqfd_notifier_gsi(&run->vm.kvm, o->closed_efd, o->virq);
		if (o->rfd >= 0)
			sys->close(sys->priv, o->rfd);
		o->rfd = -1;
		o->efd_closed = false;
		return r;
	}
	if (st->op == SC_IRQFD_REMOVE) {
		r = kvm_irqchip_remove_irqfd_notifier_gsi(&run->vm.kvm, o->efd, o->virq);
		if (r < 0)
			return r;
		sys->close(sys->priv, o->efd);
		if (o->rfd >= 0)
			sys->close(sys->priv, o->rfd);
		o->efd = o->rfd = -1;
		o->irqfd = false;
		return 0;
	}
	if (o->efd < 0) {
		o->efd = sys->eventfd(sys->priv, 0, 0);
		if (o->efd < 0)
			return o->efd;
		o->efd_closed = false;	/* a new eventfd: the closed number is forgotten */
	}
	r = kvm_irqchip_add_irqfd_notifier_gsi(&run->vm.kvm, o->efd, -1, o->virq);
	if (r == 0)
		o->irqfd = true;
	return r;
}

static int step_ioeventfd(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	const struct sys_ops *sys = run->vm.kvm.sys;
	bool assign = st->op == SC_IOEVENTFD_ADD;
	int r;

	if (assign) {
		*o = (struct run_obj){ .live = true, .mmio = st->mmio, .addr = st->addr,
				       .len = st->len, .has_datamatch = st->has_datamatch,
				       .datamatch = st->datamatch, .efd = -1, .rfd = -1 };
		o->efd = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
		if (o->efd < 0)
			return o->efd;
	}
	if (o->mmio)
		r = kvm_set_ioeventfd_mmio(&run->vm.kvm, o->efd, o->addr, o->len, assign,
					   o->has_datamatch, o->datamatch);
	else
		r = kvm_set_ioeventfd_pio(&run->vm.kvm, o->efd, (uint16_t)o->addr, o->len, assign,
					  o->has_datamatch, o->datamatch);
	if (r < 0 || !assign) {
		uint64_t v = 0;

		/* keep what the guest rang since the last expect */
		if (!assign && sys->read(sys->priv, o->efd, &v, sizeof(v)) == sizeof(v))
			o->ioev_total += v;
		sys->close(sys->priv, o->efd);
		o->efd = -1;
		o->live = false;
	}
	return r;
}

int run_table_step(struct run *run, const struct sc_step *st)
{
	switch (st->op) {
	case SC_ROUTE_ADD: case SC_ROUTE_UPDATE: case SC_ROUTE_RELEASE:
		return step_route(run, st);
	case SC_ROUTES_FILL: return step_routes_fill(run, st);
	case SC_COMMIT: return step_commit(run);
	case SC_ROUTES_COMMIT_RAW: return step_commit_raw(run, st);
	case SC_IRQFD_ADD: case SC_IRQFD_REMOVE: return step_irqfd(run, st);
	default: return step_ioeventfd(run, st);
	}
}
