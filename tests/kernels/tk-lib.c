// SPDX-License-Identifier: GPL-2.0
/* tk-lib.c - the test kernels' console, exit and string helpers (freestanding) */
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
