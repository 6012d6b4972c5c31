// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace.c - the function lists the function tracer is given
 * (src/trace/trace.c trace_function_list): the seed's filter, then what
 * --ftrace-add names, checked before it reaches set_ftrace_filter and
 * L1's shell command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "trace/trace.h"

static const char *const base[] = { "kvm_irqfd", "vmx_pi_update_irte|avic_pi_update_irte", NULL };

static void test_trace_list_is_the_base_then_the_added_names(void **state)
{
	const char *out[TRACE_MAX_FUNCTIONS + 1];

	(void)state;
	assert_int_equal(trace_function_list(base, "pci_pm_reset,irqfd_shutdown|irqfd_deactivate", out),
			 0);
	assert_string_equal(out[0], "kvm_irqfd");
	assert_string_equal(out[2], "pci_pm_reset");
	assert_string_equal(out[3], "irqfd_shutdown|irqfd_deactivate");
	assert_null(out[4]);
	assert_int_equal(trace_function_count(out), 4);
	assert_int_equal(trace_function_list(base, NULL, out), 0);
	assert_int_equal(trace_function_count(out), 2);
	assert_int_equal(trace_function_list(base, "", out), 0);
	assert_null(out[2]);
}

/* what set_ftrace_filter would misread, or a shell would run, is refused */
static void test_trace_list_refuses_other_characters_and_empty_names(void **state)
{
	static const char *const bad[] = { "a;reboot", "a b", "a,,b", "a,", ",a", "$(x)", "a/b",
					   "a*" };
	const char *out[TRACE_MAX_FUNCTIONS + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (trace_function_list(base, bad[i], out) != -EINVAL)
			fail_msg("--ftrace-add '%s': wanted EINVAL, got accepted", bad[i]);
}

static void test_trace_list_holds_at_most_the_maximum(void **state)
{
	const char *out[TRACE_MAX_FUNCTIONS + 1];
	char add[512] = "";
	size_t len = 0;
	int i;

	(void)state;
	for (i = 0; i < TRACE_MAX_FUNCTIONS - 2; i++)
		len += (size_t)snprintf(add + len, sizeof(add) - len, "%sf%d", i ? "," : "", i);
	assert_int_equal(trace_function_list(base, add, out), 0);
	assert_int_equal(trace_function_count(out), TRACE_MAX_FUNCTIONS);
	snprintf(add + len, sizeof(add) - len, ",one_more");
	assert_int_equal(trace_function_list(base, add, out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_list_is_the_base_then_the_added_names),
		cmocka_unit_test(test_trace_list_refuses_other_characters_and_empty_names),
		cmocka_unit_test(test_trace_list_holds_at_most_the_maximum),
	};

	return cmocka_run_group_tests_name("ftrace function lists (--ftrace-add)", tests, NULL, NULL);
}
