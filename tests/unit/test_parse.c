// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - unit tests for the scenario parser: every construct, the
 * scenario files in the tree, and the exact message of each bad input.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scenario/scenario.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

#define PATH	"t.virq"
#define VM	"vm vcpus=2\n"
#define ROUTE_A	VM "route A msi vcpu=0 vector=0x40\n"
#define IOEV_E	VM "ioeventfd E pio addr=0x80 len=1\n"
#define DEVS	VM "device R virtio-rng\ndevice N nvme\n"	/* names 0 and 1 */
#define ERRLEN	512

/* compare as integers, saying "wanted X, got Y" */
#define want_int(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) \
		fail_msg("%s: wanted %lld, got %lld", #got, w_, g_); \
} while (0)

#define want_str(got, want) do { \
	if (strcmp((got), (want))) \
		fail_msg("%s: wanted '%s', got '%s'", #got, (want), (got)); \
} while (0)

/* parse text that must be good; the caller frees sc */
static void parse_ok(const char *text, struct scenario *sc)
{
	char err[ERRLEN] = "";

	if (scenario_parse_string(PATH, text, sc, err, sizeof(err)))
		fail_msg("wanted success, got '%s'", err);
}

/* the last step of text, which must parse */
static struct sc_step last_step(const char *text)
{
	struct scenario sc;
	struct sc_step st;

	parse_ok(text, &sc);
	if (!sc.nr_steps)
		fail_msg("wanted at least one step, got none");
	st = sc.steps[sc.nr_steps - 1];
	scenario_free(&sc);
	return st;
}

/* text must fail with exactly "t.virq:" want */
static void check_error(const char *text, const char *want)
{
	char err[ERRLEN] = "", full[ERRLEN];
	struct scenario sc;

	snprintf(full, sizeof(full), PATH ":%s", want);
	if (!scenario_parse_string(PATH, text, &sc, err, sizeof(err))) {
		scenario_free(&sc);
		fail_msg("wanted '%s', got success", full);
	}
	if (strcmp(err, full))
		fail_msg("wanted '%s', got '%s'", full, err);
	assert_null(sc.steps);
}

/* --- good constructs --- */

static void test_parse_vm_sets_vcpus_line_and_name(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok("# a comment first\n\nvm vcpus=8\n", &sc);
	want_int(sc.vcpus, 8);
	want_int(sc.vm_line, 3);
	want_int(sc.nr_steps, 0);
	want_str(sc.name, "t");
	want_str(sc.file, PATH);
	scenario_free(&sc);
}

static void test_parse_route_msi_defines_a_route(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "route my_route-1 msi vector=0x41 vcpu=1\n", &sc);
	want_int(sc.nr_steps, 1);
	want_int(sc.steps[0].op, SC_ROUTE_ADD);
	want_int(sc.steps[0].line, 2);
	want_int(sc.steps[0].name, 0);
	want_int(sc.steps[0].vcpu, 1);
	want_int(sc.steps[0].vector, 0x41);
	want_int(sc.nr_names, 1);
	want_str(sc.names[0].name, "my_route-1");
	want_int(sc.names[0].kind, SC_KIND_ROUTE);
	want_int(sc.names[0].line, 2);
	scenario_free(&sc);
}

static void test_parse_route_update_and_release(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "route A update vcpu=1 vector=0xfe\nroute A release\n", &sc);
	want_int(sc.nr_steps, 3);
	want_int(sc.steps[1].op, SC_ROUTE_UPDATE);
	want_int(sc.steps[1].name, 0);
	want_int(sc.steps[1].vcpu, 1);
	want_int(sc.steps[1].vector, 0xfe);
	want_int(sc.steps[2].op, SC_ROUTE_RELEASE);
	want_int(sc.steps[2].name, 0);
	scenario_free(&sc);
}

static void test_parse_route_released_may_be_defined_again(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "route A release\nroute A msi vcpu=1 vector=0x50\nsignal A\n", &sc);
	want_int(sc.nr_names, 1);
	want_int(sc.names[0].line, 4);
	want_int(sc.steps[2].name, 0);
	want_int(sc.steps[3].op, SC_SIGNAL);
	want_int(sc.steps[3].name, 0);
	scenario_free(&sc);
}

static void test_parse_routes_fill(void **state)
{
	struct sc_step st = last_step(VM "routes fill count=8192 vcpu=1 vector=0x30\n");

	(void)state;
	want_int(st.op, SC_ROUTES_FILL);
	want_int(st.count, 8192);
	want_int(st.vcpu, 1);
	want_int(st.vector, 0x30);
	want_int(st.name, -1);
}

/* routes commit-raw: the kernel's own limit, a count like routes fill */
static void test_parse_routes_commit_raw(void **state)
{
	struct sc_step st = last_step(VM "routes commit-raw count=4097 vcpu=1 vector=0x50\n"
				      "expect result EINVAL\n");
	struct scenario sc;

	(void)state;
	want_int(st.op, SC_EXPECT_RESULT);
	want_int(st.err, EINVAL);
	parse_ok(VM "routes commit-raw count=8192 vcpu=0 vector=0x30\n", &sc);
	want_int(sc.steps[0].op, SC_ROUTES_COMMIT_RAW);
	want_int(sc.steps[0].count, 8192);
	want_int(sc.steps[0].vcpu, 0);
	want_int(sc.steps[0].vector, 0x30);
	want_int(sc.steps[0].name, -1);
	want_str(sc_op_name(SC_ROUTES_COMMIT_RAW), "routes commit-raw");
	scenario_free(&sc);
}

static void test_parse_commit_and_expect_commits_routes(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "commit\nexpect commits 3\nexpect routes 0x10\nexpect routes 0\n", &sc);
	want_int(sc.nr_steps, 4);
	want_int(sc.steps[0].op, SC_COMMIT);
	want_int(sc.steps[1].op, SC_EXPECT_COMMITS);
	want_int(sc.steps[1].count, 3);
	want_int(sc.steps[2].op, SC_EXPECT_ROUTES);
	want_int(sc.steps[2].count, 16);
	want_int(sc.steps[3].count, 0);
	scenario_free(&sc);
}

static void test_parse_irqfd_add_and_remove(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "irqfd A\nirqfd A remove\n", &sc);
	want_int(sc.steps[1].op, SC_IRQFD_ADD);
	want_int(sc.steps[1].name, 0);
	want_int(sc.steps[2].op, SC_IRQFD_REMOVE);
	want_int(sc.steps[2].name, 0);
	scenario_free(&sc);
}

static void test_parse_signal_count_defaults_to_1(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "signal A\nsignal A count=1000000\n", &sc);
	want_int(sc.steps[1].count, 1);
	want_int(sc.steps[2].count, 1000000);
	scenario_free(&sc);
}

static void test_parse_msi(void **state)
{
	struct sc_step st = last_step(VM "msi vcpu=1 vector=0x20 count=7\n");

	(void)state;
	want_int(st.op, SC_SIGNAL_MSI);
	want_int(st.vcpu, 1);
	want_int(st.vector, 0x20);
	want_int(st.count, 7);
	want_int(st.name, -1);
}

static void test_parse_ioeventfd_pio_mmio_and_remove(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "ioeventfd P pio addr=0xffff len=2 datamatch=0xbeef\n"
		 "ioeventfd M mmio addr=0xfed00000 len=0\n"
		 "ioeventfd Q mmio addr=0x100000000 len=8 datamatch=0xffffffffffffffff\n"
		 "ioeventfd P remove\n", &sc);
	want_int(sc.steps[0].op, SC_IOEVENTFD_ADD);
	want_int(sc.steps[0].mmio, false);
	want_int(sc.steps[0].addr, 0xffff);
	want_int(sc.steps[0].len, 2);
	want_int(sc.steps[0].has_datamatch, true);
	want_int(sc.steps[0].datamatch, 0xbeef);
	want_int(sc.steps[1].mmio, true);
	want_int(sc.steps[1].addr, 0xfed00000);
	want_int(sc.steps[1].len, 0);
	want_int(sc.steps[1].has_datamatch, false);
	if (sc.steps[2].datamatch != UINT64_MAX || sc.steps[2].addr != 1ull << 32)
		fail_msg("wanted 8-byte datamatch and a 64-bit addr, got %#llx at %#llx",
			 (unsigned long long)sc.steps[2].datamatch,
			 (unsigned long long)sc.steps[2].addr);
	want_int(sc.steps[3].op, SC_IOEVENTFD_REMOVE);
	want_int(sc.steps[3].name, 0);
	want_int(sc.names[1].kind, SC_KIND_IOEVENTFD);
	scenario_free(&sc);
}

static void test_parse_guest_steps_with_defaults(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "guest out port=0x80 value=0xff\n"
		 "guest out port=0xffff value=0xffffffff size=4 count=3 vcpu=1\n"
		 "guest in port=0x71 size=2\n"
		 "guest write addr=0xfebff000 value=0xabcd size=2 count=2\n"
		 "guest read addr=0xffffffff vcpu=1\n", &sc);
	want_int(sc.steps[0].op, SC_GUEST_OUT);
	want_int(sc.steps[0].addr, 0x80);
	want_int(sc.steps[0].value, 0xff);
	want_int(sc.steps[0].size, 1);
	want_int(sc.steps[0].count, 1);
	want_int(sc.steps[0].vcpu, 0);
	want_int(sc.steps[1].size, 4);
	want_int(sc.steps[1].count, 3);
	want_int(sc.steps[1].vcpu, 1);
	want_int(sc.steps[1].value, 0xffffffff);
	want_int(sc.steps[2].op, SC_GUEST_IN);
	want_int(sc.steps[2].addr, 0x71);
	want_int(sc.steps[2].size, 2);
	want_int(sc.steps[2].vcpu, 0);
	want_int(sc.steps[3].op, SC_GUEST_WRITE);
	want_int(sc.steps[3].addr, 0xfebff000);
	want_int(sc.steps[3].value, 0xabcd);
	want_int(sc.steps[3].count, 2);
	want_int(sc.steps[4].op, SC_GUEST_READ);
	want_int(sc.steps[4].addr, 0xffffffff);
	want_int(sc.steps[4].vcpu, 1);
	scenario_free(&sc);
}

