/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tk-lib.h - port I/O, MMIO, CPUID, MSRs, the console, the IDT and the
 * checks of the 64-bit test kernels (head64.S, tk-lib.c and one NAME.c)
 */
#ifndef VIRQ_TK_LIB_H
#define VIRQ_TK_LIB_H

#include <stdint.h>

#include "tk.h"

static inline void outb(uint8_t v, uint16_t port) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t v, uint16_t port) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint32_t v, uint16_t port) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint8_t mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

/* each kernel's name, the prefix of its lines ("boot64: check 3 ok: ...") */
extern const char tk_name[];

/* head64.S's entry points into C: the kernel's own, and TK_IRQ_VECTOR's handler */
int tk_main(void);
void tk_irq(void);		/* tk-lib's EOIs only; a kernel may have its own */
void tk_exception(uint64_t vec, uint64_t err, uint64_t rip);	/* prints, exits 0x7f */

/* exceptions 0-31 and TK_IRQ_VECTOR (head64.S's stubs) into the IDT, lidt */
void tk_idt_load(void);

/* one numbered check, printed "NAME: check N ok|FAIL: what" */
void tk_check(int ok, const char *what);
/* "NAME: N checks, all passed|FAILED"; 0, or 0x10 + the first that failed */
int tk_checks_result(void);

void tk_putc(char c);
void tk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tk_exit(int code) __attribute__((noreturn));
uint64_t tk_arg(const char *s, const char *key, uint64_t def);

#endif
