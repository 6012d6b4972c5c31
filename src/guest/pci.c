// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - VIRQ_OP_PCI_ENUM: enumerate bus 0 and place BARs as firmware
 * would, so the VMM's scenarios find their devices at known addresses
 * (shared->pci[]).
 *
 * Configuration mechanism #1: a dword address to 0xcf8, the data at 0xcfc
 * plus the byte offset. The 0xcf8 latch is one per machine, so only one
 * CPU may enumerate at a time; the VMM posts this op to a single CPU.
 *
 * MSI-X is found but left disabled: scenario steps enable it with their
 * own config and MMIO writes, so each of those exits is attributable.
 */
#include "guest.h"

#define PCI_CONF_ADDR		0xcf8
#define PCI_CONF_DATA		0xcfc
#define PCI_CONF_ENABLE		0x80000000u

#define PCI_ID			0x00	/* vendor | device << 16 */
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_CAP_PTR		0x34

#define PCI_CMD_DECODE		0x0003	/* I/O and memory space */
#define PCI_CMD_ENABLE		0x0007	/* ... and bus master */
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_HEADER_BRIDGE	0x01	/* type 1: only BAR0-1, then bus numbers */
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM_TYPE	0x6
#define PCI_BAR_MEM_64		0x4
#define PCI_CAP_MIN		0x40	/* capabilities live after the header */
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_MAX_HOPS	48	/* a looping list must not hang us */
#define PCI_SLOTS		32
#define PCI_NUM_BARS		6

#define MSIX_CTRL		2
#define MSIX_TABLE		4
#define MSIX_PBA		8
#define MSIX_QSIZE_MASK		0x7ff
#define MSIX_BIR_MASK		0x7u
#define MSIX_ENTRY_SIZE		16

/* Window ends: the IOAPIC at 0xfec00000, the top of port space */
#define PCI_MMIO_LIMIT		0xfec00000u
#define PCI_IO_LIMIT		0x10000u

/* Next free address in each window */
struct pci_windows {
	uint32_t io;
	uint32_t mmio;
};

static void pci_select(uint32_t bdf, uint32_t reg)
{
	outl(PCI_CONF_ADDR, PCI_CONF_ENABLE | bdf << 8 | (reg & 0xfc));
}

static uint8_t pci_read8(uint32_t bdf, uint32_t reg)
{
	pci_select(bdf, reg);
	return inb(PCI_CONF_DATA + (reg & 3));
}

static uint16_t pci_read16(uint32_t bdf, uint32_t reg)
{
	pci_select(bdf, reg);
	return inw(PCI_CONF_DATA + (reg & 2));
}

static uint32_t pci_read32(uint32_t bdf, uint32_t reg)
{
	pci_select(bdf, reg);
	return inl(PCI_CONF_DATA);
}

/* 16 bits for COMMAND: a dword write would also hit STATUS's RW1C bits */
static void pci_write16(uint32_t bdf, uint32_t reg, uint16_t v)
{
	pci_select(bdf, reg);
	outw(PCI_CONF_DATA + (reg & 2), v);
}

static void pci_write32(uint32_t bdf, uint32_t reg, uint32_t v)
{
	pci_select(bdf, reg);
	outl(PCI_CONF_DATA, v);
}

/* The BAR's read-back after writing all ones; the old value is restored */
static uint32_t bar_probe(uint32_t bdf, uint32_t reg)
{
	uint32_t old = pci_read32(bdf, reg), v;

	pci_write32(bdf, reg, ~0u);
	v = pci_read32(bdf, reg);
	pci_write32(bdf, reg, old);
	return v;
}

/* Size-aligned address from *next below limit, or 0 if it does not fit */
static uint32_t win_alloc(uint32_t *next, uint32_t limit, uint32_t size)
{
	uint64_t a;

	if (!size || (size & (size - 1)))
		return 0;	/* not a BAR's size: its read-back was broken */
	a = ((uint64_t)*next + size - 1) & ~(uint64_t)(size - 1);
	if (a + size > limit)
		return 0;
	*next = a + size;
	return a;
}

/* Size and place BAR i; returns the BAR slots it took (2 if 64-bit) or -1 */
static int bar_setup(uint32_t bdf, struct virq_pci_dev *d, int i,
		     struct pci_windows *w)
{
	uint32_t reg = PCI_BAR0 + 4 * i;
	uint32_t v = bar_probe(bdf, reg), size, addr;
	int is64 = 0;

