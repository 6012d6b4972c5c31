// SPDX-License-Identifier: GPL-2.0
/*
 * test_vfio_pci.c - realize of a passed-through device (src/hw/vfio/pci.c)
 * against a fake kernel behind the sys_ops seam: just enough sysfs, VFIO
 * group, container and device, and KVM-VFIO device for vfio_pci_realize to
 * reach the bus, and a fault to inject after it (the eventfd the MSI-X
 * reader thread needs, the INTx trigger's SET_IRQS). What the real kernel
 * does with a passthrough device is the lab's business (vfio-*.virq).
 *
 * The device: an e1000e-like function, BAR 0 of 16 KiB with the MSI-X
 * table at 0 and the PBA at 0x2000, 4 vectors, INTx pin A. sysfs lists
 * three functions bound to vfio-pci (fake_fns), for host=VENDOR:DEVICE.
 */
#include <dirent.h>
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
#include <linux/vfio.h>

#include "hw/pci/msix.h"
#include "hw/vfio/pci.h"
#include "vmm/vm.h"
#include "fake-kvm.h"

#define HOST		"0000:00:03.0"
#define FAKE_FD		1000	/* fds from here on are the fake's: group, container, device */
#define SYSFS_DIR_FD	900	/* /sys/bus/pci/drivers/vfio-pci */
#define SYSFS_ATTR_FD	901	/* + 2 * function (+ 1 for device): its vendor, device files */

/* what vfio-pci has bound, in directory order (not sorted) */
static const struct { const char *bdf; unsigned int vendor, device; } fake_fns[] = {
	{ "0000:00:04.0", 0x8086, 0x10d3 },
	{ "0000:00:05.0", 0x1234, 0x11e8 },
	{ "0000:00:03.0", 0x8086, 0x10d3 },
};
#define NR_FAKE_FNS	(int)(sizeof(fake_fns) / sizeof(fake_fns[0]))
#define BAR0_SIZE	0x4000
#define MSIX_CAP	0x40

static struct {
	int next_fd;
	bool eventfd_fail;		/* every eventfd fails with EMFILE */
	bool intx_trigger_fail;		/* SET_IRQS INTx ACTION_TRIGGER fails with EINVAL */
	unsigned int eventfds, intx_triggers;	/* calls seen: the fault was reached */
	bool dir_read;			/* the driver directory was listed once */
} fk;

static int f_open(void *p, const char *path, int fl)
{
	static const char dev[] = "/sys/bus/pci/devices/";

	(void)p; (void)fl;
	if (!strcmp(path, "/sys/bus/pci/drivers/vfio-pci")) {
		fk.dir_read = false;
		return SYSFS_DIR_FD;
	}
	for (int i = 0; i < NR_FAKE_FNS && !strncmp(path, dev, sizeof(dev) - 1); i++) {
		const char *a = path + sizeof(dev) - 1;
		size_t l = strlen(fake_fns[i].bdf);

		if (!strncmp(a, fake_fns[i].bdf, l) && !strcmp(a + l, "/vendor"))
			return SYSFS_ATTR_FD + 2 * i;
		if (!strncmp(a, fake_fns[i].bdf, l) && !strcmp(a + l, "/device"))
			return SYSFS_ATTR_FD + 2 * i + 1;
	}
	return fk.next_fd++;
}

static int f_close(void *p, int fd)
{
	(void)p;
	return fd >= SYSFS_DIR_FD || fd <= 3 ? 0 : close(fd);
}

/* a vendor or device attribute: "0x8086\n" */
static ssize_t f_read(void *p, int fd, void *buf, size_t n)
{
	int i = (fd - SYSFS_ATTR_FD) / 2;

	if (fd < SYSFS_ATTR_FD || i >= NR_FAKE_FNS)
		return fake_real_read(p, fd, buf, n);
	return snprintf(buf, n, "0x%04x\n", (fd - SYSFS_ATTR_FD) % 2 ? fake_fns[i].device :
			fake_fns[i].vendor);
}

/* the driver directory: bind, the functions, module; then the end */
static ssize_t f_getdents(void *p, int fd, void *buf, size_t n)
{
	const char *names[NR_FAKE_FNS + 2] = { "bind" };
	size_t off = 0;

	(void)p;
	if (fd != SYSFS_DIR_FD)
		return -ENOTDIR;
	if (fk.dir_read)
		return 0;
	for (int i = 0; i < NR_FAKE_FNS; i++)
		names[1 + i] = fake_fns[i].bdf;
	names[NR_FAKE_FNS + 1] = "module";
	for (int i = 0; i < NR_FAKE_FNS + 2; i++) {
		struct dirent64 *d = (struct dirent64 *)((char *)buf + off);
		size_t len = (offsetof(struct dirent64, d_name) + strlen(names[i]) + 1 + 7) & ~7ul;

		if (off + len > n)
			return -EINVAL;
		memset(d, 0, len);
		d->d_reclen = (unsigned short)len;
		snprintf(d->d_name, len - offsetof(struct dirent64, d_name), "%s", names[i]);
		off += len;
	}
	fk.dir_read = true;
	return (ssize_t)off;
}

