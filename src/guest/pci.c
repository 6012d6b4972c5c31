// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - VIRQ_OP_PCI_ENUM: enumerate bus 0 and record every function's
 * BARs and MSI-X capability (shared->pci[]), placing the BARs as firmware
 * would where no firmware ran.
 *
 * Configuration mechanism #1: a dword address to 0xcf8, the data at 0xcfc
 * plus the byte offset. The 0xcf8 latch is one per machine, so only one
 * CPU may enumerate at a time; the VMM posts this op to a single CPU.
 *
 * Who places BARs (shared->pci_mode) is decided once per boot, at the
 * first enumeration: "pci=assign" or "pci=firmware" on the command line
 * says so; otherwise a read-only pass over every function's BARs looks for
 * an address, since only firmware can have written one before us (virq's
 * BARs, emulated and vfio alike, reset to 0 as hardware does; SeaBIOS's
 * pci_setup, src/fw/pciinit.c pci_bios_map_devices, 1.16, maps every BAR
 * it sized, a 64-bit one above 4 GiB when the 32-bit window is full or,
 * in later releases, when there is RAM above 4 GiB). The whole machine takes
 * one mode: placing the BARs firmware skipped from our own window could
 * land on the ones it placed. Latched because a later enumeration would
 * see our own addresses. virq passes "pci=assign", so it runs exactly the
 * config cycles it always did.
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
#define PCI_HEADER_MULTI	0x80	/* functions 1-7 may exist */
#define PCI_BAR0		0x10
#define PCI_CAP_PTR		0x34

#define PCI_CMD_DECODE		0x0003	/* I/O and memory space */
#define PCI_CMD_ENABLE		0x0007	/* ... and bus master */
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_HEADER_NORMAL	0x00
#define PCI_HEADER_BRIDGE	0x01	/* type 1: only BAR0-1, then bus numbers */
#define PCI_HEADER_CARDBUS	0x02	/* type 2: BAR0 only */
#define PCI_CMD_IO		0x0001
#define PCI_CMD_MEM		0x0002
#define PCI_CMD_MASTER		0x0004
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM_TYPE	0x6
#define PCI_BAR_MEM_64		0x4
#define PCI_CAP_MIN		0x40	/* capabilities live after the header */
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_MAX_HOPS	48	/* a looping list must not hang us */
#define PCI_SLOTS		32
#define PCI_FUNCS		8
#define PCI_NUM_BARS		6

#define MSIX_TABLE		4
#define MSIX_PBA		8
#define MSIX_QSIZE_MASK		0x7ff
#define MSIX_BIR_MASK		0x7u

/* Window ends: the IOAPIC at 0xfec00000, the top of port space */
#define PCI_MMIO_LIMIT		0xfec00000u
#define PCI_IO_LIMIT		0x10000u

/* Next free address in each window */
struct pci_windows {
	uint32_t io;
	uint32_t mmio;
};

