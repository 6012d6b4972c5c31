// SPDX-License-Identifier: GPL-2.0
/*
 * expect.c - the `expect` steps: each compares what the guest, KVMState or
 * the bus shows now with what the line wants, and records the verdict and
 * what was seen.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "../hw/pci/msix.h"

#define EXPECT_IRQ_TIMEOUT_MS	2000
#define EXPECT_SETTLE_MS	200

static bool expect_irq(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	uint32_t c;

	/* wait for the count to be reached (or to prove it is not) */
	guest_wait_count(run, st->vcpu, st->vector, st->count ? st->count : 1,
			 run_timeout_ms(run, st->ms, st->count ? EXPECT_IRQ_TIMEOUT_MS : EXPECT_SETTLE_MS));
	c = guest_count(run, st->vcpu, st->vector);
	snprintf(got, n, "vCPU %d vector 0x%x taken %u time%s", st->vcpu, st->vector, c,
		 c == 1 ? "" : "s");
	run->irq_cursor = guest_total(run);
	return c == st->count;
}

/* what arrived since the cursor, as "vCPU 1 0x41 x2, ..." */
static void describe_log(struct run *run, uint32_t from, uint32_t to, char *got, size_t n)
{
	const struct virq_log_ent *log = vm_gpa(&run->vm, VIRQ_LOG_GPA);
	size_t len = 0;

	len += snprintf(got + len, n - len, "%u interrupt%s:", to - from, to - from == 1 ? "" : "s");
	for (uint32_t i = from; i < to && i < VIRQ_LOG_MAX && len < n - 32; i++)
		len += snprintf(got + len, n - len, " (vCPU %u, 0x%x)", log[i].apic, log[i].vector);
}

static bool expect_irq_none(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	uint32_t from = run->irq_cursor, to;

	sleep_ns(run_timeout_ms(run, st->ms, EXPECT_SETTLE_MS) * 1000000ull);
	to = guest_total(run);
	run->irq_cursor = to;
	if (to == from) {
		snprintf(got, n, "no interrupt");
		return true;
	}
	describe_log(run, from, to, got, n);
	return false;
}

static bool expect_route(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	const struct run_obj *o = &run->objs[st->name];
	const struct kvm_irq_routing_entry *e = kvm_irqchip_find_route(&run->vm.kvm, o->virq);
	int dest, vec;

	if (!o->live || !e) {
		snprintf(got, n, "no route for GSI %d", o->virq);
		return false;
	}
	dest = (int)msi_x86_dest(e->u.msi.address_lo);
	vec = (int)msi_x86_vector(e->u.msi.data);
	snprintf(got, n, "GSI %u -> vCPU %d vector 0x%x", e->gsi, dest, vec);
	return (st->gsi < 0 || (int)e->gsi == st->gsi) && (st->vcpu < 0 || dest == st->vcpu) &&
	       (st->vector < 0 || vec == st->vector);
}

static bool expect_ioeventfd(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct run_obj *o = &run->objs[st->name];
	const struct sys_ops *sys = run->vm.kvm.sys;
	uint64_t v = 0;

	/* the eventfd counter is consumed by the read; keep the running total */
	if (o->efd >= 0 && sys->read(sys->priv, o->efd, &v, sizeof(v)) == sizeof(v))
		o->ioev_total += v;
	snprintf(got, n, "eventfd signalled %llu time%s", (unsigned long long)o->ioev_total,
		 o->ioev_total == 1 ? "" : "s");
	return o->ioev_total == st->count;
}

static bool expect_pending(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	PCIDevice *dev = run->devs[st->dev].dev;
	bool p;

	if ((unsigned int)st->index >= dev->msix_entries_nr) {
		snprintf(got, n, "%s has no vector %d", dev->name, st->index);
		return false;
	}
	pthread_mutex_lock(&run->vm.bql);
	p = msix_is_pending(dev, (unsigned int)st->index);
	pthread_mutex_unlock(&run->vm.bql);
	snprintf(got, n, "PBA bit %d %s", st->index, p ? "set" : "clear");
	return p == st->set;
}

