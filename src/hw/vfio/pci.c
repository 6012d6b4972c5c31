// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - a host PCI function passed through with VFIO, after QEMU's
 * hw/vfio/pci.c and hw/vfio/common.c: the group and its container with all
 * guest RAM DMA-mapped at IOVA = GPA, the device fd and its regions, the
 * KVM-VFIO device, config space as a snapshot of the device's with only
 * MSI-X left in the capability list, and BARs forwarded to the device's
 * regions but for the MSI-X table, and the PBA while pci-irq.c has
 * pba_emulated set: msix.c serves those.
 *
 * Every open, ioctl, mmap, read and write goes through vm->kvm.sys. BAR and
 * config callbacks run with vm->bql held; realize and unrealize run before
 * the vCPUs start or after they stopped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pci.h"
#include "../pci/msix.h"
#include "../../vmm/vm.h"
#include "../../vmm/util.h"
#include "../../trace/trace.h"

#define VFIO_PCI_TYPE		"vfio-pci"
#define VFIO_SYSFS_DEVICES	"/sys/bus/pci/devices"
#define VFIO_SYSFS_DRIVER	"/sys/bus/pci/drivers/vfio-pci"
#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"
/* e1000e's EITR timer outlives a message by 128 us (lab/README.md) */
#define VFIO_MSIX_QUIESCE_NS	1000000ull

