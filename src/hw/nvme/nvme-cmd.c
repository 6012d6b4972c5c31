// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-cmd.c - the commands of virq's NVMe controller, after QEMU 11.1's
 * hw/nvme/ctrl.c: admin (create and delete the one I/O CQ and SQ,
 * Identify) and I/O (Read from the 64-block RAM namespace), and the CQs'
 * lifecycle (nvme_init_cq, nvme_free_cq) with their MSI-X vector. nvme.c
 * fetches each SQE and posts the status these return. With vm->bql held.
 */
#include <string.h>

#include "nvme-internal.h"
#include "../pci/msix.h"
#include "../../trace/trace.h"

#define NVME_Q_PC		0x1	/* CDW11: physically contiguous */
#define NVME_CQ_IEN		0x2	/* CDW11: interrupts enabled */

enum {	/* status (SCT << 8 | SC), as QEMU's include/block/nvme.h, DNR left off */
	NVME_SUCCESS = 0x0, NVME_INVALID_OPCODE = 0x1, NVME_INVALID_FIELD = 0x2,
	NVME_INVALID_NSID = 0xb, NVME_INVALID_PRP_OFFSET = 0x13, NVME_LBA_RANGE = 0x80,
	NVME_INVALID_CQID = 0x100, NVME_INVALID_QID = 0x101,
	NVME_MAX_QSIZE_EXCEEDED = 0x102, NVME_INVALID_IRQ_VECTOR = 0x108,
	NVME_INVALID_QUEUE_DEL = 0x10c,
};

static uint64_t sqe_prp1(const uint32_t *sqe)
{
	return sqe[SQE_PRP1] | (uint64_t)sqe[SQE_PRP1 + 1] << 32;
}

/* the queue id of CDW10 (create, delete) */
static uint16_t sqe_qid(const uint32_t *sqe)
{
	return sqe[SQE_CDW10] & 0xffff;
}

/* ---- the CQs and their vectors: nvme_init_cq, nvme_free_cq ---- */

/*
 * The vector is used only with MSI-X on and IEN (QEMU 11.1; 7.2 used it
 * with MSI-X on, IEN or not, until "hw/nvme: fix use/unuse of msix
 * vectors", Dec 2024). QEMU 11.1's nvme_free_cq tests MSI-X again at the
 * free, so a CQ created with MSI-X on and freed after the guest turned it
 * off keeps its use for ever (a controller reset after the driver freed
 * its vectors), and one created with MSI-X off and freed with it on takes
 * another CQ's use of the vector away: found by fuzz-nvme. virq gives back
 * exactly the use the CQ took, as QEMU's later ctrl.c does by testing one
 * thing that cannot change in between (msix_present).
 */
void nvme_init_cq(NvmeCtrl *n, NvmeCQueue *cq, uint64_t dma, uint16_t size, uint16_t vector,
		  bool ien)
{
	PCIDevice *pci = &n->parent_obj;

	*cq = (NvmeCQueue){ .valid = true, .ien = ien, .phase = true, .dma = dma, .size = size,
			    .vector = vector, .vector_used = ien && msix_enabled(pci) };
	if (cq->vector_used)
		msix_vector_use(pci, vector);
}

/* the CQ and the completions still waiting on it go */
void nvme_free_cq(NvmeCtrl *n, NvmeCQueue *cq)
{
	if (cq->vector_used)
		msix_vector_unuse(&n->parent_obj, cq->vector);
	memset(cq, 0, sizeof(*cq));
}

/* ---- admin commands ---- */

/* the checks nvme_create_cq and nvme_create_sq share, in QEMU's order */
static uint16_t nvme_check_queue(NvmeCtrl *n, const uint32_t *sqe, unsigned int esize)
{
	uint16_t qsize = sqe[SQE_CDW10] >> 16;
	uint64_t prp1 = sqe_prp1(sqe);

	if (!qsize || qsize > NVME_MQES)
		return NVME_MAX_QSIZE_EXCEEDED;
	if (!prp1 || prp1 & (NVME_PAGE_SIZE - 1))
		return NVME_INVALID_PRP_OFFSET;
	if (!(sqe[SQE_CDW11] & NVME_Q_PC) || !nvme_dma(n, prp1, (qsize + 1u) * esize))
		return NVME_INVALID_FIELD;
	return NVME_SUCCESS;
}

