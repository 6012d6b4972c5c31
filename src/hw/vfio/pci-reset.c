// SPDX-License-Identifier: GPL-2.0
/*
 * pci-reset.c - a passed-through device's reset, as QEMU's hw/vfio/pci.c
 * vfio_pci_reset does it (read in 10.2.0; the trace events 11.1's
 * vfio_pci_reset, vfio_pci_reset_flr, vfio_pci_reset_pm and
 * vfio_pci_hot_reset name the same steps), then the reset the PCI core
 * gives every device (pci_do_device_reset, hw/pci/reset.c):
 *
 *   vfio_pci_pre_reset   interrupts off (vfio_disable_interrupts: MSI-X off,
 *                        which turns INTx on, then INTx off), I/O, memory
 *                        and bus master off in COMMAND, the device in D0
 *   the reset            VFIO_DEVICE_RESET where VFIO can and it is an FLR
 *                        (or there is no PM reset); else a bus reset of this
 *                        device alone (vfio_pci_hot_reset_one); else
 *                        VFIO_DEVICE_RESET as the PM reset
 *   vfio_pci_post_reset  INTx on again, the device's BARs written 0
 *
 * Then the guest's driver finds an unconfigured function: it enumerates
 * again and sets MSI-X up from scratch. QEMU's reset cannot fail; virq's
 * returns -errno when no reset worked, after the same post_reset.
 *
 * With vm->bql held: the MSI-X reader thread waits on it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci.h"
#include "vfio-common.h"
#include "../pci/msix.h"
#include "../../trace/trace.h"

/* what the physical capabilities offer, as QEMU's vfio_check_pcie_flr & co note at realize */
struct vfio_reset_caps {
	bool has_flr;		/* PCIe DEVCAP FLR, or AF with TP and FLR */
	bool has_pm_reset;	/* PM capability without No_Soft_Reset */
	uint8_t pm_cap;		/* the PM capability's offset, 0 if none */
};

/* 2 or 4 bytes at off of the device's config space, through the config region */
static int vfio_reset_config(VFIOPCIDevice *vdev, uint32_t off, void *buf, size_t len, bool write)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	off_t at = (off_t)vdev->regions[VFIO_PCI_CONFIG_REGION_INDEX].offset + off;
	ssize_t r = write ? sys->pwrite(sys->priv, vdev->device, buf, len, at) :
			    sys->pread(sys->priv, vdev->device, buf, len, at);

	if (r == (ssize_t)len)
		return 0;
	pr_err("vfio %s: config %s of %zu bytes at 0x%x: %s", vdev->host, write ? "write" : "read",
	       len, off, r < 0 ? strerror((int)-r) : "short access");
	return r < 0 ? (int)r : -EIO;
}