/* a failing VFIO ioctl is reported as KVM's are: name, arguments, errno */
#define vfio_ioctl(vdev, fd, req, arg, ...) \
	kvm_do_ioctl(&(vdev)->vm->kvm, (fd), (req), #req, (arg), __VA_ARGS__)

static const struct sys_ops *vfio_sys(VFIOPCIDevice *vdev)
{
	return vdev->vm->kvm.sys;
}

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

/* the lowest BDF among the devices bound to vfio-pci with vendor:device */
static int vfio_find_by_id(VFIOPCIDevice *vdev, unsigned int vendor, unsigned int device)
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
			if (!vfio_is_bdf(d->d_name) ||
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

/* host is VENDOR:DEVICE (a device bound to vfio-pci) or a BDF, domain optional */
static int vfio_parse_host(VFIOPCIDevice *vdev, const char *host)
{
	unsigned int a, b, c, d;
	char x;
	int r;

	if (sscanf(host, "%4x:%4x%c", &a, &b, &x) == 2) {
		r = vfio_find_by_id(vdev, a, b);
		if (r < 0)
			pr_err("vfio %s: no %04x:%04x device bound to vfio-pci (%s: %s)", host, a,
			       b, VFIO_SYSFS_DRIVER,
			       r == -ENODEV ? "none with this id" : strerror(-r));
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
static int vfio_check_host(VFIOPCIDevice *vdev)
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

/* ---- group, container, device: vfio_get_group, vfio_connect_container, vfio_get_device ---- */

/* vfio_get_group: /dev/vfio/N, viable only when vfio-pci has every device of it */
static int vfio_get_group(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[32];
	long r;

	snprintf(path, sizeof(path), "/dev/vfio/%d", vdev->group_id);
	r = vdev->group = sys->open(sys->priv, path, O_RDWR);
	if (r < 0) {
		pr_err("vfio %s: cannot open %s: %s%s", vdev->host, path, strerror((int)-r),
		       r == -EBUSY ? " (already open: another device or process)" : "");
		return (int)r;
	}
	r = vfio_ioctl(vdev, vdev->group, VFIO_GROUP_GET_STATUS, &status, "%s group %d",
		       vdev->host, vdev->group_id);
	if (r >= 0 && !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		pr_err("vfio %s: group %d is not viable (VFIO_GROUP_GET_STATUS flags 0x%x): bind every device of the group to vfio-pci",
		       vdev->host, vdev->group_id, status.flags);
		r = -EPERM;
	}
	if (r < 0) {
		sys->close(sys->priv, vdev->group);
		vdev->group = -1;
		return (int)r;
	}
	return 0;
}

static void vfio_put_group(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	if (vdev->group >= 0)
		sys->close(sys->priv, vdev->group);
	vdev->group = -1;
}

/* /dev/vfio/vfio at our API version with type1; returns the IOMMU type to set */
static int vfio_open_container(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	long r = vdev->container = sys->open(sys->priv, VFIO_CONTAINER_PATH, O_RDWR);

	if (r < 0) {
		pr_err("vfio %s: cannot open %s: %s", vdev->host, VFIO_CONTAINER_PATH,
		       strerror((int)-r));
		return (int)r;
	}
	r = vfio_ioctl(vdev, vdev->container, VFIO_GET_API_VERSION, NULL, "%s", vdev->host);
	if (r >= 0 && r != VFIO_API_VERSION) {
		pr_err("vfio %s: VFIO_GET_API_VERSION %ld, virq needs %d", vdev->host, r,
		       VFIO_API_VERSION);
		r = -EINVAL;
	}
	if (r >= 0) {
		r = vfio_ioctl(vdev, vdev->container, VFIO_CHECK_EXTENSION,
			       (void *)(unsigned long)VFIO_TYPE1_IOMMU, "%s VFIO_TYPE1_IOMMU",
			       vdev->host);
		if (!r)
			pr_err("vfio %s: the container lacks VFIO_TYPE1_IOMMU (vfio_iommu_type1 not loaded?)",
			       vdev->host);
		r = r > 0 ? 0 : r < 0 ? r : -ENODEV;
	}
	if (r < 0) {
		sys->close(sys->priv, vdev->container);
		vdev->container = -1;
		return (int)r;
	}
	r = vfio_ioctl(vdev, vdev->container, VFIO_CHECK_EXTENSION,
		       (void *)(unsigned long)VFIO_TYPE1v2_IOMMU, "%s VFIO_TYPE1v2_IOMMU",
		       vdev->host);
	return r > 0 ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;
}

/* guest RAM at IOVA = GPA: the device's DMA sees the guest's view (vfio_listener_region_add) */
static int vfio_dma_map_ram(VFIOPCIDevice *vdev)
{
	struct vm *vm = vdev->vm;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vm->ram, .iova = 0, .size = vm->ram_size,
	};
	long r = vfio_ioctl(vdev, vdev->container, VFIO_IOMMU_MAP_DMA, &map,
			    "%s iova=0x0 size=0x%llx vaddr=%p", vdev->host,
			    (unsigned long long)vm->ram_size, (void *)vm->ram);

	if (r == -ENOMEM)
		pr_err("vfio %s: pinning guest RAM counts against RLIMIT_MEMLOCK (or run as root)",
		       vdev->host);
	return r < 0 ? (int)r : 0;
}

/* vfio_connect_container: the group joins a new container, type1 IOMMU, RAM mapped */
static int vfio_connect_container(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	int type = vfio_open_container(vdev);
	long r;

	if (type < 0)
		return type;
	r = vfio_ioctl(vdev, vdev->group, VFIO_GROUP_SET_CONTAINER, &vdev->container,
		       "%s group %d container fd %d", vdev->host, vdev->group_id, vdev->container);
	if (r < 0)
		goto err_close_container;
	r = vfio_ioctl(vdev, vdev->container, VFIO_SET_IOMMU, (void *)(unsigned long)type, "%s %s",
		       vdev->host,
		       type == VFIO_TYPE1v2_IOMMU ? "VFIO_TYPE1v2_IOMMU" : "VFIO_TYPE1_IOMMU");
	if (r < 0)
		goto err_unset_container;
	r = vfio_dma_map_ram(vdev);
	if (r < 0)
		goto err_unset_container;
	return 0;

err_unset_container:
	vfio_ioctl(vdev, vdev->group, VFIO_GROUP_UNSET_CONTAINER, NULL, "%s group %d", vdev->host,
		   vdev->group_id);
err_close_container:
	sys->close(sys->priv, vdev->container);
	vdev->container = -1;
	return (int)r;
}

/* the last group leaving the container takes the IOMMU and its DMA mappings with it */
static void vfio_disconnect_container(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	if (vdev->container < 0)
		return;
	vfio_ioctl(vdev, vdev->group, VFIO_GROUP_UNSET_CONTAINER, NULL, "%s group %d", vdev->host,
		   vdev->group_id);
	sys->close(sys->priv, vdev->container);
	vdev->container = -1;
}

/* vfio_get_device: the device fd, which must be a PCI device with MSI-X's IRQ index */
static int vfio_get_device(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
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
		sys->close(sys->priv, vdev->device);
		vdev->device = -1;
		return (int)r;
	}
	return 0;
}

static void vfio_put_device(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	if (vdev->device >= 0)
		sys->close(sys->priv, vdev->device);
	vdev->device = -1;
}

/* vfio_populate_device: BAR and config region info, the MSI-X IRQ index */
static int vfio_populate_device(VFIOPCIDevice *vdev)
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

/* ---- the KVM-VFIO device: vfio_kvm_device_add_group ---- */

/* another vfio-pci device on the bus holding the VM's KVM-VFIO device */
static VFIOPCIDevice *vfio_kvm_device_owner(PCIBus *bus, VFIOPCIDevice *self)
{
	for (int s = 0; bus && s < PCI_BUS_MAX_DEVS; s++) {
		PCIDevice *d = bus->devices[s];

		if (d && d != &self->pdev && d->type && !strcmp(d->type, VFIO_PCI_TYPE) &&
		    ((VFIOPCIDevice *)d)->kvm_vfio_dev >= 0)
			return (VFIOPCIDevice *)d;
	}
	return NULL;
}

/* KVM has one KVM-VFIO device per VM (a second is EBUSY): create it or share it */
static int vfio_kvm_device_get(VFIOPCIDevice *vdev, PCIBus *bus)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	VFIOPCIDevice *owner = vfio_kvm_device_owner(bus, vdev);
	long r;

	if (owner) {
		vdev->kvm_vfio_dev = owner->kvm_vfio_dev;
		return 0;
	}
	r = kvm_vm_ioctl(&vdev->vm->kvm, KVM_CREATE_DEVICE, &cd, "type=KVM_DEV_TYPE_VFIO for %s",
			 vdev->host);
	if (r < 0)
		return (int)r;
	vdev->kvm_vfio_dev = (int)cd.fd;
	return 0;
}

static void vfio_kvm_device_put(VFIOPCIDevice *vdev, PCIBus *bus)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	if (vdev->kvm_vfio_dev >= 0 && !vfio_kvm_device_owner(bus, vdev))
		sys->close(sys->priv, vdev->kvm_vfio_dev);
	vdev->kvm_vfio_dev = -1;
}

