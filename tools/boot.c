// SPDX-License-Identifier: GPL-2.0
/*
 * boot.c - 'virq boot KERNEL': boot a bare-metal test kernel the way QEMU's
 * "-kernel KERNEL -initrd FILE -append ARGS -smp N -m MB -device pc-testdev
 * -device isa-debug-exit,iobase=0xf4,iosize=4 -device pci-testdev -serial stdio" does, on this
 * host's /dev/kvm: Multiboot v1 (ELF32), the initrd as module 0, the command
 * line "KERNEL ARGS" (hw/i386/multiboot.c: "%s %s" of the kernel's file
 * name and the -append text), RAM from GPA 0, COM1 on stdout, and the exit
 * status from isa-debug-exit, (v << 1) | 1. Only this file and virq.c exit.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "../src/hw/i386/multiboot.h"
#include "../src/hw/i386/pc.h"
#include "../src/vmm/util.h"

static const char usage_boot[] =
	"usage: virq boot KERNEL [--smp N] [--mem MB] [--append ARGS] [--initrd FILE]\n"
	"                 [--timeout S] [--name NAME] [-v]\n"
	"\n"
	"Boots a Multiboot v1 ELF32 test kernel (kvm-unit-tests' x86/*.flat, say) as\n"
	"QEMU's -kernel does, on this host's /dev/kvm: the command line is \"KERNEL ARGS\",\n"
	"the initrd is module 0, RAM starts at 0, COM1 goes to stdout. The board has\n"
	"what QEMU's pc with -device pc-testdev -device isa-debug-exit,iobase=0xf4\n"
	"-device pci-testdev gives such a kernel: fw_cfg at 0x510, the in-kernel PIT,\n"
	"pc-testdev (0xe0, 0xe4, 0xe8, 0x2000+N IRQ lines, MMIO 0xff000000), isa-debug-exit\n"
	"at 0xf4, and on PCI bus 0 pci-testdev (1b36:0005) at 00:02.0, its BARs placed as\n"
	"SeaBIOS would (memory 0xfebff000, I/O 0xc000), its ioeventfd tests through\n"
	"KVM_IOEVENTFD. Every vCPU gets CPUID as QEMU's -cpu host. 'virq lab boot' runs\n"
	"it inside the lab.\n"
	"  --smp N       vCPUs (default 1, at most 8)\n"
	"  --mem MB      RAM from GPA 0 (default 128, as QEMU; at most 3072)\n"
	"  --append ARGS the command line after the kernel's name\n"
	"  --initrd FILE multiboot module 0, its string the file's name\n"
	"  --timeout S   give up after S seconds (default 60, 0: never)\n"
	"  --name NAME   the kernel's name in the command line (default: KERNEL as given)\n"
	"  -v            virq's own progress and debug lines on stderr\n"
	"Exit status: (v << 1) | 1 when the guest writes v to port 0xf4 (0 -> 1, 1 -> 3),\n"
	"as QEMU; virq's own are even: 2 usage or an image that cannot be loaded (nothing\n"
	"ran), 4 environment (no /dev/kvm, no VM), 6 the guest triple-faulted\n"
	"(KVM_EXIT_SHUTDOWN; its state is on stderr), 8 a vCPU failed otherwise (KVM_RUN\n"
	"error, internal error), 10 the timeout passed.\n";

void boot_opts_init(struct boot_opts *o)
{
	*o = (struct boot_opts){ .append = "", .smp = 1, .mem_mb = BOOT_DEFAULT_MEM_MB,
				 .timeout_s = BOOT_DEFAULT_TIMEOUT_S };
}

static int boot_number(const char *opt, const char *arg, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(arg, &end, 10);
	if (errno || !*arg || *end || *v < lo || *v > hi) {
		fprintf(stderr, "virq: --%s %s: give a number from %ld to %ld\n", opt, arg, lo, hi);
		return -1;
	}
	return 0;
}

int boot_parse_opt(struct boot_opts *o, int c, const char *arg)
{
	long v;

	switch (c) {
	case 'n':
		if (boot_number("smp", arg, 1, VM_MAX_VCPUS, &v))
			return -1;
		o->smp = (int)v;
		return 0;
	case 'M':
		if (boot_number("mem", arg, 2, BOOT_MAX_MEM_MB, &v))
			return -1;
		o->mem_mb = (unsigned int)v;
		return 0;
	case 't':
		if (boot_number("timeout", arg, 0, 86400, &v))
			return -1;
		o->timeout_s = (unsigned int)v;
		return 0;
	case 'a': o->append = arg; return 0;
	case 'i': o->initrd = arg; return 0;
	case 'N': o->name = arg; return 0;
	default: return -1;
	}
}

static bool boot_done(struct vm *vm, void *arg)
{
	(void)arg;
	return vm->guest_exited || vm->fatal;
}

/* the status of a run that ended (or not) within the timeout */
static int boot_status(struct vm *vm, int waited, const struct boot_opts *o)
{
	if (vm->guest_exited) {
		fprintf(stderr, "virq boot: %s: the guest wrote 0x%x to isa-debug-exit: exit status %d\n",
			o->kernel, (unsigned int)vm->guest_exit_code >> 1, vm->guest_exit_code & 0xff);
		return vm->guest_exit_code & 0xff;
	}
	if (vm->fatal) {
		fprintf(stderr, "virq boot: %s: %s: exit status %d\n", o->kernel, vm->fatal_msg,
			vm->triple_fault ? VIRQ_BOOT_TRIPLE_FAULT : VIRQ_BOOT_VCPU_ERROR);
		return vm->triple_fault ? VIRQ_BOOT_TRIPLE_FAULT : VIRQ_BOOT_VCPU_ERROR;
	}
	fprintf(stderr, "virq boot: %s: no exit after %u s (%s): exit status %d\n", o->kernel,
		o->timeout_s, waited == -ETIMEDOUT ? "--timeout" : strerror(-waited),
		VIRQ_BOOT_TIMEOUT);
	return VIRQ_BOOT_TIMEOUT;
}

