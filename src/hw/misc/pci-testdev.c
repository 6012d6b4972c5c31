// SPDX-License-Identifier: GPL-2.0
/*
 * pci-testdev.c - QEMU's PCI test device 1b36:0005 (hw/misc/pci-testdev.c,
 * read in a 7.x copy, the one with sysemu/kvm.h, the fastmmio test and the
 * membar property but not membar-backed, as the strings of Debian's 7.2
 * binary; and in 10.2, which has the same tests; 11.1's binary has the same
 * regions), which kvm-unit-tests' lib/pci-testdev.c and x86/vmexit.c
 * drive: the cost of a write that exits to the VMM against one an
 * ioeventfd takes in the kernel. The optional BAR2 (membar=) is not here.
 *
 * BAR0 4 KiB memory ("pci-testdev-mmio", IOTEST_MEMSIZE * 2), BAR1 256
 * bytes of I/O ("pci-testdev-portio", IOTEST_IOSIZE * 2); class 0x00ff
 * (QEMU's PCI_CLASS_OTHERS as the 16-bit class word), no interrupt pin.
 * Each BAR has three tests, numbered as QEMU's table (type * 3 + test):
 *
 *   0 mmio-no-eventfd         3 portio-no-eventfd         no ioeventfd
 *   1 mmio-wildcard-eventfd   4 portio-wildcard-eventfd   any value
 *   2 mmio-datamatch-eventfd  5 portio-datamatch-eventfd  datamatch 0xfa
 *
 * A byte written to BAR offset 0 stops the running test and starts test
 * (BAR's type * 3 + byte) if the byte is below 3. While a test runs, the
 * BAR reads as its header (PCITestDevHdr: test, width, offset, data, count,
 * name), and the test's address is BAR + offset (2048 + n in BAR0, 128 + n
 * in BAR1, width 1 byte). A write there that reaches the device bumps
 * count (pci_testdev_inc): every one for a wildcard test, one of the data
 * byte for a datamatch test. An eventfd test puts KVM_IOEVENTFD on that
 * address (memory_region_add_eventfd): the kernel takes the writes, signals
 * the eventfd, and count stays 0; a read of the header clears the eventfd
 * (event_notifier_test_and_clear). So under QEMU (KVM or TCG, which
 * matches ioeventfds in its memory core) the no-eventfd tests count every
 * write and the eventfd ones none, and lib/pci-testdev.c takes either (0 or
 * the number written). virq keeps QEMU's guest-visible count and, for
 * itself, adds what it reads from each eventfd (signals, in the trace).
 *
 * mmio-wildcard-eventfd's ioeventfd has length 0 (any access width) when
 * the kernel has KVM_CAP_IOEVENTFD_ANY_LENGTH (7.2: the fastmmio test;
 * 10.2 requires the capability and always does it), the others length 1.
 *
 * Accesses: QEMU's ops have impl.max_access_size 1, and a KVM exit goes
 * through address_space_rw, whose memory_access_size (system/physmem.c,
 * 10.2) bounds each piece by 4 bytes and the address's alignment; then
 * access_with_adjusted_size splits it into bytes. So every exit reaches
 * pci_testdev_read/write as single bytes at off + i, and an unaligned or
 * 8-byte access is never refused; here the same.
 *
 * QEMU moves an MR's ioeventfds with it when the guest moves or unmaps the
 * BAR (address_space_update_ioeventfds on each memory topology change);
 * here the config write hook re-places the running test's ioeventfd.
 *
 * Everything runs with vm->bql held: BAR and config accesses come through
 * pci.c, which takes it; realize and unrealize run with no vCPU running.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "../pci/pci.h"
#include "../../vmm/vm.h"
#include "../../trace/trace.h"
#include "../../vmm/util.h"

#define PCI_VENDOR_ID_REDHAT		0x1b36
#define PCI_DEVICE_ID_REDHAT_TEST	0x0005
#define PCI_CLASS_OTHERS		0xff	/* QEMU's 16-bit class id: class 0, subclass 0xff */
/* what QEMU's pci_set_default_subsystem_id gives every device (hw/pci/pci.c) */
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET	0x1af4
#define PCI_SUBDEVICE_ID_QEMU		0x1100