/* KVM learns the group: vfio_group_set_kvm, non-coherent DMA accounting */
static int vfio_kvm_device_add_group(VFIOPCIDevice *vdev, PCIBus *bus)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_ADD,
		.addr = (uintptr_t)&vdev->group,
	};
	long r = vfio_kvm_device_get(vdev, bus);

	if (r < 0)
		return (int)r;
	r = vfio_ioctl(vdev, vdev->kvm_vfio_dev, KVM_SET_DEVICE_ATTR, &attr,
		       "KVM_DEV_VFIO_GROUP_ADD %s group %d fd %d", vdev->host, vdev->group_id,
		       vdev->group);
	if (r < 0)
		vfio_kvm_device_put(vdev, bus);
	return r < 0 ? (int)r : 0;
}

static void vfio_kvm_device_del_group(VFIOPCIDevice *vdev, PCIBus *bus)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_DEL,
		.addr = (uintptr_t)&vdev->group,
	};

	if (vdev->kvm_vfio_dev < 0)
		return;
	vfio_ioctl(vdev, vdev->kvm_vfio_dev, KVM_SET_DEVICE_ATTR, &attr,
		   "KVM_DEV_VFIO_GROUP_DEL %s group %d fd %d", vdev->host, vdev->group_id,
		   vdev->group);
	vfio_kvm_device_put(vdev, bus);
}

/* ---- regions: vfio_region_read/write, through the mmap or pread/pwrite ---- */

