// SPDX-License-Identifier: GPL-2.0
/*
 * test_run_table.c - the runner's host steps on KVMState
 * (src/scenario/run-table.c, and run-faults.c's route ioapic and irqfd
 * close) against a fake kernel behind the sys_ops seam, a parsed
 * scenario's steps run one by one as run.c does, the expects skipped.
 * run_fail is this file's: it records the message; the guest and device
 * calls run-faults.c makes for its other steps are stubs that fail.
 *
 * The fake reports KVM_CAP_IRQ_ROUTING = 40, so gsi_count is 39 and the
 * table is full at 39 entries: the PC's 38 default ones and one MSI route.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>

#include "scenario/run.h"
#include "hw/vfio/pci.h"
#include "fake-kvm.h"

static struct {
	unsigned int irqfd_gsi0;	/* KVM_IRQFD on GSI 0 (the PIT's) */
	unsigned int irqfd_fd0;		/* ... or with fd 0 */
	char failed[320];		/* the last run_fail */
} fk;

/* run-faults.c's device and guest steps are not this test's */
int guest_cmd(struct run *run, int cpu, uint32_t op, const uint32_t arg[8], uint32_t *result,
	      unsigned int timeout_ms)
{
	(void)run; (void)cpu; (void)op; (void)arg; (void)result; (void)timeout_ms;
	return -ENOSYS;
}

int vfio_pci_reset(PCIDevice *dev)
{
	(void)dev;
	return -ENOSYS;
}

void driver_e1000e_settle(struct run_device *d)
{
	(void)d;
}

unsigned int run_timeout_ms(const struct run *run, unsigned int ms, unsigned int dflt)
{
	(void)run;
	return ms ? ms : dflt;
}

void run_fail(struct run *run, const struct sc_step *st, const char *fmt, ...)
{
	va_list ap;

	(void)run; (void)st;
	va_start(ap, fmt);
	vsnprintf(fk.failed, sizeof(fk.failed), fmt, ap);
	va_end(ap);
}

/* KVM_CAP_IRQ_ROUTING: 40 (a table full at 39), or the kernel's 4096 (setup_wide) */
static int cap_irq_routing = 40;

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (req == KVM_CHECK_EXTENSION && (long)arg == KVM_CAP_IRQ_ROUTING)
		return cap_irq_routing;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	if (req == KVM_IRQFD) {
		struct kvm_irqfd *i = arg;

		fk.irqfd_gsi0 += i->gsi == 0;
		fk.irqfd_fd0 += i->fd == 0;
		/* eventfd_ctx_fdget: a number no file has is EBADF, assign or deassign */
		if (fcntl((int)i->fd, F_GETFD) < 0)
			return -EBADF;
	}
	/* x86's kvm_set_routing_entry: an IOAPIC pin past KVM_IOAPIC_NUM_PINS */
	if (req == KVM_SET_GSI_ROUTING) {
		struct kvm_irq_routing *t = arg;

		for (unsigned int i = 0; i < t->nr; i++)
			if (t->entries[i].type == KVM_IRQ_ROUTING_IRQCHIP &&
			    t->entries[i].u.irqchip.pin >= 24)
				return -EINVAL;
	}
	return 0;
}

static const struct sys_ops fake_kernel = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = f_ioctl,
	.eventfd = fake_real_eventfd, .read = fake_real_read, .write = fake_real_write,
};

struct fixture {
	struct scenario sc;
	struct run run;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	memset(&fk, 0, sizeof(fk));
	if (!f || kvm_init(&f->run.vm.kvm, &fake_kernel) || kvm_irqchip_create(&f->run.vm.kvm))
		return -1;
	f->run.sc = &f->sc;
	*state = f;
	return 0;
}

static int setup_wide(void **state)
{
	cap_irq_routing = 4096;
	return setup(state);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvm_destroy(&f->run.vm.kvm);
	scenario_free(&f->sc);
	free(f);
	cap_irq_routing = 40;
	return 0;
}

static void parse(struct fixture *f, const char *text)
{
	char err[256];

	if (scenario_parse_string("t.virq", text, &f->sc, err, sizeof(err)))
		fail_msg("scenario: %s", err);
}

