/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake-kvm.h - what every fake kernel behind the sys_ops seam answers the
 * same way: the ioctls kvm_init and kvm_irqchip_create issue.
 */
#ifndef VIRQ_FAKE_KVM_H
#define VIRQ_FAKE_KVM_H

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/eventfd.h>
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

/*
 * sys_ops for a fake whose eventfds are real (a test reads what the model
 * signalled): fd 3 stands for /dev/kvm and the VM, every other fd is the
 * kernel's; errors as the seam returns them, -errno
 */
static inline int fake_real_open(void *p, const char *path, int fl)
{
	(void)p; (void)path; (void)fl;
	return 3;
}

static inline int fake_real_close(void *p, int fd)
{
	(void)p;
	return fd > 3 ? close(fd) : 0;
}

static inline int fake_real_eventfd(void *p, unsigned int v, int fl)
{
	(void)p;
	return eventfd(v, fl);
}

static inline ssize_t fake_real_read(void *p, int fd, void *b, size_t n)
{
	ssize_t r = read(fd, b, n);

	(void)p;
	return r < 0 ? -errno : r;
}

static inline ssize_t fake_real_write(void *p, int fd, const void *b, size_t n)
{
	ssize_t r = write(fd, b, n);

	(void)p;
	return r < 0 ? -errno : r;
}

#endif
