// SPDX-License-Identifier: GPL-2.0
/*
 * run-intx.c - the level-triggered half of a scenario (issue 11): device
 * INTx lines (hw/misc/intx-lines.h) raised and lowered by host steps,
 * through KVM_IRQ_LINE_STATUS or an irqfd with or without a resamplefd;
 * the guest programming IOAPIC entries and acking its level lines; probes
 * of what the kernel refuses on a VM without (or with a split) irqchip;
 * and the accounting of a line, where one assertion may be taken more
 * than once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "run.h"
#include "../hw/isa/lpc_ich9.h"
#include "../hw/vfio/pci.h"
#include "../guest/ioapic-rte.h"
#include "../trace/trace.h"

#define LINE_IRQ_TIMEOUT_MS	5000
#define INTX_GUEST_TIMEOUT_MS	10000

int run_intx_init(struct run *run)
{
	for (int p = 0; p < IOAPIC_NUM_PINS; p++)
		run->rte[p] = RTE_MASKED;	/* kvm_ioapic_reset */
	return intx_lines_init(&run->intx, &run->vm);
}

void run_intx_destroy(struct run *run)
{
	intx_lines_destroy(&run->intx);
}

bool run_intx_step_is_host(enum sc_op op)
{
	return (op >= SC_LINE_HIGH && op <= SC_PROBE_IRQ_LINE);
}

/* a step this file runs: its own, or an irqfd step on a line */
bool run_intx_handles(const struct run *run, const struct sc_step *st)
{
	if (st->op >= SC_LINE_DEFINE && st->op <= SC_GUEST_EOI)
		return true;
	return (st->op == SC_IRQFD_ADD || st->op == SC_IRQFD_REMOVE) &&
	       run->sc->names[st->name].kind == SC_KIND_LINE;
}

/* ---- the guest's IOAPIC ---- */

/* the IOAPIC's steps on vCPU 0 (vcpu= is their destination), the others on vcpu= */
static int intx_guest_cmd(struct run *run, const struct sc_step *st, uint32_t op,
			  const uint32_t arg[8], uint32_t *result)
{
	int cpu = st->op >= SC_GUEST_IOAPIC_RTE && st->op <= SC_GUEST_IOAPIC_READ ? 0 : st->vcpu;
	int r = guest_cmd(run, cpu < 0 ? 0 : cpu, op, arg, result,
			  run_timeout_ms(run, 0, INTX_GUEST_TIMEOUT_MS));

	if (r < 0)
		run_fail(run, st, "guest step did not complete: %s", strerror(-r));
	return r;
}

static int guest_write_rte(struct run *run, const struct sc_step *st, int pin, uint64_t rte)
{
	uint32_t arg[8] = { (uint32_t)pin, (uint32_t)rte, (uint32_t)(rte >> 32) }, lo = 0;
	int r = intx_guest_cmd(run, st, VIRQ_OP_IOAPIC_WRITE, arg, &lo);

	if (r < 0)
		return r;
	run->rte[pin] = rte;
	pr_info("%s:%d: IOAPIC pin %d = 0x%016llx (read back low 0x%08x)", run->sc->file,
		st->line, pin, (unsigned long long)rte, lo);
	return 0;
}

static int step_guest_ioapic(struct run *run, const struct sc_step *st)
{
	uint64_t rte = run->rte[st->pin];
	uint32_t arg[8] = { (uint32_t)st->pin }, lo = 0;
	int r;

	switch (st->op) {
	case SC_GUEST_IOAPIC_RTE:
		rte = ioapic_rte_encode((uint32_t)st->vector, (uint32_t)st->vcpu, st->set,
					st->masked > 0);
		return guest_write_rte(run, st, st->pin, rte);
	case SC_GUEST_IOAPIC_READ:
		r = intx_guest_cmd(run, st, VIRQ_OP_IOAPIC_READ, arg, &lo);
		if (r == 0)
			pr_info("%s:%d: guest read IOAPIC pin %d low 0x%08x%s", run->sc->file,
				st->line, st->pin, lo, lo & RTE_REMOTE_IRR ? " (remote IRR)" : "");
		return r;
	default:
		if (!ioapic_rte_vector(rte)) {
			run_fail(run, st, "IOAPIC pin %d has no vector yet: program it with 'guest ioapic pin=%d ...' first",
				 st->pin, st->pin);
			return -EINVAL;
		}
		rte = st->op == SC_GUEST_IOAPIC_MASK ? rte | RTE_MASKED : rte & ~RTE_MASKED;
		return guest_write_rte(run, st, st->pin, rte);
	}
}

