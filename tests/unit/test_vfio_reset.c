// SPDX-License-Identifier: GPL-2.0
/*
 * test_vfio_reset.c - a passed-through device's reset
 * (src/hw/vfio/pci-reset.c, then hw/pci/reset.c) in the order QEMU's
 * vfio_pci_reset makes its kernel calls (10.2.0's, whose steps 11.1's
 * trace events name): interrupts off, the reset VFIO offers (FLR first,
 * else a bus reset asked for, then the PM reset), INTx back, the device's
 * BARs cleared; then the emulated side reset. A fake kernel behind the
 * sys_ops seam logs the calls as short strings, as test_vfio_irq.c's:
 * "SET_IRQS 0+1 [i0]", "IRQFD gsi=2 off", "INTX trigger ix", and here
 * "HOT_RESET_INFO", "RESET", "CFG 0x10=0" (a config write through the
 * config region). What the real kernel does is the lab's
 * (scenarios/vfio-reset.virq).
 *
 * The device: 4 vectors, table and PBA in BAR 0, INTx pin A (q35's GSI
 * 21 in slot 1); its config space has a PM capability at 0x50 and a PCIe
 * one at 0x60, FLR in DEVCAP where a test says so.
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
#define PM_CAP		0x50
#define EXP_CAP		0x60

static struct {
	char log[48][64];
	unsigned int n;
	int next_fd;
	uint8_t phys[PCI_CONFIG_SIZE];	/* the device's config space */
	long hot_reset_info;		/* GET_PCI_HOT_RESET_INFO's answer: -ENODEV, or 0 */
	uint32_t dep_group;		/* ... with one dependent device in this group */
	long reset_err;			/* VFIO_DEVICE_RESET's -errno, 0 = ok */
	VFIOPCIDevice *vdev;
} fk;

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

static char *log_line(void)
{
	if (fk.n >= sizeof(fk.log) / sizeof(fk.log[0]))
		fail_msg("call log full");
	return fk.log[fk.n++];
}

static void log_set_irqs(const struct vfio_irq_set *s)
{
	char *l = log_line(), name[8] = "";
	size_t len;

	if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD && s->count)
		fd_name(name, sizeof(name), ((const int32_t *)s->data)[0]);
	if (s->index == VFIO_PCI_INTX_IRQ_INDEX) {
		snprintf(l, 64, "INTX %s%s%s", !s->count ? "off" :
			 s->flags & VFIO_IRQ_SET_ACTION_MASK ? "mask" :
			 s->flags & VFIO_IRQ_SET_ACTION_UNMASK ? "unmask" : "trigger",
			 *name ? " " : "", name);
		return;
	}
	if (s->flags & VFIO_IRQ_SET_DATA_NONE) {
		snprintf(l, 64, "SET_IRQS off");
		return;
	}
	len = (size_t)snprintf(l, 64, "SET_IRQS %u+%u [", s->start, s->count);
	for (unsigned int i = 0; i < s->count && len < 60; i++) {
		fd_name(name, sizeof(name), ((const int32_t *)s->data)[i]);
		len += (size_t)snprintf(l + len, 64 - len, "%s%s", i ? "," : "", name);
	}
	snprintf(l + len, 64 - len, "]");
}

