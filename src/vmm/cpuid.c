// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid.c - KVM_GET_SUPPORTED_CPUID once per VM, KVM_SET_CPUID2 on each vCPU
 * before its first KVM_RUN, after QEMU's "-cpu host" (target/i386/kvm/kvm.c:
 * get_supported_cpuid, kvm_arch_get_supported_cpuid's fixups, and the
 * per-vCPU leaves cpu_x86_cpuid (target/i386/cpu.c) fills in for
 * kvm_arch_init_vcpu; QEMU 11.1 builds the table in kvm_x86_build_cpuid,
 * split out of kvm_arch_init_vcpu after 7.2, with the same per-vCPU values).
 *
 * What virq keeps minimal, on purpose: QEMU builds every leaf from its own
 * CPU model; virq passes KVM's table through and changes only what is
 * per-vCPU or what QEMU adds that KVM cannot report. KVM's paravirt leaves
 * (0x40000000 "KVMKVMKVM", 0x40000001 features) stay as KVM_GET_SUPPORTED_CPUID
 * gives them: QEMU exposes them too by default (kvm=on), from the same
 * source. Cache and AMD topology leaves (4, 0x8000001e) stay the host's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"
#include "util.h"

#define CPUID_TABLE_START	64
#define CPUID_TABLE_MAX		4096	/* KVM's own limit is 256 (KVM_MAX_CPUID_ENTRIES) */

int kvm_get_supported_cpuid(KVMState *s, struct kvm_cpuid2 **out)
{
	for (unsigned int max = CPUID_TABLE_START; max <= CPUID_TABLE_MAX; max *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));
		long r;

		if (!c)
			return -ENOMEM;
		c->nent = max;
		/* a probe: E2BIG only says "bigger", so not through kvm_do_ioctl's report */
		r = s->sys->ioctl(s->sys->priv, s->fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == 0 && c->nent < max) {
			*out = c;
			return 0;
		}
		free(c);
		if (r < 0 && r != -E2BIG) {
			pr_err("KVM_GET_SUPPORTED_CPUID nent=%u: %s", max, strerror((int)-r));
			return (int)r;
		}
	}
	pr_err("KVM_GET_SUPPORTED_CPUID: more than %d entries", CPUID_TABLE_MAX);
	return -E2BIG;
}

struct kvm_cpuid_entry2 *cpuid_find_entry(struct kvm_cpuid2 *c, uint32_t function,
					  uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}

void cpuid_fixup_vcpu(struct kvm_cpuid2 *c, uint32_t apic_id, bool tsc_deadline)
{
	struct kvm_cpuid_entry2 *e = cpuid_find_entry(c, 1, 0);

	if (e) {
		/* kvm_arch_get_supported_cpuid: "we can set the hypervisor flag" */
		e->ecx |= CPUID_1_ECX_HYPERVISOR;
		if (tsc_deadline)
			e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
		/* cpu_x86_cpuid leaf 1: apic_id << 24, the CLFLUSH size kept;
		 * KVM hands out the host's EBX, host APIC id and thread count included */
		e->ebx = apic_id << 24 | (e->ebx & 0xff00);
		e->edx &= ~CPUID_1_EDX_HTT;
	}
	/* leaf 0xb (and 0x1f, V2): EDX is the x2APIC id in every subleaf;
	 * KVM copies the host's subleaves, with the host CPU's id */
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0xb || c->entries[i].function == 0x1f)
			c->entries[i].edx = apic_id;
}

int kvm_arch_init_vcpu_cpuid(KVMState *s, const struct kvm_cpuid2 *supported, int vcpu_fd,
			     uint32_t apic_id, bool tsc_deadline)
{
	size_t size = sizeof(*supported) + supported->nent * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	long r;

	if (!c)
		return -ENOMEM;
	memcpy(c, supported, size);
	cpuid_fixup_vcpu(c, apic_id, tsc_deadline);
	c->padding = 0;
	r = kvm_do_ioctl(s, vcpu_fd, KVM_SET_CPUID2, "KVM_SET_CPUID2", c, "vcpu=%u nent=%u",
			 apic_id, c->nent);
	free(c);
	return r < 0 ? (int)r : 0;
}