/* gsi=: the handler acks at the port; dev=: it reads the e1000e's ICR, as e1000_intr */
static int step_guest_level_ack(struct run *run, const struct sc_step *st)
{
	uint32_t arg[8] = { (uint32_t)st->vector, (uint32_t)(st->gsi < 0 ? 0 : st->gsi),
			    (uint32_t)st->every, st->defer_eoi > 0 ? VIRQ_LEVEL_DEFER_EOI : 0 };
	int r;

	if (st->dev >= 0) {
		if (driver_e1000e_icr(run, &run->devs[st->dev], &arg[4]) < 0) {
			run_fail(run, st, "the guest has not found %s yet: 'guest pci enum' first",
				 run->sc->names[st->dev].name);
			return -ENODEV;
		}
	}
	r = intx_guest_cmd(run, st, VIRQ_OP_LEVEL_ACK, arg, NULL);
	if (!r && st->dev >= 0)
		run->devs[st->dev].intx_vector = st->vector;
	return r;
}

/* ---- lines ---- */

static const char *obj_name(const struct run *run, const struct sc_step *st)
{
	return run->sc->names[st->name].name;
}

static int step_line_define(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	int gsi = st->gsi;

	if (gsi < 0) {
		gsi = ich9_pci_intx_to_gsi(st->slot, st->pin - 1);
		pr_info("%s:%d: line %s: slot %d INT%c# -> PIRQ%c -> GSI %d (q35, PIRQ routing disabled)",
			run->sc->file, st->line, obj_name(run, st), st->slot, 'A' + st->pin - 1,
			'A' + ich9_lpc_map_irq(st->slot, st->pin - 1), gsi);
	}
	*o = (struct run_obj){ .live = true, .is_line = true, .gsi = gsi, .efd = -1, .rfd = -1,
			       .assert_target = -1 };
	return 0;
}

/* the pin's entry as the kernel has it now; false if the GSI has no pin */
static bool line_rte(struct run *run, int gsi, uint64_t *rte)
{
	struct kvm_ioapic_state st;
	int pin = kvm_pc_gsi_to_ioapic_pin(gsi);

	if (pin < 0 || kvm_ioapic_get(&run->vm.kvm, &st) < 0)
		return false;
	*rte = st.redirtbl[pin].bits;
	return true;
}

/* where the assertion starting now will go: the target's index, -1 if nowhere */
static int line_target(struct run *run, struct run_obj *o, const char *name, uint64_t *entry)
{
	uint64_t rte = RTE_MASKED;
	int vcpu, vec, i;

	*entry = RTE_MASKED;
	if (!line_rte(run, o->gsi, &rte) || !ioapic_rte_vector(rte) ||
	    ioapic_rte_dest(rte) >= (uint32_t)run->sc->vcpus)
		return -1;
	*entry = rte;
	vcpu = (int)ioapic_rte_dest(rte);
	vec = (int)ioapic_rte_vector(rte);
	for (i = 0; i < o->nr_targets; i++)
		if (o->target_vcpu[i] == vcpu && o->target_vector[i] == vec)
			return i;
	if (i == 4 || !run_claim_guest_vector(run, -1, vec, name))
		return -2;
	o->target_vcpu[i] = vcpu;
	o->target_vector[i] = vec;
	o->nr_targets++;
	return i;
}

static uint32_t target_count(struct run *run, const struct run_obj *o, int t)
{
	return t < 0 ? 0 : guest_count(run, o->target_vcpu[t], o->target_vector[t]);
}

/* the guest's level handler for the line's vector(s), if it acks the line */
static const struct virq_level_ack *line_handler(struct run *run, const struct run_obj *o)
{
	for (int t = 0; t < o->nr_targets; t++) {
		const struct virq_level_ack *l = &run->sh->level[o->target_vector[t]];

		if (l->every && l->gsi == (uint32_t)o->gsi)
			return l;
	}
	return NULL;
}

/*
 * The line is down, its last assertion ended by the guest's ack: nothing
 * may come after that ack until the line goes up again (with
 * KVM_IRQ_LINE the ack's KVM_IRQ_LINE 0 clears the IOAPIC's irr before
 * the EOI; a resampler de-asserts at the EOI before Remote IRR clears).
 * Interrupts counted past the ack's are duplicates; checked before each
 * new assertion and at the end.
 */
