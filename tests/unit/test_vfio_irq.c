// SPDX-License-Identifier: GPL-2.0
/*
 * test_vfio_irq.c - the order of kernel calls src/hw/vfio/pci-irq.c makes
 * for each guest action on a passed-through device's MSI-X, against QEMU
 * 11.1's hw/vfio/pci.c (vfio_msix_vector_do_use, vfio_msix_vector_release,
 * vfio_msix_enable, vfio_msix_disable, vfio_enable_vectors), on a NORESIZE
 * index (kernels before 6.5) and a resizable one. A fake kernel behind the
 * sys_ops seam logs VFIO_DEVICE_SET_IRQS, KVM_IRQFD and KVM_SET_GSI_ROUTING
 * as short strings: "SET_IRQS 0+3 [i0,-,k2]" is start 0, count 3, vector
 * 0's `interrupt` eventfd, no fd, vector 2's `kvm_interrupt`; "SET_IRQS
 * off" is the index disabled. INTx (pci-intx.c, QEMU's vfio_intx_enable_kvm
 * and co): "INTX trigger ix" (the `interrupt` eventfd), "INTX mask", "INTX
 * unmask" (DATA_NONE), "INTX unmask ux" (the resamplefd), "INTX off";
 * "IRQFD gsi=21 resample=ux"; "LINE 21=1" a KVM_IRQ_LINE_STATUS. What the
 * real kernel then does is the lab's business (scenarios/msix-grow-masked.virq,
 * msix-disable-pending.virq, vfio-intx.virq, vfio-intx-slow.virq).
 *
 * The device: 4 vectors, table and PBA in BAR 0, in slot 1; no reader
 * thread. The INTx tests give it pin A: q35's GSI 21.
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
#include <linux/vfio.h>

#include "hw/pci/msix.h"
#include "hw/vfio/pci.h"
#include "vmm/vm.h"
#include "fake-kvm.h"

#define NVEC		4
#define PBA_OFFSET	0x800
#define FIRST_FD	100
#define STOP_FD		99

static struct {
	char log[32][64];
	unsigned int n;
	int next_fd;
	int irqfd_err;			/* KVM_IRQFD assigns fail with it (-errno), 0: none */
	bool refuse_routing;		/* KVM_SET_GSI_ROUTING fails with EINVAL (still logged) */
	unsigned int set_irqs_fail_nth;	/* the nth MSI-X SET_IRQS from now fails with EINVAL */
	bool eventfd_fail;		/* the next eventfd fails with EMFILE */
	VFIOPCIDevice *vdev;
} fk;

/* an fd as the log names it: i<n> / k<n> for vector n's eventfds, - for none */
static void fd_name(char *buf, size_t n, int32_t fd)
{
	for (int v = 0; v < NVEC; v++) {
		if (fd >= 0 && fd == fk.vdev->msi_vectors[v].interrupt) {
			snprintf(buf, n, "i%d", v);
			return;
		}
		if (fd >= 0 && fd == fk.vdev->msi_vectors[v].kvm_interrupt) {
			snprintf(buf, n, "k%d", v);
			return;
		}
	}
	if (fd >= 0 && fd == fk.vdev->intx.interrupt)
		snprintf(buf, n, "ix");
	else if (fd >= 0 && fd == fk.vdev->intx.unmask)
		snprintf(buf, n, "ux");
	else
		snprintf(buf, n, fd < 0 ? "-" : "fd%d", fd);
}

static void log_intx(const struct vfio_irq_set *s)
{
	char *l = fk.log[fk.n++], name[8] = "";
	const char *action = s->flags & VFIO_IRQ_SET_ACTION_MASK ? "mask" :
			     s->flags & VFIO_IRQ_SET_ACTION_UNMASK ? "unmask" : "trigger";

	if (s->start || s->count > 1)
		fail_msg("SET_IRQS INTx start %u count %u: wanted 0 and 1 (or 0: off)", s->start,
			 s->count);
	if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		fd_name(name, sizeof(name), ((const int32_t *)s->data)[0]);
	if (!s->count)
		snprintf(l, 64, "INTX off");
	else
		snprintf(l, 64, "INTX %s%s%s", action, *name ? " " : "", name);
}

