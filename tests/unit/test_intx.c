// SPDX-License-Identifier: GPL-2.0
/*
 * test_intx.c - the pure logic of the level-triggered path: q35's PCI INTx
 * routing (src/hw/isa/lpc_ich9.c), the IOAPIC entry the guest writes
 * (src/guest/ioapic-rte.h) against the kernel's own layout (uapi struct
 * kvm_ioapic_state), and how many KVM_IRQ_LINE_STATUS one GSI level change
 * costs (src/hw/i386/kvm-ioapic.c's gsi_handler) on a fake kernel. What the
 * kernel does with them is tested in the lab.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/hw/isa/lpc_ich9.h"
#include "../../src/hw/i386/kvm-ioapic.h"
#include "../../src/guest/ioapic-rte.h"
#include "fake-kvm.h"

static void test_ich9_slot_0_24_uses_pirq_e_to_h(void **state)
{
	(void)state;
	/* ich9_cc_init: (slot + intx) % 4 + 4 */
	assert_int_equal(ich9_lpc_map_irq(0, 0), 4);
	assert_int_equal(ich9_lpc_map_irq(1, 0), 5);
	assert_int_equal(ich9_lpc_map_irq(3, 1), 4);
	assert_int_equal(ich9_lpc_map_irq(24, 3), 7);
	/* GSI 20 + (S + P) % 4 with PIC routing disabled */
	assert_int_equal(ich9_pci_intx_to_gsi(1, 0), 21);
	assert_int_equal(ich9_pci_intx_to_gsi(2, 0), 22);
	assert_int_equal(ich9_pci_intx_to_gsi(3, 0), 23);
	assert_int_equal(ich9_pci_intx_to_gsi(4, 0), 20);
	assert_int_equal(ich9_pci_intx_to_gsi(2, 3), 21);
}

static void test_ich9_chipset_slots_use_dir_default_pirq_a_to_d(void **state)
{
	static const int slots[] = { 25, 26, 27, 28, 29, 31 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		for (int p = 0; p < 4; p++)
			assert_int_equal(ich9_pci_intx_to_gsi(slots[i], p), 16 + p);
	/* the DMI-PCI bridge's slot: E-H by INTx */
	for (int p = 0; p < 4; p++)
		assert_int_equal(ich9_pci_intx_to_gsi(30, p), 20 + p);
}

static void test_ich9_out_of_range_is_einval(void **state)
{
	(void)state;
	assert_int_equal(ich9_lpc_map_irq(32, 0), -EINVAL);
	assert_int_equal(ich9_lpc_map_irq(-1, 0), -EINVAL);
	assert_int_equal(ich9_lpc_map_irq(0, 4), -EINVAL);
	assert_int_equal(ich9_route_intx_pin_to_irq(8), -EINVAL);
	assert_int_equal(ich9_pci_intx_to_gsi(0, -1), -EINVAL);
}

/* the guest's encoding read back through the kernel's own bitfields */
static void test_rte_encoding_matches_kvm_ioapic_state_fields(void **state)
{
	struct kvm_ioapic_state st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.redirtbl[0].bits = ioapic_rte_encode(0x51, 3, 1, 0);
	assert_int_equal(st.redirtbl[0].fields.vector, 0x51);
	assert_int_equal(st.redirtbl[0].fields.dest_id, 3);
	assert_int_equal(st.redirtbl[0].fields.trig_mode, 1);
	assert_int_equal(st.redirtbl[0].fields.mask, 0);
	assert_int_equal(st.redirtbl[0].fields.delivery_mode, 0);
	assert_int_equal(st.redirtbl[0].fields.dest_mode, 0);
	assert_int_equal(st.redirtbl[0].fields.polarity, 0);

	st.redirtbl[1].bits = ioapic_rte_encode(0x62, 0, 0, 1);
	assert_int_equal(st.redirtbl[1].fields.trig_mode, 0);
	assert_int_equal(st.redirtbl[1].fields.mask, 1);
	assert_true(ioapic_rte_masked(st.redirtbl[1].bits));

	st.redirtbl[2].fields.remote_irr = 1;
	assert_true(ioapic_rte_remote_irr(st.redirtbl[2].bits));
	assert_false(ioapic_rte_remote_irr(st.redirtbl[0].bits));
	assert_int_equal(ioapic_rte_vector(st.redirtbl[0].bits), 0x51);
	assert_int_equal(ioapic_rte_dest(st.redirtbl[0].bits), 3);
	assert_true(ioapic_rte_level(st.redirtbl[0].bits));
}

static void test_pc_routes_put_gsi_0_on_pin_2_and_gsi_2_nowhere(void **state)
{
	(void)state;
	assert_int_equal(kvm_pc_gsi_to_ioapic_pin(0), 2);
	assert_int_equal(kvm_pc_gsi_to_ioapic_pin(2), -1);
	assert_int_equal(kvm_pc_gsi_to_ioapic_pin(1), 1);
	assert_int_equal(kvm_pc_gsi_to_ioapic_pin(23), 23);
	assert_int_equal(kvm_pc_gsi_to_ioapic_pin(24), -1);
}

/* a fake kernel counting KVM_IRQ_LINE_STATUS, answering from a script */
static struct {
	unsigned int lines;
	uint32_t irq[4];
	int status[4];
} fk;

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;
	struct kvm_irq_level *ev = arg;

	(void)p; (void)fd;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	if (req != KVM_IRQ_LINE_STATUS)
		return 0;
	fk.irq[fk.lines % 4] = ev->irq;
	ev->status = fk.status[fk.lines++ % 4];
	return 0;
}

static int fake_open(void *p, const char *path, int flags)
{
	(void)p; (void)path; (void)flags;
	return 3;
}

static int fake_close(void *p, int fd) { (void)p; (void)fd; return 0; }

static const struct sys_ops fake_ops = { .open = fake_open, .close = fake_close,
					 .ioctl = fake_ioctl };

static void test_gsi_handler_isa_irq_is_two_ioctls_pic_then_ioapic(void **state)
{
	KVMState s;
	struct gsi_status st;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(kvm_init(&s, &fake_ops), 0);
	fk.status[0] = 1;		/* the PIC's new edge */
	fk.status[1] = 0;		/* the same level again: nothing new */
	assert_int_equal(gsi_handler(&s, 5, 1, &st), 0);
	assert_int_equal(fk.lines, 2);
	assert_int_equal(fk.irq[0], 5);
	assert_int_equal(fk.irq[1], 5);
	assert_int_equal(st.calls, 2);
	assert_int_equal(st.pic, 1);
	assert_int_equal(st.ioapic, 0);

	memset(&fk, 0, sizeof(fk));
	fk.status[0] = 1;
	assert_int_equal(gsi_handler(&s, 20, 1, &st), 0);
	assert_int_equal(fk.lines, 1);
	assert_int_equal(st.calls, 1);
	assert_int_equal(st.ioapic, 1);
	assert_int_equal(st.pic, KVM_IRQ_STATUS_IGNORED);
	assert_int_equal(gsi_handler(&s, 24, 1, &st), -EINVAL);
	kvm_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ich9_slot_0_24_uses_pirq_e_to_h),
		cmocka_unit_test(test_ich9_chipset_slots_use_dir_default_pirq_a_to_d),
		cmocka_unit_test(test_ich9_out_of_range_is_einval),
		cmocka_unit_test(test_rte_encoding_matches_kvm_ioapic_state_fields),
		cmocka_unit_test(test_pc_routes_put_gsi_0_on_pin_2_and_gsi_2_nowhere),
		cmocka_unit_test(test_gsi_handler_isa_irq_is_two_ioctls_pic_then_ioapic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