#define IOTEST_DATAMATCH	0xfa
#define IOTEST_NOMATCH		0xce
#define IOTEST_IOSIZE		128
#define IOTEST_MEMSIZE		2048
#define IOTEST_ACCESS_WIDTH	1
#define IOTEST_MAX_TEST		3	/* no-eventfd, wildcard-eventfd, datamatch-eventfd */
#define IOTEST_MAX		(IOTEST_MAX_TEST * 2)	/* ... for mmio, then portio */

/* PCITestDevHdr, little-endian, as the guest reads it */
#define HDR_TEST	0	/* u8: the test's number */
#define HDR_WIDTH	1	/* u8: the access width to use */
#define HDR_OFFSET	4	/* le32: the test's address in the BAR */
#define HDR_DATA	8	/* u8: the value to write */
#define HDR_COUNT	12	/* le32: writes the device saw */
#define HDR_NAME	16	/* NUL-terminated */
#define HDR_MAX		(HDR_NAME + sizeof("portio-datamatch-eventfd"))

static const char *const iotest_test[IOTEST_MAX_TEST] = {
	"no-eventfd", "wildcard-eventfd", "datamatch-eventfd",
};
static const char *const iotest_type[2] = { "mmio", "portio" };

typedef struct IOTest {
	int bar;			/* 0 memory, 1 I/O: IOTEST_REGION */
	int notifier;			/* the eventfd, -1 for a no-eventfd test */
	unsigned int size;		/* the ioeventfd's length: 1, or 0 (any) */
	bool match_data;
	uint8_t hdr[HDR_MAX];
	unsigned int bufsize;		/* header and name with its NUL */
	uint64_t armed;			/* where KVM has the ioeventfd, or PCI_BAR_UNMAPPED */
	uint64_t signals;		/* virq's own: eventfd counts read (QEMU drops them) */
} IOTest;

typedef struct PCITestDevState {
	PCIDevice parent_obj;
	struct vm *vm;
	IOTest tests[IOTEST_MAX];
	int current;			/* the running test, -1 if none */
} PCITestDevState;

static KVMState *testdev_kvm(PCITestDevState *d) { return &d->vm->kvm; }
static const struct sys_ops *testdev_sys(PCITestDevState *d) { return d->vm->kvm.sys; }

/* event_notifier_test_and_clear: the eventfd's count, here also kept */
static void pci_testdev_notifier_clear(PCITestDevState *d, IOTest *test)
{
	const struct sys_ops *sys = testdev_sys(d);
	uint64_t v;

	if (sys->read(sys->priv, test->notifier, &v, sizeof(v)) == sizeof(v))
		test->signals += v;
}

/* the ioeventfd at BAR + offset, or none while the BAR does not decode */
static int pci_testdev_eventfd_assign(PCITestDevState *d, IOTest *test, bool assign)
{
	uint64_t bar = pci_bar_address(&d->parent_obj, test->bar), addr;
	uint32_t off = pci_get_long(test->hdr + HDR_OFFSET);
	int r;

	addr = assign ? (bar == PCI_BAR_UNMAPPED ? PCI_BAR_UNMAPPED : bar + off) : test->armed;
	if (addr == PCI_BAR_UNMAPPED)
		return 0;
	if (test->bar)
		r = kvm_set_ioeventfd_pio(testdev_kvm(d), test->notifier, (uint16_t)addr,
					  test->size, assign, test->match_data,
					  test->hdr[HDR_DATA]);
	else
		r = kvm_set_ioeventfd_mmio(testdev_kvm(d), test->notifier, addr, test->size,
					   assign, test->match_data, test->hdr[HDR_DATA]);
	if (r < 0)
		return r;
	test->armed = assign ? addr : PCI_BAR_UNMAPPED;
	return 0;
}

static int pci_testdev_start(PCITestDevState *d, IOTest *test)
{
	pci_set_long(test->hdr + HDR_COUNT, 0);
	trace_event("pci_testdev_start", "test=%u %s", test->hdr[HDR_TEST],
		    (const char *)test->hdr + HDR_NAME);
	if (test->notifier < 0)
		return 0;
	pci_testdev_notifier_clear(d, test);
	test->signals = 0;
	return pci_testdev_eventfd_assign(d, test, true);	/* memory_region_add_eventfd */
}

