/* SPDX-License-Identifier: GPL-2.0 */
/* boot.h - 'virq boot' and 'virq lab boot': a test kernel booted as QEMU's -kernel does */
#ifndef VIRQ_TOOLS_BOOT_H
#define VIRQ_TOOLS_BOOT_H

#include <stdbool.h>

/*
 * The exit status of 'virq boot' (and, passed back exactly, of 'virq lab
 * boot'). The guest's own come first, as QEMU's isa-debug-exit gives them:
 * a write of v to port 0xf4 ends the run with (v << 1) | 1, odd (0 -> 1,
 * 1 -> 3; exit(2) keeps the low 8 bits, as it does for QEMU). virq's own are
 * even, so the two never meet:
 */
enum virq_boot_exit {
	VIRQ_BOOT_USAGE = 2,		/* bad usage or a kernel that cannot be loaded: nothing ran */
	VIRQ_BOOT_ENV = 4,		/* no /dev/kvm, the VM cannot be built; lab: the lab failed */
	VIRQ_BOOT_TRIPLE_FAULT = 6,	/* KVM_EXIT_SHUTDOWN (QEMU -no-reboot exits 0 there) */
	VIRQ_BOOT_VCPU_ERROR = 8,	/* KVM_RUN failed, internal error, entry failure, ... */
	VIRQ_BOOT_TIMEOUT = 10,		/* --timeout S passed without an exit */
};

#define BOOT_DEFAULT_MEM_MB	128	/* QEMU's default -m */
#define BOOT_MAX_MEM_MB		3072	/* below the PCI hole, pc-testdev's iomem, the APICs */
#define BOOT_DEFAULT_TIMEOUT_S	60

struct boot_opts {
	const char *kernel;		/* the image; QEMU's -kernel */
	const char *initrd;		/* module 0; QEMU's -initrd (NULL: none) */
	const char *append;		/* QEMU's -append ("" if not given) */
	const char *name;		/* the kernel's name in the command line (default: kernel) */
	int smp;
	unsigned int mem_mb;
	unsigned int timeout_s;		/* 0: none */
	bool verbose;
};

/* the long options both commands take, and their getopt values */
#define BOOT_LONG_OPTIONS \
	{ "smp", 1, 0, 'n' }, { "append", 1, 0, 'a' }, { "initrd", 1, 0, 'i' }, \
	{ "mem", 1, 0, 'M' }, { "timeout", 1, 0, 't' }, { "name", 1, 0, 'N' }

/* one of those options into o; 0, or -1 for a bad value (said on stderr) */
int boot_parse_opt(struct boot_opts *o, int c, const char *arg);
void boot_opts_init(struct boot_opts *o);

int cmd_boot(int argc, char **argv);				/* tools/boot.c */
int lab_boot_main(int argc, char **argv);			/* tools/lab-boot.c */

#endif