/* "KERNEL ARGS", as load_multiboot's kcmdline; with no -append, "KERNEL " */
static int boot_load(struct vm *vm, const struct boot_opts *o, const uint8_t *img, size_t len,
		     const uint8_t *initrd, size_t initrd_len)
{
	struct multiboot_module mod = { .data = initrd, .len = initrd_len, .cmdline = o->initrd };
	char *cmdline;
	int r;

	if (asprintf(&cmdline, "%s %s", o->name ? o->name : o->kernel, o->append) < 0)
		return -ENOMEM;
	r = multiboot_load(vm, o->kernel, img, len, cmdline, &mod, o->initrd ? 1 : 0,
			   vm->ram_size);
	free(cmdline);
	return r;
}

static int boot_run(const struct boot_opts *o, const uint8_t *img, size_t len,
		    const uint8_t *initrd, size_t initrd_len)
{
	static struct vm vm;	/* big (vCPU state): not on the stack */
	struct pc_board board = { 0 };
	int r, st;

	if (vm_create(&vm, &sys_ops_host, o->smp, (uint64_t)o->mem_mb << 20) < 0)
		return VIRQ_BOOT_ENV;
	vm.serial_out = stdout;
	if (pc_test_board_realize(&board, &vm) < 0) {
		vm_destroy(&vm);
		return VIRQ_BOOT_ENV;
	}
	r = boot_load(&vm, o, img, len, initrd, initrd_len);
	st = r == -ENOMEM ? VIRQ_BOOT_ENV : VIRQ_BOOT_USAGE;
	if (!r) {
		r = vm_start(&vm);
		st = VIRQ_BOOT_ENV;
	}
	if (!r) {
		r = vm_wait(&vm, boot_done, NULL, o->timeout_s ? o->timeout_s * 1000000000ull :
			    ~0ull / 2);
		vm_stop(&vm);
		st = boot_status(&vm, r, o);
	}
	pc_board_unrealize(&board);
	vm.serial_out = NULL;
	vm_destroy(&vm);
	return st;
}

int cmd_boot(int argc, char **argv)
{
	static const struct option lo[] = { BOOT_LONG_OPTIONS, { "help", 0, 0, 'h' }, { 0 } };
	uint8_t *img = NULL, *initrd = NULL;
	size_t len = 0, initrd_len = 0;
	struct boot_opts o;
	int c, st;

	boot_opts_init(&o);
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_boot, stdout);
			return 0;
		}
		if (c == 'v') {
			o.verbose = true;
		} else if (boot_parse_opt(&o, c, optarg) < 0) {
			fputs(usage_boot, stderr);
			return VIRQ_BOOT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_boot, stderr);
		return VIRQ_BOOT_USAGE;
	}
	o.kernel = argv[optind];
	if (multiboot_read_file(o.kernel, &img, &len) < 0 ||
	    (o.initrd && multiboot_read_file(o.initrd, &initrd, &initrd_len) < 0)) {
		free(img);
		return VIRQ_BOOT_USAGE;
	}
	log_set_level(o.verbose ? LOG_DEBUG : LOG_ERR);
	if (access(kvm_device_path(), F_OK)) {
		fprintf(stderr, "virq: %s: %s: this host has no KVM. Use 'virq lab boot', which boots\n"
			"a Debian kernel with KVM under QEMU's TCG emulator and boots KERNEL there.\n",
			kvm_device_path(), strerror(errno));
		st = VIRQ_BOOT_ENV;
	} else {
		st = boot_run(&o, img, len, initrd, initrd_len);
	}
	free(img);
	free(initrd);
	return st;
}