static long fake_hot_reset_info(struct vfio_pci_hot_reset_info *info)
{
	snprintf(log_line(), 64, "HOT_RESET_INFO");
	if (fk.hot_reset_info < 0)
		return fk.hot_reset_info;
	info->count = 2;	/* itself, and a device of group dep_group */
	info->devices[0] = (struct vfio_pci_dependent_device){ .group_id = 7, .devfn = 2 << 3 };
	info->devices[1] = (struct vfio_pci_dependent_device){ .group_id = fk.dep_group,
							       .devfn = 3 << 3 };
	return 0;
}

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	switch (req) {
	case KVM_SET_GSI_ROUTING:
		snprintf(log_line(), 64, "ROUTING %u", ((struct kvm_irq_routing *)arg)->nr);
		return 0;
	case KVM_IRQFD: {
		struct kvm_irqfd *i = arg;
		char rfd[8];

		fd_name(rfd, sizeof(rfd), (int32_t)i->resamplefd);
		snprintf(log_line(), 64, "IRQFD gsi=%u%s%s%s", i->gsi,
			 i->flags & KVM_IRQFD_FLAG_DEASSIGN ? " off" : "",
			 i->flags & KVM_IRQFD_FLAG_RESAMPLE ? " resample=" : "",
			 i->flags & KVM_IRQFD_FLAG_RESAMPLE ? rfd : "");
		return 0;
	}
	case KVM_IRQ_LINE_STATUS:
		((struct kvm_irq_level *)arg)->status = 1;
		return 0;
	case VFIO_DEVICE_SET_IRQS:
		log_set_irqs(arg);
		return 0;
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return fake_hot_reset_info(arg);
	case VFIO_DEVICE_PCI_HOT_RESET:
		snprintf(log_line(), 64, "HOT_RESET groups=%u",
			 ((struct vfio_pci_hot_reset *)arg)->count);
		return 0;
	case VFIO_DEVICE_RESET:
		snprintf(log_line(), 64, "RESET");
		return fk.reset_err;
	default: return 0;
	}
}

static ssize_t fake_pread(void *p, int fd, void *buf, size_t n, off_t off)
{
	(void)p; (void)fd;
	if (off < 0 || (size_t)off + n > sizeof(fk.phys))
		return -EINVAL;
	memcpy(buf, fk.phys + off, n);
	return (ssize_t)n;
}

static ssize_t fake_pwrite(void *p, int fd, const void *buf, size_t n, off_t off)
{
	uint32_t v = 0;

	(void)p; (void)fd;
	if (off < 0 || (size_t)off + n > sizeof(fk.phys))
		return -EINVAL;
	memcpy(fk.phys + off, buf, n);
	memcpy(&v, buf, n < 4 ? n : 4);
	snprintf(log_line(), 64, "CFG 0x%02x=%x", (unsigned int)off, v);
	return (ssize_t)n;
}

static int fake_eventfd(void *p, unsigned int v, int flags)
{
	(void)p; (void)v; (void)flags;
	return fk.next_fd++;
}

static int fake_open(void *p, const char *path, int flags) { (void)p; (void)path; (void)flags; return 3; }
static int fake_close(void *p, int fd) { (void)p; (void)fd; return 0; }
static ssize_t fake_write(void *p, int fd, const void *b, size_t n) { (void)p; (void)fd; (void)b; return (ssize_t)n; }

static const struct sys_ops fake_ops = {
	.open = fake_open, .close = fake_close, .ioctl = fake_ioctl, .eventfd = fake_eventfd,
	.write = fake_write, .pread = fake_pread, .pwrite = fake_pwrite,
};

struct fixture {
	struct vm vm;
	PCIBus bus;
	VFIOPCIDevice vdev;
};

/* as vfio_pci_write_config: MSI-X follows a write to Message Control only */
static void config_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
	uint32_t mc = pdev->msix_cap + PCI_MSIX_FLAGS;

	if (pdev->msix_cap && addr < mc + 2 && mc < addr + (uint32_t)len)
		vfio_msix_write_config((VFIOPCIDevice *)pdev, addr, val, len);
}