static void line_count_duplicates(struct run *run, struct run_obj *o)
{
	const struct virq_level_ack *h = line_handler(run, o);
	struct intx_line l;
	uint32_t now;

	intx_line_get(&run->intx, o->gsi, &l);
	if (!h || l.level || l.st.acked == o->acks_seen)
		return;
	o->acks_seen = l.st.acked;
	now = guest_count(run, (int)h->acked_cpu, (int)(h - run->sh->level));
	if (now > h->acked_at)
		o->duplicates += now - h->acked_at;
}

struct ack_wait {
	struct run *run;
	int gsi, pin;
	uint64_t acked, resamples;	/* what the assertion must pass */
	bool resample;
};

/* acked, and the acking interrupt's EOI done: its resample read, or Remote IRR clear */
static bool ack_reached(struct run *run, void *arg)
{
	struct ack_wait *w = arg;
	struct kvm_ioapic_state io;
	struct intx_line l;

	intx_line_get(&run->intx, w->gsi, &l);
	if (l.st.acked <= w->acked && l.level)
		return false;
	if (w->resample)
		return l.st.resamples >= w->resamples;
	return w->pin < 0 || kvm_ioapic_get(&run->vm.kvm, &io) < 0 ||
	       !ioapic_rte_remote_irr(io.redirtbl[w->pin].bits);
}

/*
 * After the first interrupt, the handler that acks the line on its N-th
 * ends the assertion, and its EOI completes it; the next step may raise
 * the line again only then. Sooner, it would find the line still up and
 * raise nothing, or (resampler) raise it while the kernel still holds the
 * last one, which the coming EOI's resample then has to re-assert: right,
 * but not the count a scenario can state. The re-deliveries in between
 * are the kernel's (KVM_IRQ_LINE) or the resampler's, N - 1 of them and N
 * resamples: one that never comes is lost. A plain irqfd's level entry
 * never re-delivers and a deferred EOI holds the next one back: no wait
 * for those.
 */
static int line_wait_ack(struct run *run, const struct sc_step *st, struct run_obj *o,
			 unsigned int tmo)
{
	const struct virq_level_ack *h = line_handler(run, o);
	enum intx_path path = intx_line_path(&run->intx, o->gsi);
	struct ack_wait w = { .gsi = o->gsi, .pin = kvm_pc_gsi_to_ioapic_pin(o->gsi),
			      .acked = o->acks_at_raise,
			      .resample = path == INTX_PATH_IRQFD_RESAMPLE };
	int r;

	if (!h || (h->flags & VIRQ_LEVEL_DEFER_EOI) || path == INTX_PATH_IRQFD)
		return 0;
	w.resamples = o->resamples_at_raise + h->every;
	r = run_poll(run, ack_reached, &w, tmo);
	if (r == -ETIMEDOUT)
		run_fail(run, st, "lost interrupt: line %s (GSI %d) taken %u of the %u times its handler acks it on, its EOI not seen within %u ms",
			 obj_name(run, st), o->gsi, h->since, h->every, tmo);
	return r;
}

/*
 * The wait for an assertion's first interrupt, as for an MSI: none if the
 * entry (rte, as it was before the assertion) is masked or a level
 * entry's Remote IRR is set (an earlier interrupt not yet EOIed): the
 * IOAPIC delivers it at unmask or EOI.
 */
static int line_wait_first(struct run *run, const struct sc_step *st, struct run_obj *o,
			   uint64_t rte)
{
	unsigned int tmo = run_timeout_ms(run, 0, LINE_IRQ_TIMEOUT_MS);
	int t = o->assert_target;
	int r;

	if (t < 0 || ioapic_rte_masked(rte) || ioapic_rte_remote_irr(rte))
		return 0;
	r = guest_wait_count(run, o->target_vcpu[t], o->target_vector[t], o->assert_base + 1, tmo);
	if (r == -ETIMEDOUT) {
		run_fail(run, st, "lost interrupt: line %s (GSI %d) up, its IOAPIC entry unmasked, vCPU %d vector 0x%x not taken within %u ms",
			 obj_name(run, st), o->gsi, o->target_vcpu[t], o->target_vector[t], tmo);
		return r;
	}
	if (r < 0)
		return r;
	o->assert_delivered = true;
	return line_wait_ack(run, st, o, tmo);
}

