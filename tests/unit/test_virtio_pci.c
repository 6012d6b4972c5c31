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
	int irqfd_err;			/* KVM_IRQFD assigns fail with it (-errno), 0: none */
	bool refuse_routing;		/* every KVM_SET_GSI_ROUTING fails with EINVAL */
	unsigned int irqfd_assigns;
	unsigned int signal_msi[256];	/* KVM_SIGNAL_MSI by the message's vector (data) */
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
		if (routing_ok(arg) && !fk.refuse_routing)
			return 0;
		fk.refused++;
		return -EINVAL;
	case KVM_IRQFD:
		fk.irqfd_gsi0 += ((struct kvm_irqfd *)arg)->gsi == 0;
		fk.irqfd_assigns += !(((struct kvm_irqfd *)arg)->flags & KVM_IRQFD_FLAG_DEASSIGN);
		return ((struct kvm_irqfd *)arg)->flags & KVM_IRQFD_FLAG_DEASSIGN ? 0 : fk.irqfd_err;
	case KVM_SIGNAL_MSI:
		fk.signal_msi[((struct kvm_msi *)arg)->data & 0xff]++;
		return 1;
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

static void vector_mask(PCIDevice *d, unsigned int v, bool mask)
{
	msix_table_mmio_write(d, v * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL,
			      mask ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0, 4);
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

/*
 * KVM_IRQFD refused at an unmask. QEMU 11.1's virtio_pci_vector_unmask
 * masks again what it had unmasked and returns the error, on which
 * msix_fire_vector_notifier asserts. virq leaves the vector with no irqfd
 * and sends its notifications through msix_notify (KVM_SIGNAL_MSI) until
 * the next mask, a count already in the notifier first; the failure is
 * counted on the vector. The next unmask tries the irqfd again.
 */
static void test_fake_kvm_virtio_unmask_irqfd_refused_falls_back_to_signal_msi(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;
	struct msix_vector_stats st;

	vector_mask(d, 1, true);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);	/* waits in the notifier */
	fk.irqfd_err = -EINVAL;
	vector_mask(d, 1, false);
	assert_int_equal(p->notifier_gsi[0], -1);
	if (fk.signal_msi[0x61] != 1)
		fail_msg("KVM_SIGNAL_MSI of the count waiting at the failed unmask: wanted 1, got %u",
			 fk.signal_msi[0x61]);
	for (int i = 0; i < 3; i++)
		virtio_notify(&p->vdev, &p->vdev.vq[0]);
	if (fk.signal_msi[0x61] != 4)
		fail_msg("KVM_SIGNAL_MSI after the failed unmask: wanted 4, got %u (nothing sent, the notifies left in an eventfd no irqfd reads)",
			 fk.signal_msi[0x61]);
	msix_vector_stats(d, 1, &st);
	assert_int_equal(st.raised, 4);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.coalesced, 0);
	assert_int_equal(st.notifier_errors, 1);
	assert_string_equal(st.path, "signal-msi");
	/* mask and unmask: the irqfd again, and the notifications through it */
	fk.irqfd_err = 0;
	vector_mask(d, 1, true);
	vector_mask(d, 1, false);
	assert_true(p->notifier_gsi[0] > 0);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);
	assert_int_equal(fk.signal_msi[0x61], 4);
	msix_vector_stats(d, 1, &st);
	assert_string_equal(st.path, "irqfd");
}

/*
 * A count KVM injected when the irqfd was assigned over it stays in the
 * eventfd (kvm_irqfd_assign's poll injects; irqfd_wakeup reads only at the
 * next signal, 6.1+): it was delivered. MSI-X off and on again keeps the
 * irqfd (no release at disable, as QEMU), so the unmask's KVM_IRQFD is
 * EBUSY and the fallback drains the notifier: that count must not go out
 * again by KVM_SIGNAL_MSI (found by fuzz-virtio's ledger: told 2 of 1).
 */
static void test_fake_kvm_virtio_failed_unmask_does_not_resend_an_injected_count(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;
	struct msix_vector_stats st;

	vector_mask(d, 1, true);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);	/* waits in the notifier */
	vector_mask(d, 1, false);			/* the irqfd, the count injected */
	assert_true(p->notifier_gsi[0] > 0);
	msix_enable(d, false);
	fk.irqfd_err = -EBUSY;				/* the irqfd is still on that eventfd */
	msix_enable(d, true);
	if (fk.signal_msi[0x61] != 0)
		fail_msg("KVM_SIGNAL_MSI at the failed unmask: wanted 0 (KVM injected the count at the assign), got %u",
			 fk.signal_msi[0x61]);
	msix_vector_stats(d, 1, &st);
	assert_int_equal(st.raised, 1);
	assert_int_equal(st.ledger->told, 1);
}