#define TALLY_OK(st, v, f)	((st)->f < 0 || (uint64_t)(st)->f == (v)->f)

static bool vector_matches(const struct sc_step *st, const struct run_vector *v)
{
	return TALLY_OK(st, v, raised) && TALLY_OK(st, v, delivered) &&
	       TALLY_OK(st, v, pending) && TALLY_OK(st, v, dropped) && TALLY_OK(st, v, moved) &&
	       TALLY_OK(st, v, misrouted) && TALLY_OK(st, v, lost) && TALLY_OK(st, v, stale) &&
	       TALLY_OK(st, v, delivered_masked);
}

struct vector_wait {
	const struct sc_step *st;
	const char *name;		/* the row: a device's vector index, or a route's (0) */
	int index;
	struct run_vector v;
};

/* the row as the ledger stands now: every row matched, this one picked */
static bool vector_reached(struct run *run, void *arg)
{
	struct vector_wait *w = arg;
	struct run_vector rows[RUN_MAX_VECTORS];
	int n = run_ledger_rows(run, rows, RUN_MAX_VECTORS);

	run_ledger_match(run, rows, n);
	w->v = (struct run_vector){ .path = "none" };
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].device, w->name) && rows[i].index == w->index)
			w->v = rows[i];
	return vector_matches(w->st, &w->v);
}

/* a route's irqfd signals, as the ledger matched them */
static bool expect_signals(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct vector_wait w = { .st = st, .name = run->sc->names[st->name].name };

	run_poll(run, vector_reached, &w, run_timeout_ms(run, st->ms, EXPECT_IRQ_TIMEOUT_MS));
	snprintf(got, n, "%s: raised %llu delivered %llu misrouted %llu lost %llu stale %llu",
		 w.name, (unsigned long long)w.v.raised, (unsigned long long)w.v.delivered,
		 (unsigned long long)w.v.misrouted, (unsigned long long)w.v.lost,
		 (unsigned long long)w.v.stale);
	return vector_matches(st, &w.v);
}

/* interrupts arrive after the device raised them: wait for delivered to settle */
static bool expect_vector(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct run_device *d = &run->devs[st->dev];
	struct vector_wait w = { .st = st, .name = d->dev->name, .index = st->index };

	if ((unsigned int)st->index >= d->dev->msix_entries_nr || st->index >= RUN_MAX_MSIX) {
		snprintf(got, n, "%s has no vector %d", d->dev->name, st->index);
		return false;
	}
	run_poll(run, vector_reached, &w, run_timeout_ms(run, st->ms, EXPECT_IRQ_TIMEOUT_MS));
	snprintf(got, n, "%s vector %d: raised %llu delivered %llu pending %llu coalesced %llu dropped %llu moved %llu misrouted %llu lost %llu stale %llu delivered_masked %llu (%s)",
		 d->dev->name, st->index, (unsigned long long)w.v.raised,
		 (unsigned long long)w.v.delivered, (unsigned long long)w.v.pending,
		 (unsigned long long)w.v.coalesced, (unsigned long long)w.v.dropped,
		 (unsigned long long)w.v.moved, (unsigned long long)w.v.misrouted,
		 (unsigned long long)w.v.lost, (unsigned long long)w.v.stale,
		 (unsigned long long)w.v.delivered_masked, w.v.path);
	return vector_matches(st, &w.v);
}

static uint64_t device_completions(struct run *run, struct run_device *d)
{
	uint64_t c;

	pthread_mutex_lock(&run->vm.bql);
	c = d->type->completions(d->dev);
	pthread_mutex_unlock(&run->vm.bql);
	return c;
}

struct completions_wait {
	struct run_device *d;
	uint64_t want;
};

