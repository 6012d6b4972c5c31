// SPDX-License-Identifier: GPL-2.0
/*
 * pc-testdev.c - QEMU's ISA test device for kvm-unit-tests
 * (hw/misc/pc-testdev.c; read in QEMU 7.2, the regions and their names are
 * the same in 11.1's binary): five regions, QEMU's sizes and rules.
 *
 *   0xe0   4 bytes  "pc-testdev-ioport": a 32-bit scratch register; an
 *                   access of 1, 2 or 4 bytes reads or writes its bytes
 *                   (addr & 3) .. + size (test_ioport_read/write)
 *   0xe4   4 bytes  "pc-testdev-flush-page": a 4-byte write of a GPA
 *                   mprotects its page PROT_NONE and back, so the MMU
 *                   notifier drops KVM's mapping of it (eventinj's
 *                   "flush page" before an access that must fault)
 *   0xe8   4 bytes  "pc-testdev-ioport-byte": the same register, its
 *                   accesses split into single bytes (impl size 1)
 *   0x2000 24 bytes "pc-testdev-irq-line": a 1-byte write of v to 0x2000+N
 *                   sets ISA IRQ/GSI N to !!v
 *   0xff000000 64 KiB MMIO "pc-testdev-iomem": a scratch buffer
 *
 * Every region has QEMU's default valid.unaligned = false, so an access
 * misaligned for its size is invalid (memory_region_access_valid): a write
 * is dropped, a read gives 0. Since the byte region only splits what the
 * 4-byte one does whole, both give the same bytes here.
 *
 * The IRQ lines, as QEMU with the in-kernel irqchip does it: the device's
 * qemu_set_irq reaches gsi_handler (hw/i386/x86.c), which for an ISA IRQ
 * (N < 16) calls the KVM PIC model (kvm_pic_set_irq) and falls through to
 * the KVM IOAPIC model (kvm_ioapic_set_irq); each is kvm_set_irq, one
 * KVM_IRQ_LINE_STATUS (KVM_IRQ_LINE without KVM_CAP_IRQ_INJECT_STATUS) of
 * irq N. So QEMU issues the ioctl twice for N < 16, once for 16..23, and so
 * does virq, through the one gsi_handler (hw/i386/kvm-ioapic.c) the INTx
 * lines use too. The kernel routes GSI N through the PC routes kvm_irqchip_create
 * installed (PIC and IOAPIC pins; GSI 0 on IOAPIC pin 2, GSI 2 on none).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../i386/kvm-ioapic.h"
#include "../i386/pc.h"
#include "../../vmm/util.h"

#define TESTDEV_IOPORT		0xe0
#define TESTDEV_FLUSH		0xe4
#define TESTDEV_IOPORT_BYTE	0xe8
#define TESTDEV_IRQ_BASE	0x2000
#define TESTDEV_IRQ_LINES	24
#define TESTDEV_IOMEM		0xff000000ull
#define TESTDEV_IOMEM_LEN	0x10000

struct pc_testdev {
	struct vm *vm;
	uint32_t ioport_data;		/* under vm->bql, as QEMU's under the BQL */
	uint8_t iomem[TESTDEV_IOMEM_LEN];
};

/* QEMU's default: an access misaligned for its size is not valid */
static bool testdev_aligned(uint64_t off, unsigned int size)
{
	return !(off & (size - 1));
}

static void testdev_ioport_write(void *opaque, uint64_t off, const uint8_t *data,
				 unsigned int size)
{
	struct pc_testdev *d = opaque;

	if (!testdev_aligned(off, size) || size > 4)
		return;
	pthread_mutex_lock(&d->vm->bql);
	for (unsigned int i = 0; i < size; i++) {
		unsigned int shift = 8 * ((off + i) & 3);

		d->ioport_data = (d->ioport_data & ~(0xffu << shift)) | (uint32_t)data[i] << shift;
	}
	pthread_mutex_unlock(&d->vm->bql);
}

static void testdev_ioport_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	struct pc_testdev *d = opaque;

	memset(data, 0, size);
	if (!testdev_aligned(off, size) || size > 4)
		return;
	pthread_mutex_lock(&d->vm->bql);
	for (unsigned int i = 0; i < size; i++)
		data[i] = (uint8_t)(d->ioport_data >> (8 * ((off + i) & 3)));
	pthread_mutex_unlock(&d->vm->bql);
}

static const struct bus_ops testdev_ioport_ops = {
	.write = testdev_ioport_write, .read = testdev_ioport_read,
};