static void pci_testdev_stop(PCITestDevState *d, IOTest *test)
{
	if (test->notifier >= 0) {
		pci_testdev_eventfd_assign(d, test, false);	/* memory_region_del_eventfd */
		pci_testdev_notifier_clear(d, test);
	}
	trace_event("pci_testdev_stop", "test=%u %s count=%u eventfd_signals=%llu",
		    test->hdr[HDR_TEST], (const char *)test->hdr + HDR_NAME,
		    pci_get_long(test->hdr + HDR_COUNT), (unsigned long long)test->signals);
	pr_info("pci-testdev: %s: count %u, %llu writes through the ioeventfd",
		(const char *)test->hdr + HDR_NAME, pci_get_long(test->hdr + HDR_COUNT),
		(unsigned long long)test->signals);
}

static void pci_testdev_reset(PCITestDevState *d)
{
	if (d->current == -1)
		return;
	pci_testdev_stop(d, &d->tests[d->current]);
	d->current = -1;
}

static void pci_testdev_inc(IOTest *test, unsigned int inc)
{
	pci_set_long(test->hdr + HDR_COUNT, pci_get_long(test->hdr + HDR_COUNT) + inc);
}

/* one byte (impl.max_access_size 1) written at addr of BAR type */
static void pci_testdev_write(PCITestDevState *d, uint64_t addr, uint8_t val,
			      unsigned int size, int type)
{
	IOTest *test;
	int t;

	if (addr == HDR_TEST) {
		pci_testdev_reset(d);
		if (val >= IOTEST_MAX_TEST)
			return;
		t = type * IOTEST_MAX_TEST + val;
		if (pci_testdev_start(d, &d->tests[t]) < 0)
			return;
		d->current = t;
		return;
	}
	if (d->current < 0)
		return;
	test = &d->tests[d->current];
	if (addr != pci_get_long(test->hdr + HDR_OFFSET))
		return;
	if (test->match_data && test->size != size)
		return;
	if (test->match_data && val != test->hdr[HDR_DATA])
		return;
	pci_testdev_inc(test, 1);
}

static uint8_t pci_testdev_read(PCITestDevState *d, uint64_t addr, unsigned int size)
{
	IOTest *test;

	if (d->current < 0)
		return 0;
	test = &d->tests[d->current];
	if (addr + size >= test->bufsize)
		return 0;
	if (test->notifier >= 0)
		pci_testdev_notifier_clear(d, test);
	return test->hdr[addr];
}

static void pci_testdev_mmio_write(void *opaque, uint64_t off, const uint8_t *data,
				   unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		pci_testdev_write(opaque, off + i, data[i], 1, 0);
}

static void pci_testdev_pio_write(void *opaque, uint64_t off, const uint8_t *data,
				  unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		pci_testdev_write(opaque, off + i, data[i], 1, 1);
}

static void pci_testdev_bar_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		data[i] = pci_testdev_read(opaque, off + i, 1);
}

static const struct bus_ops pci_testdev_mmio_ops = {
	.write = pci_testdev_mmio_write, .read = pci_testdev_bar_read,
};
static const struct bus_ops pci_testdev_pio_ops = {
	.write = pci_testdev_pio_write, .read = pci_testdev_bar_read,
};

/* a BAR or COMMAND written: the running test's ioeventfd follows its BAR */
static void pci_testdev_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
	PCITestDevState *d = dev->opaque;
	IOTest *test;
	uint64_t bar;

	(void)val;
	if (addr + (uint32_t)len <= PCI_COMMAND || addr >= PCI_BASE_ADDRESS_2 ||
	    d->current < 0 || d->tests[d->current].notifier < 0)
		return;
	test = &d->tests[d->current];
	bar = pci_bar_address(dev, test->bar);
	if (bar != PCI_BAR_UNMAPPED && test->armed == bar + pci_get_long(test->hdr + HDR_OFFSET))
		return;
	pci_testdev_eventfd_assign(d, test, false);
	pci_testdev_eventfd_assign(d, test, true);
}

