// SPDX-License-Identifier: GPL-2.0
/* devices.c - the board: which devices a VM has, in realize order. */
#include "devices.h"
#include "util.h"

static const struct device_type *const board[] = {
	&serial_device,
	&debugexit_device,
	&testdev_device,
};

static void devices_unrealize_from(struct vm *vm, int n)
{
	while (n-- > 0)
		if (board[n]->unrealize)
			board[n]->unrealize(vm);
}

int devices_realize(struct vm *vm)
{
	for (int i = 0; i < (int)ARRAY_SIZE(board); i++) {
		int r = board[i]->realize(vm);

		if (r < 0) {
			pr_err("device %s: realize failed", board[i]->name);
			devices_unrealize_from(vm, i);
			return r;
		}
	}
	return 0;
}

void devices_unrealize(struct vm *vm)
{
	devices_unrealize_from(vm, (int)ARRAY_SIZE(board));
}