/* one 1, 2 or 4-byte access at off in region i; the caller checked the bounds */
static int vfio_region_read(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t *val,
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

static int vfio_region_write(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t val,
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

/* ---- BARs: the device's regions, the MSI-X table and PBA emulated ---- */

enum vfio_bar_part { VFIO_BAR_DEVICE, VFIO_BAR_MSIX_TABLE, VFIO_BAR_MSIX_PBA };

/* the BAR callbacks' opaque is the BAR's region info: index gives the BAR and the device */
static VFIOPCIDevice *vfio_bar_vdev(struct vfio_region_info *reg)
{
	return (VFIOPCIDevice *)((char *)(reg - reg->index) - offsetof(VFIOPCIDevice, regions));
}

/*
 * where off in BAR i goes; *rel is relative to the table or PBA. The table is
 * always emulated; the PBA only while pci-irq.c says so (pba_emulated: a
 * masked vector fired), else the device's own PBA is read, as QEMU's
 * msix_pba_mmio region is enabled by vfio_msi_interrupt only.
 */
static enum vfio_bar_part vfio_bar_part(VFIOPCIDevice *vdev, int i, uint64_t off, uint64_t *rel)
{
	uint64_t table_size = (uint64_t)vdev->msix_entries * PCI_MSIX_ENTRY_SIZE;
	uint64_t pba_size = (vdev->msix_entries + 63) / 64 * 8;

	*rel = off;
	if (!vdev->pdev.msix_cap)
		return VFIO_BAR_DEVICE;
	if (i == vdev->msix_table_bar && off >= vdev->msix_table_offset &&
	    off - vdev->msix_table_offset < table_size) {
		*rel = off - vdev->msix_table_offset;
		return VFIO_BAR_MSIX_TABLE;
	}
	if (vdev->pba_emulated && i == vdev->msix_pba_bar && off >= vdev->msix_pba_offset &&
	    off - vdev->msix_pba_offset < pba_size) {
		*rel = off - vdev->msix_pba_offset;
		return VFIO_BAR_MSIX_PBA;
	}
	return VFIO_BAR_DEVICE;
}

static uint32_t vfio_bar_read_one(VFIOPCIDevice *vdev, int i, uint64_t off, unsigned int size)
{
	uint32_t val = ~0u;
	uint64_t rel;
	int r;

	switch (vfio_bar_part(vdev, i, off, &rel)) {
	case VFIO_BAR_MSIX_TABLE:
		return msix_table_mmio_read(&vdev->pdev, rel, size);
	case VFIO_BAR_MSIX_PBA:
		return msix_pba_mmio_read(&vdev->pdev, rel, size);
	case VFIO_BAR_DEVICE:
		r = vfio_region_read(vdev, i, off, &val, size);
		if (r < 0)
			pr_err("vfio %s: BAR %d read of %u bytes at 0x%llx: %s", vdev->host, i,
			       size, (unsigned long long)off, strerror(-r));
	}
	return val;
}

static void vfio_bar_write_one(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t val,
			       unsigned int size)
{
	uint64_t rel;
	int r;

	switch (vfio_bar_part(vdev, i, off, &rel)) {
	case VFIO_BAR_MSIX_TABLE:
		msix_table_mmio_write(&vdev->pdev, rel, val, size);
		break;
	case VFIO_BAR_MSIX_PBA:
		msix_pba_mmio_write(&vdev->pdev, rel, val, size);
		break;
	case VFIO_BAR_DEVICE:
		r = vfio_region_write(vdev, i, off, val, size);
		if (r < 0)
			pr_err("vfio %s: BAR %d write of %u bytes at 0x%llx: %s", vdev->host, i,
			       size, (unsigned long long)off, strerror(-r));
	}
}

/* 1/2/4 bytes, naturally aligned, inside the region; 8 bytes are split in two dwords */
static bool vfio_bar_access_ok(struct vfio_region_info *reg, uint64_t off, unsigned int size)
{
	unsigned int unit = size == 8 ? 4 : size;

	return (size == 1 || size == 2 || size == 4 || size == 8) && !(off % unit) &&
	       off < reg->size && size <= reg->size - off;
}

static void vfio_bar_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	struct vfio_region_info *reg = opaque;
	VFIOPCIDevice *vdev = vfio_bar_vdev(reg);
	unsigned int unit = size == 8 ? 4 : size;

	if (!vfio_bar_access_ok(reg, off, size)) {
		memset(data, 0xff, size);
		return;
	}
	for (unsigned int done = 0; done < size; done += unit) {
		uint32_t v = vfio_bar_read_one(vdev, (int)reg->index, off + done, unit);

		for (unsigned int b = 0; b < unit; b++)
			data[done + b] = (uint8_t)(v >> (8 * b));
	}
}

static void vfio_bar_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct vfio_region_info *reg = opaque;
	VFIOPCIDevice *vdev = vfio_bar_vdev(reg);
	unsigned int unit = size == 8 ? 4 : size;

	if (!vfio_bar_access_ok(reg, off, size))
		return;
	for (unsigned int done = 0; done < size; done += unit) {
		uint32_t v = 0;

		for (unsigned int b = 0; b < unit; b++)
			v |= (uint32_t)data[done + b] << (8 * b);
		vfio_bar_write_one(vdev, (int)reg->index, off + done, v, unit);
	}
}

