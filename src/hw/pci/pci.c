// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - bus 0, configuration mechanism #1, config space with write masks
 * (QEMU's wmask/w1cmask), BARs decoded from config space on each access,
 * and the MMIO and I/O windows that hand BAR accesses to devices.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci.h"
#include "msix.h"
#include "../i386/kvm-ioapic.h"
#include "../isa/lpc_ich9.h"
#include "../../vmm/vm.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000u
#define PCI_VENDOR_ID_INTEL	0x8086
#define PCI_DEVICE_ID_Q35_MCH	0x29c0
#define PCI_CLASS_HOST_BRIDGE	0x06000000u	/* class 06, subclass 00, rev 0 */

void pci_device_init(PCIDevice *dev, const char *name, const char *type, uint16_t vendor,
		     uint16_t device, uint32_t class_rev)
{
	memset(dev->config, 0, sizeof(dev->config));
	memset(dev->wmask, 0, sizeof(dev->wmask));
	memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->type = type;
	pci_set_word(dev->config + PCI_VENDOR_ID, vendor);
	pci_set_word(dev->config + PCI_DEVICE_ID, device);
	pci_set_long(dev->config + PCI_CLASS_REVISION, class_rev);
	/* I/O, memory, bus master, INTx disable are the guest's */
	pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		     PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	pci_set_word(dev->w1cmask + PCI_STATUS, PCI_STATUS_SIG_TARGET_ABORT |
		     PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
		     PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
	dev->config[PCI_INTERRUPT_PIN] = 0;	/* no INTx but a passthrough device's */
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;	/* the firmware's note, as pci_init_wmask */
	for (int i = 0; i < PCI_NUM_REGIONS; i++)
		dev->io_regions[i] = (PCIIORegion){ .addr = PCI_BAR_UNMAPPED };
}

void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type, uint64_t size,
		      const struct bus_ops *ops, void *opaque)
{
	PCIIORegion *r = &dev->io_regions[region_num];
	int reg = PCI_BASE_ADDRESS_0 + region_num * 4;

	*r = (PCIIORegion){ .size = size, .type = type, .addr = PCI_BAR_UNMAPPED,
			    .ops = ops, .opaque = opaque };
	pci_set_long(dev->config + reg, type);
	/* the address bits the size leaves: sizing reads back ~(size - 1) | type */
	pci_set_long(dev->wmask + reg, (uint32_t)~(size - 1) & (type == PCI_BASE_ADDRESS_SPACE_IO ?
			    PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK));
}

int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset, uint8_t size)
{
	uint8_t *p = &dev->config[PCI_CAPABILITY_LIST];

	if (!offset) {
		/* after the last capability, or at 0x40 */
		offset = PCI_STD_HEADER_SIZEOF;
		for (uint8_t c = *p; c; c = dev->config[c + PCI_CAP_LIST_NEXT])
			if (c + 0x10 > offset)
				offset = (uint8_t)((c + 0x10 + 3) & ~3);
	}
	if (offset < PCI_STD_HEADER_SIZEOF || offset + size > PCI_CONFIG_SIZE)
		return -ENOSPC;
	while (*p)
		p = &dev->config[*p + PCI_CAP_LIST_NEXT];
	*p = offset;
	dev->config[offset + PCI_CAP_LIST_ID] = cap_id;
	dev->config[offset + PCI_CAP_LIST_NEXT] = 0;
	pci_set_word(dev->config + PCI_STATUS,
		     pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
	return offset;
}

/* decoded from config space, so sizing and COMMAND changes need no events */
uint64_t pci_bar_address(PCIDevice *dev, int region_num)
{
	PCIIORegion *r = &dev->io_regions[region_num];
	uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
	uint32_t bar = pci_get_long(dev->config + PCI_BASE_ADDRESS_0 + region_num * 4);
	bool io = r->type == PCI_BASE_ADDRESS_SPACE_IO;
	uint64_t addr = bar & (io ? PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK);

	if (!r->size || !(cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
		return PCI_BAR_UNMAPPED;
	/* 0 is unassigned; all address bits set is a sizing probe in flight */
	if (!addr || addr == (((uint32_t)~(r->size - 1)) & (io ? PCI_BASE_ADDRESS_IO_MASK :
							   PCI_BASE_ADDRESS_MEM_MASK)))
		return PCI_BAR_UNMAPPED;
	return addr;
}

uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, int len)
{
	uint32_t v = 0;

	for (int i = 0; i < len && addr + i < PCI_CONFIG_SIZE; i++)
		v |= (uint32_t)dev->config[addr + i] << (8 * i);
	return v;
}

/* pci_default_write_config: writable bits take the value, W1C bits clear */
static int pci_irq_changed(PCIDevice *dev, int gsi);
static bool pci_irq_disabled(const PCIDevice *dev);

void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
	bool was_disabled = pci_irq_disabled(dev);
	int gsi;

	for (int i = 0; i < len && addr + i < PCI_CONFIG_SIZE; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i)), wm = dev->wmask[addr + i];

		dev->config[addr + i] = (uint8_t)((dev->config[addr + i] & ~wm) | (b & wm));
		dev->config[addr + i] &= (uint8_t)~(b & dev->w1cmask[addr + i]);
	}
	/* pci_update_irq_disabled: a level held back goes out, or is withdrawn */
	if (was_disabled != pci_irq_disabled(dev) && dev->irq_state &&
	    (gsi = pci_device_route_intx_to_irq(dev)) >= 0)
		pci_irq_changed(dev, gsi);
	if (dev->msix_cap)
		msix_write_config(dev, addr, val, len);
	if (dev->config_write)
		dev->config_write(dev, addr, val, len);
}