static void test_parse_device_lines_define_devices(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "commit\n", &sc);
	want_int(sc.nr_steps, 3);
	want_int(sc.nr_names, 2);
	want_int(sc.steps[0].op, SC_DEVICE);
	want_int(sc.steps[0].name, 0);
	want_int(sc.steps[0].dev, 0);
	want_str(sc.steps[0].type, "virtio-rng");
	want_int(sc.steps[0].vcpu, -1);
	want_int(sc.steps[1].op, SC_DEVICE);
	want_int(sc.steps[1].name, 1);
	want_int(sc.steps[1].dev, 1);
	want_str(sc.steps[1].type, "nvme");
	want_str(sc.names[0].name, "R");
	want_int(sc.names[0].kind, SC_KIND_DEVICE);
	want_int(sc.names[0].line, 2);
	want_str(sc.names[1].name, "N");
	want_int(sc.names[1].kind, SC_KIND_DEVICE);
	want_int(sc.names[1].line, 3);
	assert_null(sc.steps[2].type);
	scenario_free(&sc);
}

static void test_parse_allows_8_devices(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "device d0 nvme\ndevice d1 virtio-rng\ndevice d2 nvme\ndevice d3 nvme\n"
		 "device d4 nvme\ndevice d5 nvme\ndevice d6 nvme\ndevice d7 virtio-rng\n"
		 "device d7 hold\n", &sc);
	want_int(sc.nr_steps, 9);
	want_int(sc.nr_names, 8);
	want_str(sc.steps[7].type, "virtio-rng");
	want_int(sc.steps[8].dev, 7);
	scenario_free(&sc);
}

static void test_parse_vfio_device_takes_a_host(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "device E vfio-pci host=8086:10d3\ndevice F vfio-pci host=0000:00:02.0\n"
		 "guest e1000e init dev=E\nguest e1000e raise dev=F index=4 count=3\n", &sc);
	want_str(sc.steps[0].type, "vfio-pci");
	want_str(sc.steps[0].host, "8086:10d3");
	want_str(sc.steps[1].host, "0000:00:02.0");
	assert_int_equal(sc.steps[2].op, SC_GUEST_E1000E_INIT);
	assert_int_equal(sc.steps[3].op, SC_GUEST_E1000E_RAISE);
	assert_int_equal(sc.steps[3].index, 4);
	assert_int_equal(sc.steps[3].count, 3);
	assert_int_equal(sc.steps[3].dev, sc.steps[1].name);
	scenario_free(&sc);
}

static void test_parse_rejects_bad_vfio_host(void **state)
{
	(void)state;
	check_error(VM "device E vfio-pci\n", "2: 'device' needs host=");
	check_error(VM "device E vfio-pci host=eth0\n",
		    "2: host eth0 invalid: wanted a PCI address (0000:00:02.0) or vendor:device (8086:10d3)");
	check_error(VM "device N nvme\nguest e1000e init dev=N\n",
		    "3: device 'N' is an nvme, not a vfio-pci");
}

static void test_parse_device_hold_and_complete(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "device N hold\ndevice N complete\ndevice R complete count=65536\n", &sc);
	want_int(sc.steps[2].op, SC_DEVICE_HOLD);
	want_int(sc.steps[2].name, 1);
	want_int(sc.steps[2].dev, 1);
	assert_null(sc.steps[2].type);
	want_int(sc.steps[3].op, SC_DEVICE_COMPLETE);
	want_int(sc.steps[3].name, 1);
	want_int(sc.steps[3].dev, 1);
	want_int(sc.steps[3].count, 1);
	want_int(sc.steps[4].dev, 0);
	want_int(sc.steps[4].count, 65536);
	scenario_free(&sc);
}

static void test_parse_guest_pci_enum(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "guest pci enum\nguest pci enum vcpu=1\n", &sc);
	want_int(sc.steps[0].op, SC_GUEST_PCI_ENUM);
	want_int(sc.steps[0].vcpu, 0);
	want_int(sc.steps[0].dev, -1);
	want_int(sc.steps[1].vcpu, 1);
	scenario_free(&sc);
}

static void test_parse_guest_msix_steps(void **state)
{
	static const int ops[] = {
		SC_GUEST_MSIX_ENABLE, SC_GUEST_MSIX_DISABLE, SC_GUEST_MSIX_FMASK,
		SC_GUEST_MSIX_FUNMASK, SC_GUEST_MSIX_VECTOR, SC_GUEST_MSIX_MASK,
		SC_GUEST_MSIX_UNMASK, SC_GUEST_MSIX_READ_PBA,
	};
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "guest msix enable dev=N\nguest msix disable dev=R vcpu=1\n"
		 "guest msix function-mask dev=N\nguest msix function-unmask dev=N\n"
		 "guest msix vector dev=N index=2047 vcpu=1 vector=0x41\n"
		 "guest msix mask dev=R index=0\nguest msix unmask index=1 dev=R vcpu=1\n"
		 "guest msix read-pba dev=N\n", &sc);
	want_int(sc.nr_steps, 2 + 8);
	for (int i = 0; i < 8; i++) {
		want_int(sc.steps[2 + i].op, ops[i]);
		want_int(sc.steps[2 + i].name, -1);
	}
	want_int(sc.steps[2].dev, 1);
	want_int(sc.steps[2].vcpu, 0);
	want_int(sc.steps[2].index, -1);
	want_int(sc.steps[3].dev, 0);
	want_int(sc.steps[3].vcpu, 1);
	want_int(sc.steps[6].dev, 1);
	want_int(sc.steps[6].index, 2047);
	want_int(sc.steps[6].vcpu, 1);		/* the destination */
	want_int(sc.steps[6].vector, 0x41);
	want_int(sc.steps[7].index, 0);
	want_int(sc.steps[7].vcpu, 0);
	want_int(sc.steps[7].vector, -1);
	want_int(sc.steps[8].index, 1);
	want_int(sc.steps[8].vcpu, 1);
	want_int(sc.steps[9].dev, 1);
	want_int(sc.steps[9].index, -1);
	scenario_free(&sc);
}

static void test_parse_guest_virtio_steps(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "guest virtio setup dev=R index=1\nguest virtio driver-ok dev=R\n"
		 "guest virtio kick dev=R\nguest virtio kick dev=R count=1000 vcpu=1\n"
		 "guest virtio reset dev=R\nguest virtio queue-vector dev=R index=2\n"
		 "guest virtio config-vector dev=R index=0 vcpu=1\n", &sc);
	want_int(sc.steps[2].op, SC_GUEST_VIRTIO_SETUP);
	want_int(sc.steps[2].dev, 0);
	want_int(sc.steps[2].index, 1);
	want_int(sc.steps[2].vcpu, 0);
	want_int(sc.steps[3].op, SC_GUEST_VIRTIO_DRIVER_OK);
	want_int(sc.steps[3].dev, 0);
	want_int(sc.steps[4].op, SC_GUEST_VIRTIO_KICK);
	want_int(sc.steps[4].count, 1);
	want_int(sc.steps[5].count, 1000);
	want_int(sc.steps[5].vcpu, 1);
	want_int(sc.steps[6].op, SC_GUEST_VIRTIO_RESET);
	want_int(sc.steps[6].dev, 0);
	want_int(sc.steps[7].op, SC_GUEST_VIRTIO_QUEUE_VECTOR);
	want_int(sc.steps[7].index, 2);
	want_int(sc.steps[7].vcpu, 0);
	want_int(sc.steps[8].op, SC_GUEST_VIRTIO_CONFIG_VECTOR);
	want_int(sc.steps[8].dev, 0);
	want_int(sc.steps[8].index, 0);
	want_int(sc.steps[8].vcpu, 1);
	scenario_free(&sc);
}

static void test_parse_guest_nvme_steps(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "guest nvme init dev=N index=3 vcpu=1\nguest nvme read dev=N\n"
		 "guest nvme read dev=N count=1000\n", &sc);
	want_int(sc.steps[2].op, SC_GUEST_NVME_INIT);
	want_int(sc.steps[2].dev, 1);
	want_int(sc.steps[2].index, 3);
	want_int(sc.steps[2].vcpu, 1);
	want_int(sc.steps[3].op, SC_GUEST_NVME_READ);
	want_int(sc.steps[3].count, 1);
	want_int(sc.steps[3].vcpu, 0);
	want_int(sc.steps[4].count, 1000);
	scenario_free(&sc);
}