static const struct bus_ops vfio_bar_ops = { .read = vfio_bar_read, .write = vfio_bar_write };

/* vfio_region_mmap: the whole BAR when VFIO allows it, else pread/pwrite serve it */
static void vfio_bar_mmap(VFIOPCIDevice *vdev, int i)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	struct vfio_region_info *reg = &vdev->regions[i];
	int prot = (reg->flags & VFIO_REGION_INFO_FLAG_READ ? PROT_READ : 0) |
		   (reg->flags & VFIO_REGION_INFO_FLAG_WRITE ? PROT_WRITE : 0);
	void *p;
	int r;

	if (!(reg->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return;
	r = sys->mmap(sys->priv, &p, reg->size, prot, MAP_SHARED, vdev->device,
		      (off_t)reg->offset);
	if (r < 0) {
		pr_debug("vfio %s: BAR %d: mmap: %s, pread/pwrite instead", vdev->host, i,
			 strerror(-r));
		return;
	}
	vdev->bar_map[i] = p;
}

static void vfio_bars_exit(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	for (int i = 0; i < PCI_NUM_REGIONS; i++) {
		if (vdev->bar_map[i])
			sys->munmap(sys->priv, vdev->bar_map[i], vdev->regions[i].size);
		vdev->bar_map[i] = NULL;
	}
}

/* the emulated BAR's size: a power of two, at least 4 (I/O) or 16 (memory) bytes */
static uint64_t vfio_bar_size(uint64_t size, bool io)
{
	uint64_t s = io ? 4 : 16;

	while (s < size)
		s <<= 1;
	return s;
}

/*
 * vfio_bars_register (vfio_bar_prepare + vfio_bar_register): sized from the
 * region, typed from the physical BAR. A 64-bit BAR is offered as a 32-bit
 * one, its upper half left 0 and read-only; prefetchable is dropped.
 */
static void vfio_bars_register(VFIOPCIDevice *vdev, const uint8_t *phys)
{
	for (int i = 0; i < PCI_NUM_REGIONS; i++) {
		uint32_t bar = pci_get_long(phys + PCI_BASE_ADDRESS_0 + 4 * i);
		bool io = bar & PCI_BASE_ADDRESS_SPACE_IO;
		bool mem64 = !io && (bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
				    PCI_BASE_ADDRESS_MEM_TYPE_64;
		uint64_t size = vdev->regions[i].size;

		if (size && size > (io ? PCI_IO_WINDOW_SIZE : PCI_MMIO_WINDOW_SIZE))
			pr_err("vfio %s: BAR %d of 0x%llx bytes does not fit the %s window: not exposed",
			       vdev->host, i, (unsigned long long)size, io ? "I/O" : "MMIO");
		else if (size) {
			pci_register_bar(&vdev->pdev, i, io ? PCI_BASE_ADDRESS_SPACE_IO :
					 PCI_BASE_ADDRESS_SPACE_MEMORY, vfio_bar_size(size, io),
					 &vfio_bar_ops, &vdev->regions[i]);
			vfio_bar_mmap(vdev, i);
		}
		if (mem64)
			i++;
	}
}

/* ---- config space: vfio_pci_read_config's snapshot, vfio_pci_write_config ---- */

static int vfio_pci_read_phys_config(VFIOPCIDevice *vdev, uint8_t *phys)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	struct vfio_region_info *reg = &vdev->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	ssize_t r = sys->pread(sys->priv, vdev->device, phys, PCI_CONFIG_SIZE, (off_t)reg->offset);

	if (r != PCI_CONFIG_SIZE) {
		pr_err("vfio %s: pread of config space at 0x%llx: %s", vdev->host,
		       (unsigned long long)reg->offset, r < 0 ? strerror((int)-r) : "short read");
		return r < 0 ? (int)r : -EIO;
	}
	return 0;
}

static bool vfio_ranges_overlap(uint32_t addr, int len, uint32_t pos, uint32_t n)
{
	return addr < pos + n && pos < addr + (uint32_t)len;
}

/*
 * the guest's COMMAND bits (wmask: I/O, memory, bus master, INTx disable) to
 * the device, the others as they are: BARs need decode, MSI-X bus master
 */
static void vfio_pci_write_command(VFIOPCIDevice *vdev)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	off_t at = (off_t)vdev->regions[VFIO_PCI_CONFIG_REGION_INDEX].offset + PCI_COMMAND;
	uint16_t mask = pci_get_word(vdev->pdev.wmask + PCI_COMMAND), cmd;
	uint8_t b[2];
	ssize_t r = sys->pread(sys->priv, vdev->device, b, sizeof(b), at);

	if (r == (ssize_t)sizeof(b)) {
		cmd = (uint16_t)((pci_get_word(b) & ~mask) |
				 (pci_get_word(vdev->pdev.config + PCI_COMMAND) & mask));
		pci_set_word(b, cmd);
		trace_event("vfio_pci_write_config", "%s COMMAND=0x%04x", vdev->host, cmd);
		r = sys->pwrite(sys->priv, vdev->device, b, sizeof(b), at);
	}
	if (r != (ssize_t)sizeof(b))
		pr_err("vfio %s: COMMAND through the config region: %s", vdev->host,
		       r < 0 ? strerror((int)-r) : "short access");
}

