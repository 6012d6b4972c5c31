// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the VFIO device itself, after QEMU 11.1's hw/vfio/device.c and
 * hw/vfio/helpers.c: which host device (sysfs: driver, IOMMU group), its
 * fd, region and IRQ info, region accesses through the mmap or
 * pread/pwrite, VFIO_DEVICE_SET_IRQS (vfio_device_irq_disable,
 * vfio_device_irq_set_signaling, vfio_device_io_set_irqs), and the host IRQ
 * behind an MSI-X vector. QEMU 10.1 moved the irq helpers here from
 * hw/vfio/common.c and renamed them (vfio_disable_irqindex,
 * vfio_set_irq_signaling before; QEMU 7.2 has those names).
 *
 * Every open, ioctl, read and write goes through vm->kvm.sys. Region
 * accesses and SET_IRQS run with vm->bql held, or from realize and
 * unrealize, as lookup, get and populate do: before the vCPUs start or
 * after they stopped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio-common.h"
#include "../../vmm/util.h"
#include "../../trace/trace.h"

#define VFIO_SYSFS_DEVICES	"/sys/bus/pci/devices"
#define VFIO_SYSFS_DRIVER	"/sys/bus/pci/drivers/vfio-pci"

/* ---- sysfs: which device, which driver, which IOMMU group ---- */

