/* SPDX-License-Identifier: GPL-2.0 */
/*
 * head64.S - boot64's way from a multiboot loader's 32-bit protected mode
 * into 64-bit long mode: identity page tables for the low 4 GiB (2 MiB
 * pages, so RAM, the IOAPIC, the LAPIC and pc-testdev's iomem are all
 * reachable), CR4.PAE, CR3, EFER.LME (the WRMSR a vCPU without CPUID's LM bit
 * answers with #GP), CR0.PG, a far jump into a 64-bit code segment. Also
 * the 64-bit interrupt stubs and the AP's real-mode trampoline.
 */
#include "tk.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.data
	.balign 4096
pml4:	.quad	pdpt + 0x3
	.fill	511, 8, 0
pdpt:	.quad	pd + 0x3, pd + 0x1003, pd + 0x2003, pd + 0x3003
	.fill	508, 8, 0
pd:	.set	i, 0
	.rept	2048
	.quad	(i << 21) | 0x83	/* present, writable, 2 MiB */
	.set	i, i + 1
	.endr

	.balign 8
gdt64:	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
	.quad	0x00cf9a000000ffff	/* 0x18: 32-bit code, for the AP */
gdt64_end:
gdt64_ptr:
	.word	gdt64_end - gdt64 - 1
	.quad	gdt64

	.globl	tk_mb_magic, tk_mb_info
tk_mb_magic:	.long 0
tk_mb_info:	.long 0

	.bss
	.balign 16
	.space	16384
stack_top:

	.text
	.code32
	.globl	_start
_start:
	cli
	movl	%eax, tk_mb_magic
	movl	%ebx, tk_mb_info
	movl	$stack_top, %esp
	/* no long mode in CPUID: say so and exit 0x0f (status 31) */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_lm
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_lm

	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	orl	$0x100, %eax		/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* PG, PE */
	movl	%eax, %cr0
	lgdt	gdt64_ptr
	ljmp	$TK_SEL_CODE64, $start64

no_lm:
	movl	$0x0f, %eax
	outl	%eax, $TK_PORT_EXIT
1:	hlt
	jmp	1b

	.code64
start64:
	movl	$TK_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$stack_top, %rsp
	call	tk_main
	movl	%eax, %edi
	call	tk_exit

/* exceptions 0-31: vector, error code (or 0) and rip to tk_exception */
.macro exc_stub n
exc_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	popq	%rsi
	.else
	xorl	%esi, %esi
	.endif
	movl	$\n, %edi
	movq	(%rsp), %rdx
	andq	$-16, %rsp
	call	tk_exception
.endm

	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exc_stub \n
	.endr

	.section .rodata
	.balign 8
	.globl	tk_exc_stubs
tk_exc_stubs:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exc_\n
	.endr
	.text

/* the test IRQ: the C handler counts and EOIs */
	.globl	tk_irq_stub
tk_irq_stub:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	call	tk_irq
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq

/*
 * The AP's trampoline, copied to TK_TRAMPOLINE (SIPI vector 0x08): real
 * mode, our GDT, protected mode in the 32-bit code segment, CPUID leaves 1
 * and 0xb into the report words, then halt for good.
 */
	.globl	tk_tramp_start, tk_tramp_end
	.code16
tk_tramp_start:
	cli
	lgdtl	%cs:(tramp_gdt_ptr - tk_tramp_start)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$TK_SEL_CODE32, $(TK_TRAMPOLINE + tramp32 - tk_tramp_start)
	.code32
tramp32:
	movl	$TK_SEL_DATA, %eax
	movl	%eax, %ds
	movl	$1, %eax
	cpuid
	movl	%ebx, TK_AP_CPUID1_EBX
	movl	$~0, TK_AP_CPUIDB_EDX
	xorl	%eax, %eax
	cpuid
	cmpl	$0xb, %eax
	jb	1f
	movl	$0xb, %eax
	xorl	%ecx, %ecx
	cpuid
	movl	%edx, TK_AP_CPUIDB_EDX
1:	movl	$1, TK_AP_DONE
2:	cli
	hlt
	jmp	2b
	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff
	.quad	0x00cf92000000ffff
	.quad	0x00cf9a000000ffff
tramp_gdt_ptr:
	.word	tramp_gdt_ptr - tramp_gdt - 1
	.long	TK_TRAMPOLINE + tramp_gdt - tk_tramp_start
tk_tramp_end:
