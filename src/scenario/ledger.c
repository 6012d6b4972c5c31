// SPDX-License-Identifier: GPL-2.0
/*
 * ledger.c - the interrupt ledger's matching (see ledger.h). Each message
 * the kernel was told (struct msi_ledger, booked by the device models and
 * the runner when they handed it over) must be taken by the guest on that
 * target; nothing else may be taken.
 */
#include <string.h>

#include "ledger.h"

static bool is_level(const struct ledger_taken *t, unsigned int vector)
{
	return t->level[vector / 64] & 1ull << (vector % 64);
}

void ledger_wanted(const struct run_vector *rows, int n, const struct ledger_taken *t,
		   uint32_t wanted[VIRQ_GUEST_MAX_CPUS][256])
{
	memset(wanted, 0, sizeof(uint32_t) * VIRQ_GUEST_MAX_CPUS * 256);
	for (int i = 0; i < n; i++) {
		const struct msi_ledger *l = &rows[i].ledger;

		for (int k = 0; !rows[i].level && k < l->nr; k++)
			if ((int)l->t[k].dest < t->nr_cpus && !is_level(t, l->t[k].vector))
				wanted[l->t[k].dest][l->t[k].vector] += (uint32_t)l->t[k].n;
	}
}

/* a row's messages against what is left of each target's count; returns the shortfall */
static uint64_t take_told(struct run_vector *v, uint32_t left[VIRQ_GUEST_MAX_CPUS][256],
			  const struct ledger_taken *t)
{
	const struct msi_ledger *l = &v->ledger;
	uint64_t shortfall = l->untargeted;

	v->delivered = 0;
	for (int k = 0; k < l->nr; k++) {
		unsigned int c = l->t[k].dest, vec = l->t[k].vector;
		uint64_t got = 0;

		/* told to a vCPU that does not exist, or a level line's vector: nothing to take */
		if ((int)c < t->nr_cpus && !is_level(t, vec)) {
			got = l->t[k].n < left[c][vec] ? l->t[k].n : left[c][vec];
			left[c][vec] -= (uint32_t)got;
		}
		v->delivered += got;
		shortfall += l->t[k].n - got;
	}
	return shortfall;
}

uint64_t ledger_match(struct run_vector *rows, int n, const struct ledger_taken *t)
{
	uint32_t left[VIRQ_GUEST_MAX_CPUS][256];
	uint64_t shortfall[RUN_MAX_VECTORS] = { 0 }, extra = 0;

	memcpy(left, t->counts, sizeof(left));
	for (int i = 0; i < n && i < RUN_MAX_VECTORS; i++)
		if (!rows[i].level)
			shortfall[i] = take_told(&rows[i], left, t);
	/* what the guest took that no message told: the misrouted ones, or invented */
	for (int c = 0; c < t->nr_cpus; c++)
		for (unsigned int vec = 0; vec < 256; vec++)
			if (!is_level(t, vec))
				extra += left[c][vec];
	for (int i = 0; i < n && i < RUN_MAX_VECTORS; i++) {
		struct run_vector *v = &rows[i];
		uint64_t accounted, m;

		if (v->level)
			continue;
		m = shortfall[i] < extra ? shortfall[i] : extra;
		extra -= m;
		v->misrouted = m;
		v->stale = v->ledger.stale;
		v->delivered_masked = v->ledger.masked;
		/* raised, and neither told nor pending, coalesced, dropped or moved: lost too */
		accounted = v->ledger.told + v->pending + v->coalesced + v->dropped + v->moved;
		v->unbooked = v->raised > accounted ? v->raised - accounted : 0;
		v->overbooked = v->raised < accounted ? accounted - v->raised : 0;
		v->lost = shortfall[i] - m + v->unbooked;
	}
	return extra;
}
