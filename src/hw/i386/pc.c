// SPDX-License-Identifier: GPL-2.0
/*
 * pc.c - the board: which fixed devices a VM has, in realize order. An
 * explicit list, as kvmtool's dev_init levels but without constructors.
 * Two boards: a scenario's (the console, QEMU's isa-debug-exit, the test
 * guest's report ports) and a test kernel's under 'virq boot', which gets
 * what QEMU's "-machine pc -kernel K -device pc-testdev -device
 * isa-debug-exit,iobase=0xf4,iosize=4" gives such a kernel: COM1, fw_cfg,
 * the in-kernel PIT, pc-testdev, isa-debug-exit.
 */
#include "pc.h"
#include "../../vmm/util.h"

static const struct device_type *const pc_devices[] = {
	&serial_device,
	&debugexit_device,
	&testdev_device,
};

static const struct device_type *const pc_test_devices[] = {
	&serial_device,
	&fw_cfg_device,
	&kvm_pit_device,
	&pc_testdev_device,
	&debugexit_device,
};

_Static_assert(ARRAY_SIZE(pc_devices) <= PC_MAX_DEVICES, "PC_MAX_DEVICES");
_Static_assert(ARRAY_SIZE(pc_test_devices) <= PC_MAX_DEVICES, "PC_MAX_DEVICES");

void pc_board_unrealize(struct pc_board *pc)
{
	while (pc->nr_realized > 0) {
		int i = --pc->nr_realized;

		if (pc->devices[i]->unrealize)
			pc->devices[i]->unrealize(pc->vm, pc->state[i]);
		pc->state[i] = NULL;
	}
}

static int pc_board_realize_list(struct pc_board *pc, struct vm *vm,
				 const struct device_type *const *devices, int n)
{
	pc->vm = vm;
	pc->devices = devices;
	for (int i = 0; i < n; i++) {
		int r = devices[i]->realize(vm, &pc->state[i]);

		if (r < 0) {
			pr_err("device %s: realize failed", devices[i]->name);
			pc_board_unrealize(pc);
			return r;
		}
		pc->nr_realized = i + 1;
	}
	return 0;
}

int pc_board_realize(struct pc_board *pc, struct vm *vm)
{
	return pc_board_realize_list(pc, vm, pc_devices, (int)ARRAY_SIZE(pc_devices));
}

int pc_test_board_realize(struct pc_board *pc, struct vm *vm)
{
	return pc_board_realize_list(pc, vm, pc_test_devices, (int)ARRAY_SIZE(pc_test_devices));
}
