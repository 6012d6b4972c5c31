/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pc.h - the board: the fixed devices every VM has (QEMU keeps the PC's in
 * hw/i386/pc.c), realized in order and unrealized in reverse. The PCI
 * devices a scenario plugs are typed apart (hw/pci/pci-types.c).
 */
#ifndef VIRQ_PC_H
#define VIRQ_PC_H

#include "../../vmm/vm.h"
#include "../pci/pci.h"

/* a board device, as QEMU's DeviceClass realize/unrealize much reduced */
struct device_type {
	const char *name;
	/* 0 or -errno; *state (NULL if the device keeps none) is unrealize's */
	int (*realize)(struct vm *vm, void **state);
	void (*unrealize)(struct vm *vm, void *state);	/* optional */
};

/* the devices pc.c lists; each file defines its own */
extern const struct device_type serial_device;		/* hw/char/serial.c */
extern const struct device_type debugexit_device;	/* hw/misc/debugexit.c */
extern const struct device_type testdev_device;		/* hw/misc/virq-testdev.c */
extern const struct device_type fw_cfg_device;		/* hw/nvram/fw_cfg.c */
extern const struct device_type kvm_pit_device;		/* hw/i386/kvm-i8254.c */
extern const struct device_type pc_testdev_device;	/* hw/misc/pc-testdev.c */

#define PC_MAX_DEVICES	8
#define PC_MAX_PCI_DEVICES	4

/* one VM's board; zeroed before realize */
struct pc_board {
	struct vm *vm;
	const struct device_type *const *devices;	/* the list realized */
	void *state[PC_MAX_DEVICES];	/* each device's, by its place in the list */
	int nr_realized;
	/* the test board's PCI bus and the devices plugged in it, in order */
	PCIBus pci;
	PCIDevice *pci_devices[PC_MAX_PCI_DEVICES];
	const struct pci_device_type *pci_types[PC_MAX_PCI_DEVICES];
	int nr_pci;
};

/* pc_board_realize - every board device, in order; on failure the ones done
 * are unrealized in reverse. 0 or -errno (reported). No vCPU may run. */
int pc_board_realize(struct pc_board *pc, struct vm *vm);
/* pc_test_board_realize - the same for a test kernel's board ('virq boot'),
 * then its PCI bus and devices, their BARs placed as SeaBIOS would */
int pc_test_board_realize(struct pc_board *pc, struct vm *vm);
/* pc_board_unrealize - the realized ones in reverse; again is a no-op. No vCPU may run. */
void pc_board_unrealize(struct pc_board *pc);

#endif /* VIRQ_PC_H */