/* a small sysfs attribute, newline stripped */
static int vfio_sysfs_read(const struct sys_ops *sys, const char *path, char *buf, size_t n)
{
	int fd = sys->open(sys->priv, path, O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return fd;
	len = sys->read(sys->priv, fd, buf, n - 1);
	sys->close(sys->priv, fd);
	if (len < 0)
		return (int)len;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* the last component of a sysfs link's target: a driver's name, a group's number */
static int vfio_sysfs_link_name(const struct sys_ops *sys, const char *path, char *buf,
				size_t n)
{
	char link[PATH_MAX];
	ssize_t r = sys->readlink(sys->priv, path, link, sizeof(link));
	const char *base;

	if (r < 0)
		return (int)r;
	base = strrchr(link, '/');
	snprintf(buf, n, "%s", base ? base + 1 : link);
	return 0;
}

static bool vfio_is_bdf(const char *s)
{
	unsigned int dom, bus, slot, fn;
	char c;

	return sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn, &c) == 4;
}

static bool vfio_sysfs_has_id(const struct sys_ops *sys, const char *bdf, unsigned int vendor,
			      unsigned int device)
{
	char path[128], v[16], d[16];

	snprintf(path, sizeof(path), "%s/%s/vendor", VFIO_SYSFS_DEVICES, bdf);
	if (vfio_sysfs_read(sys, path, v, sizeof(v)) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/%s/device", VFIO_SYSFS_DEVICES, bdf);
	if (vfio_sysfs_read(sys, path, d, sizeof(d)) < 0)
		return false;
	return strtoul(v, NULL, 16) == vendor && strtoul(d, NULL, 16) == device;
}

/* is BDF passed through to this VM already (by a device on bus)? */
static bool vfio_host_taken(PCIBus *bus, const char *bdf)
{
	for (int s = 0; bus && s < PCI_BUS_MAX_DEVS; s++) {
		PCIDevice *d = bus->devices[s];

		if (d && d->type && !strcmp(d->type, VFIO_PCI_TYPE) &&
		    !strcmp(((VFIOPCIDevice *)d)->host, bdf))
			return true;
	}
	return false;
}

/*
 * the lowest BDF among the devices bound to vfio-pci with vendor:device
 * that the VM does not have yet: the Kth device line with the same IDs
 * gets the Kth function (QEMU takes only host=BDF; this is virq's)
 */
static int vfio_find_by_id(VFIOPCIDevice *vdev, PCIBus *bus, unsigned int vendor,
			   unsigned int device)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	uint64_t buf[512];	/* struct dirent64 records, 8-byte aligned */
	ssize_t n;
	int fd = sys->open(sys->priv, VFIO_SYSFS_DRIVER, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return fd;
	vdev->host[0] = '\0';
	while ((n = sys->getdents(sys->priv, fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)((char *)buf + off);

			off += d->d_reclen;
			if (!vfio_is_bdf(d->d_name) || vfio_host_taken(bus, d->d_name) ||
			    !vfio_sysfs_has_id(sys, d->d_name, vendor, device))
				continue;
			if (!vdev->host[0] || strcmp(d->d_name, vdev->host) < 0)
				snprintf(vdev->host, sizeof(vdev->host), "%s", d->d_name);
		}
	}
	sys->close(sys->priv, fd);
	if (n < 0)
		return (int)n;
	return vdev->host[0] ? 0 : -ENODEV;
}

/* host is VENDOR:DEVICE (a device bound to vfio-pci, see vfio_find_by_id) or a BDF, domain optional */
int vfio_parse_host(VFIOPCIDevice *vdev, PCIBus *bus, const char *host)
{
	unsigned int a, b, c, d;
	char x;
	int r;

	if (sscanf(host, "%4x:%4x%c", &a, &b, &x) == 2) {
		r = vfio_find_by_id(vdev, bus, a, b);
		if (r < 0)
			pr_err("vfio %s: no %04x:%04x device bound to vfio-pci (%s: %s)", host, a,
			       b, VFIO_SYSFS_DRIVER, r == -ENODEV ?
			       "none with this id that the VM does not have already" : strerror(-r));
		return r;
	}
	if (sscanf(host, "%x:%x:%x.%x%c", &a, &b, &c, &d, &x) == 4)
		snprintf(vdev->host, sizeof(vdev->host), "%04x:%02x:%02x.%x", a, b, c, d);
	else if (sscanf(host, "%x:%x.%x%c", &b, &c, &d, &x) == 3)
		snprintf(vdev->host, sizeof(vdev->host), "0000:%02x:%02x.%x", b, c, d);
	else {
		pr_err("vfio %s: host is neither a PCI address (0000:00:02.0) nor VENDOR:DEVICE (8086:10d3)",
		       host);
		return -EINVAL;
	}
	return 0;
}

/* the device exists, vfio-pci drives it, and it has an IOMMU group */
int vfio_check_host(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	char path[128], name[64];
	int r;

	snprintf(path, sizeof(path), "%s/%s", VFIO_SYSFS_DEVICES, vdev->host);
	r = vfio_sysfs_link_name(sys, path, name, sizeof(name));
	if (r < 0) {
		pr_err("vfio %s: no such PCI device (%s: %s)", vdev->host, path, strerror(-r));
		return r;
	}
	snprintf(path, sizeof(path), "%s/%s/driver", VFIO_SYSFS_DEVICES, vdev->host);
	r = vfio_sysfs_link_name(sys, path, name, sizeof(name));
	if (r < 0 || strcmp(name, "vfio-pci")) {
		pr_err("vfio %s: not bound to vfio-pci (driver %s)", vdev->host,
		       r < 0 ? "none" : name);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/%s/iommu_group", VFIO_SYSFS_DEVICES, vdev->host);
	r = vfio_sysfs_link_name(sys, path, name, sizeof(name));
	if (r < 0) {
		pr_err("vfio %s: no IOMMU group (%s: %s): is the IOMMU on (intel_iommu=on)?",
		       vdev->host, path, strerror(-r));
		return r;
	}
	vdev->group_id = atoi(name);
	return 0;
}

/* ---- device: vfio_device_get, vfio_pci_populate_device ---- */

/* vfio_device_get: the device fd, which must be a PCI device with MSI-X's IRQ index */
int vfio_device_get(VFIOPCIDevice *vdev)
{
	struct vfio_device_info *info = &vdev->info;
	long r = vfio_ioctl(vdev, vdev->group, VFIO_GROUP_GET_DEVICE_FD, vdev->host, "%s",
			    vdev->host);

	if (r < 0)
		return (int)r;
	vdev->device = (int)r;
	*info = (struct vfio_device_info){ .argsz = sizeof(*info) };
	r = vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_GET_INFO, info, "%s", vdev->host);
	if (r >= 0 && (!(info->flags & VFIO_DEVICE_FLAGS_PCI) ||
		       info->num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
		       info->num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX)) {
		pr_err("vfio %s: not a PCI device (VFIO_DEVICE_GET_INFO flags 0x%x, %u regions, %u irqs)",
		       vdev->host, info->flags, info->num_regions, info->num_irqs);
		r = -ENODEV;
	}
	if (r < 0) {
		vfio_close_fd(vdev, &vdev->device);
		return (int)r;
	}
	return 0;
}

void vfio_device_put(VFIOPCIDevice *vdev)
{
	vfio_close_fd(vdev, &vdev->device);
}

/* vfio_pci_populate_device: BAR and config region info, the MSI-X IRQ index */
int vfio_pci_populate_device(VFIOPCIDevice *vdev)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	long r;

	for (unsigned int i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		struct vfio_region_info *reg = &vdev->regions[i];

		if (i == VFIO_PCI_ROM_REGION_INDEX)
			continue;
		*reg = (struct vfio_region_info){ .argsz = sizeof(*reg), .index = i };
		r = vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_GET_REGION_INFO, reg,
			       "%s index=%u", vdev->host, i);
		if (r < 0)
			return (int)r;
	}
	if (vdev->regions[VFIO_PCI_CONFIG_REGION_INDEX].size < PCI_CONFIG_SIZE) {
		pr_err("vfio %s: config region of %llu bytes", vdev->host,
		       (unsigned long long)vdev->regions[VFIO_PCI_CONFIG_REGION_INDEX].size);
		return -ENODEV;
	}
	r = vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_GET_IRQ_INFO, &irq, "%s index=%u (MSI-X)",
		       vdev->host, irq.index);
	if (r < 0)
		return (int)r;
	vdev->msix_entries = irq.count;	/* the capability's count replaces it */
	vdev->msix_noresize = irq.flags & VFIO_IRQ_INFO_NORESIZE;
	return 0;
}

