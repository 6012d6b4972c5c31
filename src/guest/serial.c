// SPDX-License-Identifier: GPL-2.0
/*
 * serial.c - polled output on the first 16550 and a tiny printf.
 *
 * No UART programming: QEMU's and the VMM's model transmit with their
 * reset settings, and touching other registers would need more ports.
 * Formats: %u %d %x %s %c %%, with an optional '0' flag and width.
 */
#include <stdarg.h>
#include "guest.h"

#define LSR_THRE	0x20	/* transmit holding register empty */

static void serial_putc(char c)
{
	while (!(inb(VIRQ_PORT_SERIAL + 5) & LSR_THRE))
		cpu_relax();
	outb(VIRQ_PORT_SERIAL, c);
}

static void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

/* 32-bit division only: a u32 never needs libgcc */
static void put_num(uint32_t v, uint32_t base, int width, char pad)
{
	char buf[12];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		serial_putc(pad);
	while (n)
		serial_putc(buf[--n]);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		char pad = ' ';
		int width = 0;
		int32_t d;

		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';

		switch (*fmt) {
		case 'u':
			put_num(va_arg(ap, uint32_t), 10, width, pad);
			break;
		case 'x':
			put_num(va_arg(ap, uint32_t), 16, width, pad);
			break;
		case 'd':
			d = va_arg(ap, int32_t);
			if (d < 0) {
				serial_putc('-');
				put_num(-(uint32_t)d, 10, width - 1, pad);
			} else {
				put_num(d, 10, width, pad);
			}
			break;
		case 's':
			serial_puts(va_arg(ap, const char *));
			break;
		case 'c':
			serial_putc(va_arg(ap, int));
			break;
		case '\0':
			fmt--;	/* lone '%' at the end: stop cleanly */
			break;
		default:
			serial_putc(*fmt);
			break;
		}
	}
	va_end(ap);
}