static void log_set_irqs(const struct vfio_irq_set *s)
{
	char *l;
	size_t len;

	if (s->index == VFIO_PCI_INTX_IRQ_INDEX) {
		log_intx(s);
		return;
	}
	l = fk.log[fk.n++];
	if (s->index != VFIO_PCI_MSIX_IRQ_INDEX || !(s->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		fail_msg("SET_IRQS index %u flags 0x%x: wanted MSI-X triggers only", s->index, s->flags);
	if (s->flags & VFIO_IRQ_SET_DATA_NONE) {
		snprintf(l, 64, "SET_IRQS off");
		return;
	}
	len = (size_t)snprintf(l, 64, "SET_IRQS %u+%u [", s->start, s->count);
	for (unsigned int i = 0; i < s->count && len < 60; i++) {
		char name[8];

		fd_name(name, sizeof(name), ((const int32_t *)s->data)[i]);
		len += (size_t)snprintf(l + len, 64 - len, "%s%s", i ? "," : "", name);
	}
	snprintf(l + len, 64 - len, "]");
}

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (fk.n >= sizeof(fk.log) / sizeof(fk.log[0]))
		fail_msg("call log full");
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	switch (req) {
	case KVM_SET_GSI_ROUTING:
		snprintf(fk.log[fk.n++], 64, "ROUTING %u", ((struct kvm_irq_routing *)arg)->nr);
		return fk.refuse_routing ? -EINVAL : 0;
	case KVM_IRQFD: {
		struct kvm_irqfd *i = arg;
		char rfd[8];

		fd_name(rfd, sizeof(rfd), (int32_t)i->resamplefd);
		snprintf(fk.log[fk.n++], 64, "IRQFD gsi=%u%s%s%s", i->gsi,
			 i->flags & KVM_IRQFD_FLAG_DEASSIGN ? " off" : "",
			 i->flags & KVM_IRQFD_FLAG_RESAMPLE ? " resample=" : "",
			 i->flags & KVM_IRQFD_FLAG_RESAMPLE ? rfd : "");
		return i->flags & KVM_IRQFD_FLAG_DEASSIGN ? 0 : fk.irqfd_err;
	}
	case KVM_IRQ_LINE_STATUS: {
		struct kvm_irq_level *e = arg;

		snprintf(fk.log[fk.n++], 64, "LINE %u=%u", e->irq, e->level);
		e->status = 1;
		return 0;
	}
	case VFIO_DEVICE_SET_IRQS:
		log_set_irqs(arg);
		if (((struct vfio_irq_set *)arg)->index == VFIO_PCI_MSIX_IRQ_INDEX &&
		    fk.set_irqs_fail_nth && !--fk.set_irqs_fail_nth)
			return -EINVAL;
		return 0;
	default: return 0;
	}
}

static int fake_eventfd(void *p, unsigned int v, int flags)
{
	(void)p; (void)v; (void)flags;
	if (fk.eventfd_fail) {
		fk.eventfd_fail = false;
		return -EMFILE;
	}
	return fk.next_fd++;
}

static int fake_open(void *p, const char *path, int flags) { (void)p; (void)path; (void)flags; return 3; }
static int fake_close(void *p, int fd) { (void)p; (void)fd; return 0; }
static ssize_t fake_write(void *p, int fd, const void *b, size_t n) { (void)p; (void)fd; (void)b; return (ssize_t)n; }
static ssize_t fake_read(void *p, int fd, void *b, size_t n) { (void)p; (void)fd; (void)b; (void)n; return -EAGAIN; }

static const struct sys_ops fake_ops = {
	.open = fake_open, .close = fake_close, .ioctl = fake_ioctl, .eventfd = fake_eventfd,
	.read = fake_read, .write = fake_write,
};

struct fixture {
	struct vm vm;
	PCIBus bus;
	VFIOPCIDevice vdev;
};

static void config_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
	vfio_msix_write_config((VFIOPCIDevice *)pdev, addr, val, len);
}