static void line_note_status(struct run *run, struct run_obj *o)
{
	run->has_line_status = intx_line_path(&run->intx, o->gsi) == INTX_PATH_IRQ_LINE;
}

/* line NAME high: a new assertion, waited for if it can be delivered */
static int line_raise(struct run *run, const struct sc_step *st, struct run_obj *o)
{
	struct intx_line l;
	uint64_t rte;
	int t = line_target(run, o, obj_name(run, st), &rte);
	uint32_t base = target_count(run, o, t);
	int r;

	if (t == -2) {
		run_fail(run, st, "line %s: its IOAPIC entry's guest vector is raised by another source: each needs its own",
			 obj_name(run, st));
		return -EINVAL;
	}
	line_count_duplicates(run, o);
	intx_line_get(&run->intx, o->gsi, &l);
	r = intx_line_set(&run->intx, o->gsi, 1, &run->line_status);
	if (r < 0)
		return r;
	line_note_status(run, o);
	if (r == 0)
		return 0;	/* already up: no news for the kernel */
	o->assert_target = t;
	o->assert_base = base;
	o->assert_delivered = false;
	o->acks_at_raise = l.st.acked;
	o->resamples_at_raise = l.st.resamples;
	return line_wait_first(run, st, o, rte);
}

/* has the current assertion reached the guest by now? */
static bool line_seen(struct run *run, const struct run_obj *o)
{
	return o->assert_delivered ||
	       (o->assert_target >= 0 && target_count(run, o, o->assert_target) > o->assert_base);
}

static int line_lower(struct run *run, struct run_obj *o)
{
	int r = intx_line_set(&run->intx, o->gsi, 0, &run->line_status);

	if (r <= 0)
		return r;	/* already low: the guest's ack ended the assertion */
	line_note_status(run, o);
	if (line_seen(run, o))
		o->delivered++;
	else
		o->dropped++;
	o->assert_target = -1;
	o->assert_delivered = false;
	return 0;
}

static int step_line(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	int r;

	switch (st->op) {
	case SC_LINE_HIGH:
		return line_raise(run, st, o);
	case SC_LINE_LOW:
		return line_lower(run, o);
	default:
		r = line_raise(run, st, o);
		return r < 0 ? r : line_lower(run, o);
	}
}

/* ---- irqfds on lines, resamplers on routes ---- */

static int intx_eventfd(struct run *run, int flags)
{
	const struct sys_ops *sys = run->vm.kvm.sys;

	return sys->eventfd(sys->priv, 0, flags);
}

static void intx_close(struct run *run, int *fd)
{
	const struct sys_ops *sys = run->vm.kvm.sys;

	if (*fd >= 0)
		sys->close(sys->priv, *fd);
	*fd = -1;
}

static int line_irqfd_remove(struct run *run, const struct sc_step *st, struct run_obj *o)
{
	int r;

	if (!o->irqfd) {
		run_fail(run, st, "line %s has no irqfd to remove", obj_name(run, st));
		return -EINVAL;
	}
	r = kvm_irqchip_remove_irqfd_notifier_gsi(&run->vm.kvm, o->efd, o->gsi);
	if (r < 0)
		return r;
	intx_line_unbind_irqfd(&run->intx, o->gsi);
	intx_close(run, &o->efd);
	intx_close(run, &o->rfd);
	o->irqfd = false;
	return 0;
}

/*
 * irqfd NAME [resample] on a line: the trigger eventfd is kept from the
 * first try, so a second KVM_IRQFD of it is the kernel's EBUSY case
 */
static int line_irqfd(struct run *run, const struct sc_step *st, struct run_obj *o)
{
	int rfd = -1, r;

	if (st->op == SC_IRQFD_REMOVE)
		return line_irqfd_remove(run, st, o);
	if (o->efd < 0 && (o->efd = intx_eventfd(run, 0)) < 0)
		return o->efd;
	if (st->op == SC_IRQFD_RESAMPLE && (rfd = intx_eventfd(run, EFD_NONBLOCK)) < 0)
		return rfd;
	r = kvm_irqchip_add_irqfd_notifier_gsi(&run->vm.kvm, o->efd, rfd, o->gsi);
	if (r == 0 && !o->irqfd)
		r = intx_line_bind_irqfd(&run->intx, o->gsi, o->efd, rfd);
	if (r < 0 || o->irqfd) {
		intx_close(run, &rfd);
		return r;
	}
	o->rfd = rfd;
	o->irqfd = true;
	return 0;
}