/*
 * The device and register of a 0xcfc + off access. As QEMU's
 * pci_host_data_read/write (hw/pci/pci_host.c, 10.2), the latch's low
 * bits stay in the register, ORed with the port's: kvm-unit-tests'
 * pci_config_readw(dev, 2) latches reg 2 and reads 0xcfc, and gets the
 * device ID.
 */
static PCIDevice *pci_config_target(PCIBus *bus, uint64_t off, uint32_t *reg)
{
	uint32_t a = bus->config_address;

	if (!(a & PCI_CONFIG_ENABLE) || (a >> 16 & 0xff) || (a >> 8 & 7))
		return NULL;	/* bus 0, function 0 only */
	*reg = (a & 0xff) | (uint32_t)((off - 4) & 3);
	return bus->devices[a >> 11 & 0x1f];
}

static void pci_host_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	PCIBus *bus = opaque;
	uint32_t val = bus_data_get(data, size), reg;
	PCIDevice *dev;

	pthread_mutex_lock(&bus->vm->bql);
	if (off == 0 && size == 4)
		bus->config_address = val;
	else if (off >= 4 && (dev = pci_config_target(bus, off, &reg)))
		pci_config_write(dev, reg, val, (int)size);
	pthread_mutex_unlock(&bus->vm->bql);
}

static void pci_host_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	PCIBus *bus = opaque;
	uint32_t val = 0xffffffff, reg;
	PCIDevice *dev;

	pthread_mutex_lock(&bus->vm->bql);
	if (off == 0)
		val = bus->config_address;
	else if (off >= 4 && (dev = pci_config_target(bus, off, &reg)))
		val = pci_config_read(dev, reg, (int)size);
	pthread_mutex_unlock(&bus->vm->bql);
	bus_data_set(data, size, val);
}

static const struct bus_ops pci_host_ops = { .write = pci_host_write, .read = pci_host_read };

/* the BAR containing addr; caller holds bql */
static PCIIORegion *pci_find_bar(PCIBus *bus, bool io, uint64_t addr, uint64_t *off)
{
	for (int s = 0; s < PCI_BUS_MAX_DEVS; s++) {
		PCIDevice *dev = bus->devices[s];

		for (int i = 0; dev && i < PCI_NUM_REGIONS; i++) {
			PCIIORegion *r = &dev->io_regions[i];
			uint64_t base = pci_bar_address(dev, i);

			if (base == PCI_BAR_UNMAPPED || (r->type == PCI_BASE_ADDRESS_SPACE_IO) != io)
				continue;
			if (addr >= base && addr - base < r->size) {
				*off = addr - base;
				return r;
			}
		}
	}
	return NULL;
}

static void pci_window_access(PCIBus *bus, bool io, uint64_t addr, uint8_t *data,
			      unsigned int size, bool is_write)
{
	PCIIORegion *r;
	uint64_t off;

	pthread_mutex_lock(&bus->vm->bql);
	r = pci_find_bar(bus, io, addr, &off);
	if (r && is_write && r->ops->write)
		r->ops->write(r->opaque, off, data, size);
	else if (r && !is_write && r->ops->read)
		r->ops->read(r->opaque, off, data, size);
	else if (!is_write)
		memset(data, 0xff, size);	/* master abort */
	pthread_mutex_unlock(&bus->vm->bql);
}

static void pci_mmio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	pci_window_access(opaque, false, PCI_MMIO_WINDOW_BASE + off, (uint8_t *)data, size, true);
}

static void pci_mmio_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	pci_window_access(opaque, false, PCI_MMIO_WINDOW_BASE + off, data, size, false);
}

static void pci_io_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	pci_window_access(opaque, true, PCI_IO_WINDOW_BASE + off, (uint8_t *)data, size, true);
}

static void pci_io_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	pci_window_access(opaque, true, PCI_IO_WINDOW_BASE + off, data, size, false);
}