static int setup(struct fixture *f, bool noresize)
{
	VFIOPCIDevice *v = &f->vdev;

	memset(&fk, 0, sizeof(fk));
	fk.next_fd = FIRST_FD;
	fk.vdev = v;
	assert_int_equal(kvm_init(&f->vm.kvm, &fake_ops), 0);
	assert_int_equal(kvm_irqchip_create(&f->vm.kvm), 0);
	pthread_mutex_init(&f->vm.bql, NULL);
	f->bus.vm = &f->vm;
	v->vm = &f->vm;
	v->device = 5;
	v->stop_fd = STOP_FD;
	vfio_intx_init(v);
	v->msix_noresize = noresize;
	snprintf(v->host, sizeof(v->host), "0000:00:02.0");
	for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++) {
		v->msi_vectors[i].interrupt = v->msi_vectors[i].kvm_interrupt = -1;
		v->msi_vectors[i].virq = -1;
	}
	pci_device_init(&v->pdev, "E", "vfio-pci", 0x8086, 0x10d3, 0x02000000);
	v->pdev.bus = &f->bus;
	v->pdev.devfn = 1 << 3;
	v->pdev.config_write = config_write;
	assert_int_equal(msix_init(&v->pdev, NVEC, 0, 0, 0, PBA_OFFSET, 0), 0);
	for (unsigned int i = 0; i < NVEC; i++) {
		msix_table_mmio_write(&v->pdev, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_LOWER_ADDR,
				      0xfee00000u, 4);
		msix_table_mmio_write(&v->pdev, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA,
				      0x40 + i, 4);
	}
	fk.n = 0;
	return 0;
}

static int setup_noresize(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return setup(f, true);
}

static int setup_resizable(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return setup(f, false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	msix_uninit(&f->vdev.pdev);
	kvm_destroy(&f->vm.kvm);
	free(f);
	return 0;
}

/* the guest's side */

static void msix_control(struct fixture *f, bool enable)
{
	PCIDevice *d = &f->vdev.pdev;

	pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, enable ? PCI_MSIX_FLAGS_ENABLE : 0, 2);
}

static void vector_mask(struct fixture *f, unsigned int i, bool mask)
{
	msix_table_mmio_write(&f->vdev.pdev, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL,
			      mask ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0, 4);
}

/* the calls logged since the last check are exactly these, in order */
static void want_calls(const char *const *want, unsigned int n)
{
	bool same = fk.n == n;

	for (unsigned int i = 0; same && i < n; i++)
		same = !strcmp(fk.log[i], want[i]);
	if (!same) {
		for (unsigned int i = 0; i < n; i++)
			print_message("  wanted %u: %s\n", i, want[i]);
		for (unsigned int i = 0; i < fk.n; i++)
			print_message("  got    %u: %s\n", i, fk.log[i]);
		fail_msg("kernel calls differ from the %u wanted (got %u)", n, fk.n);
	}
	fk.n = 0;
}

#define WANT(...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	want_calls(w_, sizeof(w_) / sizeof(w_[0])); \
} while (0)
#define WANT_NONE()	want_calls(NULL, 0)

/* MSI-X on with every vector masked: vfio_enable_msix_no_vec, on either index */
static void enable_none_in_use(struct fixture *f)
{
	msix_control(f, true);
	WANT("SET_IRQS 0+1 [-]");
}

static void test_vfio_enable_with_no_vector_in_use_sets_vector_0_without_fd(void **state)
{
	enable_none_in_use(*state);
}

