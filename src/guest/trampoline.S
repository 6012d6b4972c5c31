/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trampoline.S - real-mode entry of the APs.
 *
 * Linked into the image but executed from a copy at VIRQ_TRAMPOLINE_GPA:
 * the SIPI vector 0x08 starts the AP at CS = 0x0800, IP = 0, so everything
 * inside the copy is addressed relative to trampoline_start through DS = CS.
 * References out of it (the GDT, ap_entry32) are absolute 32-bit addresses
 * in the image, fixed up by the linker.
 */
#include "guest.h"

	.section .text.trampoline, "ax"
	.code16
	.globl	trampoline_start
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	/* lgdtl: a 16-bit lgdt would only load 24 bits of the base */
	lgdtl	tr_gdt_ptr - trampoline_start
	/* PE (and ET) only: also clears CD/NW, which INIT leaves set */
	movl	$CR0_BOOT, %eax
	movl	%eax, %cr0
	ljmpl	$GDT_CODE, $ap_entry32

	.balign 4
tr_gdt_ptr:
	.word	GDT_SIZE - 1
	.long	gdt

	.globl	trampoline_end
trampoline_end:
	.code32
