// SPDX-License-Identifier: GPL-2.0
/*
 * test_seed.c - virq trace-compare on real traces: the seed's own, and the
 * lab's traces of the same move on each kernel era (tests/data/).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trace/seed.h"
#include "trace/diff.h"

static int compare(const char *name, struct seed_match *m)
{
	char path[512];
	FILE *out = fopen("/dev/null", "w");
	int r;

	snprintf(path, sizeof(path), "%s/tests/data/%s", SRCDIR, name);
	r = seed_trace_compare(path, out, m);
	fclose(out);
	return r;
}

/* the seed's 21 calls back to back, callers too, with the era's names */
static void seed_21(const char *trace, const char *pi_hook, const char *vfio_ioctl)
{
	struct seed_match m;

	assert_int_equal(compare(trace, &m), 0);
	assert_true(m.back_to_back);
	assert_int_equal(m.caller_ok[SEED_RELEASE], 6);
	assert_int_equal(m.caller_ok[SEED_COMMIT], 9);
	assert_int_equal(m.caller_ok[SEED_USE], 6);
	assert_int_equal(m.commit_updates, 3);
	assert_int_equal(m.commit_arch_updates, 2);
	assert_int_equal(m.commit_filter_calls, 0);
	assert_int_equal(m.commit_at, m.at[SEED_COMMIT]);
	assert_string_equal(m.pi_hook, pi_hook);
	assert_string_equal(m.vfio_ioctl, vfio_ioctl);
}

static void test_seed_trace_matches_itself(void **state)
{
	(void)state;
	seed_21("seed.ftrace", "vmx_pi_update_irte", "vfio_pci_core_ioctl");
}

/* 5.10: no route filter, so the plain move gives the seed's 21 calls */
static void test_seed_5_10_plain_move_is_the_seed(void **state)
{
	(void)state;
	seed_21("seed-affinity-5.10.ftrace", "svm_update_pi_irte", "vfio_pci_ioctl");
}

/* 6.1: the route filter leaves the commit three bare irqfd_update */
static void test_seed_6_1_plain_move_commits_bare_updates(void **state)
{
	struct seed_match m;

	(void)state;
	assert_int_equal(compare("seed-affinity-6.1.ftrace", &m), 0);
	assert_false(m.back_to_back);
	assert_true(m.at[SEED_RELEASE] >= 0);
	assert_int_equal(m.at[SEED_COMMIT], -1);
	assert_true(m.at[SEED_USE] > m.at[SEED_RELEASE]);
	assert_int_equal(m.caller_ok[SEED_RELEASE], 6);
	assert_int_equal(m.caller_ok[SEED_USE], 6);
	assert_int_equal(m.commit_len, 5);
	assert_int_equal(m.commit_updates, 3);
	assert_int_equal(m.commit_arch_updates, 0);
	assert_true(m.commit_at > m.at[SEED_RELEASE] && m.commit_at < m.at[SEED_USE]);
	assert_string_equal(m.pi_hook, "avic_pi_update_irte");
}

/*
 * A Linux guest under QEMU 7.2 in L1 (virq lab linux-move, 6.1): its
 * smp_affinity move of eth0-tx-0, cut at its port marks, is the plain move:
 * release, a commit of three bare irqfd_update, use; the device's
 * interrupts (vfio_msihandler) around them are not the seed's calls.
 */
static void test_seed_6_1_linux_guest_move(void **state)
{
	struct seed_match m;

	(void)state;
	assert_int_equal(compare("linux-move-6.1.ftrace", &m), 0);
	assert_int_equal(m.at[SEED_RELEASE], 0);
	assert_int_equal(m.caller_ok[SEED_RELEASE], 6);
	assert_int_equal(m.at[SEED_COMMIT], -1);
	assert_int_equal(m.commit_at, 6);
	assert_int_equal(m.commit_len, 5);
	assert_int_equal(m.commit_updates, 3);
	assert_int_equal(m.commit_filter_calls, 2);
	assert_int_equal(m.at[SEED_USE], 11);
	assert_int_equal(m.caller_ok[SEED_USE], 6);
	assert_string_equal(m.pi_hook, "avic_pi_update_irte");
}

/* 6.12 and 7.2 in the lab: no bypass consumer, so no PI hook and no seed block */
static void no_consumer(const char *trace)
{
	struct seed_match m;

	assert_int_equal(compare(trace, &m), 0);
	for (int b = 0; b < SEED_BLOCKS; b++)
		assert_int_equal(m.at[b], -1);
	assert_int_equal(m.commit_len, 5);
	assert_int_equal(m.commit_updates, 3);
	assert_string_equal(m.pi_hook, "");
}

