// SPDX-License-Identifier: GPL-2.0
/*
 * serial.c - the transmit half of a 16550 UART at 0x3f8: enough for a
 * guest's console. THR writes are collected into lines for the log; LSR
 * always reads "transmitter empty" (bits 5 and 6), so polling drivers go on.
 */
#include "../i386/pc.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

#define UART_THR	0
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

/* vCPU threads share the line buffer: vm->lock keeps it whole */
static void serial_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;
	char c = (char)data[0];

	(void)size;
	if (off != UART_THR)
		return;
	pthread_mutex_lock(&vm->lock);
	if (c == '\n' || vm->con_len == (int)sizeof(vm->con_line) - 1) {
		vm->con_line[vm->con_len] = 0;
		pr_info("guest: %s", vm->con_line);
		vm->con_len = 0;
	}
	if (c != '\n' && c != '\r')
		vm->con_line[vm->con_len++] = c;
	pthread_mutex_unlock(&vm->lock);
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

static int serial_realize(struct vm *vm)
{
	return bus_register(&vm->bus, BUS_PIO, VIRQ_PORT_SERIAL, 8, &serial_ops, vm, "serial");
}

const struct device_type serial_device = { .name = "serial", .realize = serial_realize };
