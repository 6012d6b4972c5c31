// SPDX-License-Identifier: GPL-2.0
/*
 * test_program.c - scenarios compiled into the test guest's step program
 * (src/scenario/program.c): what each step becomes, what is left out as
 * VMM-only, the scenarios refused with FILE:LINE, and the QEMU devices a
 * program names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario/program.h"
#include "guest/virq-guest.h"

#define PATH	"t.virq"
#define VFIO	"vm vcpus=2\ndevice E vfio-pci host=8086:10d3\n"

static struct virq_prog *compile_ok(const char *text, struct program_info *info, ssize_t *size)
{
	char err[512] = "";
	struct scenario sc;
	struct virq_prog *p = NULL;

	if (scenario_parse_string(PATH, text, &sc, err, sizeof(err)))
		fail_msg("parse: %s", err);
	*size = program_compile(&sc, &p, info, err, sizeof(err));
	scenario_free(&sc);
	if (*size < 0)
		fail_msg("wanted a program, got %zd: %s", *size, err);
	return p;
}

static void compile_refused(const char *text, const char *want)
{
	char err[512] = "";
	struct scenario sc;
	struct program_info info;
	struct virq_prog *p = NULL;
	ssize_t r;

	if (scenario_parse_string(PATH, text, &sc, err, sizeof(err)))
		fail_msg("parse: %s", err);
	r = program_compile(&sc, &p, &info, err, sizeof(err));
	scenario_free(&sc);
	assert_int_equal(r, -EINVAL);
	assert_null(p);
	if (strncmp(err, want, strlen(want)))
		fail_msg("wanted '%s...', got '%s'", want, err);
}

/* the seed's move: devices by vendor:device, steps in order, the line of each */
static void test_program_seed_move(void **state)
{
	struct program_info info;
	ssize_t size;
	struct virq_prog *p = compile_ok(VFIO "guest pci enum\n"
		"guest msix vector dev=E index=1 vcpu=1 vector=0x41\n"
		"guest msix enable dev=E\nguest msix unmask dev=E index=1\n"
		"guest e1000e init dev=E\nguest e1000e raise dev=E index=1 count=2\n"
		"expect irq vcpu=1 vector=0x41 count=2\nexpect commits 2\n"
		"guest msix mask dev=E index=1\nexpect pending dev=E index=1 clear\n"
		"expect irq none settle=50\n", &info, &size);

	(void)state;
	assert_int_equal(p->magic, VIRQ_PROG_MAGIC);
	assert_int_equal(p->nr_devs, 1);
	assert_int_equal(p->devs[0].vendor, 0x8086);
	assert_int_equal(p->devs[0].device, 0x10d3);
	assert_int_equal(p->devs[0].kind, VIRQ_PROG_DEV_E1000E);
	assert_int_equal(p->nr_steps, 11);		/* 10 steps and END */
	assert_int_equal(size, (ssize_t)(sizeof(*p) + 11 * sizeof(p->steps[0])));
	assert_int_equal(p->steps[0].op, VIRQ_PROG_PCI_ENUM);
	assert_int_equal(p->steps[0].line, 3);
	assert_int_equal(p->steps[0].dev, VIRQ_PROG_NO_DEV);
	/* vcpu= is the destination: the step runs on CPU 0 */
	assert_int_equal(p->steps[1].op, VIRQ_PROG_MSIX_VECTOR);
	assert_int_equal(p->steps[1].cpu, 0);
	assert_int_equal(p->steps[1].dev, 0);
	assert_int_equal(p->steps[1].index, 1);
	assert_int_equal(p->steps[1].arg[0], 1);
	assert_int_equal(p->steps[1].arg[1], 0x41);
	assert_int_equal(p->steps[5].op, VIRQ_PROG_E1000E_RAISE);
	assert_int_equal(p->steps[5].arg[0], 2);
	/* expect irq: whose log, which vector, how many, the runner's 2 s default */
	assert_int_equal(p->steps[6].op, VIRQ_PROG_EXPECT_IRQ);
	assert_int_equal(p->steps[6].arg[0], 1);
	assert_int_equal(p->steps[6].arg[2], 2);
	assert_int_equal(p->steps[6].arg[3], 2000);
	/* expect commits is the VMM's: left out, its line listed */
	assert_int_equal(info.nr_vmm_only, 1);
	assert_int_equal(info.vmm_only_line[0], 10);
	assert_int_equal(p->steps[7].op, VIRQ_PROG_MSIX_MASK);
	assert_int_equal(p->steps[8].op, VIRQ_PROG_EXPECT_PENDING);
	assert_int_equal(p->steps[8].arg[0], 0);
	assert_int_equal(p->steps[9].op, VIRQ_PROG_EXPECT_NONE);
	assert_int_equal(p->steps[9].arg[0], 50);
	assert_int_equal(p->steps[10].op, VIRQ_PROG_END);
	free(p);
}