/*
 * vfio_pci_write_config - pdev.config_write, after pci_config_write updated
 * the emulated config and msix.c saw Message Control. BARs stay emulated.
 */
static void vfio_pci_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
	VFIOPCIDevice *vdev = pdev->opaque;

	if (vfio_ranges_overlap(addr, len, PCI_COMMAND, 2))
		vfio_pci_write_command(vdev);
	if (pdev->msix_cap && vfio_ranges_overlap(addr, len, pdev->msix_cap + PCI_MSIX_FLAGS, 2))
		vfio_msix_write_config(vdev, addr, val, len);
}

/* a capability in the physical list, 0 if none (at most 48 fit after the header) */
static uint8_t vfio_find_cap(const uint8_t *phys, uint8_t id)
{
	uint8_t pos = phys[PCI_CAPABILITY_LIST] & ~3;

	if (!(pci_get_word(phys + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	for (int n = 0; n < 48 && pos >= PCI_STD_HEADER_SIZEOF; n++) {
		if (phys[pos + PCI_CAP_LIST_ID] == id)
			return pos;
		pos = phys[pos + PCI_CAP_LIST_NEXT] & ~3;
	}
	return 0;
}

/* the table or PBA of n bytes at off must lie inside an exposed BAR */
static bool vfio_msix_fits(VFIOPCIDevice *vdev, int bar, uint32_t off, uint64_t n)
{
	return bar < PCI_NUM_REGIONS && vdev->pdev.io_regions[bar].size &&
	       vdev->pdev.io_regions[bar].type == PCI_BASE_ADDRESS_SPACE_MEMORY &&
	       off + n <= vdev->regions[bar].size;
}

/*
 * vfio_msix_early_setup - table and PBA BIR and offset, and the vector count,
 * from the physical capability; msix_init re-creates it at the same offset.
 * Returns the capability's offset, 0 if none, or -errno.
 */
static int vfio_msix_early_setup(VFIOPCIDevice *vdev, const uint8_t *phys)
{
	uint8_t pos = vfio_find_cap(phys, PCI_CAP_ID_MSIX);
	uint32_t table, pba;
	unsigned int n;

	if (!pos || pos + PCI_CAP_MSIX_SIZEOF > PCI_CONFIG_SIZE)
		return 0;
	n = (pci_get_word(phys + pos + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
	table = pci_get_long(phys + pos + PCI_MSIX_TABLE);
	pba = pci_get_long(phys + pos + PCI_MSIX_PBA);
	if (n != vdev->msix_entries)
		pr_debug("vfio %s: MSI-X capability has %u vectors, VFIO_DEVICE_GET_IRQ_INFO %u",
			 vdev->host, n, vdev->msix_entries);
	if (n > VFIO_MSIX_MAX_VECTORS) {
		pr_info("vfio %s: %u MSI-X vectors, virq offers the first %d", vdev->host, n,
			VFIO_MSIX_MAX_VECTORS);
		n = VFIO_MSIX_MAX_VECTORS;
	}
	vdev->msix_entries = n;
	vdev->msix_table_bar = (int)(table & PCI_MSIX_TABLE_BIR);
	vdev->msix_table_offset = table & PCI_MSIX_TABLE_OFFSET;
	vdev->msix_pba_bar = (int)(pba & PCI_MSIX_PBA_BIR);
	vdev->msix_pba_offset = pba & PCI_MSIX_PBA_OFFSET;
	if (!vfio_msix_fits(vdev, vdev->msix_table_bar, vdev->msix_table_offset,
			    n * PCI_MSIX_ENTRY_SIZE) ||
	    !vfio_msix_fits(vdev, vdev->msix_pba_bar, vdev->msix_pba_offset, (n + 63) / 64 * 8)) {
		pr_err("vfio %s: MSI-X table (BAR %d + 0x%x) or PBA (BAR %d + 0x%x) outside its BAR",
		       vdev->host, vdev->msix_table_bar, vdev->msix_table_offset,
		       vdev->msix_pba_bar, vdev->msix_pba_offset);
		return -EINVAL;
	}
	return pos;
}

/* the guest's header: the device's ids, no capabilities yet, no INTx */
static void vfio_pci_init_config(VFIOPCIDevice *vdev, const char *name, const uint8_t *phys)
{
	PCIDevice *pdev = &vdev->pdev;

	pci_device_init(pdev, name, VFIO_PCI_TYPE, pci_get_word(phys + PCI_VENDOR_ID),
			pci_get_word(phys + PCI_DEVICE_ID),
			pci_get_long(phys + PCI_CLASS_REVISION));
	pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID,
		     pci_get_word(phys + PCI_SUBSYSTEM_VENDOR_ID));
	pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, pci_get_word(phys + PCI_SUBSYSTEM_ID));
	/* the capability list is hidden; msix_init links MSI-X alone */
	pdev->config[PCI_CAPABILITY_LIST] = 0;
	pci_set_word(pdev->config + PCI_STATUS,
		     pci_get_word(pdev->config + PCI_STATUS) & ~PCI_STATUS_CAP_LIST);
	pdev->config[PCI_INTERRUPT_PIN] = 0;
	pdev->opaque = vdev;
	pdev->config_write = vfio_pci_write_config;
}

/* config space, BARs and MSI-X: the emulated device in front of the real one */
static int vfio_pci_setup(VFIOPCIDevice *vdev, const char *name)
{
	uint8_t phys[PCI_CONFIG_SIZE];
	int r = vfio_pci_read_phys_config(vdev, phys);

	if (r < 0)
		return r;
	vfio_pci_init_config(vdev, name, phys);
	vfio_bars_register(vdev, phys);
	r = vfio_msix_early_setup(vdev, phys);
	if (r <= 0) {
		if (!r)
			pr_info("vfio %s: no MSI-X capability: the device cannot interrupt the guest",
				vdev->host);
		vdev->msix_entries = 0;
		goto out;
	}
	vdev->msix_cap = (uint8_t)r;
	r = msix_init(&vdev->pdev, vdev->msix_entries, vdev->msix_table_bar,
		      vdev->msix_table_offset, vdev->msix_pba_bar, vdev->msix_pba_offset,
		      vdev->msix_cap);
	if (r < 0)
		pr_err("vfio %s: msix_init at 0x%x: %s", vdev->host, vdev->msix_cap, strerror(-r));
out:
	if (r < 0)
		vfio_bars_exit(vdev);
	return r < 0 ? r : 0;
}

/* ---- VFIO_DEVICE_SET_IRQS: vfio_set_irq_signaling, vfio_enable_vectors, ... ---- */

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

static int vfio_set_irqs(VFIOPCIDevice *vdev, uint32_t flags, unsigned int index,
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
	return r < 0 ? (int)r : 0;
}

int vfio_set_irq_signaling(VFIOPCIDevice *vdev, unsigned int index, unsigned int subindex,
			   uint32_t action, int fd)
{
	int32_t fds[1] = { fd };

	return vfio_set_irqs(vdev, VFIO_IRQ_SET_DATA_EVENTFD | action, index, subindex, 1, fds);
}

int vfio_enable_vectors(VFIOPCIDevice *vdev, unsigned int index, int nr, const int *fds)
{
	if (nr < 0)
		return -EINVAL;
	return vfio_set_irqs(vdev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index,
			     0, (unsigned int)nr, fds);
}

int vfio_disable_irqindex(VFIOPCIDevice *vdev, unsigned int index)
{
	return vfio_set_irqs(vdev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index,
			     0, 0, NULL);
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
int vfio_host_irq(VFIOPCIDevice *vdev, unsigned int nr)
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
		if (end != line && *end == ':' && v >= 0 && v <= INT_MAX)
			irq = (int)v;
		break;
	}
	free(buf);
	return irq;
}

/* ---- realize, unrealize ---- */

static VFIOPCIDevice *vfio_pci_new(struct vm *vm)
{
	VFIOPCIDevice *vdev = calloc(1, sizeof(*vdev));

	if (!vdev)
		return NULL;
	vdev->vm = vm;
	vdev->container = vdev->group = vdev->device = vdev->kvm_vfio_dev = -1;
	vdev->group_id = -1;
	vdev->stop_fd = -1;
	for (int v = 0; v < VFIO_MSIX_MAX_VECTORS; v++) {
		vdev->msi_vectors[v].interrupt = vdev->msi_vectors[v].kvm_interrupt = -1;
		vdev->msi_vectors[v].virq = -1;
	}
	return vdev;
}

/* as QEMU's vfio_realize: group, container, device, regions, config, BARs, MSI-X */
PCIDevice *vfio_pci_realize(struct vm *vm, PCIBus *bus, const char *name, const char *host)
{
	VFIOPCIDevice *vdev = vfio_pci_new(vm);

	if (!vdev || !host || !*host) {
		pr_err("vfio-pci %s: %s", name, vdev ? "no host device given" : "out of memory");
		goto err_free;
	}
	if (vfio_parse_host(vdev, host) < 0 || vfio_check_host(vdev) < 0 ||
	    vfio_get_group(vdev) < 0)
		goto err_free;
	if (vfio_connect_container(vdev) < 0)
		goto err_put_group;
	if (vfio_get_device(vdev) < 0)
		goto err_disconnect_container;
	if (vfio_populate_device(vdev) < 0 || vfio_kvm_device_add_group(vdev, bus) < 0)
		goto err_put_device;
	if (vfio_pci_setup(vdev, name) < 0)
		goto err_del_kvm_group;
	if (pci_bus_add_device(bus, &vdev->pdev) < 0) {
		pr_err("vfio %s: no free PCI slot for %s", vdev->host, name);
		goto err_msix_uninit;
	}
	if (vfio_msix_start(vdev) < 0) {
		pr_err("vfio %s: cannot start the MSI-X interrupt thread", vdev->host);
		goto err_msix_uninit;
	}
	trace_event("vfio_realize", "%s %s group=%d msix=%u noresize=%d", name, vdev->host,
		    vdev->group_id, vdev->msix_entries, vdev->msix_noresize);
	return &vdev->pdev;

err_msix_uninit:
	msix_uninit(&vdev->pdev);
	vfio_bars_exit(vdev);
err_del_kvm_group:
	vfio_kvm_device_del_group(vdev, bus);
err_put_device:
	vfio_put_device(vdev);
err_disconnect_container:
	vfio_disconnect_container(vdev);
err_put_group:
	vfio_put_group(vdev);
err_free:
	free(vdev);
	return NULL;
}

/* the reverse of realize; pci-irq.c's vfio_msix_stop ends the MSI-X side first */
void vfio_pci_unrealize(PCIDevice *pdev)
{
	VFIOPCIDevice *vdev = (VFIOPCIDevice *)pdev;
	PCIBus *bus = pdev->bus;

	if (bus && bus->devices[pdev->devfn >> 3] == pdev) {
		pthread_mutex_lock(&vdev->vm->bql);
		bus->devices[pdev->devfn >> 3] = NULL;
		pthread_mutex_unlock(&vdev->vm->bql);
	}
	/* QEMU's e1000e aborts if MSI-X goes while its EITR timer runs */
	if (vdev->msix_on)
		sleep_ns(VFIO_MSIX_QUIESCE_NS);
	vfio_msix_stop(vdev);
	if (vdev->msix_on) {	/* no thread was started: the index at least */
		vfio_disable_irqindex(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
		vdev->msix_on = false;
	}
	vfio_kvm_device_del_group(vdev, bus);
	vfio_bars_exit(vdev);
	vfio_put_device(vdev);
	vfio_disconnect_container(vdev);
	vfio_put_group(vdev);
	trace_event("vfio_unrealize", "%s %s", pdev->name, vdev->host);
	msix_uninit(pdev);
	free(vdev);
}
