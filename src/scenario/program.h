/* SPDX-License-Identifier: GPL-2.0 */
/*
 * program.h - a scenario's guest steps as the test guest's step program
 * (src/guest/virq-prog.h), for a VMM that does not drive virq's mailbox.
 */
#ifndef VIRQ_PROGRAM_H
#define VIRQ_PROGRAM_H

#include <stdbool.h>
#include <sys/types.h>

#include "scenario.h"
#include "../guest/virq-prog.h"

#define PROGRAM_MAX_VMM_ONLY	256

/* what the program leaves out */
struct program_info {
	int nr_vmm_only;			/* expects only a VMM can judge */
	int vmm_only_line[PROGRAM_MAX_VMM_ONLY];	/* their lines (the first ones) */
};

/* expects only the VMM can judge: its table, exits, accounting */
bool program_vmm_only(enum sc_op op);

/*
 * program_compile - sc's guest steps and guest-judged expects, in order,
 * ended by VIRQ_PROG_END. Returns the image's size in bytes and *out
 * (free() it), or -EINVAL with "FILE:LINE: ..." in err for a step the
 * guest cannot run on its own (host steps), -ENOMEM.
 */
ssize_t program_compile(const struct scenario *sc, struct virq_prog **out,
			struct program_info *info, char *err, size_t n);

/*
 * program_qemu_args - the QEMU devices p's devs[] name, one argument a line,
 * in devs[] order: QEMU places -device functions in command-line order, so
 * the guest's instance-th function with some IDs is the instance-th given.
 * A passed-through device is "vfio-pci,host=@VVVV:DDDD@", for the VMM's
 * host to resolve (lab/vmm-qemu.sh: the first such function on vfio-pci).
 * Returns the length written, or -E2BIG.
 */
int program_qemu_args(const struct virq_prog *p, char *buf, size_t n);

#endif /* VIRQ_PROGRAM_H */