/* two devices with the same IDs: the guest tells them apart by instance */
static void test_program_same_ids_get_instances(void **state)
{
	struct program_info info;
	ssize_t size;
	struct virq_prog *p = compile_ok("vm vcpus=1\ndevice A virtio-rng\ndevice B nvme\n"
					 "device C virtio-rng\nguest pci enum\n", &info, &size);

	(void)state;
	assert_int_equal(p->nr_devs, 3);
	assert_int_equal(p->devs[0].instance, 0);
	assert_int_equal(p->devs[1].instance, 0);
	assert_int_equal(p->devs[2].instance, 1);
	assert_int_equal(p->devs[2].device, 0x1044);
	assert_int_equal(p->devs[1].kind, VIRQ_PROG_DEV_NVME);
	free(p);
}

static void test_program_refuses_host_steps(void **state)
{
	(void)state;
	compile_refused("vm vcpus=1\nroute A msi vcpu=0 vector=0x41\ncommit\n",
			PATH ":2: 'route A msi vcpu=0 vector=0x41' is not a step the guest can run");
	compile_refused("vm vcpus=1\nmsi vcpu=0 vector=0x41\n", PATH ":2: 'msi vcpu=0");
}

/* the guest finds devices by IDs: a host BDF means nothing under another VMM */
static void test_program_refuses_a_host_bdf(void **state)
{
	(void)state;
	compile_refused("vm vcpus=1\ndevice E vfio-pci host=0000:00:02.0\nguest pci enum\n",
			PATH ":2: 'device E vfio-pci host=0000:00:02.0' names a host BDF");
}

/* a shipped scenario compiled: the program, or NULL with its refusal in err */
static struct virq_prog *compile_shipped(const char *name, char *err, size_t n)
{
	struct program_info info;
	struct virq_prog *p = NULL;
	struct scenario sc;
	char path[512];

	snprintf(path, sizeof(path), "%s/scenarios/%s.virq", SRCDIR, name);
	if (scenario_parse_file(path, &sc, err, n))
		fail_msg("%s", err);
	if (program_compile(&sc, &p, &info, err, n) < 0)
		p = NULL;
	scenario_free(&sc);
	return p;
}

/* the scenarios issue 10 diffs against QEMU all compile: passthrough, virtio-rng, NVMe */
static void test_program_shipped_guest_driven_scenarios_compile(void **state)
{
	static const char *const names[] = { "seed-affinity", "seed-trace", "rewrite-while-masked",
					      "rewrite-while-unmasked", "affinity-storm",
					      "msix-grow-masked", "msix-disable-pending",
					      "virtio-irqfd", "virtio-kick-exits", "virtio-masked",
					      "virtio-vector", "msix-reunmask", "msix-coalesce",
					      "msix-function-mask", "nvme-signal-msi",
					      "nvme-unused-vector", "vfio-intx", "vfio-intx-slow" };
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct virq_prog *p = compile_shipped(names[i], err, sizeof(err));

		if (!p)
			fail_msg("%s: wanted a program, got: %s", names[i], err);
		assert_int_equal(p->version, VIRQ_PROG_VERSION);
		assert_int_equal(p->steps[p->nr_steps - 1].op, VIRQ_PROG_END);
		free(p);
	}
}

