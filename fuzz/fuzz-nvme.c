// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-nvme.c - the NVMe controller (src/hw/nvme/nvme.c, nvme-cmd.c) on the
 * fake kernel with 32 KiB of guest RAM for its queues: the input is
 * register writes (a whole controller enable too), SQEs the target puts at
 * an SQ's tail and rings in (create and delete I/O CQ and SQ with and
 * without IEN, on any vector, Identify, Read, other opcodes, bad queue
 * ids, sizes and pages), raw doorbells (any queue id, beyond the queue's
 * size), CQ heads consumed, hold and complete-held, MSI-X Message Control,
 * table writes, PBA reads, raw config writes. After each operation:
 *  - the ledger (fuzz-common.c), per vector: raised == told + pending +
 *    coalesced + dropped, and the controller's interrupts are the raises
 *    msix.c saw while MSI-X was on (none while off: INTx is not emulated);
 *  - a PBA bit only for a masked vector;
 *  - no vector used and released: its use count is the valid CQs that
 *    took it (IEN, MSI-X on at the creation), none lost or left behind;
 *  - the queues: a valid one's head and tail within its size, an invalid
 *    one all zero, nothing waiting on a deleted CQ and every completion
 *    waiting on a CQ from a valid SQ that completes to it (none posted to
 *    a deleted queue later); CSTS.RDY exactly while the admin pair exists.
 * The controller is realized once; each input ends with the guest's
 * controller reset (CC.EN 0, its admin registers 0) and the PCI core's
 * (pci_do_device_reset), which must leave it and the VM as realized.
 */
#include <string.h>

#include "hw/pci/msix.h"
#include "hw/nvme/nvme-internal.h"
#include "vmm/util.h"
#include "fake-kvm.h"
#include "fuzz-common.h"

#define RAM_PAGES	8
#define REG_BAR		0
#define MSIX_BAR	4
#define PBA_OFF		0x800
#define CC_EN		1u
#define CSTS_RDY	1u

static const struct sys_ops fake_ops = {
	.open = fake_real_open, .close = fake_real_close, .ioctl = fuzz_sys_ioctl,
	.eventfd = fake_real_eventfd, .read = fake_real_read, .write = fake_real_write,
};

static struct vm *vm;
static PCIDevice *dev;
static NvmeCtrl made;		/* the controller as realized */
static struct fuzz_pci_state made_pci;
static uint64_t raised_before, interrupts_before;

/* ---- the invariants ---- */

static void check_sq(NvmeCtrl *n, int q)
{
	NvmeSQueue *sq = &n->sq[q], zero = { 0 };

	if (!sq->valid) {
		fuzz_check(!memcmp(sq, &zero, sizeof(zero)), "SQ %d invalid but not cleared", q);
		return;
	}
	fuzz_check(sq->size >= 2 && sq->head < sq->size && sq->tail < sq->size,
		   "SQ %d: head %u tail %u size %u", q, sq->head, sq->tail, sq->size);
	fuzz_check(sq->cqid == q && n->cq[sq->cqid].valid, "SQ %d completes to CQ %u (valid %d)",
		   q, sq->cqid, n->cq[sq->cqid].valid);
}

static void check_cq(NvmeCtrl *n, int q)
{
	NvmeCQueue *cq = &n->cq[q], zero = { 0 };

	if (!cq->valid) {
		fuzz_check(!memcmp(cq, &zero, sizeof(zero)), "CQ %d deleted, %u completions wait", q,
			   cq->req_nr);
		return;
	}
	fuzz_check(cq->size >= 2 && cq->head < cq->size && cq->tail < cq->size &&
		   cq->req_nr <= NVME_REQ_MAX && cq->vector < NVME_MSIX_VECTORS,
		   "CQ %d: head %u tail %u size %u waiting %u vector %u", q, cq->head, cq->tail,
		   cq->size, cq->req_nr, cq->vector);
	for (unsigned int i = 0; i < cq->req_nr; i++) {
		NvmeRequest *r = &cq->req_list[(cq->req_head + i) % NVME_REQ_MAX];

		fuzz_check(r->sqid < NVME_NR_QUEUES && n->sq[r->sqid].valid &&
			   n->sq[r->sqid].cqid == q, "CQ %d: cid %u waits for SQ %u, which is gone",
			   q, r->cid, r->sqid);
	}
}