/* irqfd NAME resample on an MSI route: the kernel takes it (issue 11's text says otherwise) */
static int route_irqfd_resample(struct run *run, const struct sc_step *st, struct run_obj *o)
{
	int rfd, r = run_route_live(run, st);

	if (r < 0)
		return r;
	pthread_mutex_lock(&run->vm.bql);
	if (o->efd < 0)
		o->efd = intx_eventfd(run, 0);
	rfd = o->efd < 0 ? o->efd : intx_eventfd(run, EFD_NONBLOCK);
	r = rfd < 0 ? rfd : kvm_irqchip_add_irqfd_notifier_gsi(&run->vm.kvm, o->efd, rfd, o->virq);
	if (r == 0 && !o->irqfd) {
		o->rfd = rfd;
		o->irqfd = true;
	} else {
		intx_close(run, &rfd);
	}
	pthread_mutex_unlock(&run->vm.bql);
	return r;
}

/* ---- probes: a scratch VM beside the scenario's ---- */

/*
 * KVM_CREATE_VM with no KVM_CREATE_IRQCHIP (no-irqchip), or with
 * KVM_CAP_SPLIT_IRQCHIP's 24 IOAPIC routes enabled instead (split, as
 * QEMU's kernel-irqchip=split): the LAPICs in the kernel, the IOAPIC and
 * PIC in userspace. Returns its fd or -errno.
 */
static int probe_vm(KVMState *s, bool split)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
	long fd = kvm_ioctl(s, KVM_CREATE_VM, NULL, "type=0 (probe)");
	long r;

	if (fd < 0 || !split)
		return (int)fd;
	r = kvm_do_ioctl(s, (int)fd, KVM_ENABLE_CAP, "KVM_ENABLE_CAP", &cap,
			 "cap=KVM_CAP_SPLIT_IRQCHIP args[0]=24 (probe)");
	if (r < 0) {
		s->sys->close(s->sys->priv, (int)fd);
		return (int)r;
	}
	return (int)fd;
}

/* KVM_IRQFD on GSI 0 of the probe VM; deassigned again if the kernel took it */
static int probe_irqfd(struct run *run, const struct sc_step *st, int vmfd)
{
	KVMState *s = &run->vm.kvm;
	struct kvm_irqfd irqfd = { .gsi = 0 };
	int efd = intx_eventfd(run, 0), rfd = -1;
	long r = efd;

	if (efd >= 0 && st->value)
		r = rfd = intx_eventfd(run, EFD_NONBLOCK);
	if (r >= 0) {
		irqfd.fd = (uint32_t)efd;
		irqfd.flags = st->value ? KVM_IRQFD_FLAG_RESAMPLE : 0;
		irqfd.resamplefd = rfd < 0 ? 0 : (uint32_t)rfd;
		r = kvm_do_ioctl(s, vmfd, KVM_IRQFD, "KVM_IRQFD", &irqfd,
				 "gsi=0 fd=%d flags=0x%x (probe, %s)", efd, irqfd.flags,
				 st->set ? "no irqchip" : "split irqchip");
	}
	if (r == 0) {
		irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
		kvm_do_ioctl(s, vmfd, KVM_IRQFD, "KVM_IRQFD", &irqfd, "deassign (probe)");
	}
	intx_close(run, &rfd);
	intx_close(run, &efd);
	return (int)r;
}

/* KVM_IRQ_LINE_STATUS of GSI 0 level 1 on the probe VM; its status is expect status's */
static int probe_irq_line(struct run *run, int vmfd)
{
	struct kvm_irq_level ev = { .irq = 0, .level = 1 };
	long r = kvm_do_ioctl(&run->vm.kvm, vmfd, KVM_IRQ_LINE_STATUS, "KVM_IRQ_LINE_STATUS", &ev,
			      "irq=0 level=1 (probe)");

	if (r < 0)
		return (int)r;
	run->line_status = (struct gsi_status){ .calls = 1, .pic = KVM_IRQ_STATUS_IGNORED,
						.ioapic = ev.status };
	run->has_line_status = true;
	return 0;
}

