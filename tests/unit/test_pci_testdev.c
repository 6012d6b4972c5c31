// SPDX-License-Identifier: GPL-2.0
/*
 * test_pci_testdev.c - QEMU's pci-testdev (hw/misc/pci-testdev.c) over a
 * fake kernel behind the sys_ops seam that records KVM_IOEVENTFD: the
 * header table, which writes count, which ioeventfd each test puts where,
 * the header read that clears the eventfd, and the ioeventfd following its
 * BAR. Accesses go through the bus and the PCI windows, as a vCPU's exits.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "hw/pci/pci.h"
#include "vmm/util.h"
#include "vmm/vm.h"
#include "fake-kvm.h"

#define BAR0	0xfebff000u
#define BAR1	0xc000u

static struct {
	long any_length;		/* KVM_CAP_IOEVENTFD_ANY_LENGTH */
	struct kvm_ioeventfd ioev[16];	/* KVM_IOEVENTFD calls, in order */
	int nr_ioev;
} fk;

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (req == KVM_CHECK_EXTENSION && (long)arg == KVM_CAP_IOEVENTFD_ANY_LENGTH)
		return fk.any_length;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	if (req == KVM_IOEVENTFD && fk.nr_ioev < 16)
		fk.ioev[fk.nr_ioev++] = *(struct kvm_ioeventfd *)arg;
	return 0;
}

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = f_ioctl, .eventfd = fake_real_eventfd, .read = fake_real_read,
};

static struct vm vm;
static PCIBus bus;
static PCIDevice *dev;

static void bar_write(bool io, uint32_t off, uint32_t v, unsigned int size)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	bus_access(&vm.bus, io ? BUS_PIO : BUS_MMIO, (io ? BAR1 : BAR0) + off, b, size, true);
}

static uint32_t bar_read(bool io, uint32_t off, unsigned int size)
{
	uint8_t b[4] = { 0 };

	bus_access(&vm.bus, io ? BUS_PIO : BUS_MMIO, (io ? BAR1 : BAR0) + off, b, size, false);
	return bus_data_get(b, size);
}

static int realize(long any_length)
{
	memset(&fk, 0, sizeof(fk));
	fk.any_length = any_length;
	memset(&vm, 0, sizeof(vm));
	if (kvm_init(&vm.kvm, &fake_kernel))
		return -1;
	bus_init(&vm.bus);
	pthread_mutex_init(&vm.bql, NULL);
	if (pci_bus_init(&bus, &vm))
		return -1;
	dev = pci_testdev_type.realize(&vm, &bus, "pci-testdev", "2");
	if (!dev)
		return -1;
	/* placed and decoding, as the board's firmware step leaves it */
	pci_config_write(dev, PCI_BASE_ADDRESS_0, BAR0, 4);
	pci_config_write(dev, PCI_BASE_ADDRESS_1, BAR1, 4);
	pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return realize(1);
}

static int setup_no_any_length(void **state)
{
	(void)state;
	return realize(0);
}

static int teardown(void **state)
{
	(void)state;
	pci_testdev_type.unrealize(dev);
	kvm_destroy(&vm.kvm);
	return 0;
}

static void assert_ioev(int i, uint64_t addr, uint32_t len, uint32_t flags, uint64_t datamatch)
{
	assert_true(i < fk.nr_ioev);
	assert_int_equal(fk.ioev[i].addr, addr);
	assert_int_equal(fk.ioev[i].len, len);
	assert_int_equal(fk.ioev[i].flags, flags);
	assert_int_equal(fk.ioev[i].datamatch, datamatch);
}

