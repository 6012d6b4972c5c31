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
#include <dlfcn.h>
#include <cmocka.h>

#include "../../src/vmm/kvm.h"

/*
 * realloc, failing once when armed: KVMState's bookkeeping running out of
 * memory. Defined here it comes before libc's (and ASan's), which
 * dlsym(RTLD_NEXT) finds for every other call.
 */
static int realloc_fail_armed;

void *realloc(void *ptr, size_t size)
{
	static void *(*next)(void *, size_t);

	if (realloc_fail_armed) {
		realloc_fail_armed = 0;
		return NULL;
	}
	if (!next)
		next = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	return next(ptr, size);
}

/* the fake kernel: just enough of /dev/kvm for KVMState */
struct fake {
	int cap_irq_routing;		/* KVM_CHECK_EXTENSION(KVM_CAP_IRQ_ROUTING) */
	long missing_cap;		/* a capability reported absent, -1 = none */
	int open_err;			/* -errno from open, 0 = ok */
	unsigned int set_gsi_routing;	/* KVM_SET_GSI_ROUTING calls */
	unsigned int last_nr;		/* entries in the last one */
	struct kvm_irq_routing_entry last[4200];
	struct kvm_irqfd last_irqfd;
	unsigned int irqfd_calls;	/* KVM_IRQFD, assign or deassign */
	long irqfd_err;			/* -errno from KVM_IRQFD, 0 = ok */
	struct kvm_irq_level last_irq;	/* KVM_IRQ_LINE(_STATUS) as it came in */
	int irq_status;			/* what KVM_IRQ_LINE_STATUS writes back */
	long irq_line_err;		/* -errno from either, 0 = ok */
	/* VM ioctls in order: request and its argument (a value, or what it points at) */
	unsigned long req[16];
	uint64_t arg[16];
	unsigned int nr_req;
};

static struct fake fk;

static int fake_open(void *p, const char *path, int flags)
{
	(void)p; (void)path; (void)flags;
	return fk.open_err ? fk.open_err : 3;
}

static int fake_close(void *p, int fd) { (void)p; (void)fd; return 0; }

static void fake_log(unsigned long req, uint64_t arg)
{
	if (fk.nr_req < sizeof(fk.req) / sizeof(fk.req[0])) {
		fk.req[fk.nr_req] = req;
		fk.arg[fk.nr_req++] = arg;
	}
}

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	(void)p; (void)fd;
	switch (req) {
	case KVM_SET_TSS_ADDR:
		fake_log(req, (uintptr_t)arg);
		return 0;
	case KVM_SET_IDENTITY_MAP_ADDR:
		fake_log(req, *(uint64_t *)arg);
		return 0;
	case KVM_CREATE_IRQCHIP:
		fake_log(req, 0);
		return 0;
	case KVM_GET_API_VERSION: return KVM_API_VERSION;
	case KVM_CREATE_VM: return 4;
	case KVM_GET_VCPU_MMAP_SIZE: return 4096;
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
		/* x86's kvm_set_routing_entry: an IOAPIC pin past KVM_IOAPIC_NUM_PINS; nothing taken */
		for (unsigned int i = 0; i < r->nr; i++)
			if (r->entries[i].type == KVM_IRQ_ROUTING_IRQCHIP &&
			    r->entries[i].u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC &&
			    r->entries[i].u.irqchip.pin >= 24)
				return -EINVAL;
		fk.last_nr = r->nr;
		memcpy(fk.last, r->entries, r->nr * sizeof(r->entries[0]));
		return 0;
	}
	case KVM_IRQFD:
		fk.irqfd_calls++;
		fk.last_irqfd = *(struct kvm_irqfd *)arg;
		return fk.irqfd_err;
	case KVM_IRQ_LINE_STATUS:
	case KVM_IRQ_LINE:
		fake_log(req, 0);
		fk.last_irq = *(struct kvm_irq_level *)arg;
		if (fk.irq_line_err)
			return fk.irq_line_err;
		/* only _STATUS (_IOWR) copies the struct back, status over irq */
		if (req == KVM_IRQ_LINE_STATUS)
			((struct kvm_irq_level *)arg)->status = fk.irq_status;
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