/* ---- regions: vfio_region_read/write, through the mmap or pread/pwrite ---- */

/* one 1, 2 or 4-byte access at off in region i; the caller checked the bounds */
int vfio_region_read(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t *val,
			    unsigned int size)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	uint8_t b[4] = { 0 };
	ssize_t r;

	if (vdev->bar_map[i]) {
		volatile void *p = (uint8_t *)vdev->bar_map[i] + off;

		*val = size == 1 ? *(volatile uint8_t *)p :
		       size == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
		return 0;
	}
	r = sys->pread(sys->priv, vdev->device, b, size, (off_t)(vdev->regions[i].offset + off));
	if (r != (ssize_t)size)
		return r < 0 ? (int)r : -EIO;
	*val = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int vfio_region_write(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t val,
			     unsigned int size)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16),
			 (uint8_t)(val >> 24) };
	ssize_t r;

	if (vdev->bar_map[i]) {
		volatile void *p = (uint8_t *)vdev->bar_map[i] + off;

		if (size == 1)
			*(volatile uint8_t *)p = (uint8_t)val;
		else if (size == 2)
			*(volatile uint16_t *)p = (uint16_t)val;
		else
			*(volatile uint32_t *)p = val;
		return 0;
	}
	r = sys->pwrite(sys->priv, vdev->device, b, size, (off_t)(vdev->regions[i].offset + off));
	if (r != (ssize_t)size)
		return r < 0 ? (int)r : -EIO;
	return 0;
}

/* ---- VFIO_DEVICE_SET_IRQS: vfio_device_irq_set_signaling, vfio_device_irq_disable ---- */

static const char *vfio_irq_index_name(unsigned int index)
{
	static const char *const names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

	return index < ARRAY_SIZE(names) ? names[index] : "?";
}

static const char *vfio_irq_data_name(uint32_t flags)
{
	return flags & VFIO_IRQ_SET_DATA_EVENTFD ? "DATA_EVENTFD" :
	       flags & VFIO_IRQ_SET_DATA_BOOL ? "DATA_BOOL" : "DATA_NONE";
}

static const char *vfio_irq_action_name(uint32_t flags)
{
	return flags & VFIO_IRQ_SET_ACTION_MASK ? "ACTION_MASK" :
	       flags & VFIO_IRQ_SET_ACTION_UNMASK ? "ACTION_UNMASK" : "ACTION_TRIGGER";
}

static void vfio_fds_str(char *buf, size_t n, const int32_t *fds, unsigned int count)
{
	size_t len = (size_t)snprintf(buf, n, "[");

	for (unsigned int i = 0; fds && i < count && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? "," : "", fds[i]);
	if (len < n)
		snprintf(buf + len, n - len, "]");
}

union vfio_irq_set_buf {
	struct vfio_irq_set set;
	uint8_t bytes[sizeof(struct vfio_irq_set) + VFIO_MSIX_MAX_VECTORS * sizeof(int32_t)];
};

/*
 * The MSI-X triggers the kernel now has, for the ledger: an eventfd per
 * vector (-1 tears one down, vfio_msi_set_vector_signal), and DATA_NONE
 * with count 0 disables the index and frees every vector. A refused set
 * (fds NULL here) leaves its vectors with none: vfio_msi_set_block unwinds
 * the ones it set, vfio_msi_set_vector_signal drops the old trigger before
 * it can fail (5.10 to 7.2).
 */