static void test_pci_testdev_config_is_qemus(void **state)
{
	(void)state;
	assert_int_equal(dev->devfn, 2 << 3);
	assert_int_equal(pci_config_read(dev, PCI_VENDOR_ID, 4), 0x00051b36);
	assert_int_equal(pci_config_read(dev, PCI_CLASS_DEVICE, 2), 0x00ff);
	assert_int_equal(pci_config_read(dev, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
	assert_int_equal(pci_config_read(dev, PCI_INTERRUPT_PIN, 1), 0);
	pci_config_write(dev, PCI_BASE_ADDRESS_0, ~0u, 4);
	pci_config_write(dev, PCI_BASE_ADDRESS_1, ~0u, 4);
	assert_int_equal(pci_config_read(dev, PCI_BASE_ADDRESS_0, 4), 0xfffff000u);	/* 4 KiB */
	assert_int_equal(pci_config_read(dev, PCI_BASE_ADDRESS_1, 4), 0xffffff01u);	/* 256, I/O */
}

static uint32_t conf_read(uint32_t latch, unsigned int port_off, unsigned int size)
{
	uint8_t a[4] = { latch, latch >> 8, latch >> 16, latch >> 24 }, b[4] = { 0 };

	bus_access(&vm.bus, BUS_PIO, 0xcf8, a, 4, true);
	bus_access(&vm.bus, BUS_PIO, 0xcfc + port_off, b, size, false);
	return bus_data_get(b, size);
}

/* QEMU's pci_host_data_read ORs the latch's low bits into the register:
 * kvm-unit-tests' pci_config_readw(dev, PCI_DEVICE_ID) reads 0xcfc */
static void test_pci_host_keeps_the_latchs_low_bits(void **state)
{
	uint32_t latch = 0x80000000u | 2 << 11;

	(void)state;
	assert_int_equal(conf_read(latch, 0, 4), 0x00051b36);
	assert_int_equal(conf_read(latch | PCI_DEVICE_ID, 0, 2), 0x0005);
	assert_int_equal(conf_read(latch, 2, 2), 0x0005);
	assert_int_equal(conf_read(latch | PCI_INTERRUPT_PIN, 0, 1), 0);
	assert_int_equal(conf_read(latch | PCI_CLASS_DEVICE, 0, 2), 0x00ff);
}

/* the header of test n on each BAR, as QEMU's table; past the table, zeros */
static void test_pci_testdev_header_table(void **state)
{
	static const char *const names[] = {
		"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
		"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
	};

	(void)state;
	assert_int_equal(bar_read(false, 0, 4), 0);	/* no test yet */
	for (int id = 0; id < 6; id++) {
		bool io = id >= 3;
		char name[32] = "";

		bar_write(io, 0, id % 3, 1);
		assert_int_equal(bar_read(io, 0, 1), id);
		assert_int_equal(bar_read(io, 1, 1), 1);			/* width */
		assert_int_equal(bar_read(io, 4, 4), (io ? 128 : 2048) + id);	/* offset */
		assert_int_equal(bar_read(io, 8, 4), id % 3 == 1 ? 0xce : 0xfa);	/* data */
		assert_int_equal(bar_read(io, 12, 4), 0);			/* count */
		for (int i = 0; i < 31 && (name[i] = (char)bar_read(io, 16 + i, 1)); i++)
			;
		assert_string_equal(name, names[id]);
	}
	bar_write(false, 0, 3, 1);
	assert_int_equal(bar_read(false, 0, 4), 0);
	assert_int_equal(bar_read(false, 4, 4), 0);
}

static void test_pci_testdev_no_eventfd_counts_each_write(void **state)
{
	(void)state;
	for (int io = 0; io < 2; io++) {
		uint32_t off;

		bar_write(io, 0, 0, 1);
		off = bar_read(io, 4, 4);
		for (int i = 0; i < 16; i++)
			bar_write(io, off, 0xfa, 1);
		assert_int_equal(bar_read(io, 12, 4), 16);
	}
	assert_int_equal(fk.nr_ioev, 0);
}

/* with KVM_CAP_IOEVENTFD_ANY_LENGTH: length 0 (QEMU 7.2's fastmmio), no datamatch */
static void test_pci_testdev_wildcard_mmio_takes_any_length(void **state)
{
	(void)state;
	bar_write(false, 0, 1, 1);
	assert_int_equal(fk.nr_ioev, 1);
	assert_ioev(0, BAR0 + 2049, 0, 0, 0);
	bar_write(false, 0, 2, 1);	/* the next test: the old one's goes first */
	assert_int_equal(fk.nr_ioev, 3);
	assert_ioev(1, BAR0 + 2049, 0, KVM_IOEVENTFD_FLAG_DEASSIGN, 0);
	assert_ioev(2, BAR0 + 2050, 1, KVM_IOEVENTFD_FLAG_DATAMATCH, 0xfa);
}

static void test_pci_testdev_wildcard_mmio_without_any_length(void **state)
{
	(void)state;
	bar_write(false, 0, 1, 1);
	assert_ioev(0, BAR0 + 2049, 1, 0, 0);
}

static void test_pci_testdev_portio_eventfds(void **state)
{
	(void)state;
	bar_write(true, 0, 1, 1);
	bar_write(true, 0, 2, 1);
	bar_write(true, 0, 3, 1);	/* past the table: stops, starts nothing */
	assert_int_equal(fk.nr_ioev, 4);
	assert_ioev(0, BAR1 + 132, 1, KVM_IOEVENTFD_FLAG_PIO, 0);
	assert_ioev(1, BAR1 + 132, 1, KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DEASSIGN, 0);
	assert_ioev(2, BAR1 + 133, 1, KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH, 0xfa);
	assert_ioev(3, BAR1 + 133, 1, KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
		    KVM_IOEVENTFD_FLAG_DEASSIGN, 0xfa);
}

/* what the kernel signalled stays out of count; a header read clears it */
static void test_pci_testdev_header_read_clears_the_eventfd(void **state)
{
	uint64_t three = 3;
	struct pollfd pfd;

	(void)state;
	bar_write(false, 0, 1, 1);
	pfd = (struct pollfd){ .fd = fk.ioev[0].fd, .events = POLLIN };
	assert_int_equal(write(pfd.fd, &three, sizeof(three)), sizeof(three));
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(bar_read(false, 12, 4), 0);
	assert_int_equal(poll(&pfd, 1, 0), 0);
}

/* writes the datamatch ioeventfd leaves to the device: only the data byte counts */
static void test_pci_testdev_datamatch_counts_its_byte(void **state)
{
	(void)state;
	bar_write(false, 0, 2, 1);
	bar_write(false, 2050, 0xce, 1);
	assert_int_equal(bar_read(false, 12, 4), 0);
	bar_write(false, 2050, 0xfa, 1);
	assert_int_equal(bar_read(false, 12, 4), 1);
	bar_write(false, 2050, 0x00fa, 2);	/* split into bytes: the first matches */
	assert_int_equal(bar_read(false, 12, 4), 2);
	bar_write(false, 2049, 0xfa00, 2);	/* unaligned, split: the second lands on 2050 */
	assert_int_equal(bar_read(false, 12, 4), 3);
}

/* QEMU moves an MR's ioeventfds with it; here the config write hook does */
static void test_pci_testdev_eventfd_follows_its_bar(void **state)
{
	(void)state;
	bar_write(false, 0, 1, 1);
	pci_config_write(dev, PCI_BASE_ADDRESS_0, BAR0 - 0x100000, 4);
	assert_int_equal(fk.nr_ioev, 3);
	assert_ioev(1, BAR0 + 2049, 0, KVM_IOEVENTFD_FLAG_DEASSIGN, 0);
	assert_ioev(2, BAR0 - 0x100000 + 2049, 0, 0, 0);
	pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_IO, 2);		/* memory off */
	assert_int_equal(fk.nr_ioev, 4);
	assert_ioev(3, BAR0 - 0x100000 + 2049, 0, KVM_IOEVENTFD_FLAG_DEASSIGN, 0);
	pci_config_write(dev, PCI_BASE_ADDRESS_0, BAR0, 4);		/* nothing decodes it */
	assert_int_equal(fk.nr_ioev, 4);
	pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
	assert_int_equal(fk.nr_ioev, 5);
	assert_ioev(4, BAR0 + 2049, 0, 0, 0);
	pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);	/* no change */
	assert_int_equal(fk.nr_ioev, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pci_testdev_config_is_qemus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_host_keeps_the_latchs_low_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_header_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_no_eventfd_counts_each_write,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_wildcard_mmio_takes_any_length,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_wildcard_mmio_without_any_length,
						setup_no_any_length, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_portio_eventfds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_header_read_clears_the_eventfd,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_datamatch_counts_its_byte,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_testdev_eventfd_follows_its_bar,
						setup, teardown),
	};

	log_set_level(LOG_ERR);	/* pci_testdev_stop's progress lines */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
