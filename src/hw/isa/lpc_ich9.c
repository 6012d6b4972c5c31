// SPDX-License-Identifier: GPL-2.0
/*
 * lpc_ich9.c - q35's PCI INTx -> GSI routing (lpc_ich9.h), the part of
 * QEMU's hw/isa/lpc_ich9.c a firmware-less VMM needs.
 */
#include <errno.h>

#include "lpc_ich9.h"

/* ICH9_CC_DIR_DEFAULT 0x3210: DnnIR's four 4-bit fields, INTA..INTD -> PIRQ A..D */
#define ICH9_CC_DIR_DEFAULT	0x3210
#define ICH9_CC_DIR_SHIFT	4
#define ICH9_CC_DIR_MASK	0x7

int ich9_lpc_map_irq(int slot, int intx)
{
	if (slot < 0 || slot >= PCI_SLOT_MAX || intx < 0 || intx >= PCI_NUM_PINS)
		return -EINVAL;
	if (slot <= 24)
		return (slot + intx) % 4 + 4;	/* ich9_cc_init: avoid A-D (PCIe ports) */
	if (slot == 30)
		return intx + 4;		/* D30IR is read-only 0: QEMU picks E-H */
	return (ICH9_CC_DIR_DEFAULT >> (intx * ICH9_CC_DIR_SHIFT)) & ICH9_CC_DIR_MASK;
}

int ich9_route_intx_pin_to_irq(int pirq)
{
	if (pirq < 0 || pirq >= ICH9_LPC_NB_PIRQS)
		return -EINVAL;
	return ICH9_LPC_PIC_NUM_PINS + pirq;	/* ich9_pirq_to_gsi */
}

int ich9_pci_intx_to_gsi(int slot, int intx)
{
	int pirq = ich9_lpc_map_irq(slot, intx);

	return pirq < 0 ? pirq : ich9_route_intx_pin_to_irq(pirq);
}