static void test_seed_6_12_no_consumer(void **state)
{
	(void)state;
	no_consumer("seed-affinity-6.12.ftrace");
}

static void test_seed_7_2_no_consumer(void **state)
{
	(void)state;
	no_consumer("seed-affinity-7.2.ftrace");
}

static void test_seed_missing_file(void **state)
{
	struct seed_match m;

	(void)state;
	assert_int_equal(compare("no-such.ftrace", &m), -ENOENT);
}

/* trace_diff's report of two fixtures, in a malloc'ed string */
static char *diff(const char *a, const char *b, struct trace_diff_result *res)
{
	char pa[512], pb[512], *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	snprintf(pa, sizeof(pa), "%s/tests/data/%s", SRCDIR, a);
	snprintf(pb, sizeof(pb), "%s/tests/data/%s", SRCDIR, b);
	assert_int_equal(trace_diff(pa, pb, out, res), 0);
	fclose(out);
	return buf;
}

/* one step's block of the report, up to the next step or the summary; "" if the step is the same */
static const char *diff_step(const char *report, const char *step)
{
	static char block[2048];
	const char *s = strstr(report, step), *e;

	if (!s)
		return "";
	e = strstr(s + 1, "\nstep ");
	if (!e)
		e = strstr(s, " steps, ");
	snprintf(block, sizeof(block), "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
	return block;
}

static void test_trace_diff_same_trace_has_no_difference(void **state)
{
	struct trace_diff_result res;
	char *r = diff("seed-affinity-virq-6.1.ftrace", "seed-affinity-virq-6.1.ftrace", &res);

	(void)state;
	assert_int_equal(res.differing, 0);
	assert_true(res.steps > 20);
	free(r);
}

/*
 * seed-affinity's guest steps under virq and under real QEMU 11.1.3 in the
 * lab (6.1, e1000e passed through): every MSI-X step makes the same kernel
 * calls; what differs is QEMU's INTx (set up before the first step, torn
 * down at MSI-X enable, line 20: virq has no INTx) and QEMU's teardown in
 * the last step (virq's trace ends before its own)
 */
static void test_trace_diff_virq_matches_qemu_11_1_on_msix_steps(void **state)
{
	struct trace_diff_result res;
	char *r = diff("seed-affinity-virq-6.1.ftrace", "seed-affinity-qemu-11.1-6.1.ftrace", &res);
	const char *s20 = diff_step(r, "step 20:");

	(void)state;
	assert_int_equal(res.differing, 3);
	assert_non_null(strstr(r, "step 0:"));
	assert_non_null(strstr(r, "step 42:"));
	assert_non_null(strstr(s20, "irq_bypass_unregister_consumer"));
	/* the MSI-X enable itself: the same SET_IRQS under both */
	assert_null(strstr(s20, "vfio_pci_set_msi_trigger"));
	assert_null(strstr(r, "step 21:"));
	free(r);
}

/* QEMU 7.2 enables MSI-X by using and releasing vector 0 (11.1: vfio_enable_msix_no_vec) */
static void test_trace_diff_qemu_7_2_enables_msix_otherwise(void **state)
{
	struct trace_diff_result res;
	char *r = diff("seed-affinity-virq-6.1.ftrace", "seed-affinity-qemu-7.2-6.1.ftrace", &res);
	const char *s20 = diff_step(r, "step 20:"), *line;

	(void)state;
	line = strstr(s20, "vfio_pci_set_msi_trigger");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "vfio_pci_set_msi_trigger %*d %*d"), 0);
	assert_non_null(strstr(line, " 1     2\n"));
	assert_non_null(strstr(r, "step 21:"));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_trace_matches_itself),
		cmocka_unit_test(test_seed_5_10_plain_move_is_the_seed),
		cmocka_unit_test(test_seed_6_1_plain_move_commits_bare_updates),
		cmocka_unit_test(test_seed_6_1_linux_guest_move),
		cmocka_unit_test(test_seed_6_12_no_consumer),
		cmocka_unit_test(test_seed_7_2_no_consumer),
		cmocka_unit_test(test_seed_missing_file),
		cmocka_unit_test(test_trace_diff_same_trace_has_no_difference),
		cmocka_unit_test(test_trace_diff_virq_matches_qemu_11_1_on_msix_steps),
		cmocka_unit_test(test_trace_diff_qemu_7_2_enables_msix_otherwise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