/* One enumeration: where it places, how far it got */
struct pci_enum_ctx {
	struct pci_windows w;
	int firmware;		/* keep firmware's addresses */
	uint32_t n;		/* shared->pci[] entries filled */
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

/* config space for the step program (prog.c): Message Control */
uint16_t pci_cfg_read16(uint32_t bdf, uint32_t reg)
{
	return pci_read16(bdf, reg);
}

void pci_cfg_write16(uint32_t bdf, uint32_t reg, uint16_t v)
{
	pci_write16(bdf, reg, v);
}

/* The BAR's read-back after writing all ones; the old value is restored */
static uint32_t bar_probe(uint32_t bdf, uint32_t reg, uint32_t *old)
{
	uint32_t v;

	*old = pci_read32(bdf, reg);
	pci_write32(bdf, reg, ~0u);
	v = pci_read32(bdf, reg);
	pci_write32(bdf, reg, *old);
	return v;
}

/* Size from a sizing read-back (0 for an unimplemented BAR) */
static uint32_t bar_size_of(uint32_t v)
{
	if (v & PCI_BAR_IO)
		return (~(v & ~3u) + 1) & 0xffff;
	return ~(v & ~0xfu) + 1;
}

static int bar_is64(uint32_t v)
{
	return !(v & PCI_BAR_IO) && (v & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64;
}

/* BARs in a header of this type (bit 7 cleared) */
static int bars_of(uint8_t header)
{
	if (header == PCI_HEADER_NORMAL)
		return PCI_NUM_BARS;
	if (header == PCI_HEADER_BRIDGE)
		return 2;
	return header == PCI_HEADER_CARDBUS ? 1 : 0;
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

/* Assign mode: size and place BAR i; returns slots taken (2: 64-bit), or -1 */
static int bar_setup(uint32_t bdf, struct virq_pci_dev *d, int i,
		     struct pci_windows *w)
{
	uint32_t reg = PCI_BAR0 + 4 * i, old;
	uint32_t v = bar_probe(bdf, reg, &old), size, addr;
	int is64 = bar_is64(v);

	if (!v)
		return 1;
	size = bar_size_of(v);
	if (v & PCI_BAR_IO)
		addr = win_alloc(&w->io, PCI_IO_LIMIT, size);
	else
		addr = win_alloc(&w->mmio, PCI_MMIO_LIMIT, size);
	if (!addr || (is64 && i == PCI_NUM_BARS - 1))
		return -1;

	pci_write32(bdf, reg, addr);
	if (is64)
		pci_write32(bdf, reg + 4, 0);	/* we place below 4 GiB */
	d->bar[i] = addr;
	d->bar_size[i] = size;
	d->io_bars |= (v & PCI_BAR_IO) << i;
	return is64 ? 2 : 1;
}

/*
 * Firmware mode: size BAR i and keep the address firmware gave it. One it
 * left at 0, or put above 4 GiB (out of reach: no paging here), stays
 * unused, bar[i] = 0. Returns the slots it took, or -1.
 */
static int bar_keep(uint32_t bdf, struct virq_pci_dev *d, int i)
{
	uint32_t reg = PCI_BAR0 + 4 * i, old;
	uint32_t v = bar_probe(bdf, reg, &old), size = bar_size_of(v), addr;
	int is64 = bar_is64(v);

	if (!v)
		return 1;
	if (is64 && i == PCI_NUM_BARS - 1)
		return -1;
	addr = old & (v & PCI_BAR_IO ? ~3u : ~0xfu);
	if (is64 && pci_read32(bdf, reg + 4)) {
		kprintf("virq-guest: pci %x bar%u above 4 GiB, unused\n", bdf, i);
		addr = 0;
	}
	if (addr && (!size || (size & (size - 1)) || addr % size))
		return -1;	/* not a BAR firmware could have placed */
	if (addr) {
		d->bar[i] = addr;
		d->bar_size[i] = size;
		d->io_bars |= (v & PCI_BAR_IO) << i;
	}
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
	uint32_t cap = cap_find(bdf, PCI_CAP_ID_MSIX), n, tbl, pba;

	if (!cap)
		return 0;
	n = (pci_read16(bdf, cap + MSIX_CTRL) & MSIX_QSIZE_MASK) + 1;
	d->msix_cap = cap;
	d->msix_size = n;
	tbl = pci_read32(bdf, cap + MSIX_TABLE);
	pba = pci_read32(bdf, cap + MSIX_PBA);
	d->msix_table_bir = tbl & MSIX_BIR_MASK;
	d->msix_pba_bir = pba & MSIX_BIR_MASK;
	d->msix_table = msix_addr(d, tbl, n * MSIX_ENTRY_SIZE);
	d->msix_pba = msix_addr(d, pba, (n + 63) / 64 * 8);
	return d->msix_table && d->msix_pba ? 0 : -1;
}

/* Firmware mode: the decoding the kept BARs need, bus master for MSI-X */
static uint16_t cmd_needed(const struct virq_pci_dev *d)
{
	uint16_t cmd = d->msix_cap ? PCI_CMD_MASTER : 0;
	int i;

	for (i = 0; i < PCI_NUM_BARS; i++)
		if (d->bar[i])
			cmd |= d->io_bars & (1u << i) ? PCI_CMD_IO : PCI_CMD_MEM;
	return cmd;
}

/*
 * Decoding is off while the BARs are sized and moved, so no half-placed
 * BAR ever decodes; a device we fail on is left that way. Returns the
 * header type as read (bit 7 included), or -1.
 */
static int dev_setup(uint32_t bdf, uint32_t id, struct virq_pci_dev *d,
		     struct pci_enum_ctx *c)
{
	uint16_t cmd = pci_read16(bdf, PCI_COMMAND);
	uint8_t hdr;
	int i, n, nr_bars;

	pci_write16(bdf, PCI_COMMAND, cmd & ~PCI_CMD_DECODE);
	d->bdf = bdf;
	d->vendor = id;
	d->device = id >> 16;
	hdr = pci_read8(bdf, PCI_HEADER_TYPE);
	d->header = hdr & ~PCI_HEADER_MULTI;
	nr_bars = bars_of(d->header);
	for (i = 0; i < nr_bars; i += n) {
		n = c->firmware ? bar_keep(bdf, d, i) : bar_setup(bdf, d, i, &c->w);
		if (n < 0)
			return -1;
	}
	if (msix_probe(bdf, d))
		return -1;
	pci_write16(bdf, PCI_COMMAND,
		    cmd | (c->firmware ? cmd_needed(d) : PCI_CMD_ENABLE));
	return hdr;
}

typedef int (*pci_fn_cb)(uint32_t bdf, uint32_t id, void *ctx);

/*
 * cb for every function on bus 0, slot by slot: functions 1-7 only when
 * function 0 is there and its header has the multi-function bit, as
 * Linux's pci_scan_slot / next_fn (drivers/pci/probe.c, 6.1) without ARI.
 * cb returns the function's header type, or -1 to stop: then -1.
 */
static int pci_scan(pci_fn_cb cb, void *ctx)
{
	uint32_t slot, fn;

	for (slot = 0; slot < PCI_SLOTS; slot++) {
		for (fn = 0; fn < PCI_FUNCS; fn++) {
			uint32_t bdf = slot << 3 | fn;
			uint32_t id = pci_read32(bdf, PCI_ID);
			int hdr;

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			hdr = cb(bdf, id, ctx);
			if (hdr < 0)
				return -1;
			if (fn == 0 && !(hdr & PCI_HEADER_MULTI))
				break;
		}
	}
	return 0;
}

/* Read-only: does any BAR of this function hold an address? */
static int detect_fn(uint32_t bdf, uint32_t id, void *ctx)
{
	uint8_t hdr = pci_read8(bdf, PCI_HEADER_TYPE);
	int i, nr = bars_of(hdr & ~PCI_HEADER_MULTI);
	int *placed = ctx;

	(void)id;
	for (i = 0; i < nr; i++) {
		uint32_t v = pci_read32(bdf, PCI_BAR0 + 4 * i);

		if (v & PCI_BAR_IO ? v & ~3u & 0xffff : v & ~0xfu)
			*placed = 1;
		else if (bar_is64(v) && i + 1 < nr &&
			 pci_read32(bdf, PCI_BAR0 + 4 * ++i))
			*placed = 1;
	}
	return hdr;
}

static uint32_t pci_detect(void)
{
	int placed = 0;

	pci_scan(detect_fn, &placed);
	return placed ? VIRQ_PCI_FIRMWARE : VIRQ_PCI_ASSIGN;
}

static int enum_fn(uint32_t bdf, uint32_t id, void *ctx)
{
	struct pci_enum_ctx *c = ctx;
	int hdr;

	if (c->n == VIRQ_PCI_MAX_DEVS)
		return -1;
	hdr = dev_setup(bdf, id, &SHARED->pci[c->n], c);
	if (hdr >= 0)
		c->n++;
	return hdr;
}

/*
 * Every function on bus 0, the host bridge included. Placement restarts
 * from the window bases (and firmware's addresses stay), so running this
 * again gives the same layout. result = functions recorded, even when we
 * stop early.
 */
uint32_t pci_enum(uint32_t *result)
{
	struct pci_enum_ctx c = { { VIRQ_PCI_IO_BASE, VIRQ_PCI_MMIO_BASE }, 0, 0 };
	uint32_t status = VIRQ_ST_OK;

	SHARED->nr_pci = 0;
	memset(SHARED->pci, 0, sizeof(SHARED->pci));
	if (SHARED->pci_mode == VIRQ_PCI_UNDECIDED)
		SHARED->pci_mode = pci_detect();
	c.firmware = SHARED->pci_mode == VIRQ_PCI_FIRMWARE;
	if (pci_scan(enum_fn, &c))
		status = VIRQ_ST_BAD_ARG;
	SHARED->nr_pci = c.n;
	*result = c.n;
	return status;
}

/*
 * q35's PCI interrupt routing as a Linux guest leaves it: the ICH9 LPC
 * bridge at 00:1f.0 (8086:2918) has PIRQA-D_ROUT at 0x60-0x63 and
 * PIRQE-H_ROUT at 0x68-0x6b; firmware (SeaBIOS's mch_isa_bridge_setup)
 * routes them to ISA IRQs 10 and 11, and Linux's ACPI _DIS of every link
 * sets bit 7 (QEMU's build_link_dev: Or(PRQx, 0x80, PRQx), routing to the
 * PIC off), after which QEMU's ich9_route_intx_pin_to_irq gives PIRQ n
 * GSI 16 + n, looking at bit 7 only: the routing virq has from reset. We
 * write 0x80, byte by byte as the AML's field accesses. Nothing without
 * that bridge (virq's bus has none).
 */
void pci_q35_pirq_disable(void)
{
	static const uint8_t rout[] = { 0x60, 0x61, 0x62, 0x63, 0x68, 0x69, 0x6a, 0x6b };
	uint32_t bdf = 31 << 3;

	if (pci_read32(bdf, PCI_ID) != (0x8086u | 0x2918u << 16))
		return;
	for (uint32_t i = 0; i < sizeof(rout); i++) {
		pci_select(bdf, rout[i]);
		outb(PCI_CONF_DATA + (rout[i] & 3), 0x80);
	}
	kprintf("virq-guest: q35 PIRQ routing to the PIC disabled (00:1f.0 0x60-0x63, 0x68-0x6b = 0x80)\n");
}

/* The nth (from 0) function with this vendor:device, in bus order */
const struct virq_pci_dev *pci_find(uint16_t vendor, uint16_t device,
				    uint32_t nth)
{
	uint32_t i;

	for (i = 0; i < SHARED->nr_pci; i++) {
		const struct virq_pci_dev *d = &SHARED->pci[i];

		if (d->vendor == vendor && d->device == device && !nth--)
			return d;
	}
	return NULL;
}