/*
 * nvme_create_cq: the one I/O CQ, id 1, on a vector < 4, and with MSI-X
 * off on vector 0 only: pin-based interrupts have no other, and QEMU's
 * nvme_create_cq (7.2 and 11.1 alike) refuses any other with Invalid
 * Interrupt Vector while msix_enabled is false.
 */
static uint16_t nvme_create_cq(NvmeCtrl *n, const uint32_t *sqe)
{
	uint16_t vector = sqe[SQE_CDW11] >> 16, st;
	NvmeCQueue *cq = &n->cq[1];

	if (sqe_qid(sqe) != 1 || cq->valid)
		return NVME_INVALID_QID;
	st = nvme_check_queue(n, sqe, NVME_CQE_SIZE);
	if (st == NVME_SUCCESS &&
	    (vector >= NVME_MSIX_VECTORS || (vector && !msix_enabled(&n->parent_obj))))
		st = NVME_INVALID_IRQ_VECTOR;
	if (st != NVME_SUCCESS)
		return st;
	nvme_init_cq(n, cq, sqe_prp1(sqe), (sqe[SQE_CDW10] >> 16) + 1, vector,
		     sqe[SQE_CDW11] & NVME_CQ_IEN);
	trace_event("nvme_create_cq", "%s cqid=1 size=%u vector=%u ien=%d", n->parent_obj.name,
		    cq->size, vector, cq->ien);
	return NVME_SUCCESS;
}

/* nvme_create_sq: the one I/O SQ, id 1, on CQ 1 */
static uint16_t nvme_create_sq(NvmeCtrl *n, const uint32_t *sqe)
{
	NvmeSQueue *sq = &n->sq[1];
	uint16_t st;

	if ((sqe[SQE_CDW11] >> 16) != 1 || !n->cq[1].valid)
		return NVME_INVALID_CQID;
	if (sqe_qid(sqe) != 1 || sq->valid)
		return NVME_INVALID_QID;
	st = nvme_check_queue(n, sqe, NVME_SQE_SIZE);
	if (st != NVME_SUCCESS)
		return st;
	*sq = (NvmeSQueue){ .valid = true, .dma = sqe_prp1(sqe),
			    .size = (sqe[SQE_CDW10] >> 16) + 1, .cqid = 1 };
	trace_event("nvme_create_sq", "%s sqid=1 size=%u cqid=1", n->parent_obj.name, sq->size);
	return NVME_SUCCESS;
}

/* the completions of sqid still waiting on cq leave it, the others keep their order */
static unsigned int nvme_cq_drop_sq(NvmeCQueue *cq, uint16_t sqid)
{
	unsigned int kept = 0, nr = cq->req_nr;

	for (unsigned int i = 0; i < nr; i++) {
		NvmeRequest r = cq->req_list[(cq->req_head + i) % NVME_REQ_MAX];

		if (r.sqid != sqid)
			cq->req_list[(cq->req_head + kept++) % NVME_REQ_MAX] = r;
	}
	cq->req_nr = kept;
	return nr - kept;
}

/*
 * nvme_del_sq (QEMU 11.1): the CQ posts what it can first (nvme_post_cqes,
 * held completions too: a deleted queue has no one to hold them for), and
 * what still does not fit is dropped with the SQ, as QEMU moves those
 * requests back to the SQ it frees. Entries not yet fetched go with it.
 */
