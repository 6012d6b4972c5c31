// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-dev.c - check the device ops without virq's devices: PCI_ENUM
 * on whatever bus 0 the machine has (under QEMU: i440FX and PIIX3, or q35's
 * MCH and ICH9 functions, and any -device given), the MSI-X tables of the
 * devices the scenarios use, VIRTQ_ADD and NVME_SQE against plain RAM.
 *
 * The BSP runs each op through its own mailbox (cmd_poll), so the
 * dispatch and argument passing are the ones the VMM uses.
 */
#include "guest.h"

#define IO_SPACE_END		0x10000u
#define MMIO_END		0xfec00000u	/* the IOAPIC and LAPIC above */

#define VQ_GPA			VIRQ_DMA_GPA
#define VQ_SIZE			4
#define VQ_AVAIL		(VQ_GPA + 16 * VQ_SIZE)
#define VQ_USED			(VQ_GPA + 80)	/* avail ends at +78, rounded to 4 */
#define VQ_BUF			(VIRQ_DMA_GPA + 0x1000)
#define SQE_GPA			(VIRQ_DMA_GPA + 0x2000)

static int fail(const char *why, uint32_t v)
{
	kprintf("virq-guest: selftest FAIL %s (0x%x)\n", why, v);
	return -1;
}

/* Post op to our own mailbox and run it; returns its status */
static uint32_t bsp_cmd(uint32_t op, const uint32_t *arg, uint32_t *result)
{
	volatile struct virq_mailbox *mb = &SHARED->mbox[0];
	uint32_t i;

	mb->op = op;
	for (i = 0; i < 8; i++)
		mb->arg[i] = arg ? arg[i] : 0;
	barrier();
	mb->seq++;
	if (!cmd_poll(0) || mb->done != mb->seq)
		return ~0u;
	*result = mb->result;
	return mb->status;
}

static void pci_print(const struct virq_pci_dev *d)
{
	uint32_t i;

	kprintf("virq-guest: pci %02x:%02x.%u %04x:%04x%s", d->bdf >> 8,
		(d->bdf >> 3) & 0x1f, d->bdf & 7, d->vendor, d->device,
		d->header == 1 ? " bridge" : "");
	for (i = 0; i < 6; i++)
		if (d->bar[i])
			kprintf(" bar%u=%s0x%x/0x%x", i,
				d->io_bars & (1u << i) ? "io:" : "",
				d->bar[i], d->bar_size[i]);
	if (d->msix_cap)
		kprintf(" msix %u vectors table=bar%u:0x%x pba=bar%u:0x%x",
			d->msix_size, d->msix_table_bir, d->msix_table,
			d->msix_pba_bir, d->msix_pba);
	kprintf("\n");
}

/* Size-aligned, inside its space; in assign mode inside our window too */
static int bar_ok(const struct virq_pci_dev *d, uint32_t i)
{
	uint32_t addr = d->bar[i], size = d->bar_size[i];
	int io = d->io_bars & (1u << i);
	uint32_t lo = io ? VIRQ_PCI_IO_BASE : VIRQ_PCI_MMIO_BASE;
	uint64_t end = (uint64_t)addr + size;

	if (SHARED->pci_mode == VIRQ_PCI_FIRMWARE)
		lo = io ? 0 : 0x100000;	/* firmware keeps low memory for RAM */
	if (!size || (size & (size - 1)) || addr % size)
		return 0;
	return addr >= lo && end <= (io ? IO_SPACE_END : MMIO_END);
}

/* No two BARs of any devices overlap, in the same space */
static int bars_disjoint(const struct virq_pci_dev *pci, uint32_t n)
{
	uint32_t a, b;

	for (a = 0; a < n * 6; a++) {
		const struct virq_pci_dev *da = &pci[a / 6];
		uint32_t abase = da->bar[a % 6], aend = abase + da->bar_size[a % 6];
		uint32_t aio = da->io_bars >> (a % 6) & 1;

		for (b = a + 1; abase && b < n * 6; b++) {
			const struct virq_pci_dev *db = &pci[b / 6];
			uint32_t bbase = db->bar[b % 6];

			if (bbase && (db->io_bars >> (b % 6) & 1) == aio &&
			    bbase < aend && abase < bbase + db->bar_size[b % 6])
				return 0;
		}
	}
	return 1;
}

static int enum_once(void)
{
	const struct virq_pci_dev *pci = SHARED->pci;
	uint32_t st, r, i, j, n;

	st = bsp_cmd(VIRQ_OP_PCI_ENUM, NULL, &r);
	n = SHARED->nr_pci;
	kprintf("virq-guest: pci mode %s\n", SHARED->pci_mode ==
		VIRQ_PCI_FIRMWARE ? "firmware" : "assign");
	for (i = 0; i < n; i++)
		pci_print(&pci[i]);
	if (st != VIRQ_ST_OK)
		return fail("pci enum status", st);
	if (r != n || !n || pci[0].bdf != 0)
		return fail("pci enum count or no host bridge", r);
	for (i = 0; i < n; i++)
		for (j = 0; j < 6; j++)
			if (pci[i].bar[j] && !bar_ok(&pci[i], j))
				return fail("bar placement", pci[i].bar[j]);
	if (!bars_disjoint(pci, n))
		return fail("overlapping bars", n);
	return 0;
}

