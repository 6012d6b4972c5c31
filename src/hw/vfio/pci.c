// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - a host PCI function passed through with VFIO, after QEMU 11.1's
 * hw/vfio/pci.c (vfio_pci_realize, vfio_pci_config_setup: 10.1's names): config space as a snapshot of the device's with only
 * MSI-X left in the capability list, and BARs forwarded to the device's
 * regions but for the MSI-X table, and the PBA while pci-irq.c has
 * pba_emulated set: msix.c serves those. Realize brings up the group and
 * its container with all guest RAM DMA-mapped and the KVM-VFIO device
 * (container.c), the device fd and its regions (device.c).
 *
 * Every open, ioctl, mmap, read and write goes through vm->kvm.sys. BAR and
 * config callbacks run with vm->bql held; realize and unrealize run before
 * the vCPUs start or after they stopped.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vfio-common.h"
#include "../pci/msix.h"
#include "../../vmm/util.h"
#include "../../trace/trace.h"

/* QEMU 7.2 e1000e: its EITR timer (500 x 256 ns = 128 us) outlives a message */
#define VFIO_MSIX_QUIESCE_NS	1000000ull

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
		else	/* QEMU's vfio_region_read: ops->vfio_eoi after a read that worked */
			vfio_pci_intx_eoi(vdev);
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
		vfio_pci_intx_eoi(vdev);	/* vfio_region_write: ops->vfio_eoi, always */
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

		bus_data_set(data + done, unit, v);
	}
}

static void vfio_bar_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct vfio_region_info *reg = opaque;
	VFIOPCIDevice *vdev = vfio_bar_vdev(reg);
	unsigned int unit = size == 8 ? 4 : size;

	if (!vfio_bar_access_ok(reg, off, size))
		return;
	for (unsigned int done = 0; done < size; done += unit)
		vfio_bar_write_one(vdev, (int)reg->index, off + done,
				   bus_data_get(data + done, unit), unit);
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

int vfio_pci_read_phys_config(VFIOPCIDevice *vdev, uint8_t *phys)
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
uint8_t vfio_find_cap(const uint8_t *phys, uint8_t id)
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

/* the guest's header: the device's ids and INTx pin, no capabilities yet */
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
	pdev->config[PCI_INTERRUPT_PIN] = phys[PCI_INTERRUPT_PIN];	/* pci-intx.c */
	pdev->opaque = vdev;
	pdev->config_write = vfio_pci_write_config;
}

/* config space, BARs and MSI-X: the emulated device in front of the real one */
static int vfio_pci_config_setup(VFIOPCIDevice *vdev, const char *name)
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
	vfio_intx_init(vdev);
	for (int v = 0; v < VFIO_MSIX_MAX_VECTORS; v++) {
		vdev->msi_vectors[v].interrupt = vdev->msi_vectors[v].kvm_interrupt = -1;
		vdev->msi_vectors[v].virq = -1;
		vdev->msix_trigger[v] = -1;
	}
	return vdev;
}

/*
 * arg is host[,x-no-kvm-intx=on|off], as QEMU's -device vfio-pci,host=...
 * spells them; host is left in buf
 */
static int vfio_pci_parse_options(VFIOPCIDevice *vdev, const char *arg, char *buf, size_t n)
{
	char *opt;

	snprintf(buf, n, "%s", arg);
	opt = strchr(buf, ',');
	if (!opt)
		return 0;
	*opt++ = '\0';
	if (!strcmp(opt, "x-no-kvm-intx=on") || !strcmp(opt, "x-no-kvm-intx=off")) {
		vdev->no_kvm_intx = !strcmp(opt, "x-no-kvm-intx=on");
		return 0;
	}
	pr_err("vfio-pci %s: unknown option '%s': wanted x-no-kvm-intx=on|off", buf, opt);
	return -EINVAL;
}

/*
 * off the bus: at unrealize, and when realize fails after
 * pci_bus_add_device (QEMU's pci_qdev_realize calls
 * do_pci_unregister_device when a device's realize fails), so that no
 * slot points at a device about to be freed
 */
static void vfio_pci_bus_del(VFIOPCIDevice *vdev)
{
	PCIBus *bus = vdev->pdev.bus;

	if (!bus || bus->devices[vdev->pdev.devfn >> 3] != &vdev->pdev)
		return;
	pthread_mutex_lock(&vdev->vm->bql);
	bus->devices[vdev->pdev.devfn >> 3] = NULL;
	pthread_mutex_unlock(&vdev->vm->bql);
}