static int step_probe(struct run *run, const struct sc_step *st)
{
	int vmfd = probe_vm(&run->vm.kvm, !st->set);
	int r;

	if (vmfd < 0)
		return vmfd;
	trace_event("probe", "%s on a VM with %s", st->op == SC_PROBE_IRQFD ? "KVM_IRQFD" :
		    "KVM_IRQ_LINE_STATUS", st->set ? "no irqchip" : "a split irqchip");
	r = st->op == SC_PROBE_IRQFD ? probe_irqfd(run, st, vmfd) : probe_irq_line(run, vmfd);
	run->vm.kvm.sys->close(run->vm.kvm.sys->priv, vmfd);
	return r;
}

int run_intx_step(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name < 0 ? 0 : st->name];

	switch (st->op) {
	case SC_LINE_DEFINE:
		return step_line_define(run, st);
	case SC_LINE_HIGH: case SC_LINE_LOW: case SC_LINE_PULSE:
		return step_line(run, st);
	case SC_IRQFD_ADD: case SC_IRQFD_REMOVE: case SC_IRQFD_RESAMPLE:
		return o->is_line ? line_irqfd(run, st, o) : route_irqfd_resample(run, st, o);
	case SC_PROBE_IRQFD: case SC_PROBE_IRQ_LINE:
		return step_probe(run, st);
	case SC_GUEST_LEVEL_ACK:
		return step_guest_level_ack(run, st);
	case SC_GUEST_EOI:
		return intx_guest_cmd(run, st, VIRQ_OP_EOI, (uint32_t[8]){ 0 }, NULL);
	default:
		return step_guest_ioapic(run, st);
	}
}

/* ---- expects ---- */

/* interrupts the guest took on every target the line's assertions reached */
static uint64_t line_taken(struct run *run, const struct run_obj *o)
{
	uint64_t n = 0;

	for (int t = 0; t < o->nr_targets; t++)
		n += target_count(run, o, t);
	return n;
}

struct line_wait {
	const struct sc_step *st;
	const struct run_obj *o;
	struct intx_line l;
	uint64_t taken;
};

static bool line_matches(const struct sc_step *st, const struct intx_line *l, uint64_t taken)
{
	return (st->raised < 0 || (uint64_t)st->raised == l->st.raised) &&
	       (st->acked < 0 || (uint64_t)st->acked == l->st.acked) &&
	       (st->taken < 0 || (uint64_t)st->taken == taken) &&
	       (st->resamples < 0 || (uint64_t)st->resamples == l->st.resamples) &&
	       (st->reasserts < 0 || (uint64_t)st->reasserts == l->st.reasserts) &&
	       (st->level < 0 || st->level == l->level);
}

static bool line_reached(struct run *run, void *arg)
{
	struct line_wait *w = arg;

	intx_line_get(&run->intx, w->o->gsi, &w->l);
	w->taken = line_taken(run, w->o);
	return line_matches(w->st, &w->l, w->taken);
}

/* re-deliveries and resamples trail the step that caused them: wait for them to settle */
static bool expect_line(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct line_wait w = { .st = st, .o = &run->objs[st->name] };

	run_poll(run, line_reached, &w, run_timeout_ms(run, st->ms, 2000));
	snprintf(got, n, "GSI %d %s, level %d: raised %llu acked %llu lowered %llu taken %llu resamples %llu reasserts %llu, %llu KVM_IRQ_LINE",
		 w.o->gsi, intx_path_name(intx_line_path(&run->intx, w.o->gsi)), w.l.level,
		 (unsigned long long)w.l.st.raised, (unsigned long long)w.l.st.acked,
		 (unsigned long long)w.l.st.lowered, (unsigned long long)w.taken,
		 (unsigned long long)w.l.st.resamples, (unsigned long long)w.l.st.reasserts,
		 (unsigned long long)w.l.st.ioctls);
	return line_matches(st, &w.l, w.taken);
}

struct irr_wait {
	const struct sc_step *st;
	struct kvm_ioapic_state io;
	int r;
};

static bool irr_reached(struct run *run, void *arg)
{
	struct irr_wait *w = arg;

	w->r = kvm_ioapic_get(&run->vm.kvm, &w->io);
	return w->r < 0 || ioapic_rte_remote_irr(w->io.redirtbl[w->st->pin].bits) == w->st->set;
}

