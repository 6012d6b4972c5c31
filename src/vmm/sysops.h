/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysops.h - the kernel seam. The VMM reaches the kernel only through this
 * table (open, close, ioctl, eventfd, read, write, pread, pwrite, mmap,
 * munmap, mprotect, poll, readlink, getdents), held in KVMState. pread/pwrite reach
 * VFIO regions; readlink and getdents read sysfs (drivers, IOMMU groups).
 * sys_ops_host calls the system; a userspace model or a unit test's fake
 * can stand behind it instead.
 *
 * Every op returns >= 0 on success or -errno, kernel style; mmap stores the
 * mapping in *addr.
 */
#ifndef VIRQ_SYSOPS_H
#define VIRQ_SYSOPS_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

struct sys_ops {
	int (*open)(void *priv, const char *path, int flags);
	int (*close)(void *priv, int fd);
	long (*ioctl)(void *priv, int fd, unsigned long req, void *arg);
	int (*eventfd)(void *priv, unsigned int initval, int flags);
	ssize_t (*read)(void *priv, int fd, void *buf, size_t n);
	ssize_t (*write)(void *priv, int fd, const void *buf, size_t n);
	ssize_t (*pread)(void *priv, int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(void *priv, int fd, const void *buf, size_t n, off_t off);
	int (*mmap)(void *priv, void **addr, size_t len, int prot, int flags, int fd, off_t off);
	int (*munmap)(void *priv, void *addr, size_t len);
	/* of guest RAM: pc-testdev's page flush (the MMU notifier drops KVM's mapping) */
	int (*mprotect)(void *priv, void *addr, size_t len, int prot);
	int (*poll)(void *priv, struct pollfd *fds, nfds_t n, int timeout_ms);
	/* the link's target, NUL-terminated (truncated to n - 1); returns its length */
	ssize_t (*readlink)(void *priv, const char *path, char *buf, size_t n);
	/* getdents64(2) on a directory opened with open(): struct dirent64 records */
	ssize_t (*getdents)(void *priv, int fd, void *buf, size_t n);
	void *priv;
};

extern const struct sys_ops sys_ops_host;

#endif /* VIRQ_SYSOPS_H */
