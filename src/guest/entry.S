/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - multiboot header and the 32-bit entry points of the BSP and APs.
 *
 * Both paths load our own GDT (the loader's may be gone), normalise CR0 and
 * pick a stack by APIC id, so that this_cpu() can later derive the APIC id
 * from %esp without an MMIO read in the interrupt path.
 */
#include "guest.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, mem_* wanted */

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.section .rodata
	.balign 8
	.globl	gdt
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 4 GiB code, accessed */
	.quad	0x00cf93000000ffff	/* 0x10: flat 4 GiB data, accessed */
	.balign 4
gdt_ptr:
	.word	GDT_SIZE - 1
	.long	gdt

/* Flat data segments everywhere; %eax is clobbered */
.macro load_segments
	movl	$GDT_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
.endm

/*
 * %esp = top of virq_stacks[APIC id]. The xAPIC is hardware-enabled after
 * reset, so its ID register is readable before we software-enable it.
 * An id without a stack can do nothing useful: halt (the BSP times out).
 */
.macro pick_stack
	movl	LAPIC_BASE + LAPIC_ID, %eax
	shrl	$24, %eax
	cmpl	$NR_STACKS, %eax
	jae	halt_forever
	incl	%eax
	shll	$STACK_SHIFT, %eax
	leal	virq_stacks(%eax), %esp
.endm

	.text
	.globl	_start
_start:
	/* EAX = multiboot magic, EBX = info; keep them in callee-saved regs */
	cli
	cld
	movl	%eax, %esi
	movl	%ebx, %edi
	lgdt	gdt_ptr
	ljmp	$GDT_CODE, $1f
1:	load_segments
	movl	$CR0_BOOT, %eax
	movl	%eax, %cr0
	pick_stack
	pushl	%edi
	pushl	%esi
	call	virq_bsp_main
	jmp	halt_forever

	/* APs arrive here from trampoline.S with CS = GDT_CODE, IF = 0 */
	.globl	ap_entry32
ap_entry32:
	load_segments
	pick_stack
	call	virq_ap_main

	.globl	halt_forever
halt_forever:
	cli
	hlt
	jmp	halt_forever

	.bss
	.balign 4096
	.globl	virq_stacks
virq_stacks:
	.skip	NR_STACKS * STACK_SIZE