/* test_flush_page_write: valid only as one 4-byte access */
static void testdev_flush_write(void *opaque, uint64_t off, const uint8_t *data,
				unsigned int size)
{
	struct pc_testdev *d = opaque;
	const struct sys_ops *sys = d->vm->kvm.sys;
	uint64_t gpa = bus_data_get(data, size) & ~0xfffull;
	void *hva;

	if (off || size != 4 || gpa >= d->vm->ram_size)
		return;
	hva = vm_gpa(d->vm, gpa);
	if (sys->mprotect(sys->priv, hva, 4096, PROT_NONE) < 0 ||
	    sys->mprotect(sys->priv, hva, 4096, PROT_READ | PROT_WRITE) < 0)
		pr_err("pc-testdev: flush of page 0x%llx: mprotect failed",
		       (unsigned long long)gpa);
}

static void testdev_flush_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	(void)opaque;
	(void)off;
	memset(data, 0, size);
}

static const struct bus_ops testdev_flush_ops = {
	.write = testdev_flush_write, .read = testdev_flush_read,
};

static void testdev_irq_write(void *opaque, uint64_t off, const uint8_t *data,
			      unsigned int size)
{
	struct pc_testdev *d = opaque;
	int level = !!data[0];
	struct gsi_status st;

	if (size != 1 || off >= TESTDEV_IRQ_LINES)
		return;
	pr_debug("pc-testdev: ISA IRQ %u level %d", (unsigned int)off, level);
	gsi_handler(&d->vm->kvm, (int)off, level, &st);	/* qemu_set_irq(x86ms->gsi[off]) */
}

static const struct bus_ops testdev_irq_ops = {
	.write = testdev_irq_write, .read = testdev_flush_read,
};

static void testdev_iomem_write(void *opaque, uint64_t off, const uint8_t *data,
				unsigned int size)
{
	struct pc_testdev *d = opaque;

	if (!testdev_aligned(off, size) || off + size > TESTDEV_IOMEM_LEN)
		return;
	pthread_mutex_lock(&d->vm->bql);
	memcpy(d->iomem + off, data, size);
	pthread_mutex_unlock(&d->vm->bql);
}

static void testdev_iomem_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	struct pc_testdev *d = opaque;

	memset(data, 0, size);
	if (!testdev_aligned(off, size) || off + size > TESTDEV_IOMEM_LEN)
		return;
	pthread_mutex_lock(&d->vm->bql);
	memcpy(data, d->iomem + off, size);
	pthread_mutex_unlock(&d->vm->bql);
}

static const struct bus_ops testdev_iomem_ops = {
	.write = testdev_iomem_write, .read = testdev_iomem_read,
};

static int pc_testdev_realize(struct vm *vm, void **state)
{
	struct pc_testdev *d = calloc(1, sizeof(*d));
	struct bus *b = &vm->bus;
	int r;

	if (!d)
		return -ENOMEM;
	d->vm = vm;
	/* kvm_irqchip_create's choice in QEMU's kvm_init */
	r = bus_register(b, BUS_PIO, TESTDEV_IOPORT, 4, &testdev_ioport_ops, d,
			 "pc-testdev-ioport");
	if (!r)
		r = bus_register(b, BUS_PIO, TESTDEV_FLUSH, 4, &testdev_flush_ops, d,
				 "pc-testdev-flush-page");
	if (!r)
		r = bus_register(b, BUS_PIO, TESTDEV_IOPORT_BYTE, 4, &testdev_ioport_ops, d,
				 "pc-testdev-ioport-byte");
	if (!r)
		r = bus_register(b, BUS_PIO, TESTDEV_IRQ_BASE, TESTDEV_IRQ_LINES, &testdev_irq_ops,
				 d, "pc-testdev-irq-line");
	if (!r)
		r = bus_register(b, BUS_MMIO, TESTDEV_IOMEM, TESTDEV_IOMEM_LEN, &testdev_iomem_ops,
				 d, "pc-testdev-iomem");
	if (r < 0) {
		free(d);	/* the bus has no unregister: a failed realize ends the VM */
		return r;
	}
	*state = d;
	return 0;
}

static void pc_testdev_unrealize(struct vm *vm, void *state)
{
	(void)vm;
	free(state);
}

const struct device_type pc_testdev_device = {
	.name = "pc-testdev", .realize = pc_testdev_realize, .unrealize = pc_testdev_unrealize,
};