static int vfio_reset_caps_read(VFIOPCIDevice *vdev, struct vfio_reset_caps *c)
{
	uint8_t phys[PCI_CONFIG_SIZE];
	uint8_t exp, af;
	int r = vfio_pci_read_phys_config(vdev, phys);

	*c = (struct vfio_reset_caps){ 0 };
	if (r < 0)
		return r;
	exp = vfio_find_cap(phys, PCI_CAP_ID_EXP);
	if (exp && pci_get_long(phys + exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR)
		c->has_flr = true;
	af = vfio_find_cap(phys, PCI_CAP_ID_AF);
	if (af && (phys[af + PCI_AF_CAP] & PCI_AF_CAP_TP) && (phys[af + PCI_AF_CAP] & PCI_AF_CAP_FLR))
		c->has_flr = true;
	c->pm_cap = vfio_find_cap(phys, PCI_CAP_ID_PM);
	if (c->pm_cap && !(pci_get_word(phys + c->pm_cap + PCI_PM_CTRL) & PCI_PM_CTRL_NO_SOFT_RESET))
		c->has_pm_reset = true;
	return 0;
}

/*
 * vfio_disable_interrupts: "Disabling MSI/X transitions the device to INTx
 * mode (if supported). Therefore we need to first disable MSI/X and then
 * cleanup by disabling INTx."
 */
static void vfio_disable_interrupts(VFIOPCIDevice *vdev)
{
	if (vdev->msix_on)
		vfio_msix_disable(vdev);
	vfio_intx_disable(vdev);
}

/* the device back in D0 if it is not (vfio handles the delay) */
static void vfio_pci_reset_d0(VFIOPCIDevice *vdev, uint8_t pm)
{
	uint8_t b[2];

	if (!pm || vfio_reset_config(vdev, pm + PCI_PM_CTRL, b, 2, false) < 0 ||
	    !(pci_get_word(b) & PCI_PM_CTRL_STATE_MASK))
		return;
	pci_set_word(b, pci_get_word(b) & ~PCI_PM_CTRL_STATE_MASK);
	if (vfio_reset_config(vdev, pm + PCI_PM_CTRL, b, 2, true) < 0 ||
	    vfio_reset_config(vdev, pm + PCI_PM_CTRL, b, 2, false) < 0)
		return;
	if (pci_get_word(b) & PCI_PM_CTRL_STATE_MASK)
		pr_err("vfio %s: unable to power on device, stuck in D%u", vdev->host,
		       pci_get_word(b) & PCI_PM_CTRL_STATE_MASK);
}

/*
 * vfio_pci_pre_reset: no interrupt, no DMA. The COMMAND write is the
 * guest's kind (emulated config, then the device: vfio_pci_write_config);
 * 10.2 also clears INTx Disable there.
 */
static void vfio_pci_pre_reset(VFIOPCIDevice *vdev, const struct vfio_reset_caps *c)
{
	PCIDevice *pdev = &vdev->pdev;
	uint16_t cmd;

	vfio_disable_interrupts(vdev);
	cmd = (uint16_t)pci_config_read(pdev, PCI_COMMAND, 2);
	cmd &= (uint16_t)~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			   PCI_COMMAND_INTX_DISABLE);
	pci_config_write(pdev, PCI_COMMAND, cmd, 2);
	vfio_pci_reset_d0(vdev, c->pm_cap);
}

/* the host's BDF of a dependent device, as vdev->host spells it */
static bool vfio_dep_is(const VFIOPCIDevice *vdev, const struct vfio_pci_dependent_device *d)
{
	char bdf[16];

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", d->segment, d->bus, d->devfn >> 3,
		 d->devfn & 7);
	return !strcmp(bdf, vdev->host);
}