static uint16_t nvme_del_sq(NvmeCtrl *n, const uint32_t *sqe)
{
	uint16_t qid = sqe_qid(sqe);
	NvmeCQueue *cq;
	unsigned int posted, dropped;

	if (!qid || qid >= NVME_NR_QUEUES || !n->sq[qid].valid)
		return NVME_INVALID_QID;
	cq = &n->cq[n->sq[qid].cqid];
	posted = nvme_post_cqes(n, cq, UINT32_MAX);
	dropped = nvme_cq_drop_sq(cq, qid);
	memset(&n->sq[qid], 0, sizeof(n->sq[qid]));
	trace_event("nvme_del_sq", "%s qid=%u posted=%u dropped=%u", n->parent_obj.name, qid,
		    posted, dropped);
	return NVME_SUCCESS;
}

/* nvme_del_cq (QEMU 11.1): not while an SQ still completes to it */
static uint16_t nvme_del_cq(NvmeCtrl *n, const uint32_t *sqe)
{
	uint16_t qid = sqe_qid(sqe);

	if (!qid || qid >= NVME_NR_QUEUES || !n->cq[qid].valid)
		return NVME_INVALID_CQID;
	for (int q = 1; q < NVME_NR_QUEUES; q++)
		if (n->sq[q].valid && n->sq[q].cqid == qid)
			return NVME_INVALID_QUEUE_DEL;
	nvme_free_cq(n, &n->cq[qid]);
	trace_event("nvme_del_cq", "%s qid=%u", n->parent_obj.name, qid);
	return NVME_SUCCESS;
}

/* nvme_identify: a zeroed 4 KiB page, the data structure left empty */
static uint16_t nvme_identify(NvmeCtrl *n, const uint32_t *sqe)
{
	uint64_t prp1 = sqe_prp1(sqe);
	void *p = prp1 & (NVME_PAGE_SIZE - 1) ? NULL : nvme_dma(n, prp1, NVME_PAGE_SIZE);

	if (!p)
		return NVME_INVALID_FIELD;
	memset(p, 0, NVME_PAGE_SIZE);
	return NVME_SUCCESS;
}

/* ---- I/O commands ---- */

/* nvme_read: (NLB + 1) blocks from the RAM namespace into PRP1's page (no PRP2) */
static uint16_t nvme_read(NvmeCtrl *n, const uint32_t *sqe)
{
	uint64_t slba = sqe[SQE_CDW10] | (uint64_t)sqe[SQE_CDW11] << 32;
	uint32_t nlb = (sqe[SQE_CDW12] & 0xffff) + 1, len = nlb * NVME_LBA_SIZE;
	uint64_t prp1 = sqe_prp1(sqe);
	void *p;

	if (sqe[SQE_NSID] != 1)
		return NVME_INVALID_NSID;
	if (len > NVME_PAGE_SIZE - (prp1 & (NVME_PAGE_SIZE - 1)))
		return NVME_INVALID_FIELD;	/* beyond PRP1's page: would need PRP2 */
	if (slba >= NVME_NS_BLOCKS || nlb > NVME_NS_BLOCKS - slba)
		return NVME_LBA_RANGE;
	p = nvme_dma(n, prp1, len);
	if (!p)
		return NVME_INVALID_FIELD;
	memcpy(p, n->ns + slba * NVME_LBA_SIZE, len);
	return NVME_SUCCESS;
}

uint16_t nvme_exec(NvmeCtrl *n, uint16_t sqid, const uint32_t *sqe)
{
	uint8_t opc = sqe[SQE_CDW0] & 0xff;

	if (sqid != 0)
		return opc == NVME_CMD_READ ? nvme_read(n, sqe) : NVME_INVALID_OPCODE;
	switch (opc) {
	case NVME_ADM_CMD_DELETE_SQ: return nvme_del_sq(n, sqe);
	case NVME_ADM_CMD_CREATE_SQ: return nvme_create_sq(n, sqe);
	case NVME_ADM_CMD_DELETE_CQ: return nvme_del_cq(n, sqe);
	case NVME_ADM_CMD_CREATE_CQ: return nvme_create_cq(n, sqe);
	case NVME_ADM_CMD_IDENTIFY: return nvme_identify(n, sqe);
	default: return NVME_INVALID_OPCODE;
	}
}