static int f_eventfd(void *p, unsigned int v, int fl)
{
	fk.eventfds++;
	return fk.eventfd_fail ? -EMFILE : fake_real_eventfd(p, v, fl);
}

static int f_poll(void *p, struct pollfd *f, nfds_t n, int t)
{
	(void)p;
	return poll(f, n, t) < 0 ? -errno : 0;
}

static ssize_t f_readlink(void *p, const char *path, char *buf, size_t n)
{
	const char *t = strstr(path, "/driver") ? "../../bus/pci/drivers/vfio-pci" :
			strstr(path, "/iommu_group") ? "../../kernel/iommu_groups/7" :
			"../../devices/pci0000:00/";

	(void)p;
	/* the device's own link ends in its BDF */
	snprintf(buf, n, "%s%s", t, strstr(path, "/driver") || strstr(path, "/iommu_group") ? "" :
		 strrchr(path, '/') + 1);
	return (ssize_t)strlen(buf);
}

/* the physical config space: ids, BAR 0 (32-bit memory), MSI-X, pin A */
static ssize_t f_pread(void *p, int fd, void *buf, size_t n, off_t off)
{
	uint8_t c[PCI_CONFIG_SIZE] = { 0 };

	(void)p; (void)fd; (void)off;
	pci_set_word(c + PCI_VENDOR_ID, 0x8086);
	pci_set_word(c + PCI_DEVICE_ID, 0x10d3);
	pci_set_long(c + PCI_CLASS_REVISION, 0x02000000);
	pci_set_word(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_CAPABILITY_LIST] = MSIX_CAP;
	c[MSIX_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	pci_set_word(c + MSIX_CAP + PCI_MSIX_FLAGS, 4 - 1);
	pci_set_long(c + MSIX_CAP + PCI_MSIX_TABLE, 0);
	pci_set_long(c + MSIX_CAP + PCI_MSIX_PBA, 0x2000);
	c[PCI_INTERRUPT_PIN] = 1;
	memcpy(buf, c, n < sizeof(c) ? n : sizeof(c));
	return (ssize_t)n;
}

static ssize_t f_pwrite(void *p, int fd, const void *buf, size_t n, off_t off)
{
	(void)p; (void)fd; (void)buf; (void)off;
	return (ssize_t)n;
}

static int f_mmap(void *p, void **a, size_t l, int pr, int fl, int fd, off_t off)
{
	(void)p; (void)a; (void)l; (void)pr; (void)fl; (void)fd; (void)off;
	return -ENODEV;
}

static long f_vfio_ioctl(unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GROUP_GET_STATUS:
		((struct vfio_group_status *)arg)->flags = VFIO_GROUP_FLAGS_VIABLE;
		return 0;
	case VFIO_GET_API_VERSION: return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION: return 1;	/* type1 and type1v2 */
	case VFIO_GROUP_GET_DEVICE_FD: return fk.next_fd++;
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *i = arg;

		i->flags = VFIO_DEVICE_FLAGS_PCI;
		i->num_regions = VFIO_PCI_NUM_REGIONS;
		i->num_irqs = VFIO_PCI_NUM_IRQS;
		return 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info *r = arg;

		r->size = r->index == VFIO_PCI_BAR0_REGION_INDEX ? BAR0_SIZE :
			  r->index == VFIO_PCI_CONFIG_REGION_INDEX ? PCI_CONFIG_SIZE : 0;
		r->offset = (uint64_t)r->index << 40;
		r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		return 0;
	}
	case VFIO_DEVICE_GET_IRQ_INFO:
		((struct vfio_irq_info *)arg)->count = 4;
		return 0;
	case VFIO_DEVICE_SET_IRQS: {
		struct vfio_irq_set *s = arg;
		bool trigger = s->index == VFIO_PCI_INTX_IRQ_INDEX &&
			       (s->flags & VFIO_IRQ_SET_ACTION_TRIGGER) && s->count;

		fk.intx_triggers += trigger;
		return fk.intx_trigger_fail && s->index == VFIO_PCI_INTX_IRQ_INDEX &&
		       (s->flags & VFIO_IRQ_SET_ACTION_TRIGGER) && s->count ? -EINVAL : 0;
	}
	default: return 0;
	}
}

