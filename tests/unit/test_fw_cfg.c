// SPDX-License-Identifier: GPL-2.0
/*
 * test_fw_cfg.c - QEMU's fw_cfg I/O interface as virq gives it
 * (src/hw/nvram/fw_cfg.c), through the bus a vCPU's port exits go to:
 * the items kvm-unit-tests reads at boot, and QEMU's access rules (a
 * 16-bit write selects, a byte write does nothing, only byte reads read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/hw/nvram/fw_cfg.h"
#include "../../src/hw/i386/pc.h"

static struct vm vm;
static void *dev;

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	bus_init(&vm.bus);
	vm.nr_vcpus = 2;
	vm.ram_size = 64ull << 20;
	return fw_cfg_device.realize(&vm, &dev);
}

static int teardown(void **state)
{
	(void)state;
	fw_cfg_device.unrealize(&vm, dev);
	return 0;
}

static void out16(uint16_t port, uint16_t v)
{
	uint8_t d[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	bus_access(&vm.bus, BUS_PIO, port, d, 2, true);
}

static uint32_t in(uint16_t port, unsigned int size)
{
	uint8_t d[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	bus_access(&vm.bus, BUS_PIO, port, d, size, false);
	return bus_data_get(d, size);
}

/* kvm-unit-tests' fwcfg_get_u: select with outw, then bytes from 0x511, LE */
static uint64_t get(uint16_t key, int bytes)
{
	uint64_t v = 0;

	out16(0x510, key);
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)in(0x511, 1) << (8 * i);
	return v;
}

static void test_fw_cfg_items_kvm_unit_tests_reads(void **state)
{
	(void)state;
	assert_int_equal(get(FW_CFG_SIGNATURE, 4), 0x554d4551);	/* "QEMU" */
	assert_int_equal(get(FW_CFG_ID, 4), 1);		/* traditional, no DMA */
	assert_int_equal(get(FW_CFG_NB_CPUS, 2), 2);
	assert_int_equal(get(FW_CFG_MAX_CPUS, 2), 2);
	assert_int_equal(get(FW_CFG_RAM_SIZE, 8), 64ull << 20);
	/* kvm-unit-tests' "MAX_RAM" (QEMU's KERNEL_DATA): no item here, 0 = no limit */
	assert_int_equal(get(0x11, 8), 0);
}

static void test_fw_cfg_reads_zero_past_the_end_and_for_no_key(void **state)
{
	(void)state;
	assert_int_equal(get(FW_CFG_NB_CPUS, 4), 2);	/* bytes 3, 4: zero */
	assert_int_equal(get(FW_CFG_MAX_ENTRY, 1), 0);	/* past fw_cfg_max_entry */
	assert_int_equal(get(0x8000, 4), 0);		/* arch-local, none set */
}

static void test_fw_cfg_signature_selected_at_reset(void **state)
{
	(void)state;
	/* fw_cfg_reset selects the signature: reads work before any select */
	assert_int_equal(in(0x511, 1), 'Q');
	assert_int_equal(in(0x510, 1), 'E');	/* a byte read at 0x510 reads data too */
}

static void test_fw_cfg_access_rules(void **state)
{
	uint8_t b = FW_CFG_NB_CPUS;

	(void)state;
	out16(0x510, FW_CFG_RAM_SIZE);
	bus_access(&vm.bus, BUS_PIO, 0x510, &b, 1, true);	/* a byte write: no select */
	assert_int_equal(in(0x511, 2), 0);			/* a word read: 0, ... */
	assert_int_equal(in(0x511, 1), 0x00);			/* ... nothing consumed */
	assert_int_equal(in(0x511, 1), 0x00);
	assert_int_equal(in(0x511, 1), 0x00);
	assert_int_equal(in(0x511, 1), 0x04);			/* 64 MiB = 0x04000000 */
	out16(0x511, FW_CFG_NB_CPUS);				/* misaligned: no select */
	assert_int_equal(in(0x511, 1), 0x00);			/* still RAM_SIZE byte 4 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fw_cfg_items_kvm_unit_tests_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_cfg_reads_zero_past_the_end_and_for_no_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_cfg_signature_selected_at_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_cfg_access_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
