// SPDX-License-Identifier: GPL-2.0
/*
 * test_ledger.c - the interrupt ledger's matching (src/scenario/ledger.c,
 * src/hw/pci/msi-ledger.c), pure logic: rows with what the kernel was told,
 * made-up guest counts, no VM. The cases the old ledger let through (it
 * counted a delivery on any vCPU and any guest vector the entry had ever
 * targeted) are the first four.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scenario/ledger.h"

static struct ledger_taken t;
static struct run_vector rows[4];

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	memset(rows, 0, sizeof(rows));
	t.nr_cpus = 2;
	return 0;
}

/* the kernel was told vCPU dest vector vec n times; the guest's entry said edest/evec */
static void tell(struct run_vector *v, unsigned int dest, unsigned int vec, unsigned int edest,
		 unsigned int evec, bool masked, int n)
{
	for (int i = 0; i < n; i++) {
		msi_ledger_tell(&v->ledger, msi_x86_message(dest, vec), msi_x86_message(edest, evec),
				masked);
		v->raised++;
	}
}

static void exact(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 3);
	t.counts[0][0x41] = 3;
	assert_int_equal(ledger_match(rows, 1, &t), 0);
	assert_int_equal(rows[0].delivered, 3);
	assert_int_equal(rows[0].misrouted + rows[0].lost + rows[0].stale +
			 rows[0].delivered_masked, 0);
}

/* told vCPU 0, taken on vCPU 1 with the same vector: the old ledger called it delivered */
static void wrong_vcpu(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 1);
	t.counts[1][0x41] = 1;
	assert_int_equal(ledger_match(rows, 1, &t), 0);
	assert_int_equal(rows[0].delivered, 0);
	assert_int_equal(rows[0].misrouted, 1);
	assert_int_equal(rows[0].lost, 0);
}

/* told the kernel's old route while the entry said vCPU 1 (rewrite while unmasked) */
static void stale_route(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 1, 0x41, false, 1);
	t.counts[0][0x41] = 1;
	ledger_match(rows, 1, &t);
	assert_int_equal(rows[0].delivered, 1);
	assert_int_equal(rows[0].stale, 1);
}

/* the NORESIZE re-enable bug: KVM's trigger left on a vector the guest masked */
static void delivered_masked(void **state)
{
	(void)state;
	tell(&rows[0], 1, 0x42, 1, 0x42, true, 2);
	t.counts[1][0x42] = 2;
	ledger_match(rows, 1, &t);
	assert_int_equal(rows[0].delivered, 2);
	assert_int_equal(rows[0].delivered_masked, 2);
}

static void lost_and_unbooked(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 2);
	rows[0].raised += 1;	/* raised, never told, not pending: VFIO had no trigger */
	t.counts[0][0x41] = 1;
	assert_int_equal(ledger_match(rows, 1, &t), 0);
	assert_int_equal(rows[0].delivered, 1);
	assert_int_equal(rows[0].unbooked, 1);
	assert_int_equal(rows[0].lost, 2);
}

/* pending, coalesced, dropped and moved raises are accounted, not lost */
static void kept_ones(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 1);
	rows[0].raised += 4;
	rows[0].pending = rows[0].coalesced = rows[0].dropped = rows[0].moved = 1;
	t.counts[0][0x41] = 1;
	ledger_match(rows, 1, &t);
	assert_int_equal(rows[0].lost, 0);
	assert_int_equal(rows[0].overbooked, 0);
}

static void overbooked(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 2);
	rows[0].raised = 1;
	t.counts[0][0x41] = 2;
	ledger_match(rows, 1, &t);
	assert_int_equal(rows[0].overbooked, 1);
}

/* nothing told, yet taken: invented; a level line's vector is not this ledger's */
static void invented_and_level(void **state)
{
	(void)state;
	t.counts[0][0x60] = 1;
	t.counts[0][0x50] = 5;
	t.level[0x50 / 64] |= 1ull << (0x50 % 64);
	rows[1].level = true;
	assert_int_equal(ledger_match(rows, 2, &t), 1);
}

/* two rows told the same target are served in order; the second's shortfall is lost */
static void shared_target(void **state)
{
	(void)state;
	tell(&rows[0], 0, 0x41, 0, 0x41, false, 2);
	tell(&rows[1], 0, 0x41, 0, 0x41, false, 1);
	t.counts[0][0x41] = 2;
	assert_int_equal(ledger_match(rows, 2, &t), 0);
	assert_int_equal(rows[0].delivered, 2);
	assert_int_equal(rows[1].delivered, 0);
	assert_int_equal(rows[1].lost, 1);
}

/* a message told to an APIC ID with no vCPU cannot be taken: lost */
static void no_such_vcpu(void **state)
{
	(void)state;
	tell(&rows[0], 5, 0x41, 5, 0x41, false, 1);
	assert_int_equal(ledger_match(rows, 1, &t), 0);
	assert_int_equal(rows[0].lost, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(exact, setup),
		cmocka_unit_test_setup(wrong_vcpu, setup),
		cmocka_unit_test_setup(stale_route, setup),
		cmocka_unit_test_setup(delivered_masked, setup),
		cmocka_unit_test_setup(lost_and_unbooked, setup),
		cmocka_unit_test_setup(kept_ones, setup),
		cmocka_unit_test_setup(overbooked, setup),
		cmocka_unit_test_setup(invented_and_level, setup),
		cmocka_unit_test_setup(shared_target, setup),
		cmocka_unit_test_setup(no_such_vcpu, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