	if (!v)
		return 1;
	if (v & PCI_BAR_IO) {
		size = (~(v & ~3u) + 1) & 0xffff;
		addr = win_alloc(&w->io, PCI_IO_LIMIT, size);
	} else {
		size = ~(v & ~0xfu) + 1;
		addr = win_alloc(&w->mmio, PCI_MMIO_LIMIT, size);
		is64 = (v & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64;
	}
	if (!addr || (is64 && i == PCI_NUM_BARS - 1))
		return -1;

	pci_write32(bdf, reg, addr);
	if (is64)
		pci_write32(bdf, reg + 4, 0);	/* we place below 4 GiB */
	d->bar[i] = addr;
	d->bar_size[i] = size;
	return is64 ? 2 : 1;
}

/* Address of a table/PBA entry (offset | BIR) of n bytes, 0 if outside */
static uint32_t msix_addr(const struct virq_pci_dev *d, uint32_t v, uint32_t n)
{
	uint32_t bir = v & MSIX_BIR_MASK, off = v & ~MSIX_BIR_MASK;

	if (bir >= PCI_NUM_BARS || !d->bar[bir] || off >= d->bar_size[bir] ||
	    d->bar_size[bir] - off < n)
		return 0;
	return d->bar[bir] + off;
}

/* Config offset of capability id, or 0 */
static uint32_t cap_find(uint32_t bdf, uint8_t id)
{
	uint32_t pos, hops;
	uint8_t cur;

	if (!(pci_read16(bdf, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_read8(bdf, PCI_CAP_PTR);
	for (hops = 0; hops < PCI_CAP_MAX_HOPS && pos >= PCI_CAP_MIN; hops++) {
		pos &= ~3u;
		cur = pci_read8(bdf, pos);
		if (cur == id)
			return pos;
		if (cur == 0xff)
			break;	/* the device went away under us */
		pos = pci_read8(bdf, pos + 1);
	}
	return 0;
}

/* Record the MSI-X capability, if any; -1 if it points outside its BARs */
static int msix_probe(uint32_t bdf, struct virq_pci_dev *d)
{
	uint32_t cap = cap_find(bdf, PCI_CAP_ID_MSIX), n;

	if (!cap)
		return 0;
	n = (pci_read16(bdf, cap + MSIX_CTRL) & MSIX_QSIZE_MASK) + 1;
	d->msix_cap = cap;
	d->msix_size = n;
	d->msix_table = msix_addr(d, pci_read32(bdf, cap + MSIX_TABLE),
				  n * MSIX_ENTRY_SIZE);
	d->msix_pba = msix_addr(d, pci_read32(bdf, cap + MSIX_PBA),
				(n + 63) / 64 * 8);
	return d->msix_table && d->msix_pba ? 0 : -1;
}

/*
 * Decoding is off while the BARs are sized and moved, so no half-placed
 * BAR ever decodes; a device we fail on is left that way.
 */
static int dev_setup(uint32_t bdf, uint32_t id, struct virq_pci_dev *d,
		     struct pci_windows *w)
{
	uint16_t cmd = pci_read16(bdf, PCI_COMMAND);
	int i, n, nr_bars = PCI_NUM_BARS;

	pci_write16(bdf, PCI_COMMAND, cmd & ~PCI_CMD_DECODE);
	d->bdf = bdf;
	d->vendor = id;
	d->device = id >> 16;
	if ((pci_read8(bdf, PCI_HEADER_TYPE) & 0x7f) == PCI_HEADER_BRIDGE)
		nr_bars = 2;
	for (i = 0; i < nr_bars; i += n) {
		n = bar_setup(bdf, d, i, w);
		if (n < 0)
			return -1;
	}
	if (msix_probe(bdf, d))
		return -1;
	pci_write16(bdf, PCI_COMMAND, cmd | PCI_CMD_ENABLE);
	return 0;
}

/*
 * Function 0 of every slot on bus 0, the host bridge included. Placement
 * restarts from the window bases, so running this again gives the same
 * layout. result = devices recorded, even when we stop early.
 */
uint32_t pci_enum(uint32_t *result)
{
	struct pci_windows w = { VIRQ_PCI_IO_BASE, VIRQ_PCI_MMIO_BASE };
	uint32_t slot, n = 0, status = VIRQ_ST_OK;

	SHARED->nr_pci = 0;
	memset(SHARED->pci, 0, sizeof(SHARED->pci));
	for (slot = 0; slot < PCI_SLOTS; slot++) {
		uint32_t bdf = slot << 3;
		uint32_t id = pci_read32(bdf, PCI_ID);

		if ((id & 0xffff) == 0xffff)
			continue;
		if (n == VIRQ_PCI_MAX_DEVS ||
		    dev_setup(bdf, id, &SHARED->pci[n], &w)) {
			status = VIRQ_ST_BAD_ARG;
			break;
		}
		n++;
	}
	SHARED->nr_pci = n;
	*result = n;
	return status;
}
