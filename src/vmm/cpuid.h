/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpuid.h - the CPUID every vCPU gets before it first runs, as QEMU's
 * "-cpu host" gives it (target/i386/kvm/kvm.c): what KVM_GET_SUPPORTED_CPUID
 * on /dev/kvm says, with QEMU's fixups and the vCPU's own APIC id, through
 * KVM_SET_CPUID2. Without it a vCPU has no CPUID entries at all: a 64-bit
 * guest's EFER.LME write takes #GP (no LM bit) and triple-faults.
 */
#ifndef VIRQ_CPUID_H
#define VIRQ_CPUID_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "kvm.h"

#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID_1_ECX_HYPERVISOR		(1u << 31)
#define CPUID_1_EDX_HTT			(1u << 28)

/*
 * kvm_get_supported_cpuid - KVM_GET_SUPPORTED_CPUID on /dev/kvm into a
 * malloc'ed table, grown until the kernel's list fits (QEMU's
 * get_supported_cpuid: E2BIG, or a full buffer, means try twice as big).
 * Returns 0 or -errno (reported once).
 */
int kvm_get_supported_cpuid(KVMState *s, struct kvm_cpuid2 **out);

/*
 * cpuid_fixup_vcpu - the changes QEMU 7.2/11.1 makes for one vCPU that
 * virq makes too, applied to a copy of the supported table: the
 * hypervisor bit (CPUID.1:ECX[31], which KVM never reports), TSC deadline
 * (CPUID.1:ECX[24], when tsc_deadline: KVM_CAP_TSC_DEADLINE_TIMER with the
 * in-kernel LAPIC), the initial APIC id in CPUID.1:EBX[31:24] and the
 * x2APIC id in EDX of every 0xb and 0x1f subleaf; one logical processor
 * per package (EBX[23:16] = 0, EDX.HTT clear), as cpu_x86_cpuid does for
 * one core and one thread. The rest is the host's, as KVM filtered it.
 */
void cpuid_fixup_vcpu(struct kvm_cpuid2 *c, uint32_t apic_id, bool tsc_deadline);

/*
 * kvm_arch_init_vcpu_cpuid - the supported table, fixed up for this vCPU,
 * pushed with KVM_SET_CPUID2 (the vCPU must not have run: since commit
 * feb627e8d6f6 (2022) the kernel refuses a different table after KVM_RUN,
 * c6617c61e8fe lets an identical one through). 0 or -errno, reported.
 */
int kvm_arch_init_vcpu_cpuid(KVMState *s, const struct kvm_cpuid2 *supported, int vcpu_fd,
			     uint32_t apic_id, bool tsc_deadline);

/* the entry for function/index (index ignored unless the entry says it counts), or NULL */
struct kvm_cpuid_entry2 *cpuid_find_entry(struct kvm_cpuid2 *c, uint32_t function,
					  uint32_t index);

#endif /* VIRQ_CPUID_H */
