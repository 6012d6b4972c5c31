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
 *
 * No IRET: kvm-pvm (the KVM of some cloud sandboxes) runs non-64-bit
 * guests in its instruction emulator, which only handles IRET in real
 * mode. Returning to the same ring needs only EFLAGS and EIP, so rewrite
 * the frame to (EFLAGS without IF, EIP) and use popf; [sti;] ret. STI's
 * interrupt shadow covers the ret, so, as with IRET, the next interrupt
 * cannot nest on top of this frame before it is gone.
 */
#define F_EIP		40	/* frame offsets once pushal is on the stack */
#define F_CS		44
#define F_EFLAGS	48

trap_common:
	pushal
	rdtsc
	pushl	%edx
	pushl	%eax
	cld
	pushl	%esp			/* struct trap_frame * */
	call	virq_trap
	addl	$12, %esp		/* the argument and the TSC */

	movl	F_EFLAGS(%esp), %eax
	movl	F_EIP(%esp), %ecx
	movl	%ecx, F_EFLAGS(%esp)	/* EIP goes on top of the old EFLAGS */
	btrl	$9, %eax		/* CF = the interrupted IF */
	movl	%eax, F_CS(%esp)	/* EFLAGS, IF clear, over CS */
	popal				/* neither popal nor lea touch CF */
	leal	12(%esp), %esp		/* vector, error code, old EIP */
	jnc	1f
	popfl
	sti
	ret
1:	popfl
	ret