/* Remote IRR follows the guest's taking and EOI of the interrupt: wait for it to settle */
static bool expect_remote_irr(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct irr_wait w = { .st = st };
	uint64_t rte;

	run_poll(run, irr_reached, &w, run_timeout_ms(run, st->ms, 2000));
	if (w.r < 0) {
		snprintf(got, n, "KVM_GET_IRQCHIP failed: %s", strerrorname_np(-w.r) ?: "?");
		return false;
	}
	rte = w.io.redirtbl[st->pin].bits;
	snprintf(got, n, "pin %d: remote IRR %s (entry 0x%016llx, irr 0x%06x)", st->pin,
		 ioapic_rte_remote_irr(rte) ? "set" : "clear", (unsigned long long)rte, w.io.irr);
	return ioapic_rte_remote_irr(rte) == st->set;
}

static const char *status_name(int status, char *buf, size_t n)
{
	if (status < 0)
		return "ignored";
	if (status == 0)
		return "coalesced";
	snprintf(buf, n, "%d (delivered)", status);
	return buf;
}

static bool expect_status(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	bool pic = st->op == SC_EXPECT_STATUS_PIC;
	int status = pic ? run->line_status.pic : run->line_status.ioapic;
	char buf[24];

	if (!run->has_line_status || (pic && run->line_status.calls < 2)) {
		snprintf(got, n, "no %s status: %s", pic ? "PIC" : "IOAPIC",
			 !run->has_line_status ? "the last line step went through an irqfd (or none ran)" :
			 "the GSI is not an ISA IRQ, QEMU issues no PIC call for it");
		return false;
	}
	snprintf(got, n, "%s", status_name(status, buf, sizeof(buf)));
	return status == st->status || (status < 0 && st->status < 0);
}

static bool expect_resamples(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct run_obj *o = &run->objs[st->name];
	const struct sys_ops *sys = run->vm.kvm.sys;
	uint64_t v = 0;

	sleep_ns(run_timeout_ms(run, st->ms, 200) * 1000000ull);	/* one that comes late counts */
	if (o->rfd >= 0 && sys->read(sys->priv, o->rfd, &v, sizeof(v)) == sizeof(v))
		o->resamples_total += v;
	snprintf(got, n, "resamplefd signalled %llu time%s%s", (unsigned long long)o->resamples_total,
		 o->resamples_total == 1 ? "" : "s", o->rfd < 0 ? " (no resamplefd)" : "");
	return o->resamples_total == st->count;
}

/* ---- a passed-through device's INTx (hw/vfio/pci-intx.c) ---- */

static VFIOINTx intx_of(struct run *run, const struct run_device *d)
{
	VFIOINTx x;

	pthread_mutex_lock(&run->vm.bql);
	x = ((VFIOPCIDevice *)d->dev)->intx;
	pthread_mutex_unlock(&run->vm.bql);
	return x;
}

static bool expect_intx(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	VFIOINTx x = intx_of(run, &run->devs[st->dev]);

	snprintf(got, n, "enabled=%d kvm=%d gsi=%d interrupts=%llu eois=%llu", x.enabled,
		 x.kvm_accel, x.gsi, (unsigned long long)x.interrupts, (unsigned long long)x.eois);
	return (st->intx_enabled < 0 || st->intx_enabled == x.enabled) &&
	       (st->intx_kvm < 0 || st->intx_kvm == x.kvm_accel) &&
	       (st->gsi < 0 || st->gsi == x.gsi) &&
	       (st->interrupts < 0 || (uint64_t)st->interrupts == x.interrupts) &&
	       (st->eois < 0 || (uint64_t)st->eois == x.eois);
}

/*
 * One row per passed-through device that raised INTx or has a handler for
 * it: raised are the e1000e raises made while MSI-X was off, delivered the
 * handler's acks (each a read of ICR, which lowers the device's line), taken
 * the interrupts on its vector. A raise never acked fails the balance.
 */
static void run_intx_device_rows(struct run *run)
{
	for (int i = 0; i < SC_MAX_NAMES && run->nr_vectors < RUN_MAX_VECTORS; i++) {
		const struct run_device *d = &run->devs[i];
		struct run_vector *v;
		VFIOINTx x;
		int vec = d->intx_vector;

		if (!d->dev || strcmp(d->dev->type, "vfio-pci"))
			continue;
		x = intx_of(run, d);
		if (!x.raised && !vec)
			continue;
		v = &run->vectors[run->nr_vectors++];
		*v = (struct run_vector){ .index = x.gsi, .gsi = x.gsi, .host_irq = -1, .vcpu = -1,
					  .guest_vector = vec, .raised = x.raised, .level = true,
					  .path = !x.enabled ? "intx:off" : x.kvm_accel ?
						  "intx:irqfd+resample" : "intx:relay" };
		if (vec) {
			v->delivered = run->sh->level[vec].acks;
			for (int c = 0; c < run->sc->vcpus; c++)
				v->taken += guest_count(run, c, vec);
		}
		snprintf(v->device, sizeof(v->device), "%s", d->dev->name);
	}
}