#define VFIO_HOT_RESET_MAX_DEPS	32

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: the devices a bus (or slot) reset
 * of vdev would reset too, into info (room for VFIO_HOT_RESET_MAX_DEPS). A
 * device VFIO cannot reset that way gives ENODEV (the lab's e1000e, on
 * L1's root bus): QEMU says nothing when a PM reset remains, nor does virq
 * beyond its trace.
 */
static int vfio_pci_get_pci_hot_reset_info(VFIOPCIDevice *vdev,
					   struct vfio_pci_hot_reset_info *info)
{
	const struct sys_ops *sys = vfio_sys(vdev);
	long r;

	info->argsz = sizeof(*info) + VFIO_HOT_RESET_MAX_DEPS * sizeof(info->devices[0]);
	info->flags = info->count = 0;
	r = sys->ioctl(sys->priv, vdev->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	trace_event("vfio_pci_get_pci_hot_reset_info", "%s: %s, %u dependent device%s",
		    vdev->host, r < 0 ? (strerrorname_np((int)-r) ?: "?") : "ok", r < 0 ? 0 : info->count,
		    r == 0 && info->count == 1 ? "" : "s");
	if (r < 0)
		pr_info("vfio %s: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO argsz=%u: %s: no bus reset for it",
			vdev->host, info->argsz, strerrorname_np((int)-r) ?: "?");
	return (int)r;
}

/*
 * vfio_pci_hot_reset_one (QEMU's legacy container, single): a bus reset
 * only if every device it resets is vdev or in vdev's group (QEMU: a group
 * it does not own is -EPERM), with vdev's group fd.
 */
static int vfio_pci_hot_reset_one(VFIOPCIDevice *vdev)
{
	struct vfio_pci_hot_reset_info *info;
	uint32_t buf[(sizeof(struct vfio_pci_hot_reset) + sizeof(int32_t)) / 4];
	struct vfio_pci_hot_reset *reset = (struct vfio_pci_hot_reset *)buf;
	int r = -ENOMEM;

	*reset = (struct vfio_pci_hot_reset){ .argsz = sizeof(buf), .count = 1 };
	reset->group_fds[0] = vdev->group;

	trace_event("vfio_pci_hot_reset", "%s one", vdev->host);
	info = calloc(1, sizeof(*info) + VFIO_HOT_RESET_MAX_DEPS * sizeof(info->devices[0]));
	if (!info || (r = vfio_pci_get_pci_hot_reset_info(vdev, info)) < 0)
		goto out;
	for (uint32_t i = 0; i < info->count && i < VFIO_HOT_RESET_MAX_DEPS; i++) {
		if (vfio_dep_is(vdev, &info->devices[i]) ||
		    info->devices[i].group_id == (uint32_t)vdev->group_id)
			continue;
		pr_info("vfio %s: a bus reset depends on group %u, which is not ours", vdev->host,
			info->devices[i].group_id);
		r = -EPERM;
		goto out;
	}
	r = (int)vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_PCI_HOT_RESET, reset,
			    "%s group_fd=%d", vdev->host, vdev->group);
	trace_event("vfio_pci_hot_reset_result", "%s %s", vdev->host,
		    r < 0 ? (strerrorname_np(-r) ?: "?") : "Success");
out:
	free(info);
	return r;
}

static int vfio_device_reset(VFIOPCIDevice *vdev, const char *kind)
{
	int r = (int)vfio_ioctl(vdev, vdev->device, VFIO_DEVICE_RESET, NULL, "%s", vdev->host);

	if (r == 0)
		trace_event(kind, "%s", vdev->host);
	return r;
}

/* vfio_pci_post_reset: INTx as at realize, and the device's BARs cleared (vfio virtualises them) */
static void vfio_pci_post_reset(VFIOPCIDevice *vdev)
{
	uint8_t zero[4] = { 0 };
	int r = vfio_intx_enable(vdev);

	if (r < 0)
		pr_err("vfio %s: INTx after the reset: %s", vdev->host, strerror(-r));
	for (int nr = 0; nr < PCI_NUM_REGIONS; nr++)
		vfio_reset_config(vdev, PCI_BASE_ADDRESS_0 + 4 * nr, zero, sizeof(zero), true);
}

/* vfio_pci_reset, then the PCI core's reset of the emulated side */
int vfio_pci_reset(PCIDevice *pdev)
{
	VFIOPCIDevice *vdev = (VFIOPCIDevice *)pdev;
	bool works = vdev->info.flags & VFIO_DEVICE_FLAGS_RESET;
	struct vfio_reset_caps c;
	int r = -ENOTTY;

	vfio_reset_caps_read(vdev, &c);		/* unread, none: as a device without them */
	trace_event("vfio_pci_reset", "%s %s flr=%d pm_reset=%d reset_works=%d", pdev->name,
		    vdev->host, c.has_flr, c.has_pm_reset, works);
	vfio_pci_pre_reset(vdev, &c);
	if (works && (c.has_flr || !c.has_pm_reset))
		r = vfio_device_reset(vdev, "vfio_pci_reset_flr");
	if (r < 0)
		r = vfio_pci_hot_reset_one(vdev);
	if (r < 0 && works && c.has_pm_reset)
		r = vfio_device_reset(vdev, "vfio_pci_reset_pm");
	if (r < 0)
		pr_err("vfio %s: no reset VFIO could do (reset_works=%d flr=%d pm_reset=%d): %s",
		       vdev->host, works, c.has_flr, c.has_pm_reset, strerror(-r));
	vfio_pci_post_reset(vdev);
	pci_do_device_reset(pdev);
	return r < 0 ? r : 0;
}
