// SPDX-License-Identifier: GPL-2.0
/*
 * container.c - the group and its container, after QEMU 11.1's legacy
 * (type1) container (hw/vfio/container-legacy.c) and its KVM-VFIO helpers:
 * the group joins a container of its own, type1 IOMMU, with all guest RAM
 * DMA-mapped at IOVA = GPA; and the VM's KVM-VFIO device, shared by the
 * vfio-pci devices on the bus. The names are 10.1's (vfio_group_get,
 * vfio_container_connect, vfio_group_add_kvm_device); QEMU 7.2 calls them
 * vfio_get_group, vfio_connect_container, vfio_kvm_device_add_group.
 *
 * Every open and ioctl goes through vm->kvm.sys. All of it runs from realize
 * and unrealize, before the vCPUs start or after they stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "vfio-common.h"
#include "../../vmm/util.h"

#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"

/* ---- group, container: vfio_group_get, vfio_container_connect ---- */

/* vfio_group_get: /dev/vfio/N, viable only when vfio-pci has every device of it */
int vfio_group_get(VFIOPCIDevice *vdev)
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
		vfio_close_fd(vdev, &vdev->group);
		return (int)r;
	}
	return 0;
}

void vfio_group_put(VFIOPCIDevice *vdev)
{
	vfio_close_fd(vdev, &vdev->group);
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
		vfio_close_fd(vdev, &vdev->container);
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

/* vfio_container_connect: the group joins a new container, type1 IOMMU, RAM mapped */
int vfio_container_connect(VFIOPCIDevice *vdev)
{
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
	vfio_close_fd(vdev, &vdev->container);
	return (int)r;
}

/* the last group leaving the container takes the IOMMU and its DMA mappings with it */
void vfio_container_disconnect(VFIOPCIDevice *vdev)
{
	if (vdev->container < 0)
		return;
	vfio_ioctl(vdev, vdev->group, VFIO_GROUP_UNSET_CONTAINER, NULL, "%s group %d", vdev->host,
		   vdev->group_id);
	vfio_close_fd(vdev, &vdev->container);
}

/* ---- the KVM-VFIO device: vfio_group_add_kvm_device ---- */

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

/*
 * KVM learns the group (virt/kvm/vfio.c kvm_vfio_file_add: the file's kvm
 * pointer, kvm_arch_start_assignment, non-coherent DMA accounting). Bypass
 * pairing does not need it: producer and consumer meet by eventfd.
 */
int vfio_group_add_kvm_device(VFIOPCIDevice *vdev, PCIBus *bus)
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

void vfio_group_del_kvm_device(VFIOPCIDevice *vdev, PCIBus *bus)
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
