/* SPDX-License-Identifier: GPL-2.0 */
/*
 * triple.S - a test kernel that triple-faults on purpose: it loads an IDT
 * of limit 0 and executes ud2, so #UD, then #GP, then #DF find no gate and
 * the CPU shuts down (KVM_EXIT_SHUTDOWN). Before that it puts markers in
 * ESI/EDI/EBP and says so on COM1, the last exit the VMM sees: under SVM,
 * which INITs the vCPU before the exit reaches userspace, the markers are
 * what 'virq boot' can still report. QEMU's -no-reboot exits 0 there.
 */
#include "tk.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000002

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .rodata
msg:	.ascii	"triple: esi=0x7e57f417, now a triple fault\n\0"
	.balign 8
null_idt:
	.word	0
	.long	0

	.text
	.code32
	.globl	_start
_start:
	movl	$msg, %ecx
	movw	$TK_PORT_SERIAL, %dx
1:	movb	(%ecx), %al
	testb	%al, %al
	jz	2f
	movl	$0x7e57f417, %esi	/* the markers, live at the last OUT */
	movl	$0xd15ea5ed, %edi
	movl	$0x0b0a710f, %ebp
	outb	%al, %dx
	incl	%ecx
	jmp	1b
2:	lidt	null_idt
	ud2
