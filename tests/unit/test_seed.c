// SPDX-License-Identifier: GPL-2.0
/*
 * test_seed.c - the seed trace matcher (src/trace/seed.c) on ftrace text as
 * each kernel era writes it: the vendor hook is vmx_pi_update_irte (the
 * seed), avic_pi_update_irte (6.1 and later, the lab's SVM) or
 * svm_update_pi_irte (Debian 11's 5.10), and all must count as the seed's
 * pi_update_irte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace/seed.h"

#define ALL_BLOCKS	(1 << SEED_RELEASE | 1 << SEED_COMMIT | 1 << SEED_USE | 8)

/* a made-up caller per call; seed.c reads only the callee */
static void write_seed_trace(FILE *f, const char *hook)
{
	fprintf(f, "# tracer: function\n");
	fprintf(f, "  virq-1 [000] .... 1.0: tracing_mark_write: virq: step mask\n");
	for (int i = 0; seed_calls[i]; i++) {
		const char *fn = strcmp(seed_calls[i], "pi_update_irte") ? seed_calls[i] : hook;

		fprintf(f, "  CPU 0/KVM-2 [000] d... 1.%d: %s <-caller_%d\n", i + 1, fn, i);
	}
}

static int compare_with(const char *hook)
{
	char path[] = "/tmp/test_seed.XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f = fdopen(fd, "w"), *out = fopen("/dev/null", "w");

	assert_non_null(f);
	write_seed_trace(f, hook);
	fclose(f);
	r = seed_trace_compare(path, out);
	fclose(out);
	unlink(path);
	return r;
}

static void test_seed_vmx_hook_matches(void **state)
{
	(void)state;
	assert_int_equal(compare_with("vmx_pi_update_irte"), ALL_BLOCKS);
}

static void test_seed_avic_hook_matches(void **state)
{
	(void)state;
	assert_int_equal(compare_with("avic_pi_update_irte"), ALL_BLOCKS);
}

static void test_seed_svm_5_10_hook_matches(void **state)
{
	(void)state;
	assert_int_equal(compare_with("svm_update_pi_irte"), ALL_BLOCKS);
}

/* 6.17's common caller is not the vendor hook: no block with it matches */
static void test_seed_kvm_pi_update_irte_is_not_the_hook(void **state)
{
	(void)state;
	assert_int_equal(compare_with("kvm_pi_update_irte"), 0);
}

/* a compiler clone (foo.isra.0) is the function itself */
static void test_seed_clone_suffix_matches(void **state)
{
	(void)state;
	assert_int_equal(compare_with("avic_pi_update_irte.isra.0"), ALL_BLOCKS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_vmx_hook_matches),
		cmocka_unit_test(test_seed_avic_hook_matches),
		cmocka_unit_test(test_seed_svm_5_10_hook_matches),
		cmocka_unit_test(test_seed_kvm_pi_update_irte_is_not_the_hook),
		cmocka_unit_test(test_seed_clone_suffix_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