/* PM at 0x50 (No_Soft_Reset clear: a PM reset), PCIe at 0x60, FLR in DEVCAP if flr */
static void phys_config(bool flr)
{
	uint8_t *c = fk.phys;

	pci_set_word(c + PCI_VENDOR_ID, 0x8086);
	pci_set_word(c + PCI_DEVICE_ID, 0x10d3);
	pci_set_word(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_CAPABILITY_LIST] = PM_CAP;
	c[PM_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_PM;
	c[PM_CAP + PCI_CAP_LIST_NEXT] = EXP_CAP;
	c[EXP_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	pci_set_long(c + EXP_CAP + PCI_EXP_DEVCAP, flr ? PCI_EXP_DEVCAP_FLR : 0);
	pci_set_long(c + PCI_BASE_ADDRESS_0, 0xfebc0000);
}

static void fixture_init(struct fixture *f)
{
	VFIOPCIDevice *v = &f->vdev;

	memset(&fk, 0, sizeof(fk));
	fk.next_fd = FIRST_FD;
	fk.vdev = v;
	fk.hot_reset_info = -ENODEV;
	assert_int_equal(kvm_init(&f->vm.kvm, &fake_ops), 0);
	assert_int_equal(kvm_irqchip_create(&f->vm.kvm), 0);
	pthread_mutex_init(&f->vm.bql, NULL);
	f->bus.vm = &f->vm;
	v->vm = &f->vm;
	v->device = 5;
	v->group = 6;
	v->group_id = 7;
	v->stop_fd = STOP_FD;
	v->info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	vfio_intx_init(v);
	snprintf(v->host, sizeof(v->host), "0000:00:02.0");
	for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++) {
		v->msi_vectors[i].interrupt = v->msi_vectors[i].kvm_interrupt = -1;
		v->msi_vectors[i].virq = -1;
	}
}

/* the emulated device, MSI-X on with vector 0 in use and vector 1 masked with its bit pending */
static int setup_flr(struct fixture *f, bool flr)
{
	VFIOPCIDevice *v = &f->vdev;
	PCIDevice *d = &v->pdev;

	fixture_init(f);
	phys_config(flr);
	pci_device_init(d, "E", "vfio-pci", 0x8086, 0x10d3, 0x02000000);
	d->bus = &f->bus;
	d->devfn = 1 << 3;
	d->config_write = config_write;
	d->config[PCI_INTERRUPT_PIN] = 1;
	pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, 0x4000, NULL, NULL);
	assert_int_equal(msix_init(d, NVEC, 0, 0, 0, PBA_OFFSET, 0), 0);
	for (unsigned int i = 0; i < NVEC; i++) {
		msix_table_mmio_write(d, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_LOWER_ADDR,
				      0xfee00000u, 4);
		msix_table_mmio_write(d, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA, 0x40 + i, 4);
	}
	pci_config_write(d, PCI_BASE_ADDRESS_0, 0xc0000000, 4);
	pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	assert_int_equal(vfio_intx_enable(v), 0);
	pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	for (unsigned int i = 0; i < 2; i++)
		msix_table_mmio_write(d, i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	msix_table_mmio_write(d, PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL,
			      PCI_MSIX_ENTRY_CTRL_MASKBIT, 4);
	msix_notify(d, 1);
	assert_true(msix_is_pending(d, 1));
	fk.n = 0;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return setup_flr(f, false);
}

static int setup_with_flr(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return setup_flr(f, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	msix_uninit(&f->vdev.pdev);
	kvm_destroy(&f->vm.kvm);
	free(f);
	return 0;
}

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

/*
 * vfio_pci_pre_reset's part, the same whatever the reset: vfio_msix_disable
 * (msix_unset_vector_notifiers releases the unmasked vector 0, the loop
 * releases 0 and 1 again, the index off, the irqfds off, then INTx on as
 * vfio_msix_disable ends), vfio_intx_disable
 */
#define PRE_RESET_CALLS \
	"SET_IRQS 0+1 [i0]", "SET_IRQS 0+1 [i0]", "SET_IRQS 1+1 [i1]", "SET_IRQS off", \
	"IRQFD gsi=2 off", "IRQFD gsi=24 off", \
	"INTX trigger ix", "INTX mask", "IRQFD gsi=21 resample=ux", "INTX unmask ux", \
	"INTX unmask", \
	"INTX mask", "IRQFD gsi=21 off", "INTX unmask", "INTX off"
/* vfio_pci_post_reset: INTx as at realize, then the six BARs written 0 */
#define POST_RESET_CALLS \
	"INTX trigger ix", "INTX mask", "IRQFD gsi=21 resample=ux", "INTX unmask ux", \
	"INTX unmask", \
	"CFG 0x10=0", "CFG 0x14=0", "CFG 0x18=0", "CFG 0x1c=0", "CFG 0x20=0", "CFG 0x24=0"

/* what the emulated side shows after any reset: the guest's setup gone */
static void want_emulated_reset(struct fixture *f)
{
	PCIDevice *d = &f->vdev.pdev;
	struct msix_vector_stats st;

	assert_false(msix_enabled(d));
	assert_false(f->vdev.msix_on);
	for (unsigned int i = 0; i < NVEC; i++) {
		if (!msix_is_masked(d, i) || msix_get_message(d, i).address || msix_is_pending(d, i))
			fail_msg("vector %u after the reset: wanted masked, zero and not pending", i);
		assert_int_equal(d->msix_table[i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL],
				 PCI_MSIX_ENTRY_CTRL_MASKBIT);
	}
	msix_vector_stats(d, 1, &st);
	if (st.dropped != 1 || st.pending)
		fail_msg("vector 1's pending interrupt after the reset: wanted dropped 1 pending 0, got dropped %llu pending %llu",
			 (unsigned long long)st.dropped, (unsigned long long)st.pending);
	assert_int_equal(pci_get_word(d->config + PCI_COMMAND), 0);
	assert_int_equal(pci_get_long(d->config + PCI_BASE_ADDRESS_0), PCI_BASE_ADDRESS_SPACE_MEMORY);
	assert_int_equal(pci_bar_address(d, 0), PCI_BAR_UNMAPPED);
	assert_true(f->vdev.intx.enabled);
	assert_true(f->vdev.intx.kvm_accel);
	assert_int_equal(f->vm.kvm.nr_irqfds, 1);		/* INTx's */
	assert_int_equal(f->vm.kvm.irq_routes->nr, 38);	/* released, not committed */
}

/* QEMU's e1000e in the lab: no FLR, a PM reset; a bus reset asked for first (ENODEV) */
static void test_vfio_reset_without_flr_asks_for_a_bus_reset_then_pm_resets(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), 0);
	WANT(PRE_RESET_CALLS, "HOT_RESET_INFO", "RESET", POST_RESET_CALLS);
	want_emulated_reset(f);
}

