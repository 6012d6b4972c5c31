// SPDX-License-Identifier: GPL-2.0
/*
 * pcitest.c - a test kernel for QEMU's pci-testdev (1b36:0005), booted as
 * "-kernel pcitest.elf -device pci-testdev" (QEMU) or by 'virq boot', whose
 * board has it. From long mode (head64.S), with no firmware services:
 *
 *   finds 1b36:0005 on bus 0 through 0xcf8/0xcfc (and its device ID the
 *     way kvm-unit-tests reads it: register 2 latched, a word at 0xcfc,
 *     which QEMU's pci_host_data_read answers); its class word 0x00ff,
 *     subsystem 1af4:1100, no interrupt pin; BAR0 32-bit memory of 4 KiB
 *     and BAR1 I/O of 256 bytes (sized as Linux does, decoding off), both
 *     placed and decoding, as SeaBIOS leaves them (virq's board does it)
 *   on each BAR, the tests its header lists, as kvm-unit-tests'
 *     lib/pci-testdev.c (pci_testdev_one): a byte to offset 0 starts test
 *     N; count reads 0; width, data and offset from the header; the name
 *     byte by byte; 16 writes of data at offset; count again. That takes
 *     count 0 or 16; here, what QEMU gives under KVM and under TCG alike:
 *     16 for no-eventfd (each write reached the device), 0 for the eventfd
 *     tests (the ioeventfd took them). The header as QEMU's table: test
 *     number type * 3 + N, offset 2048 + number (BAR0) or 128 + number
 *     (BAR1), data 0xce (wildcard) or 0xfa, names "mmio-no-eventfd" ...;
 *     the table ends after three tests on each BAR (width 0)
 *   mmio-datamatch-eventfd: 16 writes of another byte, count 0 (the
 *     ioeventfd does not match and the device does not count them); one
 *     2-byte write of 0x00fa, count 1 (the kernel's length-1 ioeventfd
 *     does not take it, QEMU splits it into bytes and the first matches)
 *   mmio-wildcard-eventfd with BAR0 moved 1 MiB down: 16 writes at the
 *     new address, count 0 (the ioeventfd moved with the BAR)
 *
 * Exit through isa-debug-exit: 0 when every check held (status 1), else
 * 0x10 + the number of the first that failed.
 */
#include <stdint.h>

#include "tk-lib.h"

#define PCI_VENDOR_REDHAT	0x1b36
#define PCI_DEVICE_TEST		0x0005
#define PCI_COMMAND		0x04
#define PCI_CMD_IO		0x1
#define PCI_CMD_MEM		0x2
#define PCI_CLASS_WORD		0x0a
#define PCI_BAR0		0x10
#define PCI_SUBSYS		0x2c
#define PCI_INT_PIN		0x3d

/* PCITestDevHdr's offsets */
#define HDR_TEST	0
#define HDR_WIDTH	1
#define HDR_OFFSET	4
#define HDR_DATA	8
#define HDR_COUNT	12
#define HDR_NAME	16

#define NR_WRITES	16
#define BAR0_MOVE	0x100000u	/* where mmio-wildcard-eventfd's BAR0 goes: 1 MiB down */

const char tk_name[] = "pcitest";

static uint32_t pci_addr(int slot, int reg)
{
	return 0x80000000u | (uint32_t)slot << 11 | (uint32_t)(reg & 0xfc);
}

static uint32_t pci_read32(int slot, int reg)
{
	outl(pci_addr(slot, reg), 0xcf8);
	return inl(0xcfc);
}

static uint16_t pci_read16(int slot, int reg)
{
	outl(pci_addr(slot, reg), 0xcf8);
	return inw((uint16_t)(0xcfc + (reg & 2)));
}

static void pci_write32(int slot, int reg, uint32_t v)
{
	outl(pci_addr(slot, reg), 0xcf8);
	outl(v, 0xcfc);
}

static void pci_write16(int slot, int reg, uint16_t v)
{
	outl(pci_addr(slot, reg), 0xcf8);
	outw(v, (uint16_t)(0xcfc + (reg & 2)));
}

/* one BAR's accessors: memory or port I/O, as lib/pci-testdev.c's ops */
struct bar {
	const char *kind;	/* "mem", "io" */
	int io;
	uintptr_t base;
};

static uint8_t bar_read8(const struct bar *b, uint32_t off)
{
	return b->io ? inb((uint16_t)(b->base + off)) : mmio_read8(b->base + off);
}

static uint32_t bar_read32(const struct bar *b, uint32_t off)
{
	return b->io ? inl((uint16_t)(b->base + off)) : mmio_read32(b->base + off);
}

