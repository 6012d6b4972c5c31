// SPDX-License-Identifier: GPL-2.0
/*
 * run-ledger.c - the runner's side of the interrupt ledger: the rows as
 * they stand (the runner's own irqfd and KVM_SIGNAL_MSI raises, then every
 * device vector), the guest's counts, ledger_match between them, and the
 * end of a run: wait for what was told to arrive, then no interrupt lost,
 * misrouted, stale or delivered while masked unless an expect names it.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"

#define LEDGER_SETTLE_MS	5000

/* the guest's counts, and the vectors INTx lines own (run-intx.c accounts those) */
static void ledger_taken_read(struct run *run, struct ledger_taken *t)
{
	memset(t, 0, sizeof(*t));
	t->nr_cpus = run->sc->vcpus < VIRQ_GUEST_MAX_CPUS ? run->sc->vcpus : VIRQ_GUEST_MAX_CPUS;
	for (int c = 0; c < t->nr_cpus; c++)
		for (int v = 0; v < 256; v++)
			t->counts[c][v] = guest_count(run, c, v);
	for (int i = 0; i < SC_MAX_NAMES; i++) {
		const struct run_obj *o = &run->objs[i];
		int dv = run->devs[i].dev ? run->devs[i].intx_vector : 0;

		for (int k = 0; o->is_line && k < o->nr_targets; k++)
			t->level[o->target_vector[k] / 64] |= 1ull << (o->target_vector[k] % 64);
		if (dv)
			t->level[dv / 64] |= 1ull << (dv % 64);
	}
}

/* the runner's MSI rows (not the lines'), then the devices' */
int run_ledger_rows(struct run *run, struct run_vector *rows, int max)
{
	int n = 0;

	for (int i = 0; i < run->nr_vectors && n < max; i++)
		if (!run->vectors[i].level)
			rows[n++] = run->vectors[i];
	return run_device_rows(run, rows, n, max);
}

uint64_t run_ledger_match(struct run *run, struct run_vector *rows, int n)
{
	static struct ledger_taken t;	/* 8 KB: the runner's thread only */

	ledger_taken_read(run, &t);
	return ledger_match(rows, n, &t);
}

struct settle {
	struct ledger_taken t;
	uint32_t wanted[VIRQ_GUEST_MAX_CPUS][256];
};

/* every target has its messages, or the guest took as many in all (some elsewhere) */
static bool settled(struct run *run, void *arg)
{
	struct settle *s = arg;
	uint64_t want = 0, got = 0;
	bool all = true;

	for (int c = 0; c < s->t.nr_cpus; c++)
		for (int v = 0; v < 256; v++) {
			uint32_t n = guest_count(run, c, v);

			if (s->t.level[v / 64] & 1ull << (v % 64))
				continue;
			all &= n >= s->wanted[c][v];
			want += s->wanted[c][v];
			got += n;
		}
	return all || got >= want;
}

/*
 * run_ledger_settle - before the vCPUs stop: every message told has had
 * time to be taken (a misrouted one never is: the wait then ends at the
 * timeout, and ledger_match says where it went)
 */
void run_ledger_settle(struct run *run)
{
	static struct settle s;
	struct run_vector rows[RUN_MAX_VECTORS];
	int n = run_ledger_rows(run, rows, RUN_MAX_VECTORS);

	ledger_taken_read(run, &s.t);
	ledger_wanted(rows, n, &s.t, s.wanted);
	run_poll(run, settled, &s, run_timeout_ms(run, 0, LEDGER_SETTLE_MS));
}

/*
 * the last `expect vector` (or `expect signals`) of this row that gives the
 * field (by its offset in sc_step): the step, or NULL. Only the last counts:
 * an earlier `lost=0` must not let a later loss through.
 */
static const struct sc_step *last_naming(const struct run *run, const struct run_vector *v,
					 size_t field)
{
	const struct sc_step *last = NULL;

	for (int i = 0; i < run->sc->nr_steps; i++) {
		const struct sc_step *st = &run->sc->steps[i];
		bool row = (st->op == SC_EXPECT_VECTOR && st->index == v->index &&
			    !strcmp(run->sc->names[st->dev].name, v->device)) ||
			   (st->op == SC_EXPECT_SIGNALS && !v->index &&
			    !strcmp(run->sc->names[st->name].name, v->device));

		if (row && *(const int64_t *)((const char *)st + field) >= 0)
			last = st;
	}
	return last;
}

