/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pc.h - the board: the fixed devices every VM has (QEMU keeps the PC's in
 * hw/i386/pc.c), realized in order and unrealized in reverse. The PCI
 * devices a scenario plugs are typed apart (hw/pci/pci-types.c).
 */
#ifndef VIRQ_PC_H
#define VIRQ_PC_H

#include "../../vmm/vm.h"

/* a board device, as QEMU's DeviceClass realize/unrealize much reduced */
struct device_type {
	const char *name;
	int (*realize)(struct vm *vm);		/* 0 or -errno */
	void (*unrealize)(struct vm *vm);	/* optional */
};

/* the devices pc.c lists; each file defines its own */
extern const struct device_type serial_device;		/* hw/char/serial.c */
extern const struct device_type debugexit_device;	/* hw/misc/debugexit.c */
extern const struct device_type testdev_device;		/* hw/misc/virq-testdev.c */

/* pc_board_realize - every board device, in order; on failure the ones done
 * are unrealized in reverse. 0 or -errno (reported). */
int pc_board_realize(struct vm *vm);
void pc_board_unrealize(struct vm *vm);

#endif /* VIRQ_PC_H */
