// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_pci.c - virtio-pci guest notifiers and their KVM routes over
 * a fake kernel behind the sys_ops seam: the fake refuses a
 * KVM_SET_GSI_ROUTING table the real one would (a GSI with an MSI entry and
 * any other entry: EINVAL, virt/kvm/irqchip.c setup_routing_entry).
 *
 * The device: virtio-rng, MSI-X vectors 1 and 2 unmasked, queue 0 on
 * vector 1, DRIVER_OK (guest notifiers on: one route, one irqfd).
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
#include <linux/virtio_pci.h>

#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "vmm/vm.h"
#include "fake-kvm.h"

static struct {
	unsigned int commits, refused, irqfd_gsi0;
} fk;

static int f_poll(void *p, struct pollfd *f, nfds_t n, int t)
{
	return poll(f, n, t);
	(void)p;
}

/* the kernel's rule: only IRQCHIP entries of different chips may share a GSI */
static bool routing_ok(const struct kvm_irq_routing *r)
{
	for (unsigned int i = 0; i < r->nr; i++)
		for (unsigned int j = 0; j < r->nr; j++)
			if (i != j && r->entries[i].gsi == r->entries[j].gsi &&
			    (r->entries[i].type != KVM_IRQ_ROUTING_IRQCHIP ||
			     r->entries[j].type != KVM_IRQ_ROUTING_IRQCHIP))
				return false;
	return true;
}

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	switch (req) {
	case KVM_SET_GSI_ROUTING:
		fk.commits++;
		if (routing_ok(arg))
			return 0;
		fk.refused++;
		return -EINVAL;
	case KVM_IRQFD:
		fk.irqfd_gsi0 += ((struct kvm_irqfd *)arg)->gsi == 0;
		return 0;
	default: return 0;
	}
}

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = f_ioctl, .eventfd = fake_real_eventfd,
	.read = fake_real_read, .write = fake_real_write, .poll = f_poll,
};

static struct vm vm;
static PCIBus bus;

static void common_write(PCIDevice *d, uint64_t off, uint32_t v, unsigned int size)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	d->io_regions[VIRTIO_PCI_MODERN_BAR].ops->write(d->io_regions[VIRTIO_PCI_MODERN_BAR].opaque,
						       off, b, size);
}

static void msix_enable(PCIDevice *d, bool on)
{
	pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, on ? PCI_MSIX_FLAGS_ENABLE : 0, 2);
}

static int setup(void **state)
{
	PCIDevice *d;

	memset(&fk, 0, sizeof(fk));
	memset(&vm, 0, sizeof(vm));
	if (kvm_init(&vm.kvm, &fake_kernel) || kvm_irqchip_create(&vm.kvm))
		return -1;
	pthread_mutex_init(&vm.bql, NULL);
	pthread_mutex_init(&vm.lock, NULL);
	if (pci_bus_init(&bus, &vm))
		return -1;
	d = virtio_rng_pci_type.realize(&vm, &bus, "R", NULL);
	if (!d)
		return -1;
	for (unsigned int v = 1; v <= 2; v++) {
		msix_table_mmio_write(d, v * 16 + PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee00000u, 4);
		msix_table_mmio_write(d, v * 16 + PCI_MSIX_ENTRY_DATA, 0x60 + v, 4);
		msix_table_mmio_write(d, v * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	}
	msix_enable(d, true);
	common_write(d, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	common_write(d, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	common_write(d, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	common_write(d, VIRTIO_PCI_COMMON_STATUS, 0xf, 1);	/* DRIVER_OK */
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	virtio_rng_pci_type.unrealize(*state);
	kvm_destroy(&vm.kvm);
	return 0;
}

static bool gsi0_is_msi(void)
{
	const struct kvm_irq_routing *t = vm.kvm.irq_routes;

	for (unsigned int i = 0; i < t->nr; i++)
		if (t->entries[i].gsi == 0 && t->entries[i].type == KVM_IRQ_ROUTING_MSI)
			return true;
	return false;
}

/* with MSI-X on, a vector write moves the route: released, the new one used */
static void test_fake_kvm_virtio_vector_write_moves_the_route(void **state)
{
	VirtIOPCIProxy *p = ((PCIDevice *)*state)->opaque;

	assert_int_equal(p->vector_irqfd[1].users, 1);
	common_write(*state, VIRTIO_PCI_COMMON_Q_MSIX, 2, 2);
	assert_int_equal(p->vector_irqfd[1].users, 0);
	assert_int_equal(p->vector_irqfd[2].users, 1);
	assert_true(p->vector_irqfd[2].virq > 0);
	assert_int_equal(fk.refused, 0);
}

/*
 * Moved while MSI-X was off: QEMU 11.1 leaves the route on the old vector
 * (leaked), and at the new vector's unmask updates its zeroed virq 0, GSI
 * 0's PIC entry, and aborts at the commit. virq moves the route anyway, so
 * the table stays valid, the irqfd never lands on GSI 0, and a reset gives
 * every route back.
 */
static void test_fake_kvm_virtio_vector_moved_while_msix_off_leaves_gsi0(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;

	msix_enable(d, false);
	common_write(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, 2);
	assert_int_equal(p->vector_irqfd[1].users, 0);
	assert_int_equal(p->vector_irqfd[2].users, 1);
	msix_enable(d, true);
	assert_false(gsi0_is_msi());
	assert_int_equal(fk.refused, 0);
	assert_int_equal(fk.irqfd_gsi0, 0);
	assert_int_equal(vm.kvm.commit_errors, 0);
	/* and a reset gives every route back */
	common_write(d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	for (int v = 0; v < 3; v++)
		assert_int_equal(p->vector_irqfd[v].users, 0);
	assert_int_equal(vm.kvm.irq_routes->nr, 38);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_kvm_virtio_vector_write_moves_the_route,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_vector_moved_while_msix_off_leaves_gsi0, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
