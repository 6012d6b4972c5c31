// SPDX-License-Identifier: GPL-2.0
/*
 * lib.c - the few library routines a freestanding build still needs.
 *
 * GCC may emit calls to memcpy/memset even with -ffreestanding; string
 * instructions keep these from being "optimised" into calls to themselves.
 */
#include "guest.h"

/* Bounded waits: ~2^33 TSC cycles, a few seconds on any current host */
#define WAIT_CYCLES	(1ull << 33)

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void delay_cycles(uint32_t cycles)
{
	uint64_t end = rdtsc() + cycles;

	while (rdtsc() < end)
		cpu_relax();
}

/* 0 once *p >= v, -1 if that took longer than WAIT_CYCLES */
int wait_until_ge(volatile uint32_t *p, uint32_t v)
{
	uint64_t end = rdtsc() + WAIT_CYCLES;

	while (*p < v) {
		if (rdtsc() > end)
			return -1;
		cpu_relax();
	}
	return 0;
}

/* The exit port write, after the log if the command line asked for it */
void exit_port(uint32_t code)
{
	if (opts.printlog)
		log_print();
	outl(VIRQ_PORT_EXIT, code);
}

/* QEMU's isa-debug-exit and the VMM stop here; if not, stay stopped */
void __noreturn virq_exit(uint32_t code)
{
	exit_port(code);
	for (;;)
		asm volatile("cli; hlt");
}
