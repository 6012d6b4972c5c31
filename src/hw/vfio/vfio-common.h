/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-common.h - what pci.c, container.c and device.c share, after QEMU
 * 7.2's include/hw/vfio/vfio-common.h (QEMU 11.1 has these parts in
 * include/hw/vfio/vfio-device.h and hw/vfio/vfio-helpers.h). Internal to
 * hw/vfio; the public API is pci.h. Ints returned are 0 (or a value) on success, -errno on failure,
 * already reported.
 */
#ifndef VIRQ_VFIO_COMMON_H
#define VIRQ_VFIO_COMMON_H

#include <stdint.h>

#include "pci.h"
#include "../../vmm/vm.h"

#define VFIO_PCI_TYPE		"vfio-pci"

/* a failing VFIO ioctl is reported as KVM's are: name, arguments, errno */
#define vfio_ioctl(vdev, fd, req, arg, ...) \
	kvm_do_ioctl(&(vdev)->vm->kvm, (fd), (req), #req, (arg), __VA_ARGS__)

static inline const struct sys_ops *vfio_sys(VFIOPCIDevice *vdev)
{
	return vdev->vm->kvm.sys;
}

/* close one of vdev's fds (group, container, device) if open; it reads -1 after */
static inline void vfio_close_fd(VFIOPCIDevice *vdev, int *fd)
{
	const struct sys_ops *sys = vfio_sys(vdev);

	if (*fd >= 0)
		sys->close(sys->priv, *fd);
	*fd = -1;
}

/* container.c: group, container, the KVM-VFIO device */
int vfio_group_get(VFIOPCIDevice *vdev);
void vfio_group_put(VFIOPCIDevice *vdev);
int vfio_container_connect(VFIOPCIDevice *vdev);
void vfio_container_disconnect(VFIOPCIDevice *vdev);
int vfio_group_add_kvm_device(VFIOPCIDevice *vdev, PCIBus *bus);
void vfio_group_del_kvm_device(VFIOPCIDevice *vdev, PCIBus *bus);

/* device.c: the host device, its fd, regions and IRQ info */
int vfio_parse_host(VFIOPCIDevice *vdev, PCIBus *bus, const char *host);
int vfio_check_host(VFIOPCIDevice *vdev);
int vfio_device_get(VFIOPCIDevice *vdev);
void vfio_device_put(VFIOPCIDevice *vdev);
int vfio_pci_populate_device(VFIOPCIDevice *vdev);
/* pci.c: the device's config space (PCI_CONFIG_SIZE bytes), a capability in it (0: none) */
int vfio_pci_read_phys_config(VFIOPCIDevice *vdev, uint8_t *phys);
uint8_t vfio_find_cap(const uint8_t *phys, uint8_t id);

/* one 1, 2 or 4-byte access at off in region i; the caller checked the bounds */
int vfio_region_read(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t *val, unsigned int size);
int vfio_region_write(VFIOPCIDevice *vdev, int i, uint64_t off, uint32_t val, unsigned int size);

#endif /* VIRQ_VFIO_COMMON_H */