static void bar_write(const struct bar *b, uint32_t off, uint32_t v, int width)
{
	if (b->io && width == 1)
		outb((uint8_t)v, (uint16_t)(b->base + off));
	else if (b->io && width == 2)
		outw((uint16_t)v, (uint16_t)(b->base + off));
	else if (b->io)
		outl(v, (uint16_t)(b->base + off));
	else if (width == 1)
		mmio_write8(b->base + off, (uint8_t)v);
	else if (width == 2)
		mmio_write16(b->base + off, (uint16_t)v);
	else
		mmio_write32(b->base + off, v);
}

static int pci_find(uint16_t vendor, uint16_t device)
{
	for (int slot = 0; slot < 32; slot++)
		if (pci_read32(slot, 0) == ((uint32_t)device << 16 | vendor))
			return slot;
	return -1;
}

/* the BAR's size as Linux's __pci_read_base finds it: all ones, read back, restore */
static uint32_t bar_size(int slot, int n, uint32_t mask)
{
	uint16_t cmd = pci_read16(slot, PCI_COMMAND);
	uint32_t old = pci_read32(slot, PCI_BAR0 + 4 * n), sz;

	pci_write16(slot, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	pci_write32(slot, PCI_BAR0 + 4 * n, ~0u);
	sz = pci_read32(slot, PCI_BAR0 + 4 * n) & mask;
	pci_write32(slot, PCI_BAR0 + 4 * n, old);
	pci_write16(slot, PCI_COMMAND, cmd);
	return sz ? ~sz + 1 : 0;
}

static void check_config(int slot, struct bar *mem, struct bar *io)
{
	uint32_t bar0 = pci_read32(slot, PCI_BAR0), bar1 = pci_read32(slot, PCI_BAR0 + 4);
	uint32_t sub = pci_read32(slot, PCI_SUBSYS), mem_size, io_size;
	uint16_t cmd = pci_read16(slot, PCI_COMMAND), class = pci_read16(slot, PCI_CLASS_WORD);
	uint8_t pin = (uint8_t)(pci_read32(slot, PCI_INT_PIN & ~3) >> 8);

	mem_size = bar_size(slot, 0, ~0xfu);
	io_size = bar_size(slot, 1, ~0x3u);
	tk_printf("pcitest: class 0x%04x subsystem %04x:%04x pin %u command 0x%x\n", class,
		  sub & 0xffff, sub >> 16, pin, cmd);
	tk_printf("pcitest: BAR0 0x%08x (%u bytes), BAR1 0x%08x (%u bytes)\n", bar0, mem_size,
		  bar1, io_size);
	tk_check(class == 0x00ff && sub == 0x11001af4 && pin == 0,
		 "class word 0x00ff, subsystem 1af4:1100, no interrupt pin (as QEMU's)");
	tk_check(!(bar0 & 0x7) && mem_size == 4096, "BAR0: 32-bit memory, 4 KiB");
	tk_check((bar1 & 0x3) == 1 && io_size == 256, "BAR1: I/O, 256 bytes");
	tk_check((cmd & (PCI_CMD_IO | PCI_CMD_MEM)) == (PCI_CMD_IO | PCI_CMD_MEM) &&
		 (bar0 & ~0xfu) && (bar1 & ~0x3u),
		 "both BARs placed and decoding when the kernel starts (firmware's work)");
	*mem = (struct bar){ "mem", 0, bar0 & ~0xfu };
	*io = (struct bar){ "io", 1, bar1 & ~0x3u };
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* what QEMU's table has as test n of a BAR (type 0 mem, 1 io) */
static const char *const test_names[2][3] = {
	{ "mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd" },
	{ "portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd" },
};

/* pci_testdev_one, with QEMU's header and counts checked; 0 at the table's end */
static int run_test(const struct bar *b, int n)
{
	int id = b->io * 3 + n, wildcard = n == 1;
	uint32_t count0, count, data, off;
	uint8_t width;
	char name[32];
	int i;

	bar_write(b, HDR_TEST, (uint32_t)n, 1);
	count0 = bar_read32(b, HDR_COUNT);
	width = bar_read8(b, HDR_WIDTH);
	if (width != 1 && width != 2 && width != 4)
		return 0;
	data = bar_read32(b, HDR_DATA);
	off = bar_read32(b, HDR_OFFSET);
	for (i = 0; i < (int)sizeof(name) - 1 && (name[i] = (char)bar_read8(b, HDR_NAME + i)); i++)
		;
	name[i] = 0;
	for (i = 0; i < NR_WRITES; i++)
		bar_write(b, off, data, width);
	count = bar_read32(b, HDR_COUNT);
	tk_printf("pcitest: %s test %d: #%u %s width %u offset %u data 0x%x: %d writes, count %u\n",
		  b->kind, n, bar_read8(b, HDR_TEST), name, width, off, data, NR_WRITES, count);
	tk_check(n < 3 && count0 == 0 && bar_read8(b, HDR_TEST) == id && width == 1 &&
		 off == (b->io ? 128u : 2048u) + (uint32_t)id && data == (wildcard ? 0xceu : 0xfau) &&
		 str_eq(name, test_names[b->io][n]),
		 "the header as QEMU's table: number, width 1, offset, data, name; count 0 at start");
	tk_check(count == (n == 0 ? NR_WRITES : 0u), n == 0 ?
		 "count 16: each write reached the device" :
		 "count 0: the ioeventfd took the writes, the device saw none");
	return 1;
}

static int run_tests(const struct bar *b)
{
	int n = 0;

	while (n < 8 && run_test(b, n))
		n++;
	tk_printf("pcitest: %s BAR: %d tests\n", b->kind, n);
	tk_check(n == 3, "three tests on the BAR, then the table ends (width 0)");
	return n;
}

/* mmio-datamatch-eventfd: what the ioeventfd leaves to the device, as QEMU counts it */
static void check_datamatch(const struct bar *mem)
{
	uint32_t off;

	bar_write(mem, HDR_TEST, 2, 1);
	off = bar_read32(mem, HDR_OFFSET);
	for (int i = 0; i < NR_WRITES; i++)
		bar_write(mem, off, 0xce, 1);
	tk_check(bar_read32(mem, HDR_COUNT) == 0,
		 "mmio-datamatch-eventfd: 16 writes of 0xce, count 0 (not the data: not counted)");
	bar_write(mem, off, 0x00fa, 2);
	tk_check(bar_read32(mem, HDR_COUNT) == 1,
		 "mmio-datamatch-eventfd: a 2-byte write of 0x00fa, count 1 (split into bytes)");
}

/* mmio-wildcard-eventfd across a BAR move: the ioeventfd follows BAR0 */
static void check_bar_move(int slot, const struct bar *mem)
{
	struct bar moved = { "mem", 0, mem->base - BAR0_MOVE };
	uint32_t off, count;

	bar_write(mem, HDR_TEST, 1, 1);
	off = bar_read32(mem, HDR_OFFSET);
	pci_write32(slot, PCI_BAR0, (uint32_t)moved.base);
	for (int i = 0; i < NR_WRITES; i++)
		bar_write(&moved, off, 0xce, 1);
	count = bar_read32(&moved, HDR_COUNT);
	pci_write32(slot, PCI_BAR0, (uint32_t)mem->base);
	tk_printf("pcitest: BAR0 moved to 0x%lx: mmio-wildcard-eventfd count %u\n",
		  (uint64_t)moved.base, count);
	tk_check(count == 0 && bar_read8(mem, HDR_TEST) == 1,
		 "mmio-wildcard-eventfd, BAR0 moved 1 MiB down: count 0 (the ioeventfd moved too)");
	bar_write(mem, HDR_TEST, 3, 1);	/* no test runs */
}

int tk_main(void)
{
	struct bar mem, io;
	int slot, n;

	tk_idt_load();
	slot = pci_find(PCI_VENDOR_REDHAT, PCI_DEVICE_TEST);
	tk_printf("pcitest: 1b36:0005 %s 00:%02x.0\n", slot < 0 ? "not found, last slot" : "at",
		  (uint32_t)(slot < 0 ? 31 : slot));
	tk_check(slot >= 0, "pci-testdev (1b36:0005) on bus 0");
	if (slot < 0)
		return tk_checks_result();
	/* kvm-unit-tests' pci_config_readw: the register's low bits in 0xcf8, data at 0xcfc */
	outl(pci_addr(slot, 0) | 2, 0xcf8);
	tk_check(inw(0xcfc) == PCI_DEVICE_TEST,
		 "0xcf8 with register 2, a word from 0xcfc: the device ID (QEMU keeps the low bits)");
	check_config(slot, &mem, &io);
	n = run_tests(&mem) + run_tests(&io);
	tk_check(n == 6, "six tests in all, as QEMU 7.2 and 11.1 have");
	check_datamatch(&mem);
	check_bar_move(slot, &mem);
	return tk_checks_result();
}
