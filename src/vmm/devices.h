/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devices.h - every emulated device exports one device_type; devices.c
 * lists them in order and realizes them, unrealizing in reverse on failure.
 */
#ifndef VIRQ_DEVICES_H
#define VIRQ_DEVICES_H

#include "vm.h"

struct device_type {
	const char *name;
	int (*realize)(struct vm *vm);		/* 0 or -errno */
	void (*unrealize)(struct vm *vm);	/* optional */
};

extern const struct device_type serial_device;		/* hw/char/serial.c */
extern const struct device_type debugexit_device;	/* hw/misc/debugexit.c */
extern const struct device_type testdev_device;		/* hw/misc/virq-testdev.c */

int devices_realize(struct vm *vm);
void devices_unrealize(struct vm *vm);

/* PCI devices a scenario may plug (device NAME TYPE), by type name */
typedef struct PCIDevice PCIDevice;
typedef struct PCIBus PCIBus;

struct pci_device_type {
	const char *name;
	/* NULL: failed (reported); arg is the scenario's host= for vfio-pci */
	PCIDevice *(*realize)(struct vm *vm, PCIBus *bus, const char *name, const char *arg);
	void (*unrealize)(PCIDevice *dev);
	uint64_t (*completions)(PCIDevice *dev);	/* requests the device has completed */
};

const struct pci_device_type *pci_device_type_find(const char *name);

#endif
