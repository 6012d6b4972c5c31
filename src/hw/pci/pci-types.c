// SPDX-License-Identifier: GPL-2.0
/*
 * pci-types.c - the PCI device types a scenario may plug, by name. An
 * explicit table in place of QEMU's type_init() constructors: a new
 * device file defines its pci_device_type and adds one line here.
 */
#include <string.h>

#include "pci.h"
#include "../../vmm/util.h"

static const struct pci_device_type *const pci_device_types[] = {
	&virtio_rng_pci_type,
	&nvme_pci_type,
	&vfio_pci_type,
};

const struct pci_device_type *pci_device_type_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(pci_device_types); i++)
		if (!strcmp(pci_device_types[i]->name, name))
			return pci_device_types[i];
	return NULL;
}
