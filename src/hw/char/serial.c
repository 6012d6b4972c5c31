// SPDX-License-Identifier: GPL-2.0
/*
 * serial.c - the transmit half of a 16550 UART at 0x3f8: enough for a
 * guest's console. THR writes are collected into lines for the log; LSR
 * always reads "transmitter empty" (bits 5 and 6), so polling drivers go on.
 */
#include <errno.h>
#include <stdlib.h>

#include "../i386/pc.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

#define UART_THR	0
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

struct serial_state {
	struct vm *vm;
	char line[256];			/* under vm->lock */
	int len;
};

/* vCPU threads share the line buffer: vm->lock keeps it whole */
static void serial_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct serial_state *s = opaque;
	char c = (char)data[0];

	(void)size;
	if (off != UART_THR)
		return;
	pthread_mutex_lock(&s->vm->lock);
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
	(void)opaque;
	for (unsigned int i = 0; i < size; i++)
		data[i] = 0;
	if (off == UART_LSR)
		data[0] = UART_LSR_THRE | UART_LSR_TEMT;
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

/* no vCPU runs; the bus has no unregister, the region goes with the VM */
static void serial_unrealize(struct vm *vm, void *state)
{
	(void)vm;
	free(state);
}

const struct device_type serial_device = {
	.name = "serial", .realize = serial_realize, .unrealize = serial_unrealize,
};