static void test_parse_line_by_gsi_or_by_slot_and_pin(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "line L gsi=20\nline D slot=31 pin=4\nline L high\nline L low\n"
		 "line D pulse\n", &sc);
	want_int(sc.steps[0].op, SC_LINE_DEFINE);
	want_int(sc.steps[0].gsi, 20);
	want_int(sc.steps[0].slot, -1);
	want_int(sc.names[0].kind, SC_KIND_LINE);
	want_int(sc.steps[1].slot, 31);
	want_int(sc.steps[1].pin, 4);
	want_int(sc.steps[1].gsi, -1);
	want_int(sc.steps[2].op, SC_LINE_HIGH);
	want_int(sc.steps[2].name, 0);
	want_int(sc.steps[3].op, SC_LINE_LOW);
	want_int(sc.steps[4].op, SC_LINE_PULSE);
	want_int(sc.steps[4].name, 1);
	scenario_free(&sc);
}

static void test_parse_irqfd_on_a_line_or_a_route_with_resample(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "line L gsi=22\nirqfd L resample\nexpect result EBUSY\nirqfd L remove\n"
		 "irqfd A resample\nexpect resamples A count=0\nirqfd L\n", &sc);
	want_int(sc.steps[2].op, SC_IRQFD_RESAMPLE);
	want_int(sc.steps[2].name, 1);
	want_int(sc.steps[3].err, EBUSY);
	want_int(sc.steps[4].op, SC_IRQFD_REMOVE);
	want_int(sc.steps[5].op, SC_IRQFD_RESAMPLE);
	want_int(sc.steps[5].name, 0);
	want_int(sc.steps[6].op, SC_EXPECT_RESAMPLES);
	want_int(sc.steps[7].op, SC_IRQFD_ADD);
	scenario_free(&sc);
}

/* the fault steps (issue 12): their fields, the pin the kernel checks, not the parser */
static void test_parse_fault_steps_and_expects(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "route D ioapic pin=24\nexpect result EINVAL\nirqfd A close\n"
		 "irqfd A remove\nexpect result EBADF\nguest hang vcpu=1\n"
		 "guest out port=0x80 value=1 vcpu=1 timeout=1000\nguest in port=0x80\n"
		 "expect irqfds 0\nexpect kernel-routes 39\nexpect kernel-route A vcpu=0 gsi=2\n",
		 &sc);
	want_int(sc.steps[1].op, SC_ROUTE_IOAPIC);
	want_int(sc.steps[1].pin, 24);
	want_int(sc.steps[1].name, 1);
	want_int(sc.steps[2].err, EINVAL);
	want_int(sc.steps[3].op, SC_IRQFD_CLOSE);
	want_int(sc.steps[3].name, 0);
	want_int(sc.steps[5].err, EBADF);
	want_int(sc.steps[6].op, SC_GUEST_HANG);
	want_int(sc.steps[6].vcpu, 1);
	want_int(sc.steps[7].ms, 1000);
	want_int(sc.steps[8].ms, 0);
	want_int(sc.steps[8].vcpu, 0);
	want_int(sc.steps[9].op, SC_EXPECT_IRQFDS);
	want_int(sc.steps[9].count, 0);
	want_int(sc.steps[10].op, SC_EXPECT_KERNEL_ROUTES);
	want_int(sc.steps[10].count, 39);
	want_int(sc.steps[11].op, SC_EXPECT_KERNEL_ROUTE);
	want_int(sc.steps[11].gsi, 2);
	want_int(sc.steps[11].vector, -1);
	scenario_free(&sc);
	want_int(last_step(VM "device E vfio-pci host=8086:10d3\ndevice E reset\n").op,
		 SC_DEVICE_RESET);
	want_int(last_step(VM "guest hang\n").vcpu, 0);
}

static void test_parse_guest_ioapic_and_level_steps(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "guest ioapic pin=21 vector=0x51 vcpu=1 level\n"
		 "guest ioapic edge pin=5 vector=0x45 vcpu=0 masked=1\n"
		 "guest ioapic mask pin=21\nguest ioapic unmask pin=21\nguest ioapic read pin=0\n"
		 "guest level-ack vector=0x51 gsi=21 every=3 defer-eoi=1\nguest eoi vcpu=1\n", &sc);
	want_int(sc.steps[0].op, SC_GUEST_IOAPIC_RTE);
	want_int(sc.steps[0].pin, 21);
	want_int(sc.steps[0].vcpu, 1);
	want_int(sc.steps[0].set, true);
	want_int(sc.steps[0].masked, -1);
	want_int(sc.steps[1].set, false);
	want_int(sc.steps[1].masked, 1);
	want_int(sc.steps[2].op, SC_GUEST_IOAPIC_MASK);
	want_int(sc.steps[3].op, SC_GUEST_IOAPIC_UNMASK);
	want_int(sc.steps[4].op, SC_GUEST_IOAPIC_READ);
	want_int(sc.steps[5].op, SC_GUEST_LEVEL_ACK);
	want_int(sc.steps[5].gsi, 21);
	want_int(sc.steps[5].every, 3);
	want_int(sc.steps[5].defer_eoi, 1);
	want_int(sc.steps[6].op, SC_GUEST_EOI);
	want_int(sc.steps[6].vcpu, 1);
	scenario_free(&sc);
}

static void test_parse_intx_expects_and_probes(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "line L gsi=5\nline L high\nexpect status ioapic coalesced\n"
		 "expect status pic 2\nexpect status ioapic ignored\n"
		 "expect remote-irr pin=5 set\nexpect line L raised=1 taken=3 level=1\n"
		 "probe irqfd no-irqchip\nexpect result EINVAL\n"
		 "probe irqfd split-irqchip resample=1\nprobe irq-line no-irqchip\n", &sc);
	want_int(sc.steps[2].op, SC_EXPECT_STATUS_IOAPIC);
	want_int(sc.steps[2].status, 0);
	want_int(sc.steps[3].op, SC_EXPECT_STATUS_PIC);
	want_int(sc.steps[3].status, 2);
	want_int(sc.steps[4].status, -1);
	want_int(sc.steps[5].op, SC_EXPECT_REMOTE_IRR);
	want_int(sc.steps[5].set, true);
	want_int(sc.steps[6].raised, 1);
	want_int(sc.steps[6].taken, 3);
	want_int(sc.steps[6].level, 1);
	want_int(sc.steps[6].acked, -1);
	want_int(sc.steps[7].op, SC_PROBE_IRQFD);
	want_int(sc.steps[7].set, true);
	want_int(sc.steps[7].value, 0);
	want_int(sc.steps[9].set, false);
	want_int(sc.steps[9].value, 1);
	want_int(sc.steps[10].op, SC_PROBE_IRQ_LINE);
	scenario_free(&sc);
}

static void test_parse_expect_pending_set_or_clear_anywhere(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "expect pending dev=N index=0 set\nexpect pending dev=R index=5 clear\n"
		 "expect pending set dev=N index=1\nexpect pending dev=N clear index=2\n", &sc);
	want_int(sc.steps[2].op, SC_EXPECT_PENDING);
	want_int(sc.steps[2].dev, 1);
	want_int(sc.steps[2].index, 0);
	want_int(sc.steps[2].set, true);
	want_int(sc.steps[3].dev, 0);
	want_int(sc.steps[3].index, 5);
	want_int(sc.steps[3].set, false);
	want_int(sc.steps[4].set, true);
	want_int(sc.steps[4].index, 1);
	want_int(sc.steps[5].set, false);
	want_int(sc.steps[5].index, 2);
	want_int(sc.steps[5].vcpu, -1);
	scenario_free(&sc);
}

static void test_parse_expect_vector_and_completions(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "expect vector dev=N index=1 raised=3 delivered=2 pending=1\n"
		 "expect vector dev=R index=0 delivered=0\n"
		 "expect vector dev=R index=0 pending=4294967295\n"
		 "expect vector dev=N index=3 dropped=2\n"
		 "expect completions dev=N count=0\nexpect completions dev=R count=7\n", &sc);
	want_int(sc.steps[2].op, SC_EXPECT_VECTOR);
	want_int(sc.steps[2].dev, 1);
	want_int(sc.steps[2].index, 1);
	want_int(sc.steps[2].raised, 3);
	want_int(sc.steps[2].delivered, 2);
	want_int(sc.steps[2].pending, 1);
	want_int(sc.steps[3].raised, -1);
	want_int(sc.steps[3].delivered, 0);
	want_int(sc.steps[3].pending, -1);
	want_int(sc.steps[4].pending, 4294967295LL);
	want_int(sc.steps[4].dropped, -1);
	want_int(sc.steps[5].dropped, 2);
	want_int(sc.steps[5].raised, -1);
	want_int(sc.steps[6].op, SC_EXPECT_COMPLETIONS);
	want_int(sc.steps[6].dev, 1);
	want_int(sc.steps[6].count, 0);
	want_int(sc.steps[7].dev, 0);
	want_int(sc.steps[7].count, 7);
	scenario_free(&sc);
}

/* the ledger's tallies: on a device vector, and a route's signals */
static void test_parse_expect_ledger_tallies(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "expect vector dev=N index=1 stale=1 misrouted=0 lost=0 delivered_masked=2 moved=3\n"
		 "route A msi vcpu=0 vector=0x40\n"
		 "expect signals A raised=4 delivered=4 stale=1\n", &sc);
	want_int(sc.steps[2].op, SC_EXPECT_VECTOR);
	want_int(sc.steps[2].stale, 1);
	want_int(sc.steps[2].misrouted, 0);
	want_int(sc.steps[2].lost, 0);
	want_int(sc.steps[2].delivered_masked, 2);
	want_int(sc.steps[2].moved, 3);
	want_int(sc.steps[2].raised, -1);
	want_int(sc.steps[4].op, SC_EXPECT_SIGNALS);
	want_int(sc.steps[4].raised, 4);
	want_int(sc.steps[4].stale, 1);
	want_int(sc.steps[4].lost, -1);
	scenario_free(&sc);
}