/* held completions are virq's device's own: nothing the guest does makes them */
static void test_program_refuses_held_completions(void **state)
{
	char err[512];

	(void)state;
	assert_null(compile_shipped("nvme-batch", err, sizeof(err)));
	if (!strstr(err, "nvme-batch.virq:23: 'device N hold' is the VMM's own device step"))
		fail_msg("wanted nvme-batch.virq:23's hold refused, got '%s'", err);
	assert_null(compile_shipped("nvme-masked", err, sizeof(err)));
	if (!strstr(err, "nvme-masked.virq:18: 'device N hold'"))
		fail_msg("wanted nvme-masked.virq:18's hold refused, got '%s'", err);
	compile_refused("vm vcpus=1\ndevice N nvme\nguest pci enum\ndevice N complete count=2\n",
			PATH ":4: 'device N complete count=2' is the VMM's own device step");
	/* a host raise has no guest-side cause either */
	compile_refused("vm vcpus=1\nmsi vcpu=0 vector=0x41\n",
			PATH ":2: 'msi vcpu=0 vector=0x41' is not a step the guest can run on its own: "
			"a raise virq makes host-side");
}

#define DMA(n)	(VIRQ_DMA_GPA + (n) * VIRQ_DMA_PER_DEV)

/* virtio steps: their device, vector and DMA slice (the runner's), kick's count */
static void test_program_virtio_steps(void **state)
{
	struct program_info info;
	ssize_t size;
	struct virq_prog *p = compile_ok("vm vcpus=2\ndevice N nvme\ndevice R virtio-rng\n"
		"guest pci enum\nguest virtio setup dev=R index=1\nguest virtio driver-ok dev=R\n"
		"guest virtio kick dev=R count=3\nguest virtio queue-vector dev=R index=2\n"
		"guest virtio config-vector dev=R index=3\nguest virtio reset dev=R\n"
		"guest virtio kick dev=R\nexpect completions dev=R count=4\n", &info, &size);

	(void)state;
	assert_int_equal(p->nr_steps, 9);		/* 8 steps and END */
	assert_int_equal(p->devs[1].kind, VIRQ_PROG_DEV_VIRTIO_RNG);
	assert_int_equal(p->steps[1].op, VIRQ_PROG_VIRTIO_SETUP);
	assert_int_equal(p->steps[1].dev, 1);
	assert_int_equal(p->steps[1].index, 1);
	assert_int_equal(p->steps[1].arg[0], DMA(1));	/* the second device line's slice */
	assert_int_equal(p->steps[2].op, VIRQ_PROG_VIRTIO_DRIVER_OK);
	assert_int_equal(p->steps[3].op, VIRQ_PROG_VIRTIO_KICK);
	assert_int_equal(p->steps[3].arg[0], DMA(1));
	assert_int_equal(p->steps[3].arg[1], 3);
	assert_int_equal(p->steps[4].op, VIRQ_PROG_VIRTIO_QUEUE_VECTOR);
	assert_int_equal(p->steps[4].index, 2);
	assert_int_equal(p->steps[5].op, VIRQ_PROG_VIRTIO_CONFIG_VECTOR);
	assert_int_equal(p->steps[5].index, 3);
	assert_int_equal(p->steps[6].op, VIRQ_PROG_VIRTIO_RESET);
	assert_int_equal(p->steps[7].op, VIRQ_PROG_VIRTIO_KICK);
	assert_int_equal(p->steps[7].arg[1], 1);	/* count's default */
	assert_int_equal(p->steps[7].line, 11);
	/* completions are the device's accounting: the VMM's */
	assert_int_equal(info.nr_vmm_only, 1);
	assert_int_equal(info.vmm_only_line[0], 12);
	free(p);
}

static void test_program_nvme_steps(void **state)
{
	struct program_info info;
	ssize_t size;
	struct virq_prog *p = compile_ok("vm vcpus=2\ndevice N nvme\nguest pci enum\n"
		"guest msix enable dev=N\nguest nvme init dev=N index=1\n"
		"guest nvme read dev=N count=3\nguest nvme read dev=N\n", &info, &size);

	(void)state;
	assert_int_equal(p->nr_steps, 6);
	assert_int_equal(p->steps[2].op, VIRQ_PROG_NVME_INIT);
	assert_int_equal(p->steps[2].dev, 0);
	assert_int_equal(p->steps[2].index, 1);
	assert_int_equal(p->steps[2].arg[0], DMA(0));
	assert_int_equal(p->steps[3].op, VIRQ_PROG_NVME_READ);
	assert_int_equal(p->steps[3].arg[0], DMA(0));
	assert_int_equal(p->steps[3].arg[1], 3);
	assert_int_equal(p->steps[4].arg[1], 1);
	free(p);
}