/*
 * QEMU 11.1 kvm_irqchip_add_msi_route (since 9.0, "kvm: error out of
 * kvm_irqchip_add_msi_route() in case of full route table"): the add is
 * refused with -ENOSPC once the table holds gsi_count (4095) entries, and
 * the GSI it had picked is released. 38 default entries: 4057 MSI routes.
 * Nothing is half-applied: no entry, no GSI, no change counted.
 * (QEMU 7.2 adds the 4058th and its commit fails the kernel's 4096 check.)
 */
static void test_fake_kvm_add_msi_route_enospc_at_gsi_count_entries(void **state)
{
	KVMState *s = *state;
	KVMRouteChange c = kvm_irqchip_begin_route_changes(s);
	int free_gsi = 24 + 4056;	/* GSI 2, then 24.. took the 4057 MSI routes */

	for (int i = 0; i < 4057; i++)
		assert_true(add_msi(s, 0, 0x50) >= 0);
	assert_int_equal(s->irq_routes->nr, 4095);
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_null(kvm_irqchip_find_route(s, free_gsi));
	assert_int_equal(kvm_irqchip_add_msi_route(&c, msi_x86_message(0, 0x51)), -ENOSPC);
	assert_int_equal(c.changes, 0);
	assert_int_equal(s->irq_routes->nr, 4095);
	assert_false(s->routes_dirty);
	assert_null(kvm_irqchip_find_route(s, free_gsi));
	/* a released route makes room again, on its own GSI (the lowest free) */
	kvm_irqchip_release_virq(s, 30);
	assert_int_equal(add_msi(s, 0, 0x52), 30);
	assert_int_equal(add_msi(s, 0, 0x53), -ENOSPC);
}

/* the GSI bitmap's own limit: with no default routes, gsi_count GSIs */
static void test_fake_kvm_gsi_bitmap_full_gives_enospc(void **state)
{
	KVMState *s = *state;

	/* an empty table: entries and GSIs run out together, at gsi_count */
	while (s->irq_routes->nr)
		kvm_irqchip_release_virq(s, (int)s->irq_routes->entries[0].gsi);
	for (int i = 0; i < 4095; i++)
		assert_int_equal(add_msi(s, 0, 0x50), i);
	assert_int_equal(add_msi(s, 0, 0x50), -ENOSPC);
	assert_int_equal(s->irq_routes->nr, 4095);
}

/*
 * kvm_set_gsi_routing_raw: KVMState's table padded with MSI entries on
 * unrouted GSIs, pushed as one KVM_SET_GSI_ROUTING and counted; KVMState's
 * table stays. The fake refuses nr > KVM_CAP_IRQ_ROUTING as the kernel does.
 */
static void test_fake_kvm_raw_commit_pads_on_free_gsis_and_keeps_kvmstate(void **state)
{
	KVMState *s = *state;
	int a = add_msi(s, 1, 0x41);

	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(kvm_set_gsi_routing_raw(s, 4096, msi_x86_message(0, 0x50)), 0);
	assert_int_equal(fk.last_nr, 4096);
	assert_int_equal(s->commits, 3);
	assert_int_equal(s->irq_routes->nr, 39);
	assert_true(s->routes_dirty);
	/* the first pad entry takes the lowest GSI without an entry: 24 */
	assert_int_equal(fk.last[39].gsi, 24);
	assert_int_equal(fk.last[39].type, KVM_IRQ_ROUTING_MSI);
	assert_int_equal(fk.last[4095].gsi, 24 + 4056);
	assert_non_null(kvm_irqchip_find_kernel_route(s, 24));
	assert_non_null(kvm_irqchip_find_kernel_route(s, a));
	assert_null(kvm_irqchip_find_route(s, 24));

	assert_int_equal(kvm_set_gsi_routing_raw(s, 4097, msi_x86_message(0, 0x50)), -EINVAL);
	assert_int_equal(s->commits, 4);
	assert_int_equal(s->commit_errors, 1);
	assert_int_equal(fk.last_nr, 4096);	/* the kernel kept its table */
	assert_non_null(kvm_irqchip_find_kernel_route(s, 24));
	assert_int_equal(kvm_set_gsi_routing_raw(s, 38, msi_x86_message(0, 0x50)), -ERANGE);
	assert_int_equal(s->commits, 4);
}