/* the results of the host steps from step `from` on, in order */
static int run_host_steps_from(struct fixture *f, int from, int *r, int max)
{
	int n = 0;

	for (int i = from; i < f->sc.nr_steps && n < max; i++)
		if (f->sc.steps[i].op <= SC_IRQFD_REMOVE)	/* run_table_step's, as run_step */
			r[n++] = run_table_step(&f->run, &f->sc.steps[i]);
		else if (run_faults_step_is_host(f->sc.steps[i].op))
			r[n++] = run_faults_step(&f->run, &f->sc.steps[i]);
	return n;
}

static int run_host_steps(struct fixture *f, int *r, int max)
{
	return run_host_steps_from(f, 0, r, max);
}

/* GSI 0's entries in KVMState's table: the PC's PIC pin 0 and IOAPIC pin 2 */
static unsigned int gsi0_entries(struct fixture *f)
{
	const struct kvm_irq_routing *t = f->run.vm.kvm.irq_routes;
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->nr; i++)
		n += t->entries[i].gsi == 0;
	return n;
}

/* a scenario whose route B is refused (ENOSPC, expected), then the steps in more */
static void run_after_failed_add(struct fixture *f, const char *more, int *r, int nr)
{
	char text[1024];

	snprintf(text, sizeof(text), "vm vcpus=1\n"
		 "route A msi vcpu=0 vector=0x41\n"
		 "route B msi vcpu=0 vector=0x42\n"
		 "expect result ENOSPC\n%s", more);
	parse(f, text);
	assert_int_equal(gsi0_entries(f), 2);
	assert_int_equal(run_host_steps(f, r, nr), nr);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], -ENOSPC);
}

/*
 * The review's case: the release of a route whose add was refused. Its
 * object was never set, so its virq read 0 and kvm_irqchip_release_virq
 * took GSI 0's entries (the PIT's PIC pin 0 and IOAPIC pin 2) out of the
 * table and freed GSI 0 for the next MSI route. Refused now with ENOENT.
 */
static void test_fake_kernel_release_after_a_failed_add_leaves_gsi0_alone(void **state)
{
	struct fixture *f = *state;
	int r[3];

	run_after_failed_add(f, "route B release\nexpect result ENOENT\n", r, 3);
	if (gsi0_entries(f) != 2)
		fail_msg("GSI 0's entries after 'route B release' of the route never added: wanted 2 (PIC pin 0, IOAPIC pin 2), got %u",
			 gsi0_entries(f));
	assert_int_equal(r[2], -ENOENT);
	assert_int_equal(f->run.vm.kvm.irq_routes->nr, 39);
}

/* the same for its update and its irqfd: no GSI 0, no fd 0 */
static void test_fake_kernel_update_and_irqfd_after_a_failed_add_are_refused(void **state)
{
	struct fixture *f = *state;
	int r[5];

	run_after_failed_add(f, "route B update vcpu=0 vector=0x43\nexpect result ENOENT\n"
			     "irqfd B\nexpect result ENOENT\n"
			     "irqfd B remove\nexpect result ENOENT\n", r, 5);
	for (int i = 2; i < 5; i++)
		if (r[i] != -ENOENT)
			fail_msg("host step %d on the route never added: wanted ENOENT, got %s", i,
				 r[i] ? strerrorname_np(-r[i]) : "ok");
	assert_int_equal(gsi0_entries(f), 2);
	assert_int_equal(fk.irqfd_gsi0, 0);
	assert_int_equal(fk.irqfd_fd0, 0);
}

/* a route released can be defined again and used as any other */
static void test_fake_kernel_route_released_then_added_again(void **state)
{
	struct fixture *f = *state;
	int r[8], n;

	parse(f, "vm vcpus=1\n"
		 "route A msi vcpu=0 vector=0x41\n"
		 "route A release\n"
		 "route A msi vcpu=0 vector=0x42\n"
		 "irqfd A\n"
		 "irqfd A remove\n"
		 "route A release\n");
	n = run_host_steps(f, r, 8);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++)
		assert_int_equal(r[i], 0);
	assert_int_equal(f->run.vm.kvm.irq_routes->nr, 38);
	assert_int_equal(gsi0_entries(f), 2);
}

