// SPDX-License-Identifier: GPL-2.0
/*
 * test_kvm.c - KVMState's route bookkeeping (src/vmm/kvm.c) against a fake
 * kernel behind the sys_ops seam. These test virq's own logic (QEMU's GSI
 * allocation, release, batching); what the real kernel does is tested in
 * the lab (tests/check.sh), never here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/vmm/kvm.h"

/* the fake kernel: just enough of /dev/kvm for KVMState */
struct fake {
	int cap_irq_routing;		/* KVM_CHECK_EXTENSION(KVM_CAP_IRQ_ROUTING) */
	long missing_cap;		/* a capability reported absent, -1 = none */
	int open_err;			/* -errno from open, 0 = ok */
	unsigned int set_gsi_routing;	/* KVM_SET_GSI_ROUTING calls */
	unsigned int last_nr;		/* entries in the last one */
	struct kvm_irq_routing_entry last[4200];
	struct kvm_irqfd last_irqfd;
};

static struct fake fk;

static int fake_open(void *p, const char *path, int flags)
{
	(void)p; (void)path; (void)flags;
	return fk.open_err ? fk.open_err : 3;
}

static int fake_close(void *p, int fd) { (void)p; (void)fd; return 0; }

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	(void)p; (void)fd;
	switch (req) {
	case KVM_GET_API_VERSION: return KVM_API_VERSION;
	case KVM_CREATE_VM: return 4;
	case KVM_GET_VCPU_MMAP_SIZE: return 4096;
	case KVM_CREATE_IRQCHIP: return 0;
	case KVM_CHECK_EXTENSION:
		if ((long)arg == fk.missing_cap)
			return 0;
		return (long)arg == KVM_CAP_IRQ_ROUTING ? fk.cap_irq_routing : 1;
	case KVM_SET_GSI_ROUTING: {
		struct kvm_irq_routing *r = arg;

		fk.set_gsi_routing++;
		/* the real check of kvm_vm_ioctl: nr > KVM_MAX_IRQ_ROUTES */
		if (r->nr > (unsigned int)fk.cap_irq_routing)
			return -EINVAL;
		fk.last_nr = r->nr;
		memcpy(fk.last, r->entries, r->nr * sizeof(r->entries[0]));
		return 0;
	}
	case KVM_IRQFD:
		fk.last_irqfd = *(struct kvm_irqfd *)arg;
		return 0;
	default: return 0;
	}
}

static const struct sys_ops fake_ops = { .open = fake_open, .close = fake_close, .ioctl = fake_ioctl };

