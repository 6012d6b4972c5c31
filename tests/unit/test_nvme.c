// SPDX-License-Identifier: GPL-2.0
/*
 * test_nvme.c - the NVMe controller's CQ vectors (src/hw/nvme/nvme-cmd.c)
 * over a fake kernel with 32 KiB of guest RAM: a CQ gives back exactly the
 * use of its vector it took, whatever MSI-X did in between (found by
 * fuzz-nvme; QEMU 11.1's nvme_free_cq tests MSI-X Enable again instead).
 *
 * The controller: admin SQ in page 1, admin CQ in page 2, 8 entries each;
 * an I/O CQ goes in page 3. MSI-X vector 0 targets vector 0x50.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hw/pci/msix.h"
#include "hw/nvme/nvme-internal.h"
#include "vmm/vm.h"
#include "fake-kvm.h"

#define RAM_SIZE	0x8000
#define ADMIN_SQ	0x1000
#define ADMIN_CQ	0x2000
#define IO_CQ		0x3000

static unsigned int signal_msi;		/* KVM_SIGNAL_MSI taken */

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	if (req == KVM_SIGNAL_MSI) {
		signal_msi++;
		return 1;
	}
	return 0;
}

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = f_ioctl,
	.eventfd = fake_real_eventfd, .read = fake_real_read, .write = fake_real_write,
};

static struct vm vm;
static PCIBus bus;

static void reg_write(PCIDevice *d, uint32_t off, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	d->io_regions[0].ops->write(d->io_regions[0].opaque, off, b, 4);
}

static void msix_enable(PCIDevice *d, bool on)
{
	pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, on ? PCI_MSIX_FLAGS_ENABLE : 0, 2);
}

/* AQA: 8 entries each; then CC.EN */
static void ctrl_enable(PCIDevice *d)
{
	reg_write(d, NVME_REG_AQA, 7 | 7 << 16);
	reg_write(d, NVME_REG_ASQ, ADMIN_SQ);
	reg_write(d, NVME_REG_ACQ, ADMIN_CQ);
	reg_write(d, NVME_REG_CC, 1);
}

/* one admin command at the admin SQ's tail, rung in */
static void admin(PCIDevice *d, uint8_t opc, uint32_t cdw10, uint32_t cdw11, uint64_t prp1)
{
	NvmeCtrl *n = d->opaque;
	uint32_t *sqe = vm_gpa(&vm, ADMIN_SQ + n->sq[0].tail * NVME_SQE_SIZE);

	memset(sqe, 0, NVME_SQE_SIZE);
	sqe[SQE_CDW0] = opc;
	sqe[SQE_PRP1] = (uint32_t)prp1;
	sqe[SQE_CDW10] = cdw10;
	sqe[SQE_CDW11] = cdw11;
	reg_write(d, NVME_REG_DBS, (n->sq[0].tail + 1u) % n->sq[0].size);
}

/* Create I/O CQ 1: 8 entries, physically contiguous, IEN, on vector */
static void create_io_cq(PCIDevice *d, uint16_t vector)
{
	admin(d, NVME_ADM_CMD_CREATE_CQ, 1 | 7 << 16, 0x3 | (uint32_t)vector << 16, IO_CQ);
}

static int setup(void **state)
{
	PCIDevice *d;

	signal_msi = 0;
	memset(&vm, 0, sizeof(vm));
	if (kvm_init(&vm.kvm, &fake_kernel) || kvm_irqchip_create(&vm.kvm))
		return -1;
	pthread_mutex_init(&vm.bql, NULL);
	vm.ram = calloc(1, RAM_SIZE);
	vm.ram_size = RAM_SIZE;
	if (!vm.ram || pci_bus_init(&bus, &vm))
		return -1;
	d = nvme_pci_type.realize(&vm, &bus, "N", NULL);
	if (!d)
		return -1;
	msix_table_mmio_write(d, PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee00000u, 4);
	msix_table_mmio_write(d, PCI_MSIX_ENTRY_DATA, 0x50, 4);
	msix_table_mmio_write(d, PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	nvme_pci_type.unrealize(*state);
	kvm_destroy(&vm.kvm);
	free(vm.ram);
	return 0;
}

/*
 * The admin CQ took vector 0 with MSI-X on; the driver turns MSI-X off and
 * then resets the controller. QEMU 11.1's nvme_free_cq sees MSI-X off and
 * keeps the use: the vector stays used after the reset, so a CQ created
 * later with MSI-X off would be delivered, unlike on a fresh controller.
 */
static void test_nvme_ctrl_reset_after_msix_off_gives_the_vector_back(void **state)
{
	PCIDevice *d = *state;

	msix_enable(d, true);
	ctrl_enable(d);
	assert_int_equal(d->msix_entry_used[0], 1);
	msix_enable(d, false);
	reg_write(d, NVME_REG_CC, 0);
	if (d->msix_entry_used[0] != 0)
		fail_msg("vector 0's uses after the controller reset: wanted 0, got %u",
			 d->msix_entry_used[0]);
}

/*
 * An I/O CQ created on vector 0 while MSI-X is off takes no use; deleted
 * with MSI-X on, QEMU 11.1's nvme_free_cq unuses the admin CQ's use, and
 * from then on msix_notify drops the admin CQ's interrupts (not in use).
 */
static void test_nvme_delete_cq_gives_back_only_its_own_use(void **state)
{
	PCIDevice *d = *state;
	unsigned int before;

	msix_enable(d, true);
	ctrl_enable(d);
	msix_enable(d, false);
	create_io_cq(d, 0);
	msix_enable(d, true);
	admin(d, NVME_ADM_CMD_DELETE_CQ, 1, 0, 0);
	if (d->msix_entry_used[0] != 1)
		fail_msg("vector 0's uses after deleting the CQ that took none: wanted 1 (the admin CQ's), got %u",
			 d->msix_entry_used[0]);
	before = signal_msi;
	admin(d, NVME_ADM_CMD_IDENTIFY, 0, 0, 0x4000);
	if (signal_msi != before + 1)
		fail_msg("KVM_SIGNAL_MSI for the Identify's completion: wanted 1, got %u",
			 signal_msi - before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_nvme_ctrl_reset_after_msix_off_gives_the_vector_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvme_delete_cq_gives_back_only_its_own_use,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("nvme CQ vectors (fake kernel)", tests, NULL, NULL);
}