/* a flap runs on its vCPU while the steps go on; guest wait joins it */
static void test_parse_guest_msix_flap_and_wait(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "guest msix flap dev=N index=1 count=2000 vcpu=1\nguest wait vcpu=1\n", &sc);
	want_int(sc.steps[2].op, SC_GUEST_MSIX_FLAP);
	want_int(sc.steps[2].dev, 1);
	want_int(sc.steps[2].index, 1);
	want_int(sc.steps[2].count, 2000);
	want_int(sc.steps[2].vcpu, 1);
	want_int(sc.steps[3].op, SC_GUEST_WAIT);
	want_int(sc.steps[3].vcpu, 1);
	scenario_free(&sc);
}

static void test_parse_device_names_share_the_name_space(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(DEVS "route A msi vcpu=0 vector=0x40\ncommit\nexpect result ok\n"
		 "guest msix enable dev=N\nexpect completions dev=N count=0\n", &sc);
	want_int(sc.nr_names, 3);
	want_int(sc.steps[2].name, 2);
	want_int(sc.steps[5].dev, 1);
	scenario_free(&sc);
}

static void test_parse_wait(void **state)
{
	struct sc_step st = last_step(VM "wait ms=600000\n");

	(void)state;
	want_int(st.op, SC_WAIT);
	want_int(st.ms, 600000);
}

static void test_parse_expect_irq_and_irq_none(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(VM "expect irq vcpu=1 vector=0x40 count=0\n"
		 "expect irq count=4 vector=0x41 vcpu=0 timeout=250\n"
		 "expect irq none\nexpect irq none settle=50\n", &sc);
	want_int(sc.steps[0].op, SC_EXPECT_IRQ);
	want_int(sc.steps[0].count, 0);
	want_int(sc.steps[0].ms, 0);
	want_int(sc.steps[1].count, 4);
	want_int(sc.steps[1].vector, 0x41);
	want_int(sc.steps[1].ms, 250);
	want_int(sc.steps[2].op, SC_EXPECT_IRQ_NONE);
	want_int(sc.steps[2].ms, 0);
	want_int(sc.steps[3].ms, 50);
	scenario_free(&sc);
}

static void test_parse_expect_route_exits_and_ioeventfd(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok(ROUTE_A "ioeventfd E mmio addr=0xfed00000 len=4\n"
		 "expect route A gsi=4095\nexpect route A vcpu=0 vector=0x40\n"
		 "expect exits io port=0x80 count=2\n"
		 "expect exits mmio addr=0xfed00000 count=0\n"
		 "ioeventfd E remove\nexpect ioeventfd E count=5\n", &sc);
	want_int(sc.steps[2].op, SC_EXPECT_ROUTE);
	want_int(sc.steps[2].gsi, 4095);
	want_int(sc.steps[2].vcpu, -1);
	want_int(sc.steps[2].vector, -1);
	want_int(sc.steps[3].vcpu, 0);
	want_int(sc.steps[3].vector, 0x40);
	want_int(sc.steps[3].gsi, -1);
	want_int(sc.steps[4].op, SC_EXPECT_EXITS);
	want_int(sc.steps[4].mmio, false);
	want_int(sc.steps[4].addr, 0x80);
	want_int(sc.steps[4].count, 2);
	want_int(sc.steps[5].mmio, true);
	want_int(sc.steps[5].addr, 0xfed00000);
	want_int(sc.steps[5].count, 0);
	want_int(sc.steps[7].op, SC_EXPECT_IOEVENTFD);
	want_int(sc.steps[7].name, 1);
	want_int(sc.steps[7].count, 5);
	scenario_free(&sc);
}

static void test_parse_expect_result_takes_every_errno_name(void **state)
{
	static const char *const names[] = {
		"ok", "EINVAL", "ENOSPC", "EEXIST", "ENOENT", "EBUSY", "EBADF", "EAGAIN",
		"ENOMEM", "EFAULT", "E2BIG", "ENXIO", "EPERM", "ENODEV", "ENOTTY", "EOPNOTSUPP",
	};
	static const int errs[] = {
		0, EINVAL, ENOSPC, EEXIST, ENOENT, EBUSY, EBADF, EAGAIN,
		ENOMEM, EFAULT, E2BIG, ENXIO, EPERM, ENODEV, ENOTTY, EOPNOTSUPP,
	};
	struct sc_step st;
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		snprintf(text, sizeof(text), VM "commit\nexpect result %s\n", names[i]);
		st = last_step(text);
		want_int(st.op, SC_EXPECT_RESULT);
		want_int(st.err, errs[i]);
		want_int(sc_errno_parse(names[i]), errs[i]);
		want_str(sc_errno_name(errs[i]), names[i]);
	}
	want_int(sc_errno_parse("EWHATEVER"), -1);
	want_str(sc_errno_name(EDOM), "unknown");
}

static void test_parse_expect_result_follows_any_host_step(void **state)
{
	(void)state;
	last_step(ROUTE_A "expect result ok\nroute A update vcpu=0 vector=0x41\n"
		  "expect result ok\nroutes fill count=2 vcpu=0 vector=0x30\nexpect result ENOSPC\n"
		  "commit\nexpect result EINVAL\nirqfd A\nexpect result EBUSY\n"
		  "irqfd A remove\nexpect result ok\n"
		  "signal A\nexpect result ok\nmsi vcpu=0 vector=0x22\nexpect result ok\n"
		  "ioeventfd E pio addr=1 len=1\nexpect result EEXIST\n"
		  "ioeventfd E remove\nexpect result ENOENT\nroute A release\nexpect result ok\n");
}

static void test_parse_unset_fields_have_defaults(void **state)
{
	struct sc_step st = last_step(VM "commit\n");

	(void)state;
	want_int(st.name, -1);
	want_int(st.vcpu, -1);
	want_int(st.vector, -1);
	want_int(st.gsi, -1);
	want_int(st.mmio, false);
	want_int(st.addr, 0);
	want_int(st.len, 0);
	want_int(st.size, 1);
	want_int(st.value, 0);
	want_int(st.has_datamatch, false);
	want_int(st.datamatch, 0);
	want_int(st.count, 1);
	want_int(st.ms, 0);
	want_int(st.err, 0);
	want_int(st.dev, -1);
	want_int(st.index, -1);
	assert_null(st.type);
	want_int(st.set, false);
	want_int(st.raised, -1);
	want_int(st.delivered, -1);
	want_int(st.pending, -1);
}

static void test_parse_ignores_comments_blanks_and_extra_space(void **state)
{
	struct scenario sc;

	(void)state;
	parse_ok("  # header\r\n\t\n  vm\tvcpus=2   # two CPUs\r\n"
		 "\t msi  vcpu=0\t\tvector=0x40 #count=5\n#commit\n   \n", &sc);
	want_int(sc.vm_line, 3);
	want_int(sc.nr_steps, 1);
	want_int(sc.steps[0].line, 4);
	want_int(sc.steps[0].count, 1);
	want_str(sc.steps[0].text, "msi  vcpu=0\t\tvector=0x40");
	scenario_free(&sc);
}

static void test_parse_accepts_last_line_without_newline(void **state)
{
	struct sc_step st = last_step(VM "wait ms=5");

	(void)state;
	want_int(st.ms, 5);
	want_int(st.line, 2);
}

static void test_parse_numbers_are_decimal_or_hex_never_octal(void **state)
{
	struct sc_step st = last_step(VM "guest out port=010 value=0XfF count=0x10\n");

	(void)state;
	want_int(st.addr, 10);
	want_int(st.value, 0xff);
	want_int(st.count, 16);
}

static void test_parse_truncates_long_step_text(void **state)
{
	char text[1100], want[SC_TEXT_LEN];
	struct sc_step st;
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), VM "msi vcpu=0 vector=0x40 ");
	memset(text + n, ' ', 900);
	strcpy(text + n + 900, "count=2\n");
	st = last_step(text);
	want_int(st.count, 2);
	want_int(strlen(st.text), SC_TEXT_LEN - 1);
	snprintf(want, sizeof(want), "%.*s", SC_TEXT_LEN - 1, text + strlen(VM));
	want_str(st.text, want);
}

static void test_parse_accepts_line_of_1023_characters(void **state)
{
	char text[1100];
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), VM "commit ");
	memset(text + n, '#', 1023 - (n - strlen(VM)));
	text[strlen(VM) + 1023] = '\n';
	text[strlen(VM) + 1024] = '\0';
	want_int(last_step(text).op, SC_COMMIT);
}

static void test_parse_allows_64_names(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct scenario sc;

	(void)state;
	fputs(VM, f);
	for (int i = 0; i < SC_MAX_NAMES; i++)
		fprintf(f, i % 2 ? "route r%d msi vcpu=0 vector=0x40\n" :
			"ioeventfd e%d pio addr=0x80 len=1\n", i);
	fclose(f);
	parse_ok(text, &sc);
	want_int(sc.nr_names, SC_MAX_NAMES);
	scenario_free(&sc);
	free(text);
}

