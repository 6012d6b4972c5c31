// SPDX-License-Identifier: GPL-2.0
/* sysops.c - the host backend of the kernel seam: straight system calls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sysops.h"

static int host_open(void *priv, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	(void)priv;
	return fd < 0 ? -errno : fd;
}

static int host_close(void *priv, int fd)
{
	(void)priv;
	return close(fd) < 0 ? -errno : 0;
}

static long host_ioctl(void *priv, int fd, unsigned long req, void *arg)
{
	long r = ioctl(fd, req, arg);

	(void)priv;
	return r < 0 ? -errno : r;
}

static int host_eventfd(void *priv, unsigned int initval, int flags)
{
	int fd = eventfd(initval, flags | EFD_CLOEXEC);

	(void)priv;
	return fd < 0 ? -errno : fd;
}

static ssize_t host_read(void *priv, int fd, void *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);

	(void)priv;
	return r < 0 ? -errno : r;
}

static ssize_t host_write(void *priv, int fd, const void *buf, size_t n)
{
	ssize_t r = write(fd, buf, n);

	(void)priv;
	return r < 0 ? -errno : r;
}

static ssize_t host_pread(void *priv, int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);

	(void)priv;
	return r < 0 ? -errno : r;
}

static ssize_t host_pwrite(void *priv, int fd, const void *buf, size_t n, off_t off)
{
	ssize_t r = pwrite(fd, buf, n, off);

	(void)priv;
	return r < 0 ? -errno : r;
}

static int host_mmap(void *priv, void **addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	(void)priv;
	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

static int host_munmap(void *priv, void *addr, size_t len)
{
	(void)priv;
	return munmap(addr, len) < 0 ? -errno : 0;
}

static int host_mprotect(void *priv, void *addr, size_t len, int prot)
{
	(void)priv;
	return mprotect(addr, len, prot) < 0 ? -errno : 0;
}

static int host_poll(void *priv, struct pollfd *fds, nfds_t n, int timeout_ms)
{
	int r = poll(fds, n, timeout_ms);

	(void)priv;
	return r < 0 ? -errno : r;
}

static ssize_t host_readlink(void *priv, const char *path, char *buf, size_t n)
{
	ssize_t r;

	(void)priv;
	if (!n)
		return -EINVAL;
	r = readlink(path, buf, n - 1);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return r;
}

static ssize_t host_getdents(void *priv, int fd, void *buf, size_t n)
{
	ssize_t r = getdents64(fd, buf, n);

	(void)priv;
	return r < 0 ? -errno : r;
}

const struct sys_ops sys_ops_host = {
	.open = host_open,
	.close = host_close,
	.ioctl = host_ioctl,
	.eventfd = host_eventfd,
	.read = host_read,
	.write = host_write,
	.pread = host_pread,
	.pwrite = host_pwrite,
	.mmap = host_mmap,
	.munmap = host_munmap,
	.mprotect = host_mprotect,
	.poll = host_poll,
	.readlink = host_readlink,
	.getdents = host_getdents,
};