static bool completions_reached(struct run *run, void *arg)
{
	struct completions_wait *w = arg;

	return device_completions(run, w->d) >= w->want;
}

static bool expect_completions(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	struct completions_wait w = { &run->devs[st->dev], st->count };
	uint64_t c;

	run_poll(run, completions_reached, &w, run_timeout_ms(run, st->ms, EXPECT_IRQ_TIMEOUT_MS));
	c = device_completions(run, w.d);
	snprintf(got, n, "%llu completion%s", (unsigned long long)c, c == 1 ? "" : "s");
	return c == st->count;
}

static bool expect_check(struct run *run, const struct sc_step *st, char *got, size_t n)
{
	KVMState *s = &run->vm.kvm;
	uint64_t c;

	switch (st->op) {
	case SC_EXPECT_IRQ:
		return expect_irq(run, st, got, n);
	case SC_EXPECT_IRQ_NONE:
		return expect_irq_none(run, st, got, n);
	case SC_EXPECT_COMMITS:
		snprintf(got, n, "%u KVM_SET_GSI_ROUTING (%u refused)", s->commits, s->commit_errors);
		return s->commits == st->count;
	case SC_EXPECT_ROUTES:
		snprintf(got, n, "%u entries", s->irq_routes->nr);
		return s->irq_routes->nr == st->count;
	case SC_EXPECT_ROUTE:
		return expect_route(run, st, got, n);
	case SC_EXPECT_EXITS:
		c = bus_exit_count(&run->vm.bus, st->mmio ? BUS_MMIO : BUS_PIO, st->addr);
		snprintf(got, n, "%llu exit%s", (unsigned long long)c, c == 1 ? "" : "s");
		return c == st->count;
	case SC_EXPECT_IOEVENTFD:
		return expect_ioeventfd(run, st, got, n);
	case SC_EXPECT_RESULT:
		snprintf(got, n, "%s", sc_errno_name(-run->last_err));
		return -run->last_err == st->err;
	case SC_EXPECT_PENDING:
		return expect_pending(run, st, got, n);
	case SC_EXPECT_VECTOR:
		return expect_vector(run, st, got, n);
	case SC_EXPECT_SIGNALS:
		return expect_signals(run, st, got, n);
	case SC_EXPECT_COMPLETIONS:
		return expect_completions(run, st, got, n);
	case SC_EXPECT_REMOTE_IRR: case SC_EXPECT_LINE: case SC_EXPECT_STATUS_IOAPIC:
	case SC_EXPECT_STATUS_PIC: case SC_EXPECT_RESAMPLES: case SC_EXPECT_INTX:
		return run_intx_expect(run, st, got, n);
	case SC_EXPECT_IRQFDS: case SC_EXPECT_KERNEL_ROUTES: case SC_EXPECT_KERNEL_ROUTE:
		return run_faults_expect(run, st, got, n);
	default:
		snprintf(got, n, "unknown expect");
		return false;
	}
}

/* these read KVMState, which device notifiers edit on vCPU threads */
static bool expect_reads_routes(enum sc_op op)
{
	return op == SC_EXPECT_COMMITS || op == SC_EXPECT_ROUTES || op == SC_EXPECT_ROUTE;
}

void run_expect(struct run *run, const struct sc_step *st)
{
	struct run_expect *e = &run->expects[run->nr_expects++];

	e->line = st->line;
	snprintf(e->text, sizeof(e->text), "%s", st->text);
	if (expect_reads_routes(st->op))
		pthread_mutex_lock(&run->vm.bql);
	e->passed = expect_check(run, st, e->got, sizeof(e->got));
	if (expect_reads_routes(st->op))
		pthread_mutex_unlock(&run->vm.bql);
	pr_info("%s:%d: %s: %s (%s)", run->sc->file, st->line, e->passed ? "ok" : "FAILED",
		st->text, e->got);
	if (!e->passed && run->status == VIRQ_EXIT_OK)
		run->status = VIRQ_EXIT_FAIL;
}