static void test_parse_5000_line_file(void **state)
{
	char path[] = "/tmp/test_parse_XXXXXX.virq", err[ERRLEN] = "", name[32];
	struct scenario sc;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("vm vcpus=4\nroute A msi vcpu=0 vector=0x40\n", f);
	for (int i = 3; i <= 5000; i++)
		fprintf(f, i % 3 ? "signal A count=%d  # line %d\n" : "# %d %d\n", i, i);
	fclose(f);
	if (scenario_parse_file(path, &sc, err, sizeof(err))) {
		unlink(path);
		fail_msg("wanted success, got '%s'", err);
	}
	unlink(path);
	want_int(sc.nr_steps, 1 + 3332);	/* the route, then lines 3..5000 but every third */
	want_int(sc.steps[sc.nr_steps - 1].line, 5000);
	want_int(sc.steps[sc.nr_steps - 1].count, 5000);
	snprintf(name, sizeof(name), "%.*s", (int)strlen(path) - 10, path + 5);
	want_str(sc.name, name);
	scenario_free(&sc);
}

static void test_parse_file_name_drops_dir_and_suffix(void **state)
{
	char dir[] = "/tmp/test_parse_XXXXXX", path[64], err[ERRLEN] = "";
	struct scenario sc;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/irq.storm.virq", dir);
	f = fopen(path, "w");
	fputs("vm vcpus=1\nwait ms=1\n", f);
	fclose(f);
	want_int(scenario_parse_file(path, &sc, err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);
	want_str(sc.name, "irq.storm");
	want_str(sc.file, path);
	want_int(sc.nr_steps, 1);
	scenario_free(&sc);
}

/* the scenario files shipped in the tree must all parse */
static void test_parse_every_scenario_in_the_tree(void **state)
{
	char err[ERRLEN] = "";
	struct scenario sc;
	glob_t g;

	(void)state;
	if (glob(SRCDIR "/scenarios/*.virq", 0, NULL, &g)) {
		print_message("no scenarios under " SRCDIR "/scenarios\n");
		skip();
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (scenario_parse_file(g.gl_pathv[i], &sc, err, sizeof(err)))
			fail_msg("wanted success, got '%s'", err);
		if (!sc.vcpus)
			fail_msg("%s: wanted vcpus >= 1, got 0", g.gl_pathv[i]);
		scenario_free(&sc);
	}
	print_message("%zu scenario files parsed\n", g.gl_pathc);
	globfree(&g);
}

static void test_sc_op_name_names_every_op(void **state)
{
	(void)state;
	for (int op = 0; op < SC_OP_MAX; op++)
		if (!sc_op_name(op) || !*sc_op_name(op))
			fail_msg("op %d: wanted a name, got none", op);
	want_str(sc_op_name(SC_EXPECT_IRQ), "expect irq");
	want_str(sc_op_name(SC_ROUTE_ADD), "route msi");
	want_str(sc_op_name(SC_GUEST_MSIX_FMASK), "guest msix function-mask");
	want_str(sc_op_name(SC_EXPECT_COMPLETIONS), "expect completions");
	want_str(sc_op_name(SC_OP_MAX), "?");
}

static void test_parse_error_fits_a_short_buffer(void **state)
{
	struct scenario sc;
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	want_int(scenario_parse_string(PATH, "foo\n", &sc, err, sizeof(err)), -1);
	want_str(err, "t.virq:");
	want_int(scenario_parse_string(PATH, "foo\n", &sc, NULL, 0), -1);
}

/* --- bad inputs: each must give exactly this message --- */

#define BAD(fn, text, want) \
static void test_parse_rejects_##fn(void **state) \
{ \
	(void)state; \
	check_error(text, want); \
}

BAD(vector_below_0x20, VM "msi vcpu=0 vector=0x1f\n",
    "2: vector 0x1f out of range: 0x00-0x1f are exceptions")
BAD(mailbox_vector_0xf0, VM "route A msi vcpu=0 vector=0xf0\n",
    "2: vector 0xf0 is reserved for the guest mailbox")
BAD(vector_above_0xfe, VM "expect irq vcpu=0 vector=255 count=1\n",
    "2: vector 255 out of range: wanted 0x20..0xfe")
BAD(vcpu_beyond_the_vm, VM "msi vcpu=2 vector=0x40\n",
    "2: vcpu 2 out of range: the vm has 2 vcpus")
BAD(guest_vcpu_beyond_a_1_vcpu_vm, "vm vcpus=1\nguest in port=0x80 vcpu=1\n",
    "2: vcpu 1 out of range: the vm has 1 vcpu")
BAD(step_before_vm, "# hi\ncommit\nvm vcpus=1\n", "2: 'vm' must come first")
BAD(device_reset_of_a_virtio_rng, DEVS "device R reset\n",
    "4: device 'R' is a virtio-rng: only a vfio-pci device has a reset step")
BAD(route_ioapic_pin_256, VM "route D ioapic pin=256\n", "2: pin 256 out of range: wanted 0..255")
BAD(route_ioapic_without_pin, VM "route D ioapic\n", "2: 'route ioapic' needs pin=")
BAD(irqfd_close_of_a_line, VM "line L gsi=20\nirqfd L close\n",
    "3: 'L' is a line (line 2), wanted a route")
BAD(expect_kernel_route_of_an_ioeventfd, IOEV_E "expect kernel-route E vcpu=0\n",
    "3: 'E' is an ioeventfd (line 2), wanted a route")
BAD(guest_out_timeout_0, VM "guest out port=0x80 value=1 timeout=0\n",
    "2: timeout 0 out of range: wanted 1..600000")
BAD(guest_hang_with_a_count, VM "guest hang count=2\n",
    "2: unknown key 'count' for 'guest hang': wanted vcpu")
BAD(second_vm_line, VM "commit\nvm vcpus=2\n", "3: duplicate 'vm' line: the first is line 1")
BAD(vm_with_0_vcpus, "vm vcpus=0\n", "1: vcpus 0 out of range: wanted 1..8")
BAD(vm_with_9_vcpus, "vm vcpus=9\n", "1: vcpus 9 out of range: wanted 1..8")
BAD(file_without_vm_at_its_last_line, "# only\n\n# comments\n", "3: no 'vm' line")
BAD(empty_file, "", "1: no 'vm' line")
BAD(unknown_step, VM "frobnicate now=1\n", "2: unknown step 'frobnicate'")
BAD(unknown_key, VM "msi vcpu=0 vector=0x40 gsi=3\n",
    "2: unknown key 'gsi' for 'msi': wanted vcpu, vector or count")
BAD(key_on_a_step_without_keys, VM "commit all=1\n",
    "2: unknown key 'all' for 'commit': it takes none")
BAD(duplicate_key, VM "msi vcpu=0 vector=0x40 vcpu=1\n", "2: duplicate key 'vcpu'")
BAD(missing_required_key, VM "route A msi vcpu=0\n", "2: 'route msi' needs vector=")
BAD(expect_irq_without_count, VM "expect irq vcpu=0 vector=0x40\n",
    "2: 'expect irq' needs count=")
BAD(trailing_junk_in_a_number, VM "wait ms=12x\n", "2: ms '12x' is not a number")
BAD(bare_0x, VM "wait ms=0x\n", "2: ms '0x' is not a number")
BAD(plus_sign, VM "wait ms=+5\n", "2: ms '+5' is not a number")
BAD(negative_number, VM "wait ms=-5\n", "2: ms -5 out of range: wanted 1..600000")
BAD(negative_count, ROUTE_A "signal A count=-1\n",
    "3: count -1 out of range: wanted 1..1000000")
BAD(number_overflowing_64_bits, VM "ioeventfd E mmio addr=0x10000000000000000 len=1\n",
    "2: addr 0x10000000000000000 out of range: wanted 0..0xffffffffffffffff")
BAD(empty_value, VM "wait ms=\n", "2: ms has no value")
BAD(signal_count_above_1000000, ROUTE_A "signal A count=1000001\n",
    "3: count 1000001 out of range: wanted 1..1000000")
BAD(routes_fill_above_8192, VM "routes fill count=8193 vcpu=0 vector=0x40\n",
    "2: count 8193 out of range: wanted 1..8192")
BAD(routes_commit_raw_above_8192, VM "routes commit-raw count=8193 vcpu=0 vector=0x40\n",
    "2: count 8193 out of range: wanted 1..8192")
BAD(routes_commit_raw_without_count, VM "routes commit-raw vcpu=0 vector=0x40\n",
    "2: 'routes commit-raw' needs count=")
BAD(routes_commit_raw_with_a_name, ROUTE_A "routes commit-raw A count=1 vcpu=0 vector=0x40\n",
    "3: after 'routes commit-raw': wanted key=value, got 'A'")
BAD(virtio_queue_vector_on_an_nvme, DEVS "guest virtio queue-vector dev=N index=1\n",
    "4: device 'N' is an nvme, not a virtio-rng")
BAD(virtio_config_vector_without_index, DEVS "guest virtio config-vector dev=R\n",
    "4: 'guest virtio config-vector' needs index=")
BAD(expect_vector_dropped_negative, DEVS "expect vector dev=N index=0 dropped=-1\n",
    "4: dropped -1 out of range: wanted 0..4294967295")
BAD(wait_of_0_ms, VM "wait ms=0\n", "2: ms 0 out of range: wanted 1..600000")
BAD(wait_above_600000_ms, VM "wait ms=600001\n", "2: ms 600001 out of range: wanted 1..600000")
BAD(route_defined_twice, ROUTE_A "route A msi vcpu=1 vector=0x41\n",
    "3: route 'A' already defined at line 2")
BAD(undefined_route, VM "irqfd B\n", "2: route 'B' is not defined")
BAD(route_used_after_release, ROUTE_A "route A release\ncommit\nsignal A\n",
    "5: route 'A' was released at line 3")
BAD(route_released_twice, ROUTE_A "route A release\nroute A release\n",
    "4: route 'A' was released at line 3")
BAD(ioeventfd_used_as_a_route, IOEV_E "signal E\n",
    "3: 'E' is an ioeventfd (line 2), wanted a route")
BAD(route_used_as_an_ioeventfd, ROUTE_A "expect ioeventfd A count=1\n",
    "3: 'A' is a route (line 2), wanted an ioeventfd")
BAD(ioeventfd_name_reused_for_a_route,
    IOEV_E "ioeventfd E remove\nroute E msi vcpu=0 vector=0x40\n",
    "4: 'E' is an ioeventfd (line 2), wanted a route")
BAD(ioeventfd_removed_twice, IOEV_E "ioeventfd E remove\nioeventfd E remove\n",
    "4: ioeventfd 'E' was removed at line 3")
BAD(ioeventfd_defined_twice, IOEV_E "ioeventfd E mmio addr=0 len=4\n",
    "3: ioeventfd 'E' already defined at line 2")
BAD(name_starting_with_a_digit, VM "route 1A msi vcpu=0 vector=0x40\n",
    "2: bad name '1A': wanted [A-Za-z_][A-Za-z0-9_-]*")
BAD(name_with_a_dot, VM "route a.b msi vcpu=0 vector=0x40\n",
    "2: bad name 'a.b': wanted [A-Za-z_][A-Za-z0-9_-]*")
BAD(name_of_32_characters, VM "route abcdefghijklmnopqrstuvwxyz012345 msi vcpu=0 vector=0x40\n",
    "2: name 'abcdefghijklmnopqrstuvwxyz012345' too long: wanted at most 31 characters")
BAD(pio_ioeventfd_addr_above_0xffff, VM "ioeventfd E pio addr=0x10000 len=1\n",
    "2: addr 0x10000 out of range: wanted 0..0xffff")
BAD(pio_ioeventfd_len_8, VM "ioeventfd E pio addr=0x80 len=8\n",
    "2: len 8 invalid for pio: wanted 1, 2 or 4 (port I/O is at most 4 bytes)")
BAD(pio_ioeventfd_len_0, VM "ioeventfd E pio addr=0x80 len=0\n",
    "2: len 0 invalid for pio: wanted 1, 2 or 4 (port I/O is at most 4 bytes)")
BAD(mmio_ioeventfd_len_3, VM "ioeventfd E mmio addr=0x1000 len=3\n",
    "2: len 3 invalid: wanted 0, 1, 2, 4 or 8")
BAD(mmio_ioeventfd_len_9, VM "ioeventfd E mmio addr=0x1000 len=9\n",
    "2: len 9 out of range: wanted 0..8")
BAD(datamatch_with_len_0, VM "ioeventfd E mmio addr=0x1000 len=0 datamatch=0\n",
    "2: datamatch needs len 1, 2, 4 or 8: the kernel refuses len=0 with datamatch (EINVAL)")
BAD(datamatch_wider_than_len, VM "ioeventfd E pio addr=0x80 len=2 datamatch=0x10000\n",
    "2: datamatch 0x10000 does not fit in len=2")
BAD(guest_value_wider_than_size, VM "guest out port=0x80 value=0x100\n",
    "2: value 0x100 does not fit in size=1")
BAD(guest_value_wider_than_4_bytes, VM "guest write addr=0 value=0x100000000 size=4\n",
    "2: value 0x100000000 out of range: wanted 0..0xffffffff")
BAD(guest_size_3, VM "guest in port=0x80 size=3\n", "2: size 3 invalid: wanted 1, 2 or 4")
BAD(guest_size_8, VM "guest read addr=0x1000 size=8\n", "2: size 8 invalid: wanted 1, 2 or 4")
BAD(guest_addr_at_4g, VM "guest read addr=0x100000000\n",
    "2: addr 0x100000000 out of range: wanted 0..0xffffffff")
BAD(guest_port_above_0xffff, VM "guest out port=65536 value=1\n",
    "2: port 65536 out of range: wanted 0..0xffff")
BAD(guest_in_with_a_value, VM "guest in port=0x80 value=1\n",
    "2: unknown key 'value' for 'guest in': wanted port, size, vcpu or timeout")
BAD(gsi_above_4095, ROUTE_A "expect route A gsi=4096\n",
    "3: gsi 4096 out of range: wanted 0..4095")
BAD(expect_route_without_fields, ROUTE_A "expect route A\n",
    "3: 'expect route' needs at least one of vcpu=, vector=, gsi=")
BAD(expect_result_after_a_guest_step, VM "guest out port=0x80 value=1\nexpect result ok\n",
    "3: 'expect result' must follow a host step")
BAD(expect_result_after_expect_result, VM "commit\nexpect result ok\nexpect result ok\n",
    "4: 'expect result' must follow a host step")
BAD(expect_result_first, VM "expect result ok\n", "2: 'expect result' must follow a host step")
BAD(unknown_errno_name, VM "commit\nexpect result EWHAT\n",
    "3: unknown result 'EWHAT': wanted ok or an errno name such as EINVAL")
BAD(expect_commits_not_a_number, VM "expect commits many\n",
    "2: commits 'many' is not a number")
BAD(route_without_a_kind, VM "route A\n",
    "2: after 'route A': wanted msi, update, release or ioapic, got end of line")
BAD(route_with_an_unknown_kind, VM "route A msix vcpu=0\n",
    "2: after 'route A': wanted msi, update, release or ioapic, got 'msix'")
BAD(route_without_a_name, VM "route vcpu=0\n",
    "2: after 'route': wanted NAME, got 'vcpu=0'")
/* QEMU has no step that re-reads routes without committing (kvm_update_msi_routes_all commits) */
BAD(routes_update_all_is_no_step, VM "device E vfio-pci host=8086:10d3\nroutes update-all dev=E\n",
    "3: after 'routes': wanted fill or commit-raw, got 'update-all'")
BAD(expect_without_a_kind, VM "expect\n",
    "2: after 'expect': wanted irq, commits, routes, route, exits, ioeventfd, result, pending, vector, completions, remote-irr, line, status, resamples, intx, signals, irqfds, kernel-routes or kernel-route, got end of line")
BAD(extra_word_after_commit, VM "commit now\n",
    "2: after 'commit': wanted end of line, got 'now'")
BAD(extra_word_after_irqfd, ROUTE_A "irqfd A add\n",
    "3: after 'irqfd A': wanted end of line, remove, resample or close, got 'add'")
BAD(extra_word_in_expect_irq, VM "expect irq some vcpu=0\n",
    "2: after 'expect irq': wanted none or key=value, got 'some'")
BAD(word_after_a_key, VM "msi vcpu=0 vector=0x40 twice\n", "2: wanted key=value, got 'twice'")
BAD(first_error_only, VM "msi vcpu=9 vector=0x40\nfoo\n",
    "2: vcpu 9 out of range: the vm has 2 vcpus")

/* devices */
BAD(device_of_unknown_type, VM "device R virtio-blk\n",
    "2: after 'device R': wanted virtio-rng, nvme, vfio-pci, hold, complete or reset, got 'virtio-blk'")
BAD(device_without_a_type, VM "device R\n",
    "2: after 'device R': wanted virtio-rng, nvme, vfio-pci, hold, complete or reset, got end of line")
BAD(device_before_vm, "device R nvme\nvm vcpus=1\n", "1: 'vm' must come first")
BAD(device_after_a_host_step, VM "commit\ndevice R nvme\n",
    "3: 'device' lines must follow 'vm' directly")
BAD(device_after_device_hold, DEVS "device N hold\ndevice M nvme\n",
    "5: 'device' lines must follow 'vm' directly")
BAD(nine_devices,
    VM "device d0 nvme\ndevice d1 nvme\ndevice d2 nvme\ndevice d3 nvme\ndevice d4 nvme\n"
    "device d5 nvme\ndevice d6 nvme\ndevice d7 nvme\ndevice d8 nvme\n",
    "10: too many devices: at most 8")
BAD(device_defined_twice, DEVS "device R nvme\n", "4: device 'R' already defined at line 2")
BAD(device_name_reused_for_a_route, DEVS "route R msi vcpu=0 vector=0x40\n",
    "4: 'R' is a device (line 2), wanted a route")
BAD(device_after_a_route_of_its_name, ROUTE_A "device A nvme\n",
    "3: 'device' lines must follow 'vm' directly")
BAD(device_name_reused_for_an_ioeventfd, DEVS "ioeventfd N pio addr=0x80 len=1\n",
    "4: 'N' is a device (line 3), wanted an ioeventfd")
BAD(hold_of_an_undefined_device, DEVS "device X hold\n", "4: device 'X' is not defined")
BAD(device_complete_count_0, DEVS "device N complete count=0\n",
    "4: count 0 out of range: wanted 1..65536")
BAD(device_complete_count_above_65536, DEVS "device N complete count=65537\n",
    "4: count 65537 out of range: wanted 1..65536")
BAD(expect_result_after_device_complete, DEVS "device N complete\nexpect result ok\n",
    "5: 'expect result' must follow a host step")
BAD(expect_result_after_device, DEVS "expect result ok\n",
    "4: 'expect result' must follow a host step")
/* dev= */
BAD(dev_undefined, DEVS "guest msix enable dev=X\n", "4: device 'X' is not defined")
BAD(dev_naming_a_route, DEVS "route A msi vcpu=0 vector=0x40\nguest msix enable dev=A\n",
    "5: 'A' is a route (line 4), wanted a device")
BAD(dev_naming_an_ioeventfd,
    DEVS "ioeventfd E pio addr=0x80 len=1\nexpect completions dev=E count=1\n",
    "5: 'E' is an ioeventfd (line 4), wanted a device")
BAD(dev_without_a_value, DEVS "guest msix read-pba dev=\n", "4: dev has no value")
BAD(dev_with_a_bad_name, DEVS "guest msix read-pba dev=0R\n",
    "4: bad name '0R': wanted [A-Za-z_][A-Za-z0-9_-]*")
BAD(dev_missing, DEVS "guest msix enable vcpu=1\n", "4: 'guest msix enable' needs dev=")
BAD(dev_on_guest_pci_enum, DEVS "guest pci enum dev=R\n",
    "4: unknown key 'dev' for 'guest pci enum': wanted vcpu")
BAD(virtio_step_on_an_nvme, DEVS "guest virtio setup dev=N index=0\n",
    "4: device 'N' is an nvme, not a virtio-rng")
BAD(nvme_step_on_a_virtio_rng, DEVS "guest nvme read dev=R\n",
    "4: device 'R' is a virtio-rng, not an nvme")
/* index=, vcpu=, vector=, count= */
BAD(index_above_2047, DEVS "guest msix mask dev=N index=2048\n",
    "4: index 2048 out of range: wanted 0..2047")
BAD(msix_mask_without_index, DEVS "guest msix mask dev=N\n", "4: 'guest msix mask' needs index=")
BAD(index_on_msix_enable, DEVS "guest msix enable dev=N index=0\n",
    "4: unknown key 'index' for 'guest msix enable': wanted dev or vcpu")
BAD(msix_vector_without_vcpu, DEVS "guest msix vector dev=N index=0 vector=0x40\n",
    "4: 'guest msix vector' needs vcpu=")
BAD(msix_vector_to_the_mailbox, DEVS "guest msix vector dev=N index=0 vcpu=0 vector=0xf0\n",
    "4: vector 0xf0 is reserved for the guest mailbox")
BAD(msix_vector_vcpu_beyond_the_vm, DEVS "guest msix vector dev=N index=0 vcpu=2 vector=0x40\n",
    "4: vcpu 2 out of range: the vm has 2 vcpus")
BAD(virtio_kick_count_above_1000, DEVS "guest virtio kick dev=R count=1001\n",
    "4: count 1001 out of range: wanted 1..1000")
BAD(nvme_read_count_0, DEVS "guest nvme read dev=N count=0\n",
    "4: count 0 out of range: wanted 1..1000")
BAD(guest_msix_without_a_kind, DEVS "guest msix\n",
    "4: after 'guest msix': wanted enable, disable, function-mask, function-unmask, vector, mask, unmask, read-pba or flap, got end of line")
BAD(guest_with_an_unknown_kind, VM "guest pcie enum\n",
    "2: after 'guest': wanted out, in, write, read, pci, msix, virtio, nvme, e1000e, wait, ioapic, level-ack, eoi or hang, got 'pcie'")
BAD(line_without_gsi_or_slot, VM "line L\n",
    "2: 'line' needs gsi=, or slot= and pin= (a device's INTx pin through the q35 routing)")
BAD(line_with_gsi_and_slot, VM "line L gsi=20 slot=1 pin=1\n",
    "2: 'line' needs gsi=, or slot= and pin= (a device's INTx pin through the q35 routing)")
BAD(line_slot_without_pin, VM "line L slot=1\n", "2: 'line' with slot= needs pin= too")
BAD(line_gsi_above_23, VM "line L gsi=24\n", "2: gsi 24 out of range: wanted 0..23")
BAD(line_pin_0, VM "line L slot=1 pin=0\n", "2: pin 0 out of range: wanted 1..4")
BAD(line_defined_twice, VM "line L gsi=20\nline L gsi=21\n",
    "3: line 'L' already defined at line 2")
BAD(line_used_as_a_route, VM "line L gsi=20\nsignal L\n",
    "3: 'L' is a line (line 2), wanted a route")
BAD(irqfd_on_an_ioeventfd, IOEV_E "irqfd E resample\n",
    "3: 'E' is an ioeventfd (line 2), wanted a route or a line")
BAD(expect_resamples_of_a_line, VM "line L gsi=20\nexpect resamples L count=0\n",
    "3: 'L' is a line (line 2), wanted a route")
BAD(guest_ioapic_without_trigger, VM "guest ioapic pin=20 vector=0x51 vcpu=0\n",
    "2: 'guest ioapic' needs level or edge")
BAD(guest_ioapic_pin_24, VM "guest ioapic pin=24 vector=0x51 vcpu=0 edge\n",
    "2: pin 24 out of range: wanted 0..23")
BAD(guest_ioapic_to_the_mailbox, VM "guest ioapic pin=20 vector=0xf0 vcpu=0 edge\n",
    "2: vector 0xf0 is reserved for the guest mailbox")
BAD(level_ack_without_every, VM "guest level-ack vector=0x51 gsi=20\n",
    "2: 'guest level-ack' needs every=")
BAD(level_ack_without_gsi_or_dev, VM "guest level-ack vector=0x51 every=1\n",
    "2: 'guest level-ack' needs gsi= (a line acked at the port) or dev= (a passed-through e1000e, acked by reading its ICR)")
BAD(level_ack_with_gsi_and_dev, VM "device E vfio-pci host=8086:10d3\nguest level-ack vector=0x51 gsi=21 dev=E every=1\n",
    "3: 'guest level-ack' needs gsi= (a line acked at the port) or dev= (a passed-through e1000e, acked by reading its ICR)")
BAD(no_kvm_intx_not_on_or_off, VM "device E vfio-pci host=8086:10d3 x-no-kvm-intx=1\n",
    "2: x-no-kvm-intx 1 invalid: wanted on or off")
BAD(no_kvm_intx_on_virtio, VM "device R virtio-rng x-no-kvm-intx=on\n",
    "2: unknown key 'x-no-kvm-intx' for 'device': it takes none")
BAD(expect_intx_without_a_field, VM "device E vfio-pci host=8086:10d3\nexpect intx dev=E\n",
    "3: 'expect intx' needs at least one of enabled=, kvm=, gsi=, interrupts=, eois=")
BAD(expect_intx_of_virtio, VM "device R virtio-rng\nexpect intx dev=R kvm=1\n",
    "3: device 'R' is a virtio-rng, not a vfio-pci")
BAD(expect_line_without_a_tally, VM "line L gsi=20\nexpect line L\n",
    "3: 'expect line' needs at least one of raised=, acked=, taken=, resamples=, reasserts=, level=")
BAD(expect_status_unknown_word, VM "expect status ioapic delivered\n",
    "2: unknown status 'delivered': wanted ignored, coalesced or a vCPU count")
BAD(expect_status_0, VM "expect status pic 0\n", "2: status 0 out of range: wanted 1..255")
BAD(probe_without_irqchip_kind, VM "probe irqfd\n",
    "2: 'probe irqfd' needs no-irqchip or split-irqchip")
BAD(expect_result_after_line_define, VM "line L gsi=20\nexpect result ok\n",
    "3: 'expect result' must follow a host step")
/* device expects */
BAD(expect_pending_without_set_or_clear, DEVS "expect pending dev=N index=0\n",
    "4: 'expect pending' needs set or clear")
BAD(expect_pending_set_and_clear, DEVS "expect pending dev=N index=0 set clear\n",
    "4: 'set' and 'clear' exclude each other")
BAD(expect_pending_set_twice, DEVS "expect pending set set dev=N index=0\n",
    "4: duplicate 'set'")
BAD(expect_pending_unknown_word, DEVS "expect pending dev=N index=0 on\n",
    "4: wanted set, clear or key=value, got 'on'")
BAD(expect_pending_unknown_first_word, DEVS "expect pending on dev=N index=0\n",
    "4: after 'expect pending': wanted set, clear or key=value, got 'on'")
BAD(expect_pending_without_index, DEVS "expect pending dev=N set\n",
    "4: 'expect pending' needs index=")
BAD(expect_vector_without_a_tally, DEVS "expect vector dev=N index=0\n",
    "4: 'expect vector' needs at least one of raised=, delivered=, pending=, dropped=, moved=, misrouted=, lost=, stale=, delivered_masked=")
BAD(expect_vector_with_a_count, DEVS "expect vector dev=N index=0 count=1\n",
    "4: unknown key 'count' for 'expect vector': wanted dev, index, raised, delivered, pending, dropped, moved, misrouted, lost, stale or delivered_masked")
BAD(guest_msix_flap_without_vcpu, DEVS "guest msix flap dev=N index=1 count=5\n",
    "4: 'guest msix flap' needs vcpu=")
BAD(expect_signals_without_a_tally, VM "route A msi vcpu=0 vector=0x40\nexpect signals A\n",
    "3: 'expect signals' needs at least one of raised=, delivered=, misrouted=, lost=, stale=")
BAD(expect_signals_of_a_device, DEVS "expect signals N raised=1\n",
    "4: 'N' is a device (line 3), wanted a route")
BAD(expect_vector_raised_negative, DEVS "expect vector dev=N index=0 raised=-1\n",
    "4: raised -1 out of range: wanted 0..4294967295")
BAD(expect_completions_without_count, DEVS "expect completions dev=N\n",
    "4: 'expect completions' needs count=")

static void test_parse_rejects_line_longer_than_1023(void **state)
{
	char text[1200];
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), VM "commit ");
	memset(text + n, '#', 1024 - (n - strlen(VM)));
	strcpy(text + strlen(VM) + 1024, "\n");
	check_error(text, "2: line too long: 1024 characters, wanted at most 1023");
}

