// SPDX-License-Identifier: GPL-2.0
/*
 * pc.c - the board: which fixed devices a VM has, in realize order. An
 * explicit list, as kvmtool's dev_init levels but without constructors.
 * Two boards: a scenario's (the console, QEMU's isa-debug-exit, the test
 * guest's report ports) and a test kernel's under 'virq boot', which gets
 * what QEMU's "-machine pc -kernel K -device pc-testdev -device
 * isa-debug-exit,iobase=0xf4,iosize=4 -device pci-testdev" gives such a
 * kernel: COM1, fw_cfg, the in-kernel PIT, pc-testdev, isa-debug-exit, and
 * a PCI bus with pci-testdev, its BARs placed and decoding as SeaBIOS
 * leaves them (a -kernel boot runs SeaBIOS first; virq has no firmware).
 */
#include <errno.h>

#include "pc.h"
#include "../../vmm/util.h"

static const struct device_type *const pc_devices[] = {
	&serial_device,
	&debugexit_device,
	&testdev_device,
};

static const struct device_type *const pc_test_devices[] = {
	&serial_device,
	&fw_cfg_device,
	&kvm_pit_device,
	&pc_testdev_device,
	&debugexit_device,
};

/*
 * The test board's PCI devices and slots. QEMU's -M pc has its host bridge
 * at 00:00.0 and PIIX3 at 00:01.x; the first -device lands at 00:02.0 with
 * -nodefaults (kvm-unit-tests' x86/run, make check's QEMU runs), at
 * 00:04.0 after the default VGA (02) and NIC (03) otherwise. virq's board
 * has neither, so 00:02.0; slot 1 stays empty (no PIIX3 here).
 */
static const struct pc_pci_device {
	const struct pci_device_type *type;
	const char *name, *addr;
} pc_test_pci_devices[] = {
	{ &pci_testdev_type, "pci-testdev", "2" },
};

_Static_assert(ARRAY_SIZE(pc_devices) <= PC_MAX_DEVICES, "PC_MAX_DEVICES");
_Static_assert(ARRAY_SIZE(pc_test_devices) <= PC_MAX_DEVICES, "PC_MAX_DEVICES");
_Static_assert(ARRAY_SIZE(pc_test_pci_devices) <= PC_MAX_PCI_DEVICES, "PC_MAX_PCI_DEVICES");

/*
 * Where SeaBIOS puts BARs (src/fw/pciinit.c, read in 1.17; 1.16.2 under
 * QEMU 7.2 and 1.17.0 under 11.1 both put pci-testdev alone, with
 * -nodefaults, at 0xfebff000 and 0xc000, as here): pci_bios_check_devices sizes each BAR (memory ones at
 * least PCI_DEVICE_MEM_MIN), pci_region_create_entry keeps each region's
 * list largest first, pci_bios_init_root_regions_mem packs the memory
 * BARs just below BUILD_PCIMEM_END (the IOAPIC), ..._io puts the I/O ones
 * from 0xc000, and pci_bios_init_device turns on I/O and memory decoding
 * (SERR too, which virq's config space does not let be written).
 * Only bus 0's 32-bit BARs: what virq's PCI bus has.
 */
#define PCI_DEVICE_MEM_MIN	0x1000
#define BUILD_PCIMEM_END	0xfec00000ull
#define PC_PCI_IO_BASE		0xc000
#define PC_PCI_IO_END		0x10000
#define PC_MAX_BARS		(PC_MAX_PCI_DEVICES * PCI_NUM_REGIONS)

struct pc_pci_bar {
	PCIDevice *dev;
	int bar;
	uint64_t size;
};

/* every BAR of one kind on the bus, largest first, equals in bus order */
static int pc_pci_bars(PCIBus *bus, bool io, struct pc_pci_bar *e, uint64_t *sum)
{
	int n = 0;

	*sum = 0;
	for (int s = 0; s < PCI_BUS_MAX_DEVS; s++) {
		for (int i = 0; bus->devices[s] && i < PCI_NUM_REGIONS; i++) {
			PCIIORegion *r = &bus->devices[s]->io_regions[i];
			uint64_t size = r->size;
			int k;

			if (!size || (r->type == PCI_BASE_ADDRESS_SPACE_IO) != io || n == PC_MAX_BARS)
				continue;
			if (!io && size < PCI_DEVICE_MEM_MIN)
				size = PCI_DEVICE_MEM_MIN;
			for (k = n++; k > 0 && e[k - 1].size < size; k--)
				e[k] = e[k - 1];
			e[k] = (struct pc_pci_bar){ bus->devices[s], i, size };
			*sum += size;
		}
	}
	return n;
}