static int setup(void **state)
{
	KVMState *s = calloc(1, sizeof(*s));

	memset(&fk, 0, sizeof(fk));
	fk.cap_irq_routing = 4096;
	fk.missing_cap = -1;
	assert_int_equal(kvm_init(s, &fake_ops), 0);
	assert_int_equal(kvm_irqchip_create(s), 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	kvm_destroy(*state);
	free(*state);
	return 0;
}

static int add_msi(KVMState *s, unsigned int dest, unsigned int vec)
{
	KVMRouteChange c = kvm_irqchip_begin_route_changes(s);

	return kvm_irqchip_add_msi_route(&c, msi_x86_message(dest, vec));
}

static void test_fake_kvm_default_routes_are_38_entries_committed_once(void **state)
{
	KVMState *s = *state;

	assert_int_equal(s->irq_routes->nr, 38);
	assert_int_equal(s->commits, 1);
	assert_int_equal(fk.set_gsi_routing, 1);
	assert_int_equal(fk.last_nr, 38);
	assert_int_equal(s->gsi_count, 4095);
	/* ISA IRQ 0 goes to IOAPIC pin 2 through GSI 0 */
	assert_non_null(kvm_irqchip_find_route(s, 0));
	assert_null(kvm_irqchip_find_route(s, 2));
}

static void test_fake_kvm_msi_route_takes_lowest_free_gsi(void **state)
{
	KVMState *s = *state;

	assert_int_equal(add_msi(s, 1, 0x41), 2);	/* GSI 2 has no PIC/IOAPIC entry */
	assert_int_equal(add_msi(s, 1, 0x42), 24);
	assert_int_equal(add_msi(s, 1, 0x43), 25);
	assert_int_equal(s->irq_routes->nr, 41);
	/* adding does not push anything: only commit does */
	assert_int_equal(fk.set_gsi_routing, 1);
}

static void test_fake_kvm_release_swaps_last_entry_in_and_frees_gsi(void **state)
{
	KVMState *s = *state;
	int a = add_msi(s, 0, 0x41), b = add_msi(s, 0, 0x42), c = add_msi(s, 0, 0x43);
	int idx_a = (int)(kvm_irqchip_find_route(s, a) - s->irq_routes->entries);

	assert_int_equal(b, 24);
	kvm_irqchip_release_virq(s, a);
	assert_int_equal(s->irq_routes->nr, 40);
	assert_null(kvm_irqchip_find_route(s, a));
	/* the last entry (c) now sits where a was */
	assert_int_equal(s->irq_routes->entries[idx_a].gsi, c);
	/* and the freed GSI is handed out again first */
	assert_int_equal(add_msi(s, 1, 0x44), a);
}

static void test_fake_kvm_update_unchanged_leaves_table_clean(void **state)
{
	KVMState *s = *state;
	int v = add_msi(s, 1, 0x41);

	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_false(s->routes_dirty);
	assert_int_equal(kvm_irqchip_update_msi_route(s, v, msi_x86_message(1, 0x41)), 0);
	assert_false(s->routes_dirty);
	assert_int_equal(kvm_irqchip_update_msi_route(s, v, msi_x86_message(0, 0x42)), 0);
	assert_true(s->routes_dirty);
	assert_int_equal(kvm_irqchip_update_msi_route(s, 3000, msi_x86_message(0, 0x42)), -ESRCH);
}

static void test_fake_kvm_commit_pushes_whole_table_and_counts(void **state)
{
	KVMState *s = *state;
	int v = add_msi(s, 1, 0x41);

	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(s->commits, 2);
	assert_int_equal(fk.last_nr, 39);
	assert_int_equal(fk.last[38].gsi, v);
	assert_int_equal(fk.last[38].type, KVM_IRQ_ROUTING_MSI);
	assert_int_equal(fk.last[38].u.msi.address_lo, 0xfee01000);
	assert_int_equal(fk.last[38].u.msi.data, 0x41);
	/* an unchanged table is pushed again all the same, as QEMU does */
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(s->commits, 3);
}

static void test_fake_kvm_route_change_batch_is_one_commit(void **state)
{
	KVMState *s = *state;
	KVMRouteChange c = kvm_irqchip_begin_route_changes(s);

	for (int i = 0; i < 5; i++)
		assert_true(kvm_irqchip_add_msi_route(&c, msi_x86_message(0, 0x50 + i)) >= 0);
	assert_int_equal(c.changes, 5);
	assert_int_equal(kvm_irqchip_commit_route_changes(&c), 0);
	assert_int_equal(s->commits, 2);
	/* nothing changed: no commit */
	assert_int_equal(kvm_irqchip_commit_route_changes(&c), 0);
	assert_int_equal(s->commits, 2);
}

static void test_fake_kvm_gsi_bitmap_full_gives_enospc(void **state)
{
	KVMState *s = *state;

	/* 4095 GSIs, 23 used by the default routes: 4072 MSI routes fit */
	for (int i = 0; i < 4072; i++)
		assert_true(add_msi(s, 0, 0x50) >= 0);
	assert_int_equal(add_msi(s, 0, 0x50), -ENOSPC);
	assert_int_equal(s->irq_routes->nr, 38 + 4072);
}

static void test_fake_kvm_refused_commit_returns_errno_and_goes_on(void **state)
{
	KVMState *s = *state;

	for (int i = 0; i < 4059; i++)
		assert_true(add_msi(s, 0, 0x50) >= 0);
	assert_int_equal(kvm_irqchip_commit_routes(s), -EINVAL);	/* 4097 entries */
	assert_int_equal(s->commit_errors, 1);
	assert_true(s->routes_dirty);
	kvm_irqchip_release_virq(s, 2);
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(fk.last_nr, 4096);
}

static void test_fake_kvm_irqfd_assign_and_deassign_flags(void **state)
{
	KVMState *s = *state;

	assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 9, -1, 24), 0);
	assert_int_equal(fk.last_irqfd.fd, 9);
	assert_int_equal(fk.last_irqfd.gsi, 24);
	assert_int_equal(fk.last_irqfd.flags, 0);
	assert_int_equal(kvm_irqchip_remove_irqfd_notifier_gsi(s, 9, 24), 0);
	assert_int_equal(fk.last_irqfd.flags, KVM_IRQFD_FLAG_DEASSIGN);
}

static void test_fake_kvm_init_reports_missing_device_and_capability(void **state)
{
	KVMState s;

	(void)state;
	fk.open_err = -ENOENT;
	assert_int_equal(kvm_init(&s, &fake_ops), -ENOENT);
	fk.open_err = 0;
	fk.missing_cap = KVM_CAP_SIGNAL_MSI;
	assert_int_equal(kvm_init(&s, &fake_ops), -ENOSYS);
	fk.missing_cap = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_kvm_default_routes_are_38_entries_committed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_msi_route_takes_lowest_free_gsi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_release_swaps_last_entry_in_and_frees_gsi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_update_unchanged_leaves_table_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_commit_pushes_whole_table_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_route_change_batch_is_one_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_gsi_bitmap_full_gives_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_refused_commit_returns_errno_and_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_irqfd_assign_and_deassign_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_init_reports_missing_device_and_capability, setup, teardown),
	};

	return cmocka_run_group_tests_name("kvm routes (fake kernel)", tests, NULL, NULL);
}