/*
 * The fallback of a failed unmask ends with the guest notifiers too: after
 * a reset and DRIVER_OK again, a masked vector's notification waits in
 * its guest notifier (QEMU's way), not in the PBA.
 */
static void test_fake_kvm_virtio_failed_unmask_fallback_ends_at_reset(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;
	struct msix_vector_stats st;

	vector_mask(d, 1, true);
	fk.irqfd_err = -EINVAL;
	vector_mask(d, 1, false);
	fk.irqfd_err = 0;
	common_write(d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	vector_mask(d, 1, true);
	common_write(d, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	common_write(d, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	common_write(d, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	common_write(d, VIRTIO_PCI_COMMON_STATUS, 0xf, 1);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);
	assert_false(msix_is_pending(d, 1));
	msix_vector_stats(d, 1, &st);
	assert_int_equal(st.pending, 1);
	assert_string_equal(st.path, "irqfd");
}

/*
 * The commit of an unmask's route update refused: the kernel keeps the old
 * message, so an irqfd would deliver to it. QEMU asserts in
 * kvm_irqchip_commit_routes. virq fails the unmask: no irqfd, the
 * notifications go out by KVM_SIGNAL_MSI with the entry's new message.
 */
static void test_fake_kvm_virtio_unmask_commit_refused_sends_the_new_message(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;
	struct msix_vector_stats st;
	unsigned int assigns;

	vector_mask(d, 1, true);
	msix_table_mmio_write(d, 16 + PCI_MSIX_ENTRY_DATA, 0x71, 4);
	fk.refuse_routing = true;
	assigns = fk.irqfd_assigns;
	vector_mask(d, 1, false);
	fk.refuse_routing = false;
	if (fk.irqfd_assigns != assigns)
		fail_msg("KVM_IRQFD after the refused commit: wanted none, got %u (on a GSI the kernel still routes to 0x61)",
			 fk.irqfd_assigns - assigns);
	assert_int_equal(p->notifier_gsi[0], -1);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);
	assert_int_equal(fk.signal_msi[0x71], 1);
	msix_vector_stats(d, 1, &st);
	assert_int_equal(st.notifier_errors, 1);
	assert_int_equal(vm.kvm.commit_errors, 1);
}

/*
 * The commit that adds a moved queue's new route refused: the route is
 * given back (KVMState holds no route the kernel refused and no user
 * counts it), the failure is counted on the vector, whose unmask then
 * finds no route and fails as above.
 */
static void test_fake_kvm_virtio_route_add_commit_refused_gives_the_route_back(void **state)
{
	PCIDevice *d = *state;
	VirtIOPCIProxy *p = d->opaque;
	struct msix_vector_stats st;

	fk.refuse_routing = true;
	common_write(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, 2);
	fk.refuse_routing = false;
	assert_int_equal(p->vector_irqfd[1].users, 0);
	if (p->vector_irqfd[2].users != 0)
		fail_msg("vector 2's route users after its commit was refused: wanted 0, got %u (virq %d kept)",
			 p->vector_irqfd[2].users, p->vector_irqfd[2].virq);
	assert_int_equal(vm.kvm.irq_routes->nr, 38);
	msix_vector_stats(d, 2, &st);
	assert_int_equal(st.notifier_errors, 1);
	/* the irqfd kept from vector 1 went with it: vector 2 sends by KVM_SIGNAL_MSI */
	assert_int_equal(p->notifier_gsi[0], -1);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);
	assert_int_equal(fk.signal_msi[0x62], 1);
	vector_mask(d, 2, true);
	vector_mask(d, 2, false);
	virtio_notify(&p->vdev, &p->vdev.vq[0]);
	assert_int_equal(fk.signal_msi[0x62], 2);
	msix_vector_stats(d, 2, &st);
	assert_int_equal(st.raised, 2);
	assert_int_equal(st.pending, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_kvm_virtio_vector_write_moves_the_route,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_vector_moved_while_msix_off_leaves_gsi0, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_unmask_irqfd_refused_falls_back_to_signal_msi, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_failed_unmask_does_not_resend_an_injected_count, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_failed_unmask_fallback_ends_at_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_unmask_commit_refused_sends_the_new_message, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kvm_virtio_route_add_commit_refused_gives_the_route_back, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("virtio-pci guest notifiers (fake kernel)", tests, NULL,
					   NULL);
}
