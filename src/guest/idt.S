/* SPDX-License-Identifier: GPL-2.0 */
/*
 * idt.S - the 256 interrupt entry stubs and their common path.
 *
 * Every stub is exactly 16 bytes (hand-encoded, so no jump relaxation can
 * change a size): idt.c points vector v at virq_vectors + 16 * v. A stub
 * makes the frame uniform by pushing a dummy error code when the CPU does
 * not push one, then pushes the vector number.
 */
#include "guest.h"

	.altmacro

.macro vector v
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || \
	    (\v == 21) || (\v == 29) || (\v == 30)
	.byte	0x90, 0x90		/* the CPU pushed an error code */
	.else
	.byte	0x6a, 0x00		/* pushl $0 */
	.endif
	.byte	0x68			/* pushl $v (imm32) */
	.long	\v
	.byte	0xe9			/* jmp trap_common (rel32) */
	.long	trap_common - (. + 4)
	.byte	0xcc, 0xcc, 0xcc, 0xcc
.endm

	.text
	.balign 16
	.globl	virq_vectors
virq_vectors:
	vec = 0
	.rept	256
	vector	%vec
	vec = vec + 1
	.endr

/*
 * Read the TSC first so the log time stamp is as close to delivery as C
 * allows. Segments need no saving: everything runs in ring 0 with the
 * same flat selectors.
 */
trap_common:
	pushal
	rdtsc
	pushl	%edx
	pushl	%eax
	cld
	pushl	%esp			/* struct trap_frame * */
	call	virq_trap
	addl	$12, %esp		/* the argument and the TSC */
	popal
	addl	$8, %esp		/* vector and error code */
	iret