/* first use: route added and committed, irqfd, then the set grows (NORESIZE: whole again) */
static void test_vfio_noresize_growth_keeps_a_masked_vector_on_interrupt(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS off", "SET_IRQS 0+1 [k0]");
	vector_mask(f, 0, true);
	WANT("SET_IRQS 0+1 [i0]");
	/* vector 2's first use: 0 masked stays on interrupt, 1 unused has none */
	vector_mask(f, 2, false);
	WANT("ROUTING 40", "IRQFD gsi=24", "SET_IRQS off", "SET_IRQS 0+3 [i0,-,k2]");
	/* unmask of a released vector: update, commit (unchanged or not), trigger back */
	vector_mask(f, 0, false);
	WANT("ROUTING 40", "SET_IRQS 0+1 [k0]");
}

static void test_vfio_resizable_growth_sets_the_new_vector_alone(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS 0+1 [k0]");
	vector_mask(f, 0, true);
	WANT("SET_IRQS 0+1 [i0]");
	vector_mask(f, 2, false);
	WANT("ROUTING 40", "IRQFD gsi=24", "SET_IRQS 2+1 [k2]");
}

/* vectors unmasked before Enable: one commit, the irqfds, then the vectors */
static void enable_with_0_and_1_unmasked(struct fixture *f)
{
	vector_mask(f, 0, false);
	vector_mask(f, 1, false);
	WANT_NONE();
	msix_control(f, true);
}

static void test_vfio_noresize_enable_batches_routes_then_one_set_irqs(void **state)
{
	enable_with_0_and_1_unmasked(*state);
	WANT("ROUTING 40", "IRQFD gsi=2", "IRQFD gsi=24", "SET_IRQS 0+2 [k0,k1]");
}

static void test_vfio_resizable_enable_starts_with_no_vector_then_the_set(void **state)
{
	enable_with_0_and_1_unmasked(*state);
	WANT("ROUTING 40", "IRQFD gsi=2", "IRQFD gsi=24", "SET_IRQS 0+1 [-]",
	     "SET_IRQS 0+2 [k0,k1]");
}

/*
 * disable: each vector in use released (one SET_IRQS each) and unused, then
 * the index off, the irqfds removed; the routes released with no commit
 */
static void test_vfio_disable_releases_each_vector_before_the_index_goes(void **state)
{
	struct fixture *f = *state;
	PCIDevice *d = &f->vdev.pdev;

	enable_with_0_and_1_unmasked(f);
	fk.n = 0;
	vector_mask(f, 1, true);
	WANT("SET_IRQS 1+1 [i1]");
	msix_notify(d, 1);		/* vector 1 fired while masked */
	assert_true(msix_is_pending(d, 1));
	msix_control(f, false);
	WANT("SET_IRQS 0+1 [i0]", "SET_IRQS 1+1 [i1]", "SET_IRQS off", "IRQFD gsi=2 off",
	     "IRQFD gsi=24 off");
	assert_false(msix_is_pending(d, 1));
	assert_int_equal(d->msix_stats[1].cleared, 1);
	assert_int_equal(d->msix_entry_used[0], 0);
	assert_int_equal(d->msix_entry_used[1], 0);
	assert_int_equal(f->vm.kvm.irq_routes->nr, 38);
	assert_int_equal(f->vdev.nr_vectors, 0);
	assert_false(f->vdev.msix_on);
}

/* ---- the kernel refusing a vector's use or release (issue 12) ---- */

static uint64_t notifier_errors(struct fixture *f, unsigned int nr)
{
	struct msix_vector_stats st;

	msix_vector_stats(&f->vdev.pdev, nr, &st);
	return st.notifier_errors;
}

/*
 * No eventfd for `interrupt` at a first use: QEMU's vfio_pci_vector_init
 * only reports it and uses the vector anyway, so its release would give
 * VFIO no fd, "tear down". virq fails the use whole: no route, no irqfd,
 * no SET_IRQS, the vector not in use; counted. The next unmask tries again.
 */
static void test_vfio_use_without_an_interrupt_eventfd_changes_nothing(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	fk.eventfd_fail = true;
	vector_mask(f, 0, false);
	vector_mask(f, 0, true);
	WANT_NONE();
	assert_false(f->vdev.msi_vectors[0].use);
	assert_int_equal(f->vdev.pdev.msix_entry_used[0], 0);
	assert_int_equal(notifier_errors(f, 0), 1);
	vector_mask(f, 0, false);
	if (f->vdev.msix_noresize)
		WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS off", "SET_IRQS 0+1 [k0]");
	else
		WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS 0+1 [k0]");
}

