/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tk.h - the project's own test kernels (tests/kernels/): Multiboot v1
 * ELF32 images, freestanding, booted by 'virq boot' and by QEMU's -kernel
 * alike. What they share with their assembly: addresses and port numbers.
 */
#ifndef VIRQ_TK_H
#define VIRQ_TK_H

#define TK_PORT_SERIAL		0x3f8
#define TK_PORT_EXIT		0xf4	/* isa-debug-exit: status (v << 1) | 1 */
#define TK_PORT_FWCFG_SEL	0x510
#define TK_PORT_FWCFG_DATA	0x511
#define TK_PORT_TESTDEV		0xe0	/* pc-testdev scratch register */
#define TK_PORT_TESTDEV_BYTE	0xe8	/* the same, byte by byte */
#define TK_PORT_TESTDEV_IRQ	0x2000	/* + N: ISA IRQ N's level */
#define TK_TESTDEV_IOMEM	0xff000000u

#define TK_LAPIC		0xfee00000u
#define TK_IOAPIC		0xfec00000u

#define TK_SEL_CODE64		0x08
#define TK_SEL_DATA		0x10
#define TK_SEL_CODE32		0x18

/* the AP's real-mode trampoline (SIPI vector 0x08) and where it reports */
#define TK_TRAMPOLINE		0x8000
#define TK_AP_CPUID1_EBX	0x8ff0	/* CPUID.1:EBX as the AP saw it */
#define TK_AP_CPUIDB_EDX	0x8ff4	/* CPUID.0xb.0:EDX, or ~0 without the leaf */
#define TK_AP_DONE		0x8ff8	/* 1 when both are written */

#define TK_IRQ_VECTOR		0x40
#define TK_EXIT_EXCEPTION	0x7f	/* an unexpected exception: status 255 */

#endif