/* as QEMU's vfio_realize: group, container, device, regions, config, BARs, MSI-X, INTx */
PCIDevice *vfio_pci_realize(struct vm *vm, PCIBus *bus, const char *name, const char *arg)
{
	VFIOPCIDevice *vdev = vfio_pci_new(vm);
	char host[64];
	int r;

	if (!vdev || !arg || !*arg) {
		pr_err("vfio-pci %s: %s", name, vdev ? "no host device given" : "out of memory");
		goto err_free;
	}
	if (vfio_pci_parse_options(vdev, arg, host, sizeof(host)) < 0)
		goto err_free;
	if (vfio_parse_host(vdev, bus, host) < 0 || vfio_check_host(vdev) < 0 ||
	    vfio_group_get(vdev) < 0)
		goto err_free;
	if (vfio_container_connect(vdev) < 0)
		goto err_put_group;
	if (vfio_device_get(vdev) < 0)
		goto err_disconnect_container;
	if (vfio_pci_populate_device(vdev) < 0 || vfio_group_add_kvm_device(vdev, bus) < 0)
		goto err_put_device;
	if (vfio_pci_config_setup(vdev, name) < 0)
		goto err_del_kvm_group;
	if (pci_bus_add_device(bus, &vdev->pdev) < 0) {
		pr_err("vfio %s: no free PCI slot for %s", vdev->host, name);
		goto err_msix_uninit;
	}
	if (vfio_msix_start(vdev) < 0) {
		pr_err("vfio %s: cannot start the MSI-X interrupt thread", vdev->host);
		goto err_bus_del;
	}
	pthread_mutex_lock(&vm->bql);
	r = vfio_intx_enable(vdev);
	pthread_mutex_unlock(&vm->bql);
	if (r < 0) {
		pr_err("vfio %s: INTx: %s", vdev->host, strerror(-r));
		goto err_msix_stop;
	}
	trace_event("vfio_realize", "%s %s group=%d msix=%u noresize=%d intx=%c", name,
		    vdev->host, vdev->group_id, vdev->msix_entries, vdev->msix_noresize,
		    vdev->pdev.config[PCI_INTERRUPT_PIN] ? '@' + vdev->pdev.config[PCI_INTERRUPT_PIN] : '-');
	return &vdev->pdev;

err_msix_stop:
	vfio_msix_stop(vdev);
err_bus_del:
	vfio_pci_bus_del(vdev);
err_msix_uninit:
	msix_uninit(&vdev->pdev);
	vfio_bars_exit(vdev);
err_del_kvm_group:
	vfio_group_del_kvm_device(vdev, bus);
err_put_device:
	vfio_device_put(vdev);
err_disconnect_container:
	vfio_container_disconnect(vdev);
err_put_group:
	vfio_group_put(vdev);
err_free:
	free(vdev);
	return NULL;
}

/* the reverse of realize; pci-irq.c's vfio_msix_stop ends the MSI-X side first */
void vfio_pci_unrealize(PCIDevice *pdev)
{
	VFIOPCIDevice *vdev = (VFIOPCIDevice *)pdev;
	PCIBus *bus = pdev->bus;

	vfio_pci_bus_del(vdev);
	/* QEMU 7.2's e1000e aborts if MSI-X goes while its EITR timer runs
	 * (e1000e_intrmgr_on_msix_throttling_timer asserts msix_enabled) */
	if (vdev->msix_on)
		sleep_ns(VFIO_MSIX_QUIESCE_NS);
	vfio_msix_stop(vdev);
	if (vdev->msix_on) {	/* no thread was started: the index at least */
		vfio_device_irq_disable(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
		vdev->msix_on = false;
	}
	/* QEMU's vfio_disable_interrupts: MSI-X off turned INTx on; now it goes too */
	vfio_intx_disable(vdev);
	vfio_group_del_kvm_device(vdev, bus);
	vfio_bars_exit(vdev);
	vfio_device_put(vdev);
	vfio_container_disconnect(vdev);
	vfio_group_put(vdev);
	trace_event("vfio_unrealize", "%s %s", pdev->name, vdev->host);
	msix_uninit(pdev);
	free(vdev);
}

/* a passthrough device completes nothing the VMM can count */
static uint64_t vfio_pci_completions(PCIDevice *pdev)
{
	(void)pdev;
	return 0;
}

const struct pci_device_type vfio_pci_type = {
	.name = "vfio-pci",
	.realize = vfio_pci_realize,
	.unrealize = vfio_pci_unrealize,
	.completions = vfio_pci_completions,
	.modules = "vfio vfio_iommu_type1 vfio_pci",
};