/* pci_region_map_entries: one after another from base */
static void pc_pci_map_bars(const struct pc_pci_bar *e, int n, uint64_t base)
{
	for (int i = 0; i < n; i++) {
		pci_config_write(e[i].dev, PCI_BASE_ADDRESS_0 + 4 * e[i].bar, (uint32_t)base, 4);
		base += e[i].size;
	}
}

/* pci_bios_map_devices, then pci_bios_init_device's decoding; no vCPU may run */
static int pc_pci_bios_setup(PCIBus *bus)
{
	struct pc_pci_bar mem[PC_MAX_BARS], io[PC_MAX_BARS];
	uint64_t mem_sum, io_sum;
	int nr_mem = pc_pci_bars(bus, false, mem, &mem_sum);
	int nr_io = pc_pci_bars(bus, true, io, &io_sum);

	if (io_sum > PC_PCI_IO_END - PC_PCI_IO_BASE || mem_sum > BUILD_PCIMEM_END -
	    PCI_MMIO_WINDOW_BASE) {
		pr_err("pci: the BARs do not fit the windows (I/O 0x%llx, memory 0x%llx bytes)",
		       (unsigned long long)io_sum, (unsigned long long)mem_sum);
		return -ENOSPC;
	}
	/* the first entry has the largest size, which is its alignment */
	pc_pci_map_bars(mem, nr_mem, nr_mem ? (BUILD_PCIMEM_END - mem_sum) & ~(mem[0].size - 1) : 0);
	pc_pci_map_bars(io, nr_io, PC_PCI_IO_BASE);
	for (int s = 0; s < PCI_BUS_MAX_DEVS; s++) {
		PCIDevice *dev = bus->devices[s];

		if (dev)
			pci_config_write(dev, PCI_COMMAND, pci_get_word(dev->config + PCI_COMMAND) |
					 PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
	}
	return 0;
}

static int pc_board_realize_pci(struct pc_board *pc, struct vm *vm,
				const struct pc_pci_device *devices, int n)
{
	int r = pci_bus_init(&pc->pci, vm);

	for (int i = 0; !r && i < n; i++) {
		PCIDevice *dev = devices[i].type->realize(vm, &pc->pci, devices[i].name,
							  devices[i].addr);

		if (!dev) {
			pr_err("device %s: realize failed", devices[i].name);
			return -ENODEV;
		}
		pc->pci_devices[pc->nr_pci] = dev;
		pc->pci_types[pc->nr_pci++] = devices[i].type;
		pr_info("device %s at 00:%02x.0", dev->name, dev->devfn >> 3);
	}
	return r ? r : pc_pci_bios_setup(&pc->pci);
}

void pc_board_unrealize(struct pc_board *pc)
{
	while (pc->nr_pci > 0) {
		int i = --pc->nr_pci;

		pc->pci_types[i]->unrealize(pc->pci_devices[i]);
		pc->pci_devices[i] = NULL;
	}
	while (pc->nr_realized > 0) {
		int i = --pc->nr_realized;

		if (pc->devices[i]->unrealize)
			pc->devices[i]->unrealize(pc->vm, pc->state[i]);
		pc->state[i] = NULL;
	}
}

static int pc_board_realize_list(struct pc_board *pc, struct vm *vm,
				 const struct device_type *const *devices, int n)
{
	pc->vm = vm;
	pc->devices = devices;
	for (int i = 0; i < n; i++) {
		int r = devices[i]->realize(vm, &pc->state[i]);

		if (r < 0) {
			pr_err("device %s: realize failed", devices[i]->name);
			pc_board_unrealize(pc);
			return r;
		}
		pc->nr_realized = i + 1;
	}
	return 0;
}

int pc_board_realize(struct pc_board *pc, struct vm *vm)
{
	return pc_board_realize_list(pc, vm, pc_devices, (int)ARRAY_SIZE(pc_devices));
}

int pc_test_board_realize(struct pc_board *pc, struct vm *vm)
{
	int r = pc_board_realize_list(pc, vm, pc_test_devices, (int)ARRAY_SIZE(pc_test_devices));

	if (r < 0)
		return r;
	r = pc_board_realize_pci(pc, vm, pc_test_pci_devices, (int)ARRAY_SIZE(pc_test_pci_devices));
	if (r < 0)
		pc_board_unrealize(pc);
	return r;
}
