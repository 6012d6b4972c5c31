// SPDX-License-Identifier: GPL-2.0
/*
 * virq-testdev.c - the two ports the test guest reports on (in the spirit
 * of QEMU's pc-testdev for kvm-unit-tests): a CPU came online, a CPU
 * finished its mailbox command. Both wake the scenario runner.
 */
#include "../i386/pc.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

static void testdev_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;
	uint32_t v = bus_data_get(data, size);

	pthread_mutex_lock(&vm->lock);
	if (off == VIRQ_PORT_ONLINE - VIRQ_PORT_ONLINE && v < 32 && !(vm->online_mask & 1u << v)) {
		vm->online_mask |= 1u << v;
		vm->online++;
	}
	/* VIRQ_PORT_DONE: the runner re-reads the mailbox itself */
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

static const struct bus_ops testdev_ops = { .write = testdev_write };

static int testdev_realize(struct vm *vm, void **state)
{
	(void)state;
	return bus_register(&vm->bus, BUS_PIO, VIRQ_PORT_ONLINE,
			    VIRQ_PORT_DONE + 4 - VIRQ_PORT_ONLINE, &testdev_ops, vm, "virq-testdev");
}

const struct device_type testdev_device = { .name = "virq-testdev", .realize = testdev_realize };