/*
 * The commit of a first use's route refused: QEMU asserts
 * (kvm_irqchip_commit_routes). virq gives the route back and leaves the
 * vector on `interrupt`, QEMU's path for a vector with no virq
 * (vfio_msi_interrupt -> msix_notify -> KVM_SIGNAL_MSI); no irqfd on a GSI
 * the kernel does not route. Counted.
 */
static void test_vfio_first_use_commit_refused_stays_on_interrupt(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	fk.refuse_routing = true;
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "SET_IRQS off", "SET_IRQS 0+1 [i0]");
	assert_int_equal(f->vdev.msi_vectors[0].virq, -1);
	assert_int_equal(f->vm.kvm.irq_routes->nr, 38);
	assert_int_equal(notifier_errors(f, 0), 1);
}

/*
 * The commit of an unmask's route update refused: the kernel keeps the
 * old message, which VFIO's kvm_interrupt would reach through the irqfd.
 * virq takes the vector off KVM (irqfd, route, kvm_interrupt) and leaves
 * VFIO on `interrupt`; the next unmask adds a route again.
 */
static void test_vfio_update_commit_refused_takes_the_vector_off_kvm(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	vector_mask(f, 0, false);
	vector_mask(f, 0, true);
	msix_table_mmio_write(&f->vdev.pdev, PCI_MSIX_ENTRY_DATA, 0x50, 4);
	fk.n = 0;
	fk.refuse_routing = true;
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2 off", "SET_IRQS 0+1 [i0]");
	assert_int_equal(f->vdev.msi_vectors[0].virq, -1);
	assert_int_equal(f->vdev.msi_vectors[0].kvm_interrupt, -1);
	assert_int_equal(notifier_errors(f, 0), 1);
	fk.refuse_routing = false;
	vector_mask(f, 0, true);
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS 0+1 [k0]");
}

/*
 * KVM_IRQFD refused at a first use: QEMU's vfio_connect_kvm_msi_virq falls
 * back to the userspace path (route given back, `interrupt`), which virq
 * does too, and counts.
 */
static void test_vfio_irqfd_refused_falls_back_to_interrupt_and_is_counted(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	fk.irqfd_err = -EINVAL;
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS 0+1 [i0]");
	assert_int_equal(f->vdev.msi_vectors[0].virq, -1);
	assert_int_equal(f->vdev.msi_vectors[0].kvm_interrupt, -1);
	assert_int_equal(notifier_errors(f, 0), 1);
}

/* the batch's one commit refused at MSI-X enable: every vector on `interrupt` */
static void test_vfio_enable_batch_commit_refused_enables_on_interrupt(void **state)
{
	struct fixture *f = *state;

	fk.refuse_routing = true;
	enable_with_0_and_1_unmasked(f);
	WANT("ROUTING 40", "SET_IRQS 0+2 [i0,i1]");
	assert_int_equal(f->vm.kvm.irq_routes->nr, 38);
	assert_int_equal(notifier_errors(f, 0), 1);
	assert_int_equal(notifier_errors(f, 1), 1);
}

/*
 * VFIO_DEVICE_SET_IRQS refused at use, at release, at MSI-X enable: QEMU
 * reports each (error_report) and goes on; virq counts each on the vector
 * the call was for.
 */
