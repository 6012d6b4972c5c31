// SPDX-License-Identifier: GPL-2.0
/*
 * serial.c - the transmit half of a 16550 UART at 0x3f8: enough for a
 * guest's console. THR writes are collected into lines for the log; LSR
 * always reads "transmitter empty" (bits 5 and 6), so polling drivers go on.
 * LCR is kept and reads back, and while its DLAB bit is set offsets 0 and
 * 1 are the divisor latch (as QEMU's hw/char/serial.c): a driver that sets
 * the baud rate (kvm-unit-tests' serial_init writes divisor 1) prints no
 * stray byte.
 */
#include <errno.h>
#include <stdlib.h>

#include "../i386/pc.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

#define UART_THR	0
#define UART_IER	1
#define UART_LCR	3
#define UART_LSR	5
#define UART_LCR_DLAB	0x80
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

struct serial_state {
	struct vm *vm;
	char line[256];			/* under vm->lock */
	int len;
	uint8_t lcr, dll, dlm;		/* under vm->lock */
};

/* vCPU threads share the line buffer: vm->lock keeps it whole */
static void serial_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct serial_state *s = opaque;
	char c = (char)data[0];

	(void)size;
	pthread_mutex_lock(&s->vm->lock);
	if (off == UART_LCR || ((s->lcr & UART_LCR_DLAB) && off <= UART_IER)) {
		if (off == UART_LCR)
			s->lcr = (uint8_t)c;
		else if (off == UART_THR)
			s->dll = (uint8_t)c;
		else
			s->dlm = (uint8_t)c;
		pthread_mutex_unlock(&s->vm->lock);
		return;
	}
	if (off != UART_THR) {
		pthread_mutex_unlock(&s->vm->lock);
		return;
	}
	if (c == '\n' || s->len == (int)sizeof(s->line) - 1) {
		s->line[s->len] = 0;
		pr_info("guest: %s", s->line);
		if (s->vm->serial_out)
			fprintf(s->vm->serial_out, "%s\n", s->line);
		s->len = 0;
	}
	if (c != '\n' && c != '\r')
		s->line[s->len++] = c;
	pthread_mutex_unlock(&s->vm->lock);
}

static void serial_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	struct serial_state *s = opaque;

	for (unsigned int i = 0; i < size; i++)
		data[i] = 0;
	pthread_mutex_lock(&s->vm->lock);
	if (off == UART_LSR)
		data[0] = UART_LSR_THRE | UART_LSR_TEMT;
	else if (off == UART_LCR)
		data[0] = s->lcr;
	else if ((s->lcr & UART_LCR_DLAB) && off <= UART_IER)
		data[0] = off == UART_THR ? s->dll : s->dlm;
	pthread_mutex_unlock(&s->vm->lock);
}

static const struct bus_ops serial_ops = { .write = serial_write, .read = serial_read };

static int serial_realize(struct vm *vm, void **state)
{
	struct serial_state *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->vm = vm;
	r = bus_register(&vm->bus, BUS_PIO, VIRQ_PORT_SERIAL, 8, &serial_ops, s, "serial");
	if (r < 0) {
		free(s);
		return r;
	}
	*state = s;
	return 0;
}

/* no vCPU runs; the bus has no unregister, the region goes with the VM.
 * A last line without its newline still goes out. */
static void serial_unrealize(struct vm *vm, void *state)
{
	struct serial_state *s = state;

	if (s->len) {
		s->line[s->len] = 0;
		pr_info("guest: %s", s->line);
		if (vm->serial_out)
			fprintf(vm->serial_out, "%s\n", s->line);
	}
	free(state);
}

const struct device_type serial_device = {
	.name = "serial", .realize = serial_realize, .unrealize = serial_unrealize,
};
