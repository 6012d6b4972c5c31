// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-i8254.c - the in-kernel PIT, as QEMU's kvm-pit (hw/i386/kvm/i8254.c,
 * QEMU 7.2 kvm_pit_realizefn): KVM_CREATE_PIT2 with flags 0 (no speaker
 * dummy: port 0x61 stays the VMM's), then, for lost_tick_policy=discard,
 * KVM_REINJECT_CONTROL with pit_reinject = 0. QEMU's default policy is
 * "delay" (reinjection on); kvm-unit-tests' x86/run passes
 * "-global kvm-pit.lost_tick_policy=discard" (reinjection inhibits AVIC),
 * and a test kernel booted here gets what that command line gives. The PIT
 * interrupts on GSI 0, which the PC routes put on IOAPIC pin 2.
 */
#include <errno.h>

#include "pc.h"
#include "../../vmm/util.h"

static int kvm_pit_realize(struct vm *vm, void **state)
{
	struct kvm_pit_config config = { .flags = 0 };
	struct kvm_reinject_control control = { .pit_reinject = 0 };
	KVMState *s = &vm->kvm;
	long r;

	(void)state;
	if (kvm_check_extension(s, KVM_CAP_PIT2) <= 0) {
		pr_err("kvm-pit: the kernel lacks KVM_CAP_PIT2");
		return -ENOSYS;
	}
	r = kvm_vm_ioctl(s, KVM_CREATE_PIT2, &config, "flags=0x%x", config.flags);
	if (r < 0)
		return (int)r;
	if (kvm_check_extension(s, KVM_CAP_REINJECT_CONTROL) <= 0)
		return 0;
	r = kvm_vm_ioctl(s, KVM_REINJECT_CONTROL, &control, "pit_reinject=0");
	return r < 0 ? (int)r : 0;
}

const struct device_type kvm_pit_device = { .name = "kvm-pit", .realize = kvm_pit_realize };
