// SPDX-License-Identifier: GPL-2.0
/*
 * debugexit.c - QEMU's isa-debug-exit (hw/misc/debugexit.c) at 0xf4: a
 * write of code ends the VM with status (code << 1) | 1, so test kernels
 * written for QEMU report the same way here.
 */
#include "../i386/pc.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"

static void debugexit_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;
	uint32_t code = bus_data_get(data, size);

	(void)off;
	pthread_mutex_lock(&vm->lock);
	if (!vm->guest_exited) {
		vm->guest_exited = true;
		vm->guest_exit_code = (int)((code << 1) | 1);
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	pr_info("guest wrote 0x%x to the exit port: status %d", code, (int)((code << 1) | 1));
}

static const struct bus_ops debugexit_ops = { .write = debugexit_write };

static int debugexit_realize(struct vm *vm, void **state)
{
	(void)state;
	return bus_register(&vm->bus, BUS_PIO, VIRQ_PORT_EXIT, 4, &debugexit_ops, vm,
			    "isa-debug-exit");
}

const struct device_type debugexit_device = { .name = "isa-debug-exit", .realize = debugexit_realize };