static void test_fake_kvm_refused_commit_returns_errno_and_goes_on(void **state)
{
	KVMState *s = *state;

	assert_int_equal(kvm_set_gsi_routing_raw(s, 4097, msi_x86_message(0, 0x50)), -EINVAL);
	assert_int_equal(s->commit_errors, 1);
	assert_int_equal(fk.last_nr, 38);
	add_msi(s, 0, 0x50);
	assert_true(s->routes_dirty);
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(fk.last_nr, 39);
	assert_false(s->routes_dirty);
}

/* the table the fake kernel holds is the one KVMState says the kernel has */
static void want_kernel_copy_is_the_kernels(KVMState *s)
{
	if (s->nr_kernel_routes != fk.last_nr)
		fail_msg("KVMState's copy of the kernel's table: wanted %u entries (the kernel's), got %u",
			 fk.last_nr, s->nr_kernel_routes);
	assert_memory_equal(s->kernel_routes, fk.last, fk.last_nr * sizeof(fk.last[0]));
}

/*
 * Out of memory while keeping the copy of the kernel's table: the copy may
 * not fall behind a table the kernel took (the runner delivers by it), so
 * nothing is pushed unless the copy can follow; the error is returned and
 * the table stays dirty for the next commit.
 */
static void test_fake_kvm_commit_out_of_memory_keeps_the_kernel_copy_exact(void **state)
{
	KVMState *s = *state;
	unsigned int commits = s->commits;

	assert_int_equal(add_msi(s, 0, 0x50), 2);
	realloc_fail_armed = 1;
	assert_int_equal(kvm_irqchip_commit_routes(s), -ENOMEM);
	realloc_fail_armed = 0;
	want_kernel_copy_is_the_kernels(s);
	assert_true(s->routes_dirty);
	/* the next commit pushes it, and the copy follows */
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	want_kernel_copy_is_the_kernels(s);
	assert_non_null(kvm_irqchip_find_kernel_route(s, 2));
	assert_false(s->routes_dirty);
	assert_true(s->commits > commits);
}

/*
 * QEMU 11.1 kvm_update_routing_entry matches by GSI only (the type is not
 * compared): an MSI update of a GSI that carries IRQCHIP entries overwrites
 * the first of them. An identical entry is no change.
 */
static void test_fake_kvm_update_matches_by_gsi_only(void **state)
{
	KVMState *s = *state;
	const struct kvm_irq_routing_entry *e;

	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(kvm_irqchip_update_msi_route(s, 0, msi_x86_message(1, 0x41)), 0);
	assert_true(s->routes_dirty);
	assert_int_equal(s->irq_routes->nr, 38);
	e = kvm_irqchip_find_route(s, 0);
	assert_non_null(e);
	assert_int_equal(e->type, KVM_IRQ_ROUTING_MSI);
	assert_int_equal(e->u.msi.data, 0x41);
	/* the other GSI 0 entry (IOAPIC pin 2) is left */
	for (const struct kvm_irq_routing_entry *x = e + 1;
	     x < s->irq_routes->entries + s->irq_routes->nr; x++)
		if (x->gsi == 0)
			assert_int_equal(x->type, KVM_IRQ_ROUTING_IRQCHIP);
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(kvm_irqchip_update_msi_route(s, 0, msi_x86_message(1, 0x41)), 0);
	assert_false(s->routes_dirty);
}

/*
 * QEMU 11.1 kvm_arch_init (target/i386/kvm/kvm.c): KVM_SET_IDENTITY_MAP_ADDR
 * at KVM_IDENTITY_BASE 0xfeffc000 first, then KVM_SET_TSS_ADDR one page
 * above, both before the irqchip and any vCPU.
 */