/* "vCPU 1 vector 0x41 last": the newest target the kernel was told for the row */
static const char *last_told(const struct run_vector *v, char *buf, size_t n)
{
	if (!v->ledger.nr)
		return "nothing";
	snprintf(buf, n, "vCPU %u vector 0x%x last", v->ledger.t[v->ledger.nr - 1].dest,
		 v->ledger.t[v->ledger.nr - 1].vector);
	return buf;
}

/* the expect that would name it: a device's vector, or a route's signals */
static void expect_text(const struct run *run, const struct run_vector *v, const char *field,
			char *buf, size_t n)
{
	if (!strcmp(v->path, "signal-msi")) {
		snprintf(buf, n, "expect (none can name a signal-msi step's %s)", field);
		return;
	}
	for (int i = 0; i < run->sc->nr_names; i++)
		if (!strcmp(run->sc->names[i].name, v->device) && run->devs[i].dev) {
			snprintf(buf, n, "expect vector dev=%s index=%d %s=N", v->device, v->index,
				 field);
			return;
		}
	snprintf(buf, n, "expect signals %s %s=N", v->device, field);
}

/* one of the four: zero, or named by an expect of the row (field at offset in sc_step) */
static void ledger_check(struct run *run, const struct run_vector *v, uint64_t count,
			 const char *field, size_t offset)
{
	const struct sc_step *st = last_naming(run, v, offset);
	char told[48], ex[96];
	int64_t want = st ? *(const int64_t *)((const char *)st + offset) : 0;

	if (count == (uint64_t)want)
		return;
	if (st) {
		run_fail(run, st, "ledger: %s vector %d: %llu %s at the end, the last expect naming it says %lld",
			 v->device, v->index, (unsigned long long)count, field, (long long)want);
		return;
	}
	expect_text(run, v, field, ex, sizeof(ex));
	run_fail(run, NULL, "ledger: %s vector %d: %llu %s (raised %llu, delivered %llu; the kernel was told %s) and no '%s' names it",
		 v->device, v->index, (unsigned long long)count, field,
		 (unsigned long long)v->raised, (unsigned long long)v->delivered,
		 last_told(v, told, sizeof(told)), ex);
}

/* a run_vector tally and the sc_step field of the same name that expects it */
#define LEDGER_CHECK(run, v, f)	do {							\
		_Static_assert(sizeof(((struct sc_step *)0)->f) == sizeof(int64_t), #f);	\
		ledger_check((run), (v), (v)->f, #f, offsetof(struct sc_step, f));	\
	} while (0)

static void ledger_check_row(struct run *run, const struct run_vector *v)
{
	if (v->overbooked)
		run_fail(run, NULL, "ledger: %s vector %d: the kernel was told %llu messages, %llu more than the device raised and did not keep (raised %llu = told + pending %llu + coalesced %llu + dropped %llu + moved %llu)",
			 v->device, v->index, (unsigned long long)v->ledger.told,
			 (unsigned long long)v->overbooked, (unsigned long long)v->raised,
			 (unsigned long long)v->pending, (unsigned long long)v->coalesced,
			 (unsigned long long)v->dropped, (unsigned long long)v->moved);
	if (v->ledger.untargeted)
		run_fail(run, NULL, "ledger: %s vector %d: told more than %d targets; %llu messages could not be matched",
			 v->device, v->index, MSI_LEDGER_TARGETS,
			 (unsigned long long)v->ledger.untargeted);
	LEDGER_CHECK(run, v, lost);
	LEDGER_CHECK(run, v, misrouted);
	LEDGER_CHECK(run, v, stale);
	LEDGER_CHECK(run, v, delivered_masked);
}

/*
 * run_check_accounting - at the end, with every row in run->vectors: each
 * MSI row matched; raised == delivered + misrouted + lost + pending +
 * coalesced + dropped + moved by construction, so what is checked is that
 * nothing was told more than raised, that the four failures are zero or
 * named, and that the guest took nothing else (the lines' own rules are
 * run-intx.c's).
 */
void run_check_accounting(struct run *run)
{
	uint64_t extra = run_ledger_match(run, run->vectors, run->nr_vectors);
	uint64_t taken = 0;
	uint32_t total = guest_total(run);

	for (int i = 0; i < run->nr_vectors; i++) {
		const struct run_vector *v = &run->vectors[i];

		taken += v->level ? v->taken : v->delivered + v->misrouted;
		if (!v->level)
			ledger_check_row(run, v);
	}
	if (extra)
		run_fail(run, NULL, "ledger: the guest took %llu interrupt%s the kernel was never told to deliver",
			 (unsigned long long)extra, extra == 1 ? "" : "s");
	if (total != taken + extra)
		run_fail(run, NULL, "accounting: the guest logged %u interrupts, the rows account for %llu",
			 total, (unsigned long long)(taken + extra));
}
