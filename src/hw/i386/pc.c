// SPDX-License-Identifier: GPL-2.0
/*
 * pc.c - the board: which fixed devices a VM has, in realize order. An
 * explicit list, as kvmtool's dev_init levels but without constructors:
 * the console, QEMU's isa-debug-exit, the test guest's report ports.
 */
#include "pc.h"
#include "../../vmm/util.h"

static const struct device_type *const pc_devices[] = {
	&serial_device,
	&debugexit_device,
	&testdev_device,
};

_Static_assert(ARRAY_SIZE(pc_devices) <= PC_MAX_DEVICES, "PC_MAX_DEVICES");

void pc_board_unrealize(struct pc_board *pc)
{
	while (pc->nr_realized > 0) {
		int i = --pc->nr_realized;

		if (pc_devices[i]->unrealize)
			pc_devices[i]->unrealize(pc->vm, pc->state[i]);
		pc->state[i] = NULL;
	}
}

int pc_board_realize(struct pc_board *pc, struct vm *vm)
{
	pc->vm = vm;
	for (int i = 0; i < (int)ARRAY_SIZE(pc_devices); i++) {
		int r = pc_devices[i]->realize(vm, &pc->state[i]);

		if (r < 0) {
			pr_err("device %s: realize failed", pc_devices[i]->name);
			pc_board_unrealize(pc);
			return r;
		}
		pc->nr_realized = i + 1;
	}
	return 0;
}