static void test_fake_kvm_identity_map_then_tss_as_qemu(void **state)
{
	(void)state;
	assert_true(fk.nr_req >= 3);
	assert_int_equal(fk.req[0], KVM_SET_IDENTITY_MAP_ADDR);
	assert_int_equal(fk.arg[0], 0xfeffc000);
	assert_int_equal(fk.req[1], KVM_SET_TSS_ADDR);
	assert_int_equal(fk.arg[1], 0xfeffd000);
	assert_int_equal(fk.req[2], KVM_CREATE_IRQCHIP);
}

/* QEMU 11.1 requires both (kvm_arch_required_capabilities, since 8.2) */
static void test_fake_kvm_init_needs_tss_and_identity_map_caps(void **state)
{
	KVMState s;

	(void)state;
	fk.missing_cap = KVM_CAP_SET_TSS_ADDR;
	assert_int_equal(kvm_init(&s, &fake_ops), -ENOSYS);
	fk.missing_cap = KVM_CAP_SET_IDENTITY_MAP_ADDR;
	assert_int_equal(kvm_init(&s, &fake_ops), -ENOSYS);
	fk.missing_cap = -1;
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

/*
 * The irqfds KVMState believes the kernel holds: each KVM_IRQFD the kernel
 * took, less each deassign it took (matching eventfd and GSI, as
 * kvm_irqfd_deassign; one that matches nothing returns 0 there too) and
 * every irqfd on an eventfd the VMM closed (EPOLLHUP).
 */
static void test_fake_kvm_irqfds_follow_assign_deassign_and_close(void **state)
{
	KVMState *s = *state;

	assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 9, -1, 24), 0);
	assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 10, 11, 25), 0);
	assert_int_equal(s->nr_irqfds, 2);
	fk.irqfd_err = -EBUSY;		/* the same eventfd again */
	assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 9, -1, 26), -EBUSY);
	fk.irqfd_err = 0;
	assert_int_equal(s->nr_irqfds, 2);
	assert_int_equal(kvm_irqchip_remove_irqfd_notifier_gsi(s, 9, 25), 0);	/* GSI differs */
	assert_int_equal(s->nr_irqfds, 2);
	assert_int_equal(kvm_irqchip_remove_irqfd_notifier_gsi(s, 9, 24), 0);
	assert_int_equal(s->nr_irqfds, 1);
	assert_int_equal(kvm_irqfd_eventfd_closed(s, 9), 0);
	assert_int_equal(kvm_irqfd_eventfd_closed(s, 10), 1);
	if (s->nr_irqfds)
		fail_msg("irqfds after the eventfd of the last one was closed: wanted 0, got %u",
			 s->nr_irqfds);
	fk.irqfd_err = -EBADF;		/* the deassign of the closed number */
	assert_int_equal(kvm_irqchip_remove_irqfd_notifier_gsi(s, 10, 25), -EBADF);
	assert_int_equal(s->nr_irqfds, 0);
}

/* no room to note an irqfd: not assigned at all, so the list never falls behind the kernel */
static void test_fake_kvm_irqfd_out_of_memory_is_not_assigned(void **state)
{
	KVMState *s = *state;

	realloc_fail_armed = 1;
	assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 9, -1, 24), -ENOMEM);
	assert_int_equal(fk.irqfd_calls, 0);
	assert_int_equal(s->nr_irqfds, 0);
	for (int i = 0; i < 40; i++)	/* past the first allocation's 16 */
		assert_int_equal(kvm_irqchip_add_irqfd_notifier_gsi(s, 100 + i, -1, 24 + i), 0);
	assert_int_equal(s->nr_irqfds, 40);
}

/*
 * A batch of changes whose commit the kernel refuses (an IOAPIC pin past
 * 24, between a moved route and a new one): the kernel keeps its old table
 * whole (kvm_set_irq_routing swaps only once every entry was taken), so
 * KVMState's copy of it must stay the old one, while KVMState's own table
 * keeps the batch for the next commit.
 */