/*
 * irqfd A close: the eventfd under an assigned irqfd closed. KVMState drops
 * the irqfd (the kernel's EPOLLHUP did), the object keeps no fd to close
 * or signal, and the later deassign of the closed number is the kernel's
 * to answer (EBADF), after which the route can go or get a new irqfd.
 */
static void test_fake_kernel_irqfd_close_then_remove_gives_the_kernels_ebadf(void **state)
{
	struct fixture *f = *state;
	struct run_obj *o = &f->run.objs[0];
	int r[8], n, closed;

	parse(f, "vm vcpus=1\n"
		 "route A msi vcpu=0 vector=0x41\n"
		 "irqfd A\n"
		 "irqfd A close\n"
		 "irqfd A remove\n"
		 "expect result EBADF\n"
		 "irqfd A\n"
		 "irqfd A remove\n"
		 "route A release\n");
	n = run_host_steps(f, r, 3);
	assert_int_equal(n, 3);
	assert_int_equal(r[2], 0);
	assert_int_equal(o->efd, -1);
	assert_false(o->irqfd);
	assert_true(o->efd_closed);
	closed = o->closed_efd;
	if (fcntl(closed, F_GETFD) >= 0)
		fail_msg("eventfd %d after 'irqfd A close': wanted closed, got open", closed);
	if (f->run.vm.kvm.nr_irqfds)
		fail_msg("KVMState's irqfds after the close: wanted 0 (EPOLLHUP), got %u",
			 f->run.vm.kvm.nr_irqfds);
	n += run_host_steps_from(f, 3, r + n, 8 - n);
	assert_int_equal(n, 7);
	if (r[3] != -EBADF)
		fail_msg("'irqfd A remove' after the close: wanted the kernel's EBADF, got %s",
			 r[3] ? strerrorname_np(-r[3]) : "ok");
	assert_false(o->efd_closed);
	for (int i = 4; i < n; i++)
		assert_int_equal(r[i], 0);
	assert_int_equal(f->run.vm.kvm.nr_irqfds, 0);
	assert_int_equal(fk.irqfd_fd0, 0);
}

/* a route changed in a batch the kernel refused: its kernel entry is the old one */
static void test_fake_kernel_refused_batch_keeps_the_old_kernel_route(void **state)
{
	struct fixture *f = *state;
	const struct kvm_irq_routing_entry *e;
	int r[8];

	parse(f, "vm vcpus=2\n"
		 "route A msi vcpu=0 vector=0x41\n"
		 "commit\n"
		 "route A update vcpu=1 vector=0x51\n"
		 "route D ioapic pin=24\n"
		 "commit\n"
		 "expect result EINVAL\n");
	assert_int_equal(run_host_steps(f, r, 8), 5);
	assert_int_equal(r[4], -EINVAL);
	e = kvm_irqchip_find_kernel_route(&f->run.vm.kvm, f->run.objs[0].virq);
	assert_non_null(e);
	assert_int_equal(msi_x86_vector(e->u.msi.data), 0x41);
	assert_int_equal(msi_x86_dest(e->u.msi.address_lo), 0);
	assert_int_equal(f->run.objs[1].virq, 24);
	assert_null(kvm_irqchip_find_kernel_route(&f->run.vm.kvm, 24));
	assert_int_equal(f->run.vm.kvm.nr_kernel_routes, 39);
	assert_int_equal(f->run.vm.kvm.irq_routes->nr, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_fake_kernel_release_after_a_failed_add_leaves_gsi0_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kernel_update_and_irqfd_after_a_failed_add_are_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_fake_kernel_route_released_then_added_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fake_kernel_irqfd_close_then_remove_gives_the_kernels_ebadf, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_fake_kernel_refused_batch_keeps_the_old_kernel_route,
						setup_wide, teardown),
	};

	return cmocka_run_group_tests_name("the runner's KVMState steps (fake kernel)", tests, NULL,
					   NULL);
}