static long f_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	(void)p; (void)fd;
	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	if (req == KVM_CREATE_DEVICE) {
		((struct kvm_create_device *)arg)->fd = (uint32_t)fk.next_fd++;
		return 0;
	}
	if (req == KVM_SET_DEVICE_ATTR || req == KVM_SET_GSI_ROUTING || req == KVM_IRQFD ||
	    req == KVM_CREATE_IRQCHIP || req == KVM_IRQ_LINE_STATUS)
		return 0;
	return f_vfio_ioctl(req, arg);
}

static const struct sys_ops fake_kernel = {
	.open = f_open, .close = f_close, .ioctl = f_ioctl, .eventfd = f_eventfd,
	.read = f_read, .write = fake_real_write, .pread = f_pread, .pwrite = f_pwrite,
	.mmap = f_mmap, .poll = f_poll, .readlink = f_readlink, .getdents = f_getdents,
};

static struct vm vm;
static PCIBus bus;

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.next_fd = FAKE_FD;
	memset(&vm, 0, sizeof(vm));
	if (kvm_init(&vm.kvm, &fake_kernel) || kvm_irqchip_create(&vm.kvm))
		return -1;
	pthread_mutex_init(&vm.bql, NULL);
	pthread_mutex_init(&vm.lock, NULL);
	return pci_bus_init(&bus, &vm);
}

static int teardown(void **state)
{
	(void)state;
	kvm_destroy(&vm.kvm);
	return 0;
}

/* realize failed after the device was on the bus: the slot is free again */
static void want_bus_slot_free(void)
{
	/* what a later bus walk does (config cycles, pci_bus_find): ASan sees a freed device */
	assert_null(pci_bus_find(&bus, "E"));
	if (bus.devices[1])
		fail_msg("bus slot 1 after the failed realize: wanted empty, got the freed device %p",
			 (void *)bus.devices[1]);
}

/* the fake is whole: realize works, and unrealize frees the slot */
static void test_fake_kernel_vfio_realize_and_unrealize(void **state)
{
	PCIDevice *d;

	(void)state;
	d = vfio_pci_realize(&vm, &bus, "E", HOST);
	assert_non_null(d);
	assert_ptr_equal(bus.devices[1], d);
	vfio_pci_unrealize(d);
	assert_null(bus.devices[1]);
}

/*
 * vfio_msix_start fails (no eventfd for the reader thread) after
 * pci_bus_add_device. QEMU's pci_qdev_realize takes a device whose realize
 * failed off the bus (do_pci_unregister_device); the error path must too.
 */
static void test_fake_kernel_vfio_msix_start_failure_frees_the_bus_slot(void **state)
{
	(void)state;
	fk.eventfd_fail = true;
	assert_null(vfio_pci_realize(&vm, &bus, "E", HOST));
	assert_int_equal(fk.eventfds, 1);	/* realize got that far */
	want_bus_slot_free();
}

/* INTx refused (SET_IRQS ACTION_TRIGGER) after the thread started: the same */
static void test_fake_kernel_vfio_intx_enable_failure_frees_the_bus_slot(void **state)
{
	(void)state;
	fk.intx_trigger_fail = true;
	assert_null(vfio_pci_realize(&vm, &bus, "E", HOST));
	assert_int_equal(fk.intx_triggers, 1);	/* realize got that far */
	want_bus_slot_free();
}

/*
 * host=VENDOR:DEVICE on several device lines (virq's; QEMU takes a BDF): the
 * lowest such function the VM does not have yet, and none once all are its
 */
static void test_fake_kernel_vfio_same_ids_take_the_functions_in_turn(void **state)
{
	VFIOPCIDevice *a, *b;

	(void)state;
	a = (VFIOPCIDevice *)vfio_pci_realize(&vm, &bus, "A", "8086:10d3");
	b = (VFIOPCIDevice *)vfio_pci_realize(&vm, &bus, "B", "8086:10d3");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->host, "0000:00:03.0");
	assert_string_equal(b->host, "0000:00:04.0");
	/* 00:05.0 has other IDs */
	assert_null(vfio_pci_realize(&vm, &bus, "C", "8086:10d3"));
	/* B's function is free again once B is gone */
	vfio_pci_unrealize(&b->pdev);
	b = (VFIOPCIDevice *)vfio_pci_realize(&vm, &bus, "B", "8086:10d3");
	assert_non_null(b);
	assert_string_equal(b->host, "0000:00:04.0");
	vfio_pci_unrealize(&b->pdev);
	vfio_pci_unrealize(&a->pdev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_kernel_vfio_realize_and_unrealize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fake_kernel_vfio_msix_start_failure_frees_the_bus_slot,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kernel_vfio_intx_enable_failure_frees_the_bus_slot,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_kernel_vfio_same_ids_take_the_functions_in_turn,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("vfio-pci realize and its error paths (fake kernel)", tests,
					   NULL, NULL);
}