static void vfio_note_triggers(VFIOPCIDevice *vdev, uint32_t flags, unsigned int index,
			       unsigned int start, unsigned int count, const int32_t *fds)
{
	if (index != VFIO_PCI_MSIX_IRQ_INDEX || !(flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return;
	if ((flags & VFIO_IRQ_SET_DATA_NONE) && count == 0) {
		for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++)
			vdev->msix_trigger[i] = -1;
		return;
	}
	for (unsigned int i = 0; (flags & VFIO_IRQ_SET_DATA_EVENTFD) && i < count &&
	     start + i < VFIO_MSIX_MAX_VECTORS; i++)
		vdev->msix_trigger[start + i] = fds ? fds[i] : -1;
}

/* vbasedev->io_ops->set_irqs of QEMU's ioctl backend: the one VFIO_DEVICE_SET_IRQS */
int vfio_device_io_set_irqs(VFIOPCIDevice *vdev, uint32_t flags, unsigned int index,
			    unsigned int start, unsigned int count, const int32_t *fds)
{
	union vfio_irq_set_buf b;
	size_t data = fds ? count * sizeof(int32_t) : 0;
	char list[VFIO_MSIX_MAX_VECTORS * 12 + 3];
	long r;

	if (count > VFIO_MSIX_MAX_VECTORS)
		return -EINVAL;
	b.set = (struct vfio_irq_set){ .argsz = (uint32_t)(sizeof(b.set) + data), .flags = flags,
				       .index = index, .start = start, .count = count };
	if (data)
		memcpy(b.set.data, fds, data);
	vfio_fds_str(list, sizeof(list), fds, count);
	trace_event("vfio_set_irqs", "%s index=%u start=%u count=%u fds=%s", vdev->host, index,
		    start, count, list);
	r = vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_SET_IRQS, &b.set,
		       "%s index=%u (%s) start=%u count=%u %s|%s fds=%s", vdev->host, index,
		       vfio_irq_index_name(index), start, count, vfio_irq_data_name(flags),
		       vfio_irq_action_name(flags), list);
	vfio_note_triggers(vdev, flags, index, start, count, r < 0 ? NULL : fds);
	return r < 0 ? (int)r : 0;
}

int vfio_device_irq_set_signaling(VFIOPCIDevice *vdev, unsigned int index,
				  unsigned int subindex, uint32_t action, int fd)
{
	int32_t fds[1] = { fd };

	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_EVENTFD | action, index, subindex,
				       1, fds);
}

int vfio_device_irq_disable(VFIOPCIDevice *vdev, unsigned int index)
{
	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				       index, 0, 0, NULL);
}

/* vfio_device_irq_mask / _unmask (QEMU 7.2: vfio_mask_single_irqindex & co) */
int vfio_device_irq_mask(VFIOPCIDevice *vdev, unsigned int index)
{
	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				       index, 0, 1, NULL);
}

int vfio_device_irq_unmask(VFIOPCIDevice *vdev, unsigned int index)
{
	return vfio_device_io_set_irqs(vdev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
				       index, 0, 1, NULL);
}

/* ---- the host IRQ behind a vector: /proc/interrupts ---- */

/* the whole file: it grows with the number of CPUs and IRQs */
static char *vfio_read_proc_interrupts(const struct sys_ops *sys)
{
	int fd = sys->open(sys->priv, "/proc/interrupts", O_RDONLY);
	size_t cap = 16384, len = 0;
	char *buf = NULL, *p;
	ssize_t r = -ENOMEM;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (len + 1 >= cap || !buf) {
			cap = buf ? cap * 2 : cap;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		r = sys->read(sys->priv, fd, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	sys->close(sys->priv, fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* the line naming "vfio-msix[nr](BDF)", as vfio_msi_set_vector_signal names the IRQ */
/*
 * the line of "vfio-msix[nr](BDF)": its IRQ number, and the interrupts the
 * CPUs took on it (the per-CPU columns summed); -1 if none
 */
static int vfio_host_irq_line(VFIOPCIDevice *vdev, unsigned int nr, uint64_t *count)
{
	char name[64], *buf = vfio_read_proc_interrupts(vfio_sys(vdev)), *line, *save, *end;
	int irq = -1;

	if (!buf)
		return -1;
	snprintf(name, sizeof(name), "vfio-msix[%u](%s)", nr, vdev->host);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, name);
		long v;

		if (!p || (p[strlen(name)] && p[strlen(name)] != ' ' && p[strlen(name)] != ','))
			continue;
		v = strtol(line, &end, 10);
		if (end == line || *end != ':' || v < 0 || v > INT_MAX)
			break;
		irq = (int)v;
		for (*count = 0, p = end + 1;;) {
			unsigned long long c = strtoull(p, &end, 10);

			if (end == p)
				break;
			*count += c;
			p = end;
		}
		break;
	}
	free(buf);
	return irq;
}

int vfio_host_irq(VFIOPCIDevice *vdev, unsigned int nr)
{
	uint64_t count;

	return vfio_host_irq_line(vdev, nr, &count);
}

int vfio_host_irq_count(VFIOPCIDevice *vdev, unsigned int nr, uint64_t *count)
{
	return vfio_host_irq_line(vdev, nr, count) < 0 ? -ENOENT : 0;
}
