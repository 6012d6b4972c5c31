// SPDX-License-Identifier: GPL-2.0
/*
 * test_program.c - scenarios compiled into the test guest's step program
 * (src/scenario/program.c): what each step becomes, what is left out as
 * VMM-only, and the scenarios refused with FILE:LINE.
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

/* the passthrough scenarios issue 10 diffs against QEMU all compile */
static void test_program_shipped_passthrough_scenarios_compile(void **state)
{
	static const char *const names[] = { "seed-affinity", "seed-trace", "rewrite-while-masked",
					      "rewrite-while-unmasked", "affinity-storm",
					      "msix-grow-masked", "msix-disable-pending" };
	char path[512], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct scenario sc;
		struct program_info info;
		struct virq_prog *p = NULL;
		ssize_t r;

		snprintf(path, sizeof(path), "%s/scenarios/%s.virq", SRCDIR, names[i]);
		if (scenario_parse_file(path, &sc, err, sizeof(err)))
			fail_msg("%s", err);
		r = program_compile(&sc, &p, &info, err, sizeof(err));
		scenario_free(&sc);
		if (r < 0)
			fail_msg("%s: wanted a program, got: %s", names[i], err);
		assert_int_equal(p->steps[p->nr_steps - 1].op, VIRQ_PROG_END);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_seed_move),
		cmocka_unit_test(test_program_same_ids_get_instances),
		cmocka_unit_test(test_program_refuses_host_steps),
		cmocka_unit_test(test_program_refuses_a_host_bdf),
		cmocka_unit_test(test_program_shipped_passthrough_scenarios_compile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
