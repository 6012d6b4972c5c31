// SPDX-License-Identifier: GPL-2.0
/* devices.c - the board: which devices a VM has, in realize order. */
#include <string.h>

#include "devices.h"
#include "util.h"
#include "../hw/nvme/nvme.h"
#include "../hw/vfio/pci.h"

PCIDevice *virtio_rng_pci_realize(struct vm *vm, PCIBus *bus, const char *name);
void virtio_rng_pci_unrealize(PCIDevice *dev);
uint64_t virtio_rng_pci_completions(PCIDevice *dev);

/* CQEs posted, admin ones included */
static uint64_t nvme_completions(PCIDevice *dev)
{
	struct nvme_stats st;

	nvme_get_stats(dev, &st);
	return st.completions;
}

static PCIDevice *virtio_rng_new(struct vm *vm, PCIBus *bus, const char *name, const char *arg)
{
	(void)arg;
	return virtio_rng_pci_realize(vm, bus, name);
}

static PCIDevice *nvme_new(struct vm *vm, PCIBus *bus, const char *name, const char *arg)
{
	(void)arg;
	return nvme_realize(vm, bus, name);
}

/* a passthrough device completes nothing the VMM can count */
static uint64_t no_completions(PCIDevice *dev)
{
	(void)dev;
	return 0;
}

static const struct pci_device_type pci_types[] = {
	{ "virtio-rng", virtio_rng_new, virtio_rng_pci_unrealize, virtio_rng_pci_completions },
	{ "nvme", nvme_new, nvme_unrealize, nvme_completions },
	{ "vfio-pci", vfio_pci_realize, vfio_pci_unrealize, no_completions },
};

const struct pci_device_type *pci_device_type_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(pci_types); i++)
		if (!strcmp(pci_types[i].name, name))
			return &pci_types[i];
	return NULL;
}

static const struct device_type *const board[] = {
	&serial_device,
	&debugexit_device,
	&testdev_device,
};

static void devices_unrealize_from(struct vm *vm, int n)
{
	while (n-- > 0)
		if (board[n]->unrealize)
			board[n]->unrealize(vm);
}

int devices_realize(struct vm *vm)
{
	for (int i = 0; i < (int)ARRAY_SIZE(board); i++) {
		int r = board[i]->realize(vm);

		if (r < 0) {
			pr_err("device %s: realize failed", board[i]->name);
			devices_unrealize_from(vm, i);
			return r;
		}
	}
	return 0;
}

void devices_unrealize(struct vm *vm)
{
	devices_unrealize_from(vm, (int)ARRAY_SIZE(board));
}