/* test i as pci_testdev_realize builds it; fastmmio: KVM_CAP_IOEVENTFD_ANY_LENGTH */
static void pci_testdev_init_test(IOTest *test, int i, bool fastmmio)
{
	int n = snprintf((char *)test->hdr + HDR_NAME, HDR_MAX - HDR_NAME, "%s-%s",
			 iotest_type[i / IOTEST_MAX_TEST], iotest_test[i % IOTEST_MAX_TEST]);

	test->bufsize = HDR_NAME + (unsigned int)n + 1;
	test->bar = i / IOTEST_MAX_TEST;
	pci_set_long(test->hdr + HDR_OFFSET, (test->bar ? IOTEST_IOSIZE : IOTEST_MEMSIZE) +
		     (uint32_t)i * IOTEST_ACCESS_WIDTH);
	test->match_data = i % IOTEST_MAX_TEST != 1;
	test->size = fastmmio && !test->bar && !test->match_data ? 0 : IOTEST_ACCESS_WIDTH;
	test->hdr[HDR_TEST] = (uint8_t)i;
	test->hdr[HDR_DATA] = test->match_data ? IOTEST_DATAMATCH : IOTEST_NOMATCH;
	test->hdr[HDR_WIDTH] = IOTEST_ACCESS_WIDTH;
	test->armed = PCI_BAR_UNMAPPED;
	test->notifier = -1;
}

static void pci_testdev_uninit(PCIDevice *dev)
{
	PCITestDevState *d = dev->opaque;
	const struct sys_ops *sys = testdev_sys(d);

	pci_testdev_reset(d);
	if (dev->bus && dev->bus->devices[dev->devfn >> 3] == dev)
		dev->bus->devices[dev->devfn >> 3] = NULL;
	for (int i = 0; i < IOTEST_MAX; i++)
		if (d->tests[i].notifier >= 0)
			sys->close(sys->priv, d->tests[i].notifier);
	free(d);
}

/* arg: the slot, as QEMU's addr= ("2", "2.0"); NULL for the lowest free one */
static PCIDevice *pci_testdev_realize(struct vm *vm, PCIBus *bus, const char *name,
				      const char *arg)
{
	PCITestDevState *d = calloc(1, sizeof(*d));
	bool fastmmio = kvm_check_extension(&vm->kvm, KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0;
	PCIDevice *dev;

	if (!d)
		return NULL;
	dev = &d->parent_obj;
	d->vm = vm;
	d->current = -1;
	pci_device_init(dev, name, "pci-testdev", PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_TEST,
			PCI_CLASS_OTHERS << 16);
	pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
	pci_set_word(dev->config + PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_ID_QEMU);
	dev->opaque = d;
	dev->config_write = pci_testdev_config_write;
	pci_register_bar(dev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, IOTEST_MEMSIZE * 2,
			 &pci_testdev_mmio_ops, d);
	pci_register_bar(dev, 1, PCI_BASE_ADDRESS_SPACE_IO, IOTEST_IOSIZE * 2,
			 &pci_testdev_pio_ops, d);
	for (int i = 0; i < IOTEST_MAX; i++)
		pci_testdev_init_test(&d->tests[i], i, fastmmio);
	for (int i = 0; i < IOTEST_MAX; i++) {
		const struct sys_ops *sys = vm->kvm.sys;
		int fd;

		if (i % IOTEST_MAX_TEST == 0)
			continue;	/* no-eventfd */
		/* event_notifier_init's flags */
		fd = sys->eventfd(sys->priv, 0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0) {
			pr_err("pci-testdev: eventfd: %s", strerror(-fd));
			goto fail;
		}
		d->tests[i].notifier = fd;
	}
	if (pci_bus_add_device_at(bus, dev, arg ? (int)strtol(arg, NULL, 16) : -1) < 0)
		goto fail;
	return dev;

fail:
	pci_testdev_uninit(dev);
	return NULL;
}

const struct pci_device_type pci_testdev_type = {
	.name = "pci-testdev", .realize = pci_testdev_realize, .unrealize = pci_testdev_uninit,
};