bool run_intx_expect(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	switch (st->op) {
	case SC_EXPECT_INTX:
		return expect_intx(run, st, got, n);
	case SC_EXPECT_REMOTE_IRR:
		return expect_remote_irr(run, st, got, n);
	case SC_EXPECT_LINE:
		return expect_line(run, st, got, n);
	case SC_EXPECT_STATUS_IOAPIC: case SC_EXPECT_STATUS_PIC:
		return expect_status(run, st, got, n);
	default:
		return expect_resamples(run, st, got, n);
	}
}

/* ---- the lines' accounting ---- */

/*
 * What must hold of a line at the end. Duplicates: interrupts after an
 * ack while the line stayed down (line_count_duplicates), or acks of a
 * line already down. Lost: a line still up, its entry open, its handler
 * short of the N-th interrupt that acks it, and nothing holding the next
 * one back (a deferred EOI); not for a plain irqfd, which pulses, so a
 * level entry takes one assertion once whatever the device does: the
 * kernel's semantics, shown by the row (acked 0), not a loss. An edge
 * entry takes each delivered assertion exactly once.
 */
static void line_check(struct run *run, struct run_obj *o, const struct intx_line *l,
		       const struct run_vector *v)
{
	const struct virq_level_ack *h = line_handler(run, o);
	uint64_t rte = 0;
	bool open = line_rte(run, o->gsi, &rte) && !ioapic_rte_masked(rte);

	line_count_duplicates(run, o);
	if (o->duplicates || l->st.stale_acks)
		run_fail(run, NULL, "accounting: line %s: %llu interrupt%s after its ack while it was down, %llu ack%s of it down (duplicated)",
			 v->device, (unsigned long long)o->duplicates, o->duplicates == 1 ? "" : "s",
			 (unsigned long long)l->st.stale_acks, l->st.stale_acks == 1 ? "" : "s");
	if (!h) {
		if (!ioapic_rte_level(rte) && v->taken != v->delivered)
			run_fail(run, NULL, "accounting: line %s (edge entry): %llu interrupts for %llu delivered assertions",
				 v->device, (unsigned long long)v->taken,
				 (unsigned long long)v->delivered);
		return;
	}
	if (l->level && open && h->since && h->since < h->every &&
	    !(h->flags & VIRQ_LEVEL_DEFER_EOI) && strcmp(v->path, "irqfd"))
		run_fail(run, NULL, "accounting: line %s is still up with its entry unmasked after %u of %u interrupts: %u re-deliveries lost",
			 v->device, h->since, h->every, h->every - h->since);
}

/* one row per line: raised = delivered (taken at least once) + pending + dropped */
void run_intx_vectors(struct run *run, bool check)
{
	for (int i = 0; i < SC_MAX_NAMES && run->nr_vectors < RUN_MAX_VECTORS; i++) {
		struct run_obj *o = &run->objs[i];
		struct run_vector *v;
		struct intx_line l;
		bool seen;

		if (!o->is_line)
			continue;
		intx_line_get(&run->intx, o->gsi, &l);
		seen = l.level && line_seen(run, o);
		v = &run->vectors[run->nr_vectors++];
		*v = (struct run_vector){ .index = o->gsi, .gsi = o->gsi, .host_irq = -1,
					  .vcpu = o->nr_targets ? o->target_vcpu[o->nr_targets - 1] : -1,
					  .path = intx_path_name(intx_line_path(&run->intx, o->gsi)),
					  .raised = l.st.raised, .level = true,
					  .delivered = l.st.acked + o->delivered + seen,
					  .pending = l.level && !seen, .dropped = o->dropped,
					  .taken = line_taken(run, o) };
		v->guest_vector = o->nr_targets ? o->target_vector[o->nr_targets - 1] : 0;
		snprintf(v->device, sizeof(v->device), "%s", run->sc->names[i].name);
		if (check)
			line_check(run, o, &l, v);
	}
	run_intx_device_rows(run);
}