static void test_fake_kvm_refused_batch_leaves_the_kernel_copy_the_old_table(void **state)
{
	KVMState *s = *state;
	KVMRouteChange c = kvm_irqchip_begin_route_changes(s);
	const struct kvm_irq_routing_entry *k;
	int a = add_msi(s, 0, 0x41), d, b;

	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	assert_int_equal(kvm_irqchip_update_msi_route(s, a, msi_x86_message(1, 0x51)), 0);
	d = kvm_irqchip_add_irqchip_route(&c, KVM_IRQCHIP_IOAPIC, 24);
	b = add_msi(s, 1, 0x53);
	assert_int_equal(d, 24);
	assert_int_equal(b, 25);
	assert_int_equal(kvm_irqchip_commit_routes(s), -EINVAL);
	want_kernel_copy_is_the_kernels(s);
	assert_int_equal(s->nr_kernel_routes, 39);
	assert_int_equal(s->irq_routes->nr, 41);
	k = kvm_irqchip_find_kernel_route(s, a);
	assert_non_null(k);
	if (msi_x86_vector(k->u.msi.data) != 0x41)
		fail_msg("the kernel's entry for GSI %d after the refused batch: wanted vector 0x41 (the old), got 0x%x",
			 a, msi_x86_vector(k->u.msi.data));
	assert_int_equal(msi_x86_vector(kvm_irqchip_find_route(s, a)->u.msi.data), 0x51);
	assert_null(kvm_irqchip_find_kernel_route(s, b));
	assert_true(s->routes_dirty);
	kvm_irqchip_release_virq(s, d);
	assert_int_equal(kvm_irqchip_commit_routes(s), 0);
	want_kernel_copy_is_the_kernels(s);
	assert_int_equal(msi_x86_vector(kvm_irqchip_find_kernel_route(s, a)->u.msi.data), 0x51);
	assert_non_null(kvm_irqchip_find_kernel_route(s, b));
}

static void test_fake_kvm_set_irq_returns_line_status(void **state)
{
	KVMState *s = *state;
	int st[] = { 2, 1, 0, KVM_IRQ_STATUS_IGNORED };

	for (unsigned int i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		fk.nr_req = 0;
		fk.irq_status = st[i];
		assert_int_equal(kvm_set_irq(s, 20, 1), st[i]);
		assert_int_equal(fk.nr_req, 1);
		assert_int_equal(fk.req[0], KVM_IRQ_LINE_STATUS);
		assert_int_equal(fk.last_irq.irq, 20);
		assert_int_equal(fk.last_irq.level, 1);
	}
}

static void test_fake_kvm_set_irq_without_inject_status_is_irq_line_returning_1(void **state)
{
	KVMState *s = calloc(1, sizeof(*s));

	(void)state;
	fk.missing_cap = KVM_CAP_IRQ_INJECT_STATUS;
	assert_int_equal(kvm_init(s, &fake_ops), 0);
	fk.nr_req = 0;
	fk.irq_status = 0;
	assert_int_equal(kvm_set_irq(s, 5, 0), 1);
	assert_int_equal(fk.req[0], KVM_IRQ_LINE);
	assert_int_equal(fk.last_irq.irq, 5);
	assert_int_equal(fk.last_irq.level, 0);
	kvm_destroy(s);
	free(s);
}

static void test_fake_kvm_set_irq_failure_is_errno(void **state)
{
	fk.irq_line_err = -ENXIO;
	assert_int_equal(kvm_set_irq(*state, 20, 1), -ENXIO);
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
		cmocka_unit_test_setup_teardown(test_fake_kvm_add_msi_route_enospc_at_gsi_count_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_gsi_bitmap_full_gives_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_raw_commit_pads_on_free_gsis_and_keeps_kvmstate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_update_matches_by_gsi_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_identity_map_then_tss_as_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_init_needs_tss_and_identity_map_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_refused_commit_returns_errno_and_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_commit_out_of_memory_keeps_the_kernel_copy_exact,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_irqfd_assign_and_deassign_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_irqfds_follow_assign_deassign_and_close,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_irqfd_out_of_memory_is_not_assigned,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_refused_batch_leaves_the_kernel_copy_the_old_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_init_reports_missing_device_and_capability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_set_irq_returns_line_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_set_irq_without_inject_status_is_irq_line_returning_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kvm_set_irq_failure_is_errno, setup, teardown),
	};

	return cmocka_run_group_tests_name("kvm routes (fake kernel)", tests, NULL, NULL);
}