/* no vector used and released: each use is a valid CQ's that took it, and only with IEN */
static void check_vectors(NvmeCtrl *n)
{
	PCIDevice *d = &n->parent_obj;

	for (unsigned int v = 0; v < NVME_MSIX_VECTORS; v++) {
		unsigned int cqs = 0;

		for (int q = 0; q < NVME_NR_QUEUES; q++) {
			NvmeCQueue *cq = &n->cq[q];

			fuzz_check(!cq->vector_used || cq->ien, "CQ %d took its vector without IEN", q);
			cqs += cq->valid && cq->vector_used && cq->vector == v;
		}
		fuzz_check(d->msix_entry_used[v] == cqs, "vector %u used %u times, by %u CQs", v,
			   d->msix_entry_used[v], cqs);
	}
}

/* every assert with IEN reached msix_notify while MSI-X was on, and only then */
static void check_raises(NvmeCtrl *n)
{
	PCIDevice *d = &n->parent_obj;
	uint64_t raised = 0;

	for (unsigned int v = 0; v < NVME_MSIX_VECTORS; v++)
		raised += fuzz_check_ledger(d, v, 0);
	if (msix_enabled(d))
		fuzz_check(raised - raised_before == n->interrupts - interrupts_before,
			   "%lu interrupts, %lu raises", (unsigned long)(n->interrupts - interrupts_before),
			   (unsigned long)(raised - raised_before));
	else
		fuzz_check(raised == raised_before, "raised with MSI-X off");
	raised_before = raised;
	interrupts_before = n->interrupts;
}

static void check(NvmeCtrl *n)
{
	bool rdy = n->bar[NVME_REG_CSTS / 4] & CSTS_RDY;

	for (int q = 0; q < NVME_NR_QUEUES; q++) {
		check_sq(n, q);
		check_cq(n, q);
	}
	fuzz_check(rdy == n->sq[0].valid && rdy == n->cq[0].valid, "CSTS.RDY %d, admin SQ %d CQ %d",
		   rdy, n->sq[0].valid, n->cq[0].valid);
	check_vectors(n);
	check_raises(n);
	fuzz_check_pba(&n->parent_obj);
}

/* ---- the operations ---- */

static void reg_write(uint32_t off, uint32_t val)
{
	fuzz_bar_write(dev, REG_BAR, off, val, 4);
}

/* a page of guest RAM, or (1 in 16) an address inside one or beyond RAM */
static uint64_t fuzz_page(struct fuzz_in *in)
{
	uint8_t x = fuzz_u8(in);

	if (x >> 4 == 0xf)
		return (uint64_t)(x & 0xf) * NVME_PAGE_SIZE + (x & 0x8 ? 0x40 : 0);
	return (uint64_t)(x % RAM_PAGES) * NVME_PAGE_SIZE;
}

/* AQA, ASQ, ACQ, then CC.EN: what a driver writes to bring the controller up */
static void ctrl_enable(struct fuzz_in *in)
{
	uint32_t asqs = fuzz_u8(in) % 64 + 1, acqs = fuzz_u8(in) % 64 + 1;
	uint64_t asq = fuzz_page(in), acq = fuzz_page(in);

	reg_write(NVME_REG_AQA, asqs | acqs << 16);
	reg_write(NVME_REG_ASQ, (uint32_t)asq);
	reg_write(NVME_REG_ASQ + 4, (uint32_t)(asq >> 32));
	reg_write(NVME_REG_ACQ, (uint32_t)acq);
	reg_write(NVME_REG_ACQ + 4, (uint32_t)(acq >> 32));
	reg_write(NVME_REG_CC, CC_EN);
}

static const uint32_t regs[] = {
	NVME_REG_CC, NVME_REG_AQA, NVME_REG_ASQ, NVME_REG_ASQ + 4, NVME_REG_ACQ, NVME_REG_ACQ + 4,
	NVME_REG_CSTS, NVME_REG_CAP,
};

static const uint8_t opcodes[] = {
	NVME_ADM_CMD_CREATE_CQ, NVME_ADM_CMD_CREATE_SQ, NVME_ADM_CMD_DELETE_CQ,
	NVME_ADM_CMD_DELETE_SQ, NVME_ADM_CMD_IDENTIFY, NVME_CMD_READ,
};

/* an SQE from the input: an opcode the model knows (or any), queue id, size, flags, vector, page */
static void sqe_fill(uint32_t *sqe, struct fuzz_in *in, uint16_t cid)
{
	uint8_t o = fuzz_u8(in), qid = fuzz_u8(in), qsize = fuzz_u8(in), fl = fuzz_u8(in);

	memset(sqe, 0, NVME_SQE_SIZE);
	sqe[SQE_CDW0] = (o % 8 < 6 ? opcodes[o % 8] : o) | (uint32_t)cid << 16;
	sqe[SQE_NSID] = fl & 0x80 ? 2 : 1;
	sqe[SQE_PRP1] = (uint32_t)fuzz_page(in);
	/* create/delete: QID (1 of 4 not 1), QSIZE 0-based; Read: the SLBA's low half */
	sqe[SQE_CDW10] = (qid % 4 ? 1u : qid >> 2) | (uint32_t)(qsize % 72) << 16;
	/* PC, IEN; the vector (CQ) or CQ id (SQ); Read: the SLBA's high half */
	sqe[SQE_CDW11] = (fl & 3) | (uint32_t)((fl >> 2) % 6) << 16;
	if ((sqe[SQE_CDW0] & 0xff) == NVME_ADM_CMD_CREATE_SQ && fl & 0x40)
		sqe[SQE_CDW11] = (sqe[SQE_CDW11] & 0xffff) | 1u << 16;	/* on CQ 1, mostly */
	sqe[SQE_CDW12] = qsize % 16;	/* Read: NLB */
}

