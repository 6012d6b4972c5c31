/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000e-regs.h - the e1000e interrupt registers the test guest programs
 * (BAR 0), shared by the guest's step program (prog.c) and the VMM's
 * mailbox driver (src/scenario/driver.c) so both make the same accesses.
 * Register offsets and bits after QEMU's hw/net/e1000_regs.h.
 */
#ifndef VIRQ_E1000E_REGS_H
#define VIRQ_E1000E_REGS_H

#define E1000_CTRL_EXT		0x18
#define E1000_ICR		0xc0
#define E1000_ICS		0xc8
#define E1000_IMS		0xd0
#define E1000_IMC		0xd8
#define E1000_EIAC		0xdc
#define E1000_IVAR		0xe4
#define E1000_CTRL_EXT_IAME	(1u << 27)
#define E1000_IVAR_MAP		0x000cba98u	/* RXQ0 -> 0, RXQ1 -> 1, TXQ0 -> 2, TXQ1 -> 3, other -> 4 */
#define E1000_CAUSES		0x01f00000u	/* RXQ0, RXQ1, TXQ0, TXQ1, other */
/* QEMU 7.2's EITR: raises of one vector more than 128 us apart */
#define E1000_RAISE_GAP_MS	2

#endif
