// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-msix.c - find the scenarios' devices by vendor:device, wherever
 * the machine put them, and check their MSI-X tables without a VMM: the
 * capability points into the BAR the device model uses, vectors are masked
 * after reset, the PBA is clear, and an entry written (still masked, MSI-X
 * still disabled, so nothing fires) reads back. "need=VVVV:DDDD" words make
 * a missing device a failure; other absent devices are only reported.
 */
#include "guest.h"

#define ST_MSIX_VEC		0x42

/* BARs checked against QEMU 7.2's device models */
static const struct known_dev {
	uint16_t vendor, device;
	uint8_t bir;		/* BAR of the table and the PBA */
	const char *name;
} known[] = {
	/* hw/net/e1000e.c: E1000E_MSIX_IDX 3, table at 0, PBA at 0x2000 */
	{ 0x8086, 0x10d3, 3, "e1000e" },
	/* hw/virtio/virtio-pci.c virtio_pci_realize: msix_bar_idx 1 */
	{ 0x1af4, 0x1005, 1, "virtio-rng (transitional)" },
	{ 0x1af4, 0x1044, 1, "virtio-rng" },
	/* hw/nvme/ctrl.c nvme_init_pci: table and PBA inside BAR0 */
	{ 0x1b36, 0x0010, 0, "nvme" },
};

static int fail(const struct virq_pci_dev *d, const char *why, uint32_t v)
{
	kprintf("virq-guest: selftest FAIL %04x:%04x at %x: %s (0x%x)\n",
		d->vendor, d->device, d->bdf, why, v);
	return -1;
}

static int table_in_bar(const struct virq_pci_dev *d, uint8_t bir)
{
	uint32_t base = d->bar[bir], end = base + d->bar_size[bir];

	return d->msix_table_bir == bir && d->msix_pba_bir == bir && base &&
	       d->msix_table >= base &&
	       d->msix_table + d->msix_size * MSIX_ENTRY_SIZE <= end &&
	       d->msix_pba >= base && d->msix_pba + 8 <= end;
}

/* Program the last entry as a driver would, read it back, then clear it */
static int entry_rw(const struct virq_pci_dev *d)
{
	volatile uint32_t *e = msix_entry(d, d->msix_size - 1);
	uint32_t addr = MSI_ADDR_BASE | 1u << MSI_DEST_SHIFT;

	e[MSIX_ADDR_LO / 4] = addr;
	e[MSIX_ADDR_HI / 4] = 0;
	e[MSIX_DATA / 4] = ST_MSIX_VEC;
	if (e[MSIX_ADDR_LO / 4] != addr || e[MSIX_ADDR_HI / 4] ||
	    e[MSIX_DATA / 4] != ST_MSIX_VEC)
		return fail(d, "MSI-X entry did not read back", e[0]);
	if (!(e[MSIX_VECTOR_CTRL / 4] & 1))
		return fail(d, "MSI-X entry lost its mask", e[3]);
	e[MSIX_ADDR_LO / 4] = 0;
	e[MSIX_DATA / 4] = 0;
	return 0;
}

static int check_msix(const struct virq_pci_dev *d, const struct known_dev *k)
{
	if (!d->msix_cap || !d->msix_size || !d->msix_table || !d->msix_pba)
		return fail(d, "no MSI-X table", d->msix_cap);
	if (!table_in_bar(d, k->bir))
		return fail(d, "MSI-X table or PBA outside its BAR", d->msix_table);
	if (!(msix_entry(d, 0)[MSIX_VECTOR_CTRL / 4] & 1))
		return fail(d, "MSI-X vector 0 not masked", d->msix_table);
	if (*(volatile uint32_t *)d->msix_pba)
		return fail(d, "MSI-X PBA not clear", d->msix_pba);
	if (entry_rw(d))
		return -1;
	kprintf("virq-guest: %s %04x:%04x at %02x.%u: MSI-X %u vectors in bar%u ok\n",
		k->name, d->vendor, d->device, d->bdf >> 3, d->bdf & 7,
		d->msix_size, k->bir);
	return 0;
}

/* Returns 0 on PASS; after PCI_ENUM has filled shared->pci[] */
int selftest_msix(void)
{
	const struct virq_pci_dev *d;
	uint32_t i, nth;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		for (nth = 0; (d = pci_find(known[i].vendor, known[i].device, nth));
		     nth++)
			if (check_msix(d, &known[i]))
				return -1;
	for (i = 0; i < opts.nr_need; i++) {
		uint16_t v = opts.need[i], dev = opts.need[i] >> 16;

		if (!pci_find(v, dev, 0)) {
			kprintf("virq-guest: selftest FAIL need=%04x:%04x not found\n",
				v, dev);
			return -1;
		}
	}
	return 0;
}