/* one SQE at SQ q's tail, then the tail doorbell past it */
static void submit(NvmeCtrl *n, struct fuzz_in *in)
{
	static uint16_t cid;
	int q = fuzz_u8(in) & 1;
	NvmeSQueue *sq = &n->sq[q];
	uint32_t sqe[NVME_SQE_SIZE / 4];

	sqe_fill(sqe, in, cid++);
	if (!sq->valid)
		return;
	memcpy(vm_gpa(vm, sq->dma + (uint64_t)sq->tail * NVME_SQE_SIZE), sqe, sizeof(sqe));
	reg_write(NVME_REG_DBS + 8 * q, (sq->tail + 1u) % sq->size);
}

/* the driver read CQ q up to its tail */
static void consume(NvmeCtrl *n, struct fuzz_in *in)
{
	int q = fuzz_u8(in) & 1;

	if (n->cq[q].valid)
		reg_write(NVME_REG_DBS + 8 * q + 4, n->cq[q].tail);
}

static void step(NvmeCtrl *n, struct fuzz_in *in)
{
	PCIDevice *d = &n->parent_obj;
	uint8_t op = fuzz_u8(in), x;

	switch (op % 11) {
	case 0: ctrl_enable(in); break;
	case 1: x = fuzz_u8(in); reg_write(regs[x % 8], fuzz_u(in, 4)); break;
	case 2: submit(n, in); break;
	case 3: x = fuzz_u8(in); reg_write(NVME_REG_DBS + x % 8 * 4, fuzz_u(in, 2)); break;
	case 4: consume(n, in); break;
	case 5: pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, fuzz_u(in, 2), 2); break;
	case 6: x = fuzz_u8(in); fuzz_bar_write(d, MSIX_BAR, x % 5 * 16 + x / 5 % 4 * 4, fuzz_u(in, 4), 4);
		break;
	case 7: (void)fuzz_bar_read(d, MSIX_BAR, PBA_OFF + fuzz_u8(in) % 16, 4); break;
	case 8:
		x = fuzz_u8(in);
		if (x & 1)
			nvme_set_hold(d, x & 2);
		else
			nvme_complete_held(d, x >> 2);
		break;
	case 9: x = fuzz_u8(in); pci_config_write(d, x, fuzz_u(in, 4), fuzz_len(in)); break;
	case 10: (void)fuzz_bar_read(d, REG_BAR, fuzz_u(in, 2) % 0x1040 & ~3u, 4); break;
	}
	check(n);
}

/* ---- realized once, reset per input ---- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	dev = fuzz_realize(&nvme_pci_type, &fake_ops, RAM_PAGES * NVME_PAGE_SIZE, &vm, &made_pci);
	made = *(NvmeCtrl *)dev->opaque;
	return 0;
}

static void check_made(NvmeCtrl *n)
{
	fuzz_check(!memcmp(n->bar, made.bar, sizeof(made.bar)), "reset: a register");
	fuzz_check(!memcmp(n->sq, made.sq, sizeof(made.sq)) &&
		   !memcmp(n->cq, made.cq, sizeof(made.cq)) && !n->hold, "reset: a queue");
}

/* the guest's controller reset and admin registers, then the PCI core's reset */
static void reset(NvmeCtrl *n)
{
	nvme_set_hold(dev, false);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs) - 2; i++)
		reg_write(regs[i], 0);
	pci_do_device_reset(dev);
	check_made(n);
	fuzz_pci_check_fresh(dev, &made_pci);
	n->commands = n->completions = n->interrupts = 0;	/* accounting */
	fuzz_pci_forget(dev);
	raised_before = interrupts_before = 0;
	fuzz_vm_reset(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	NvmeCtrl *n = dev->opaque;

	pthread_mutex_lock(&vm->bql);	/* as the vCPU's MMIO exits */
	while (fuzz_more(&in))
		step(n, &in);
	reset(n);	/* here, so that what it finds left is this input's crash */
	pthread_mutex_unlock(&vm->bql);
	return 0;
}