static void test_parse_rejects_too_many_names(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	fputs(VM, f);
	for (int i = 0; i <= SC_MAX_NAMES; i++)
		fprintf(f, "route n%d msi vcpu=0 vector=0x40\n", i);
	fclose(f);
	check_error(text, "66: too many names: at most 64");
	free(text);
}

static void test_parse_rejects_too_many_words(void **state)
{
	(void)state;
	check_error(VM "msi a b c d e f g h i j k l m n o p\n",
		    "2: too many words: wanted at most 16");
}

static void test_parse_rejects_unreadable_file(void **state)
{
	char err[ERRLEN] = "";
	struct scenario sc;

	(void)state;
	want_int(scenario_parse_file("/nonexistent/x.virq", &sc, err, sizeof(err)), -1);
	want_str(err, "/nonexistent/x.virq: cannot read: No such file or directory");
	want_int(scenario_parse_file(SRCDIR "/tests", &sc, err, sizeof(err)), -1);
	want_str(err, SRCDIR "/tests: cannot read: Is a directory");
	assert_null(sc.steps);
}

static void test_parse_rejects_nul_byte_in_file(void **state)
{
	char path[] = "/tmp/test_parse_XXXXXX", err[ERRLEN] = "", want[ERRLEN];
	static const char text[] = "vm vcpus=1\ncommit\0\nwait ms=1\n";
	struct scenario sc;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	want_int(scenario_parse_file(path, &sc, err, sizeof(err)), -1);
	unlink(path);
	snprintf(want, sizeof(want), "%s:2: NUL byte: not a text file", path);
	want_str(err, want);
}