static const struct bus_ops pci_mmio_ops = { .write = pci_mmio_write, .read = pci_mmio_read };
static const struct bus_ops pci_io_ops = { .write = pci_io_write, .read = pci_io_read };

int pci_bus_init(PCIBus *bus, struct vm *vm)
{
	int r;

	memset(bus, 0, sizeof(*bus));
	bus->vm = vm;
	/* q35's MCH as the host bridge at 00:00.0 */
	pci_device_init(&bus->host_bridge, "host-bridge", "host-bridge", PCI_VENDOR_ID_INTEL,
			PCI_DEVICE_ID_Q35_MCH, PCI_CLASS_HOST_BRIDGE);
	bus->host_bridge.bus = bus;
	bus->devices[0] = &bus->host_bridge;
	r = bus_register(&vm->bus, BUS_PIO, PCI_CONFIG_ADDRESS, 8, &pci_host_ops, bus, "pci-host");
	if (!r)
		r = bus_register(&vm->bus, BUS_MMIO, PCI_MMIO_WINDOW_BASE, PCI_MMIO_WINDOW_SIZE,
				 &pci_mmio_ops, bus, "pci-mmio");
	if (!r)
		r = bus_register(&vm->bus, BUS_PIO, PCI_IO_WINDOW_BASE, PCI_IO_WINDOW_SIZE,
				 &pci_io_ops, bus, "pci-io");
	return r;
}

int pci_bus_add_device_at(PCIBus *bus, PCIDevice *dev, int slot)
{
	if (slot < 0) {
		for (slot = 1; slot < PCI_BUS_MAX_DEVS && bus->devices[slot]; slot++)
			;
		if (slot == PCI_BUS_MAX_DEVS)
			return -ENOSPC;
	}
	if (slot < 1 || slot >= PCI_BUS_MAX_DEVS || bus->devices[slot]) {
		pr_err("pci: %s: slot %d is taken or not on bus 0", dev->name, slot);
		return -EBUSY;
	}
	dev->bus = bus;
	dev->devfn = (uint8_t)(slot << 3);
	bus->devices[slot] = dev;
	return slot;
}

int pci_bus_add_device(PCIBus *bus, PCIDevice *dev)
{
	return pci_bus_add_device_at(bus, dev, -1);
}

int pci_device_route_intx_to_irq(PCIDevice *dev)
{
	int pin = dev->config[PCI_INTERRUPT_PIN];

	if (!pin || pin > PCI_NUM_PINS || !dev->bus)
		return -1;
	return ich9_pci_intx_to_gsi(dev->devfn >> 3, pin - 1);
}

/* pci_irq_disabled: the guest's INTx Disable holds the pin's level back */
static bool pci_irq_disabled(const PCIDevice *dev)
{
	return pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}

/*
 * A change of what dev shows its PIRQ: the PIRQ's level is every device on
 * it ORed (slots S and S + 4 share one: QEMU's pci_bus_change_irq_level
 * counts them) and goes to its GSI at each change, unchanged or not, as
 * QEMU's bus->set_irq (ich9_lpc_set_irq -> ich9_lpc_update_apic) does.
 */
static int pci_irq_changed(PCIDevice *dev, int gsi)
{
	PCIBus *bus = dev->bus;
	struct gsi_status st;
	int level = dev->irq_state && !pci_irq_disabled(dev);

	for (int s = 0; s < PCI_BUS_MAX_DEVS; s++) {
		PCIDevice *d = bus->devices[s];

		if (d && d != dev && d->irq_state && !pci_irq_disabled(d) &&
		    pci_device_route_intx_to_irq(d) == gsi)
			level = 1;
	}
	return gsi_handler(&bus->vm->kvm, gsi, level, &st);
}

/* pci_irq_handler: a change of level only, and none while INTx Disable is set */
int pci_set_irq(PCIDevice *dev, int level)
{
	int gsi = pci_device_route_intx_to_irq(dev);

	level = !!level;
	if (gsi < 0 || dev->irq_state == level)
		return 0;
	dev->irq_state = (uint8_t)level;
	return pci_irq_disabled(dev) ? 0 : pci_irq_changed(dev, gsi);
}

PCIDevice *pci_bus_find(PCIBus *bus, const char *name)
{
	for (int s = 1; s < PCI_BUS_MAX_DEVS; s++)
		if (bus->devices[s] && !strcmp(bus->devices[s]->name, name))
			return bus->devices[s];
	return NULL;
}

_Static_assert(PCI_MMIO_WINDOW_BASE == VIRQ_PCI_MMIO_BASE && PCI_IO_WINDOW_BASE == VIRQ_PCI_IO_BASE,
	       "the guest places BARs inside the windows the VMM decodes");