/* FLR in DEVCAP: VFIO_DEVICE_RESET at once, no bus reset looked for */
static void test_vfio_reset_with_flr_resets_at_once(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), 0);
	WANT(PRE_RESET_CALLS, "RESET", POST_RESET_CALLS);
	want_emulated_reset(f);
}

/* a bus reset touching only vdev's own group is done with its group fd, no PM reset after */
static void test_vfio_reset_bus_reset_within_the_group(void **state)
{
	struct fixture *f = *state;

	fk.hot_reset_info = 0;
	fk.dep_group = 7;
	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), 0);
	WANT(PRE_RESET_CALLS, "HOT_RESET_INFO", "HOT_RESET groups=1", POST_RESET_CALLS);
	want_emulated_reset(f);
}

/* ... one that would reset a group not ours is not done (QEMU: EPERM): the PM reset instead */
static void test_vfio_reset_bus_reset_needing_another_group_falls_back_to_pm(void **state)
{
	struct fixture *f = *state;

	fk.hot_reset_info = 0;
	fk.dep_group = 8;
	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), 0);
	WANT(PRE_RESET_CALLS, "HOT_RESET_INFO", "RESET", POST_RESET_CALLS);
}

/* no reset at all: reported, and the device is left quiesced and back on INTx, as QEMU's */
static void test_vfio_reset_nothing_works_returns_the_error_after_post_reset(void **state)
{
	struct fixture *f = *state;

	fk.reset_err = -EIO;
	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), -EIO);
	WANT(PRE_RESET_CALLS, "HOT_RESET_INFO", "RESET", POST_RESET_CALLS);
	want_emulated_reset(f);
}

/* a device in D3hot is brought to D0 before the reset (vfio_pci_pre_reset) */
static void test_vfio_reset_puts_a_device_in_d3_back_in_d0(void **state)
{
	struct fixture *f = *state;

	pci_set_word(fk.phys + PM_CAP + PCI_PM_CTRL, 3);	/* D3hot */
	assert_int_equal(vfio_pci_reset(&f->vdev.pdev), 0);
	WANT(PRE_RESET_CALLS, "CFG 0x54=0", "HOT_RESET_INFO", "RESET", POST_RESET_CALLS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_vfio_reset_without_flr_asks_for_a_bus_reset_then_pm_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_reset_with_flr_resets_at_once,
						setup_with_flr, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_reset_bus_reset_within_the_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_vfio_reset_bus_reset_needing_another_group_falls_back_to_pm, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_vfio_reset_nothing_works_returns_the_error_after_post_reset, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_vfio_reset_puts_a_device_in_d3_back_in_d0, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("vfio-pci reset (QEMU's vfio_pci_reset, fake kernel)",
					   tests, NULL, NULL);
}
