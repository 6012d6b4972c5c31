// SPDX-License-Identifier: GPL-2.0
/*
 * reset.c - a PCI device's reset on the emulated side, as QEMU's
 * hw/pci/pci.c pci_do_device_reset and hw/pci/msix.c msix_reset (read in
 * 10.2.0; pci_device_reset runs the device's own reset first, then this).
 * What the guest wrote is gone: COMMAND, STATUS, the BARs' addresses,
 * MSI-X Enable and Function Mask, every table entry (zero, masked) and
 * pending bit. With vm->bql held, or before the vCPUs start.
 */
#include <string.h>

#include "msix.h"
#include "../../trace/trace.h"

#define MSIX_CONTROL_OFFSET	(PCI_MSIX_FLAGS + 1)	/* enable and mask-all */

/*
 * msix_reset: Message Control's writable bits cleared first, so MSI-X is
 * off and every vector counts as masked: masking the entries flips none,
 * and no notifier fires (QEMU's msix_mask_all finds nothing to release; a
 * device with vectors in use released them in its own reset, as
 * vfio_msix_disable does). A pending bit still set here is never
 * delivered: counted as cleared (the row's dropped), as msix_vector_unuse
 * counts one.
 */
void msix_reset(PCIDevice *dev)
{
	uint8_t *ctrl;

	if (!dev->msix_cap)
		return;
	for (unsigned int v = 0; v < dev->msix_entries_nr; v++)
		if (msix_is_pending(dev, v))
			dev->msix_stats[v].cleared++;
	ctrl = &dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET];
	*ctrl &= (uint8_t)~dev->wmask[dev->msix_cap + MSIX_CONTROL_OFFSET];
	memset(dev->msix_table, 0, dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
	memset(dev->msix_pba, 0, (dev->msix_entries_nr + 63) / 64 * 8);
	for (unsigned int v = 0; v < dev->msix_entries_nr; v++)
		dev->msix_table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] |=
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
	/* recomputes the function mask from Message Control; Enable is clear, so nothing fires */
	msix_write_config(dev, dev->msix_cap + MSIX_CONTROL_OFFSET, *ctrl, 1);
	trace_event("msix_reset", "%s: %u entries masked, PBA cleared", dev->name,
		    dev->msix_entries_nr);
}

static void pci_clear_writable(PCIDevice *dev, unsigned int reg, unsigned int len)
{
	for (unsigned int i = reg; i < reg + len; i++)
		dev->config[i] &= (uint8_t)~(dev->wmask[i] | dev->w1cmask[i]);
}

/*
 * pci_do_device_reset: INTx lowered, the writable bits of COMMAND, STATUS
 * and the interrupt line cleared, every BAR back to its type bits alone
 * (pci_reset_regions: unassigned, so not decoded), then MSI-X.
 */
void pci_do_device_reset(PCIDevice *dev)
{
	pci_set_irq(dev, 0);
	pci_clear_writable(dev, PCI_COMMAND, 2);
	pci_clear_writable(dev, PCI_STATUS, 2);
	pci_clear_writable(dev, PCI_INTERRUPT_LINE, 1);
	dev->config[PCI_CACHE_LINE_SIZE] = 0;
	for (int i = 0; i < PCI_NUM_REGIONS; i++)
		if (dev->io_regions[i].size)
			pci_set_long(dev->config + PCI_BASE_ADDRESS_0 + 4 * i,
				     dev->io_regions[i].type);
	trace_event("pci_do_device_reset", "%s", dev->name);
	msix_reset(dev);
}
