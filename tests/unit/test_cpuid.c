// SPDX-License-Identifier: GPL-2.0
/*
 * test_cpuid.c - what virq changes in KVM_GET_SUPPORTED_CPUID's table for
 * one vCPU (src/vmm/cpuid.c), and the probe that sizes the table, against
 * a fake /dev/kvm. What the kernel then does with it is the lab's to show
 * (tests/kernels/boot64.c reads it back on two vCPUs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/vmm/cpuid.h"

#define HOST_NENT	70	/* more than the probe's first try */

static unsigned int probes;

/* the host's table: leaf 1 with host APIC id 5 and 16 threads, leaf 0xb's two levels */
static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	struct kvm_cpuid2 *c = arg;

	(void)p;
	(void)fd;
	if (req != KVM_GET_SUPPORTED_CPUID)
		return -ENOTTY;
	probes++;
	if (c->nent < HOST_NENT)
		return -E2BIG;
	memset(c->entries, 0, HOST_NENT * sizeof(c->entries[0]));
	c->entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x00a00f11,
		.ebx = 5u << 24 | 16u << 16 | 0x0800, .ecx = 0x7ed8320b,
		.edx = 0x178bfbff };
	for (int i = 0; i < 2; i++)
		c->entries[1 + i] = (struct kvm_cpuid_entry2){ .function = 0xb, .index = (uint32_t)i,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ecx = (uint32_t)(i + 1) << 8 | (uint32_t)i,
			.edx = 5 };
	for (int i = 3; i < HOST_NENT; i++)
		c->entries[i].function = 0x80000000u + (uint32_t)i;
	c->nent = HOST_NENT;
	return 0;
}

static const struct sys_ops fake_ops = { .ioctl = fake_ioctl };

static void test_cpuid_probe_grows_until_the_table_fits(void **state)
{
	KVMState s = { .sys = &fake_ops, .fd = 3 };
	struct kvm_cpuid2 *c = NULL;

	(void)state;
	probes = 0;
	assert_int_equal(kvm_get_supported_cpuid(&s, &c), 0);
	assert_non_null(c);
	assert_int_equal(c->nent, HOST_NENT);
	assert_int_equal(probes, 2);	/* 64 was E2BIG, 128 fit */
	free(c);
}

static void test_cpuid_fixup_puts_the_vcpus_apic_id(void **state)
{
	KVMState s = { .sys = &fake_ops, .fd = 3 };
	struct kvm_cpuid2 *c = NULL;
	struct kvm_cpuid_entry2 *e;

	(void)state;
	assert_int_equal(kvm_get_supported_cpuid(&s, &c), 0);
	cpuid_fixup_vcpu(c, 3, true);
	e = cpuid_find_entry(c, 1, 0);
	assert_non_null(e);
	/* APIC id 3 in EBX[31:24], the CLFLUSH size kept, no thread count */
	assert_int_equal(e->ebx, 3u << 24 | 0x0800);
	assert_true(e->ecx & CPUID_1_ECX_HYPERVISOR);
	assert_true(e->ecx & CPUID_1_ECX_TSC_DEADLINE);
	assert_false(e->edx & CPUID_1_EDX_HTT);
	assert_int_equal(e->eax, 0x00a00f11);	/* the rest is the host's */
	for (uint32_t i = 0; i < 2; i++) {
		e = cpuid_find_entry(c, 0xb, i);
		assert_non_null(e);
		assert_int_equal(e->index, i);
		assert_int_equal(e->edx, 3);	/* the x2APIC id in every subleaf */
	}
	free(c);
}

static void test_cpuid_no_tsc_deadline_without_the_cap(void **state)
{
	KVMState s = { .sys = &fake_ops, .fd = 3 };
	struct kvm_cpuid2 *c = NULL;

	(void)state;
	assert_int_equal(kvm_get_supported_cpuid(&s, &c), 0);
	cpuid_fixup_vcpu(c, 0, false);
	assert_false(cpuid_find_entry(c, 1, 0)->ecx & CPUID_1_ECX_TSC_DEADLINE);
	assert_int_equal(cpuid_find_entry(c, 1, 0)->ebx >> 24, 0);
	/* an index the leaf does not have is no match where the index counts */
	assert_null(cpuid_find_entry(c, 0xb, 2));
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_probe_grows_until_the_table_fits),
		cmocka_unit_test(test_cpuid_fixup_puts_the_vcpus_apic_id),
		cmocka_unit_test(test_cpuid_no_tsc_deadline_without_the_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
