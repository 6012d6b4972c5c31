/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake-kvm.h - what every fake kernel behind the sys_ops seam answers the
 * same way: the ioctls kvm_init and kvm_irqchip_create issue.
 */
#ifndef VIRQ_FAKE_KVM_H
#define VIRQ_FAKE_KVM_H

#include <stdbool.h>
#include <linux/kvm.h>

/* true, with *r set, if req is one of the VM setup ioctls */
static inline bool fake_kvm_setup_ioctl(unsigned long req, void *arg, long *r)
{
	switch (req) {
	case KVM_GET_API_VERSION: *r = KVM_API_VERSION; return true;
	case KVM_CREATE_VM: *r = 4; return true;
	case KVM_GET_VCPU_MMAP_SIZE: *r = 4096; return true;
	case KVM_CHECK_EXTENSION: *r = (long)arg == KVM_CAP_IRQ_ROUTING ? 4096 : 1; return true;
	default: return false;
	}
}

#endif
