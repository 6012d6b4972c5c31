/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit1.S - a test kernel that exits with 1 on purpose: it says so on COM1
 * and writes 1 to isa-debug-exit, so QEMU's -kernel and 'virq boot' both
 * end with status (1 << 1) | 1 = 3. 32-bit, as the multiboot loader left it.
 */
#include "tk.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000002

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .rodata
msg:	.ascii	"exit1: writing 1 to isa-debug-exit on purpose\n\0"

	.text
	.code32
	.globl	_start
_start:
	movl	$msg, %esi
1:	lodsb
	testb	%al, %al
	jz	2f
	movw	$TK_PORT_SERIAL, %dx
	outb	%al, %dx
	jmp	1b
2:	movl	$1, %eax
	outl	%eax, $TK_PORT_EXIT
3:	cli
	hlt
	jmp	3b
