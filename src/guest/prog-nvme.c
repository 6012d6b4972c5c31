// SPDX-License-Identifier: GPL-2.0
/*
 * prog-nvme.c - the step program's `guest nvme` steps: the register writes
 * and commands of nvme-drv.h, which virq's mailbox driver
 * (src/scenario/driver.c) composes from the same definitions, each command
 * written by nvme.c's nvme_sqe (the mailbox's VIRQ_OP_NVME_SQE) and
 * published by its SQ tail doorbell.
 *
 * Unlike the mailbox driver, the program then waits for the command's CQE
 * (its phase tag) before it goes on. virq's controller completes at the
 * doorbell, on the writing vCPU; QEMU's processes the SQ in a bottom half
 * (nvme_process_sq) and posts from another (nvme_post_cqes), which posts
 * every completion waiting and raises once: two commands sent back to back
 * could complete as one batch and one interrupt there, where virq raised
 * two. Waiting keeps one command, one nvme_post_cqes. The CQ head doorbell
 * is never written (as virq's driver), so a CQ takes 15 completions.
 */
#include "guest.h"
#include "virq-prog.h"
#include "nvme-drv.h"

/* a CQ as the driver tracks it: the next entry and the phase it will carry */
struct prog_cq {
	uint32_t head, phase;
};

static struct prog_nvme {
	uint16_t asq_tail, iosq_tail, cid;
	struct prog_cq acq, iocq;
} nvme[VIRQ_PROG_MAX_DEVS];

/* one CQE at cq's head, within VIRQ_PROG_NVME_CQE_MS: its status (SCT << 8 | SC), or -1 */
static int nvme_wait_cqe(uint32_t base, struct prog_cq *cq)
{
	volatile uint32_t *e = (volatile uint32_t *)(base + cq->head * NDRV_CQE_SIZE);
	uint32_t ms = VIRQ_PROG_NVME_CQE_MS;

	while ((e[3] >> 16 & 1) != cq->phase && ms--)
		delay_ms(1);
	if ((e[3] >> 16 & 1) != cq->phase)
		return -1;
	if (++cq->head == NDRV_QSIZE) {
		cq->head = 0;
		cq->phase ^= 1;
	}
	return (int)(e[3] >> 17 & 0x7ff);
}

/* nvme_submit of driver.c, then the wait for its completion; 0 or -1 */
static int nvme_cmd(const struct virq_pci_dev *d, struct prog_nvme *n, const struct virq_prog_step *s,
		    int admin, uint32_t opcode, uint32_t prp1, uint32_t cdw10, uint32_t cdw11)
{
	uint32_t dma = s->arg[0];
	uint16_t *tail = admin ? &n->asq_tail : &n->iosq_tail;
	uint32_t sq = admin ? ndrv_asq(dma) : ndrv_iosq(dma);
	uint32_t arg[8] = { sq + NDRV_SQE_SIZE * *tail, opcode | (uint32_t)++n->cid << 16,
			    admin ? 0 : 1, prp1, cdw10, cdw11, 0, 0 };
	int st;

	nvme_sqe(arg);
	*tail = (uint16_t)((*tail + 1) % NDRV_QSIZE);
	mmio_write(d->bar[0] + (admin ? NDRV_SQ0_TAIL : NDRV_SQ1_TAIL), 4, *tail);
	st = nvme_wait_cqe(admin ? ndrv_acq(dma) : ndrv_iocq(dma), admin ? &n->acq : &n->iocq);
	if (st < 0)
		kprintf("virq-prog: line %u: no completion of opcode 0x%x (cid %u) in %u ms\n",
			s->line, opcode, n->cid, VIRQ_PROG_NVME_CQE_MS);
	else if (st)
		kprintf("virq-prog: line %u: opcode 0x%x (cid %u) failed: status 0x%x\n",
			s->line, opcode, n->cid, st);
	return st ? -1 : 0;
}

/* nvme_pci_configure_admin_queue, then Create I/O CQ 1 on vector index, SQ 1 */
static int nvme_init(const struct virq_pci_dev *d, struct prog_nvme *n,
		     const struct virq_prog_step *s)
{
	uint32_t r = d->bar[0], dma = s->arg[0];

	mmio_write(r + NDRV_REG_CC, 4, 0);
	mmio_write(r + NDRV_REG_AQA, 4, NDRV_AQA);
	mmio_write(r + NDRV_REG_ASQ, 4, ndrv_asq(dma));
	mmio_write(r + NDRV_REG_ACQ, 4, ndrv_acq(dma));
	mmio_write(r + NDRV_REG_CC, 4, NDRV_CC_EN);
	if (!(mmio_read(r + NDRV_REG_CSTS, 4) & NDRV_CSTS_RDY)) {
		kprintf("virq-prog: line %u: the controller is not ready after CC.EN\n", s->line);
		return -1;
	}
	/* a new controller state: the CQs' old entries must not look posted */
	memset((void *)ndrv_acq(dma), 0, NDRV_QSIZE * NDRV_CQE_SIZE);
	memset((void *)ndrv_iocq(dma), 0, NDRV_QSIZE * NDRV_CQE_SIZE);
	n->asq_tail = n->iosq_tail = 0;
	n->acq = n->iocq = (struct prog_cq){ 0, 1 };
	if (nvme_cmd(d, n, s, 1, NDRV_CREATE_CQ, ndrv_iocq(dma), NDRV_Q1_CDW10,
		     ndrv_cq1_cdw11(s->index)))
		return -1;
	return nvme_cmd(d, n, s, 1, NDRV_CREATE_SQ, ndrv_iosq(dma), NDRV_Q1_CDW10, NDRV_SQ1_CDW11);
}

int prog_nvme_step(const struct virq_pci_dev *d, uint32_t devno, const struct virq_prog_step *s)
{
	struct prog_nvme *n = &nvme[devno % VIRQ_PROG_MAX_DEVS];

	if (!d->bar[0]) {
		kprintf("virq-prog: line %u: %04x:%04x has no BAR 0 for NVMe's registers\n",
			s->line, d->vendor, d->device);
		return -1;
	}
	if (s->op == VIRQ_PROG_NVME_INIT)
		return nvme_init(d, n, s);
	for (uint32_t i = 0; i < s->arg[1]; i++)
		if (nvme_cmd(d, n, s, 0, NDRV_READ, ndrv_buf(s->arg[0], i), ndrv_lba(i), 0))
			return -1;
	return 0;
}
