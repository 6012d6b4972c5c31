/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lpc_ich9.h - the q35 machine's PCI INTx routing, as QEMU's
 * hw/isa/lpc_ich9.c computes it with every PIRQx_ROUT register at its reset
 * value 0x80 (ICH9_LPC_PIRQ_ROUT_DEFAULT: routing to the PIC disabled),
 * which is where virq leaves them: it has no firmware to write them and
 * does not emulate a write (docs/intx.md says why).
 *
 *   ich9_lpc_map_irq         slot S, pin P (0 = INTA) -> PIRQ: slots 0-24
 *                            (S + P) % 4 + 4 (PIRQ E-H, ich9_cc_init);
 *                            25-29 and 31 through DnnIR at its default
 *                            0x3210, PIRQ A-D = P; 30 (the DMI-PCI
 *                            bridge) P + 4 (ich9_cc_update)
 *   ich9_route_intx_pin_to_irq  with bit 7 (PIC routing disabled) set,
 *                            PIRQ n -> GSI 16 + n on the IOAPIC only
 *                            (ich9_pirq_to_gsi)
 *
 * So a root-bus device in slot S <= 24 raises GSI 20 + (S + P) % 4. Read in
 * QEMU 7.2's and 10.2's hw/isa/lpc_ich9.c (the same logic).
 */
#ifndef VIRQ_LPC_ICH9_H
#define VIRQ_LPC_ICH9_H

#define ICH9_LPC_NB_PIRQS	8
#define ICH9_LPC_PIC_NUM_PINS	16
#define PCI_SLOT_MAX		32
#define PCI_NUM_PINS		4

/* the PIRQ (0-7, A-H) of slot's pin intx (0 = INTA); -EINVAL out of range */
int ich9_lpc_map_irq(int slot, int intx);
/* PIRQ pirq's GSI with PIC routing disabled: 16 + pirq; -EINVAL out of range */
int ich9_route_intx_pin_to_irq(int pirq);
/* both: the GSI of a root-bus device's INTx pin */
int ich9_pci_intx_to_gsi(int slot, int intx);

#endif /* VIRQ_LPC_ICH9_H */