static void test_vfio_set_irqs_refused_is_counted_on_the_vector(void **state)
{
	struct fixture *f = *state;

	fk.set_irqs_fail_nth = 1;
	enable_none_in_use(f);
	assert_int_equal(notifier_errors(f, 0), 1);
	fk.set_irqs_fail_nth = 1;
	vector_mask(f, 1, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS 1+1 [k1]");
	assert_int_equal(notifier_errors(f, 1), 1);
	fk.set_irqs_fail_nth = 1;
	vector_mask(f, 1, true);
	WANT("SET_IRQS 1+1 [i1]");
	assert_int_equal(notifier_errors(f, 1), 2);
}

/* NORESIZE growth: the whole set enabled again after the disable, refused */
static void test_vfio_noresize_growth_enable_refused_is_counted(void **state)
{
	struct fixture *f = *state;

	enable_none_in_use(f);
	fk.set_irqs_fail_nth = 2;
	vector_mask(f, 0, false);
	WANT("ROUTING 39", "IRQFD gsi=2", "SET_IRQS off", "SET_IRQS 0+1 [k0]");
	assert_int_equal(notifier_errors(f, 0), 1);
}

/* ---- INTx ---- */

/* pin A in slot 1, enabled as at realize */
static void intx_on(struct fixture *f, bool kvm)
{
	f->vdev.pdev.config[PCI_INTERRUPT_PIN] = 1;
	f->vdev.no_kvm_intx = !kvm;
	assert_int_equal(vfio_intx_enable(&f->vdev), 0);
}

/* vfio_intx_enable then vfio_intx_enable_kvm: the trigger first, KVM's irqfd under a mask */
static void test_vfio_intx_enable_wires_kvm_under_a_mask(void **state)
{
	struct fixture *f = *state;

	intx_on(f, true);
	WANT("INTX trigger ix", "INTX mask", "IRQFD gsi=21 resample=ux", "INTX unmask ux",
	     "INTX unmask");
	assert_true(f->vdev.intx.enabled);
	assert_true(f->vdev.intx.kvm_accel);
	assert_int_equal(f->vdev.intx.gsi, 21);
}

/* vfio_msix_enable: vfio_disable_interrupts first (the kernel refuses MSI-X while in INTx) */
static void test_vfio_msix_enable_takes_intx_off_first(void **state)
{
	struct fixture *f = *state;

	intx_on(f, true);
	fk.n = 0;
	msix_control(f, true);
	WANT("INTX mask", "IRQFD gsi=21 off", "INTX unmask", "INTX off", "SET_IRQS 0+1 [-]");
	assert_false(f->vdev.intx.enabled);
	assert_int_equal(f->vdev.intx.interrupt, -1);
	assert_int_equal(f->vdev.intx.unmask, -1);
}

/* vfio_msix_disable ends in vfio_intx_enable: new eventfds, KVM's irqfd again */
static void test_vfio_msix_disable_puts_intx_back(void **state)
{
	struct fixture *f = *state;

	intx_on(f, true);
	msix_control(f, true);
	fk.n = 0;
	msix_control(f, false);
	WANT("SET_IRQS off", "INTX trigger ix", "INTX mask", "IRQFD gsi=21 resample=ux",
	     "INTX unmask ux", "INTX unmask");
	assert_true(f->vdev.intx.kvm_accel);
}

/*
 * x-no-kvm-intx: the VMM raises the GSI (KVM_IRQ_LINE_STATUS) and the next
 * BAR access lowers it and unmasks (vfio_pci_intx_eoi); one not pending is
 * no EOI
 */
static void test_vfio_intx_slow_path_eoi_at_the_next_access(void **state)
{
	struct fixture *f = *state;

	intx_on(f, false);
	WANT("INTX trigger ix");
	vfio_pci_intx_eoi(&f->vdev);
	WANT_NONE();
	vfio_intx_interrupt(&f->vdev);
	WANT("LINE 21=1");
	vfio_pci_intx_eoi(&f->vdev);
	WANT("LINE 21=0", "INTX unmask");
	vfio_pci_intx_eoi(&f->vdev);
	WANT_NONE();
	assert_int_equal(f->vdev.intx.interrupts, 1);
	assert_int_equal(f->vdev.intx.eois, 1);
}

/*
 * KVM_IRQFD refused: vfio_intx_enable_kvm unwinds (the unmask eventfd
 * closed, never given to VFIO) and unmasks for the VMM, which now reads
 * `interrupt`: the slow path, as QEMU's "fail:" label
 */
static void test_vfio_intx_enable_kvm_failure_leaves_the_slow_path(void **state)
{
	struct fixture *f = *state;

	fk.irqfd_err = -EINVAL;
	intx_on(f, true);
	WANT("INTX trigger ix", "INTX mask", "IRQFD gsi=21 resample=ux", "INTX unmask");
	assert_true(f->vdev.intx.enabled);
	assert_false(f->vdev.intx.kvm_accel);
	assert_int_equal(f->vdev.intx.unmask, -1);
	vfio_intx_interrupt(&f->vdev);
	WANT("LINE 21=1");
}

/* the guest's INTx Disable holds the slow path's level back, and lets it out when cleared */
static void test_vfio_intx_disable_bit_holds_the_level(void **state)
{
	struct fixture *f = *state;
	PCIDevice *d = &f->vdev.pdev;

	intx_on(f, false);
	pci_config_write(d, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
	fk.n = 0;
	vfio_intx_interrupt(&f->vdev);
	WANT_NONE();
	pci_config_write(d, PCI_COMMAND, 0, 2);
	WANT("LINE 21=1");
	vfio_pci_intx_eoi(&f->vdev);
	WANT("LINE 21=0", "INTX unmask");
}

/* the slow path lowers a line it holds when INTx goes off */
static void test_vfio_intx_disable_lowers_a_held_line(void **state)
{
	struct fixture *f = *state;

	intx_on(f, false);
	vfio_intx_interrupt(&f->vdev);
	fk.n = 0;
	vfio_intx_disable(&f->vdev);
	WANT("INTX off", "LINE 21=0");
	assert_false(f->vdev.intx.pending);
}

#define T_NR(fn)	cmocka_unit_test_setup_teardown(fn, setup_noresize, teardown)
#define T_RS(fn)	cmocka_unit_test_setup_teardown(fn, setup_resizable, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_NR(test_vfio_enable_with_no_vector_in_use_sets_vector_0_without_fd),
		T_RS(test_vfio_enable_with_no_vector_in_use_sets_vector_0_without_fd),
		T_NR(test_vfio_noresize_growth_keeps_a_masked_vector_on_interrupt),
		T_RS(test_vfio_resizable_growth_sets_the_new_vector_alone),
		T_NR(test_vfio_noresize_enable_batches_routes_then_one_set_irqs),
		T_RS(test_vfio_resizable_enable_starts_with_no_vector_then_the_set),
		T_NR(test_vfio_disable_releases_each_vector_before_the_index_goes),
		T_RS(test_vfio_disable_releases_each_vector_before_the_index_goes),
		T_NR(test_vfio_use_without_an_interrupt_eventfd_changes_nothing),
		T_RS(test_vfio_use_without_an_interrupt_eventfd_changes_nothing),
		T_NR(test_vfio_first_use_commit_refused_stays_on_interrupt),
		T_RS(test_vfio_update_commit_refused_takes_the_vector_off_kvm),
		T_RS(test_vfio_irqfd_refused_falls_back_to_interrupt_and_is_counted),
		T_NR(test_vfio_enable_batch_commit_refused_enables_on_interrupt),
		T_RS(test_vfio_set_irqs_refused_is_counted_on_the_vector),
		T_NR(test_vfio_noresize_growth_enable_refused_is_counted),
		T_RS(test_vfio_intx_enable_wires_kvm_under_a_mask),
		T_RS(test_vfio_msix_enable_takes_intx_off_first),
		T_RS(test_vfio_msix_disable_puts_intx_back),
		T_RS(test_vfio_intx_slow_path_eoi_at_the_next_access),
		T_RS(test_vfio_intx_disable_lowers_a_held_line),
		T_RS(test_vfio_intx_enable_kvm_failure_leaves_the_slow_path),
		T_RS(test_vfio_intx_disable_bit_holds_the_level),
	};

	return cmocka_run_group_tests_name("vfio MSI-X and INTx kernel calls (QEMU 11.1 order, fake kernel)",
					   tests, NULL, NULL);
}