/* the QEMU devices for the program: in devs[] order, virq's IDs and vector count */
static void test_program_qemu_args_name_the_devices(void **state)
{
	struct program_info info;
	char buf[512];
	ssize_t size;
	int len;
	struct virq_prog *p = compile_ok("vm vcpus=1\ndevice E vfio-pci host=8086:10d3\n"
					 "device R virtio-rng\ndevice A nvme\ndevice B nvme\n"
					 "guest pci enum\n", &info, &size);

	(void)state;
	len = program_qemu_args(p, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "-device\nvfio-pci,host=@8086:10d3@\n"
			    "-device\nvirtio-rng-pci,disable-legacy=on,vectors=4\n"
			    "-drive\nif=none,id=nvm0,file=null-co://,format=raw\n"
			    "-device\nnvme,serial=virq0,drive=nvm0\n"
			    "-drive\nif=none,id=nvm1,file=null-co://,format=raw\n"
			    "-device\nnvme,serial=virq1,drive=nvm1\n");
	assert_int_equal(program_qemu_args(p, buf, 40), -E2BIG);
	free(p);
}

/*
 * the IOAPIC steps: an entry written whole, then masked and unmasked from
 * the one the program wrote (vcpu= the destination, run on the BSP); the
 * e1000e's level ack names the device; x-no-kvm-intx reaches QEMU's -device
 */
static void test_program_ioapic_and_level_ack(void **state)
{
	struct program_info info;
	char buf[256];
	ssize_t size;
	struct virq_prog *p = compile_ok("vm vcpus=2\n"
		"device E vfio-pci host=8086:10d3 x-no-kvm-intx=on\nguest pci enum\n"
		"guest ioapic pin=21 vector=0x50 vcpu=1 level\nguest ioapic mask pin=21\n"
		"guest ioapic unmask pin=21\nguest level-ack vector=0x50 dev=E every=1\n"
		"guest level-ack vector=0x51 gsi=22 every=2 defer-eoi=1\nguest eoi\n", &info, &size);
	const struct virq_prog_step *s = p->steps;

	(void)state;
	assert_int_equal(p->nr_steps, 8);
	assert_int_equal(s[1].op, VIRQ_PROG_IOAPIC_WRITE);
	assert_int_equal(s[1].cpu, 0);
	assert_int_equal(s[1].arg[0], 21);
	assert_int_equal(s[1].arg[1], 0x8050);		/* level, vector 0x50 */
	assert_int_equal(s[1].arg[2], 0x01000000);	/* APIC id 1 */
	assert_int_equal(s[2].arg[1], 0x18050);		/* ... masked */
	assert_int_equal(s[3].arg[1], 0x8050);
	assert_int_equal(s[3].arg[2], 0x01000000);
	assert_int_equal(s[4].op, VIRQ_PROG_LEVEL_ACK);
	assert_int_equal(s[4].dev, 0);
	assert_int_equal(s[4].arg[0], 0x50);
	assert_int_equal(s[4].arg[2], 1);
	assert_int_equal(s[5].dev, VIRQ_PROG_NO_DEV);
	assert_int_equal(s[5].arg[1], 22);
	assert_int_equal(s[5].arg[3], VIRQ_LEVEL_DEFER_EOI);
	assert_int_equal(s[6].op, VIRQ_PROG_EOI);
	assert_true(program_qemu_args(p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "-device\nvfio-pci,host=@8086:10d3@,x-no-kvm-intx=on\n");
	free(p);
}

static void test_program_refuses_a_mask_before_the_entry(void **state)
{
	(void)state;
	compile_refused("vm vcpus=1\nguest ioapic mask pin=21\n",
			"t.virq:2: 'guest ioapic mask pin=21' masks a pin the program has not programmed yet");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_seed_move),
		cmocka_unit_test(test_program_same_ids_get_instances),
		cmocka_unit_test(test_program_refuses_host_steps),
		cmocka_unit_test(test_program_refuses_a_host_bdf),
		cmocka_unit_test(test_program_shipped_guest_driven_scenarios_compile),
		cmocka_unit_test(test_program_refuses_held_completions),
		cmocka_unit_test(test_program_virtio_steps),
		cmocka_unit_test(test_program_nvme_steps),
		cmocka_unit_test(test_program_qemu_args_name_the_devices),
		cmocka_unit_test(test_program_ioapic_and_level_ack),
		cmocka_unit_test(test_program_refuses_a_mask_before_the_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