static void test_parse_errors_name_the_file_as_given(void **state)
{
	char err[ERRLEN] = "";
	struct scenario sc;

	(void)state;
	want_int(scenario_parse_string("./dir/../x.virq", VM "bogus\n", &sc, err, sizeof(err)), -1);
	want_str(err, "./dir/../x.virq:2: unknown step 'bogus'");
}

#define T(fn)	cmocka_unit_test(test_parse_##fn)
#define R(fn)	cmocka_unit_test(test_parse_rejects_##fn)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(vm_sets_vcpus_line_and_name), T(route_msi_defines_a_route),
		T(route_update_and_release), T(route_released_may_be_defined_again),
		T(routes_fill), T(routes_commit_raw), T(commit_and_expect_commits_routes),
		T(irqfd_add_and_remove),
		T(signal_count_defaults_to_1), T(msi), T(ioeventfd_pio_mmio_and_remove),
		T(guest_steps_with_defaults), T(wait), T(expect_irq_and_irq_none),
		T(expect_route_exits_and_ioeventfd), T(expect_result_takes_every_errno_name),
		T(expect_result_follows_any_host_step), T(unset_fields_have_defaults),
		T(ignores_comments_blanks_and_extra_space), T(accepts_last_line_without_newline),
		T(numbers_are_decimal_or_hex_never_octal), T(truncates_long_step_text),
		T(accepts_line_of_1023_characters), T(allows_64_names), T(5000_line_file),
		T(file_name_drops_dir_and_suffix), T(every_scenario_in_the_tree),
		T(device_lines_define_devices), T(allows_8_devices), T(device_hold_and_complete),
		T(vfio_device_takes_a_host), R(bad_vfio_host),
		T(guest_pci_enum), T(guest_msix_steps), T(guest_virtio_steps),
		T(guest_nvme_steps), T(expect_pending_set_or_clear_anywhere),
		T(line_by_gsi_or_by_slot_and_pin), T(irqfd_on_a_line_or_a_route_with_resample),
		T(guest_ioapic_and_level_steps), T(intx_expects_and_probes),
		T(expect_vector_and_completions), T(expect_ledger_tallies), T(guest_msix_flap_and_wait),
		T(device_names_share_the_name_space),
		cmocka_unit_test(test_sc_op_name_names_every_op), T(error_fits_a_short_buffer),

		R(vector_below_0x20), R(mailbox_vector_0xf0), R(vector_above_0xfe),
		R(vcpu_beyond_the_vm), R(guest_vcpu_beyond_a_1_vcpu_vm), R(step_before_vm),
		R(second_vm_line), R(vm_with_0_vcpus), R(vm_with_9_vcpus),
		R(file_without_vm_at_its_last_line), R(empty_file), R(unknown_step),
		R(unknown_key), R(key_on_a_step_without_keys), R(duplicate_key),
		R(missing_required_key), R(expect_irq_without_count),
		R(trailing_junk_in_a_number), R(bare_0x), R(plus_sign), R(negative_number),
		R(negative_count), R(number_overflowing_64_bits), R(empty_value),
		R(signal_count_above_1000000), R(routes_fill_above_8192), R(wait_of_0_ms),
		R(routes_commit_raw_above_8192), R(routes_commit_raw_without_count),
		R(routes_commit_raw_with_a_name), R(virtio_queue_vector_on_an_nvme),
		R(virtio_config_vector_without_index), R(expect_vector_dropped_negative),
		R(wait_above_600000_ms), R(route_defined_twice), R(undefined_route),
		R(route_used_after_release), R(route_released_twice),
		R(ioeventfd_used_as_a_route), R(route_used_as_an_ioeventfd),
		R(ioeventfd_name_reused_for_a_route), R(ioeventfd_removed_twice),
		R(ioeventfd_defined_twice), R(name_starting_with_a_digit), R(name_with_a_dot),
		R(name_of_32_characters), R(pio_ioeventfd_addr_above_0xffff),
		R(pio_ioeventfd_len_8), R(pio_ioeventfd_len_0), R(mmio_ioeventfd_len_3),
		R(mmio_ioeventfd_len_9), R(datamatch_with_len_0), R(datamatch_wider_than_len),
		R(guest_value_wider_than_size), R(guest_value_wider_than_4_bytes),
		R(guest_size_3), R(guest_size_8), R(guest_addr_at_4g), R(guest_port_above_0xffff),
		R(guest_in_with_a_value), R(gsi_above_4095), R(expect_route_without_fields),
		R(expect_result_after_a_guest_step), R(expect_result_after_expect_result),
		R(expect_result_first), R(unknown_errno_name), R(expect_commits_not_a_number),
		R(route_without_a_kind), R(route_with_an_unknown_kind), R(route_without_a_name),
		R(routes_update_all_is_no_step),
		R(expect_without_a_kind), R(extra_word_after_commit), R(extra_word_after_irqfd),
		R(extra_word_in_expect_irq), R(word_after_a_key), R(too_many_names),
		R(first_error_only), R(line_longer_than_1023), R(too_many_words),
		R(unreadable_file), R(nul_byte_in_file), T(errors_name_the_file_as_given),

		R(device_of_unknown_type), R(device_without_a_type), R(device_before_vm),
		R(device_after_a_host_step), R(device_after_device_hold), R(nine_devices),
		R(device_defined_twice), R(device_name_reused_for_a_route),
		R(device_after_a_route_of_its_name), R(device_name_reused_for_an_ioeventfd),
		R(hold_of_an_undefined_device),
		R(device_complete_count_0), R(device_complete_count_above_65536),
		R(expect_result_after_device_complete), R(expect_result_after_device),
		R(dev_undefined), R(dev_naming_a_route), R(dev_naming_an_ioeventfd),
		R(dev_without_a_value), R(dev_with_a_bad_name), R(dev_missing),
		R(dev_on_guest_pci_enum), R(virtio_step_on_an_nvme), R(nvme_step_on_a_virtio_rng),
		R(index_above_2047), R(msix_mask_without_index), R(index_on_msix_enable),
		R(msix_vector_without_vcpu), R(msix_vector_to_the_mailbox),
		R(msix_vector_vcpu_beyond_the_vm), R(virtio_kick_count_above_1000),
		R(nvme_read_count_0), R(guest_msix_without_a_kind), R(guest_with_an_unknown_kind),
		R(expect_pending_without_set_or_clear), R(expect_pending_set_and_clear),
		R(expect_pending_set_twice), R(expect_pending_unknown_word),
		R(expect_pending_unknown_first_word), R(expect_pending_without_index),
		R(expect_vector_without_a_tally), R(expect_vector_with_a_count),
		R(expect_signals_without_a_tally), R(guest_msix_flap_without_vcpu), R(expect_signals_of_a_device),
		R(expect_vector_raised_negative), R(expect_completions_without_count),

		R(line_without_gsi_or_slot), R(line_with_gsi_and_slot), R(line_slot_without_pin),
		R(line_gsi_above_23), R(line_pin_0), R(line_defined_twice), R(line_used_as_a_route),
		R(irqfd_on_an_ioeventfd), R(expect_resamples_of_a_line),
		R(guest_ioapic_without_trigger), R(guest_ioapic_pin_24),
		R(guest_ioapic_to_the_mailbox), R(level_ack_without_every),
		R(level_ack_without_gsi_or_dev), R(level_ack_with_gsi_and_dev),
		R(no_kvm_intx_not_on_or_off), R(no_kvm_intx_on_virtio),
		R(expect_intx_without_a_field), R(expect_intx_of_virtio),
		R(expect_line_without_a_tally), R(expect_status_unknown_word), R(expect_status_0),
		R(probe_without_irqchip_kind), R(expect_result_after_line_define),

		T(fault_steps_and_expects), R(device_reset_of_a_virtio_rng),
		R(route_ioapic_pin_256), R(route_ioapic_without_pin), R(irqfd_close_of_a_line),
		R(expect_kernel_route_of_an_ioeventfd), R(guest_out_timeout_0),
		R(guest_hang_with_a_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