static int test_pci(void)
{
	static struct virq_pci_dev first[VIRQ_PCI_MAX_DEVS];
	const uint8_t *x = (const uint8_t *)first;
	const uint8_t *y = (const uint8_t *)SHARED->pci;
	uint32_t i, r, n;

	if (enum_once())
		return -1;
	n = SHARED->nr_pci;
	/* again: placement restarts from the window bases */
	memcpy(first, SHARED->pci, sizeof(first));
	if (bsp_cmd(VIRQ_OP_PCI_ENUM, NULL, &r) != VIRQ_ST_OK || r != n)
		return fail("pci enum again", r);
	for (i = 0; i < sizeof(first); i++)
		if (x[i] != y[i])
			return fail("pci enum not repeatable at byte", i);
	return 0;
}

static uint32_t vq_add(uint32_t desc, uint32_t q, uint32_t buf, uint32_t len,
		       uint32_t *result)
{
	return bsp_cmd(VIRQ_OP_VIRTQ_ADD, (const uint32_t[8]){ desc, q, buf, len },
		       result);
}

/* desc[head] holds buf/len, device-writable, and avail.ring[head] = head */
static int vq_check(uint32_t head, uint32_t buf, uint32_t len)
{
	volatile uint32_t *d = (volatile uint32_t *)(VQ_GPA + 16 * head);
	volatile uint16_t *ring = (volatile uint16_t *)(VQ_AVAIL + 4);

	if (d[0] != buf || d[1] || d[2] != len || d[3] != 2)
		return fail("virtq descriptor", head);
	if (ring[head] != head)
		return fail("virtq avail ring", head);
	return 0;
}

static int test_virtq(void)
{
	volatile uint16_t *avail_idx = (volatile uint16_t *)(VQ_AVAIL + 2);
	volatile uint16_t *used_idx = (volatile uint16_t *)(VQ_USED + 2);
	uint32_t k, r;

	memset((void *)VQ_GPA, 0, 0x1000);
	for (k = 0; k < VQ_SIZE; k++) {
		if (vq_add(VQ_GPA, VQ_SIZE, VQ_BUF + 0x100 * k, 0x10 + k, &r) !=
		    VIRQ_ST_OK || r != k + 1 || *avail_idx != k + 1)
			return fail("virtq add", k);
		if (vq_check(k, VQ_BUF + 0x100 * k, 0x10 + k))
			return -1;
	}
	if (vq_add(VQ_GPA, VQ_SIZE, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG)
		return fail("virtq add to a full ring", *avail_idx);

	/* the device used one: slot 0 is free again, the index wraps at 2^16 */
	*used_idx = 1;
	if (vq_add(VQ_GPA, VQ_SIZE, VQ_BUF + 0x800, 0x80, &r) != VIRQ_ST_OK ||
	    r != 5 || vq_check(0, VQ_BUF + 0x800, 0x80))
		return fail("virtq add after use", r);
	*avail_idx = 0xffff;
	*used_idx = 0xffff;
	if (vq_add(VQ_GPA, VQ_SIZE, VQ_BUF, 0x40, &r) != VIRQ_ST_OK || r != 0 ||
	    *avail_idx != 0 || vq_check(3, VQ_BUF, 0x40))
		return fail("virtq index wrap", r);

	if (vq_add(VQ_GPA, 0, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG ||
	    vq_add(VQ_GPA, 3, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG ||
	    vq_add(VQ_GPA, 65536, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG ||
	    vq_add(VQ_GPA + 8, VQ_SIZE, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG ||
	    vq_add(0xfffffff0, VQ_SIZE, VQ_BUF, 1, &r) != VIRQ_ST_BAD_ARG)
		return fail("virtq bad args accepted", r);
	return 0;
}

static int test_nvme(void)
{
	static const uint32_t want[16] = {
		[0] = 0x00420002, [1] = 1, [6] = 0x00203000,
		[10] = 7, [11] = 0, [12] = 0x80000003,
	};
	volatile uint32_t *sqe = (volatile uint32_t *)SQE_GPA;
	uint32_t i, r;

	memset((void *)SQE_GPA, 0xa5, 128);
	if (bsp_cmd(VIRQ_OP_NVME_SQE, (const uint32_t[8]){ SQE_GPA, want[0],
		    want[1], want[6], want[10], want[11], want[12] }, &r) !=
	    VIRQ_ST_OK)
		return fail("nvme sqe", r);
	for (i = 0; i < 16; i++)
		if (sqe[i] != want[i])
			return fail("nvme sqe dword", i);
	if (sqe[16] != 0xa5a5a5a5)
		return fail("nvme sqe wrote past 64 bytes", sqe[16]);
	if (bsp_cmd(VIRQ_OP_NVME_SQE, (const uint32_t[8]){ SQE_GPA + 32, 1 },
		    &r) != VIRQ_ST_BAD_ARG || sqe[8] != 0)
		return fail("nvme sqe misaligned accepted", sqe[8]);
	return 0;
}

/* Returns 0 on PASS */
int selftest_devices(void)
{
	return test_pci() || selftest_msix() || test_virtq() || test_nvme() ?
		-1 : 0;
}
