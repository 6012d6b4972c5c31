// SPDX-License-Identifier: GPL-2.0
/* tk-lib.c - the test kernels' console, exit, IDT, checks and string helpers (freestanding) */
#include <stdarg.h>
#include <stdint.h>

#include "tk-lib.h"

void tk_putc(char c)
{
	/* LSR bit 5: the transmitter takes a byte (virq and QEMU both say yes) */
	while (!(inb(TK_PORT_SERIAL + 5) & 0x20))
		;
	outb((uint8_t)c, TK_PORT_SERIAL);
}

static void tk_puts(const char *s)
{
	while (*s)
		tk_putc(*s++);
}

static void tk_putnum(uint64_t v, unsigned int base, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		tk_putc(buf[--n]);
}

/* %s %c %d %u %x, 'l' for 64 bits, a width digit for %x ("%08x") */
void tk_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int l = 0, width = 0;
		int64_t sv;

		if (*fmt != '%') {
			tk_putc(*fmt);
			continue;
		}
		if (*++fmt == '0')
			fmt++;
		while (*fmt >= '1' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l')
			l++, fmt++;
		switch (*fmt) {
		case 's': tk_puts(va_arg(ap, const char *)); break;
		case 'c': tk_putc((char)va_arg(ap, int)); break;
		case 'x':
			tk_putnum(l ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 16, width);
			break;
		case 'u':
			tk_putnum(l ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 10, width);
			break;
		case 'd':
			sv = l ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
			if (sv < 0) {
				tk_putc('-');
				sv = -sv;
			}
			tk_putnum((uint64_t)sv, 10, width);
			break;
		default: tk_putc('%'); tk_putc(*fmt); break;
		}
	}
	va_end(ap);
}

void tk_exit(int code)
{
	outl((uint32_t)code, TK_PORT_EXIT);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* the value of the word "key=NUMBER" in s (words split at blanks), or def */
uint64_t tk_arg(const char *s, const char *key, uint64_t def)
{
	while (s && *s) {
		const char *k = key, *p = s;
		uint64_t v = 0;

		while (*k && *p == *k)
			k++, p++;
		if (!*k && *p == '=') {
			for (p++; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
		while (*s && *s != ' ')		/* the next word */
			s++;
		while (*s == ' ')
			s++;
	}
	return def;
}

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

extern const uint64_t tk_exc_stubs[32];
void tk_irq_stub(void);

static struct idt_entry idt[256] __attribute__((aligned(16)));
static int checks, first_failed;

void tk_exception(uint64_t vec, uint64_t err, uint64_t rip)
{
	tk_printf("%s: exception %lu error 0x%lx at rip 0x%lx\n", tk_name, vec, err, rip);
	tk_exit(TK_EXIT_EXCEPTION);
}

__attribute__((weak)) void tk_irq(void)
{
	mmio_write32(TK_LAPIC + 0xb0, 0);	/* EOI */
}

static void idt_set(int vec, uint64_t handler)
{
	idt[vec] = (struct idt_entry){ .off0 = (uint16_t)handler, .sel = TK_SEL_CODE64,
				       .attr = 0x8e, .off1 = (uint16_t)(handler >> 16),
				       .off2 = (uint32_t)(handler >> 32) };
}

void tk_idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p = {
		sizeof(idt) - 1, (uint64_t)(uintptr_t)idt,
	};

	for (int i = 0; i < 32; i++)
		idt_set(i, tk_exc_stubs[i]);
	idt_set(TK_IRQ_VECTOR, (uint64_t)(uintptr_t)tk_irq_stub);
	__asm__ volatile("lidt %0" : : "m"(p));
}

void tk_check(int ok, const char *what)
{
	checks++;
	tk_printf("%s: check %d %s: %s\n", tk_name, checks, ok ? "ok" : "FAIL", what);
	if (!ok && !first_failed)
		first_failed = checks;
}

int tk_checks_result(void)
{
	tk_printf("%s: %d checks, %s\n", tk_name, checks, first_failed ? "FAILED" : "all passed");
	return first_failed ? 0x10 + first_failed : 0;
}
