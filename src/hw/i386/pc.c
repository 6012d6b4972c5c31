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

static void pc_board_unrealize_from(struct vm *vm, int n)
{
	while (n-- > 0)
		if (pc_devices[n]->unrealize)
			pc_devices[n]->unrealize(vm);
}

int pc_board_realize(struct vm *vm)
{
	for (int i = 0; i < (int)ARRAY_SIZE(pc_devices); i++) {
		int r = pc_devices[i]->realize(vm);

		if (r < 0) {
			pr_err("device %s: realize failed", pc_devices[i]->name);
			pc_board_unrealize_from(vm, i);
			return r;
		}
	}
	return 0;
}

void pc_board_unrealize(struct vm *vm)
{
	pc_board_unrealize_from(vm, (int)ARRAY_SIZE(pc_devices));
}
