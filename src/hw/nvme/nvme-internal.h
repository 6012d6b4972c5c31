/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme-internal.h - the controller's state, shared by nvme.c (registers,
 * doorbells, completions) and nvme-cmd.c (the commands), as QEMU keeps
 * NvmeCtrl in hw/nvme/nvme.h for ctrl.c. Not an interface: the fuzz target
 * reads it for its invariants. Everything here runs with vm->bql held.
 */
#ifndef VIRQ_NVME_INTERNAL_H
#define VIRQ_NVME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "nvme.h"

#define NVME_REG_SIZE		0x4000
#define NVME_MSIX_VECTORS	4

/* controller registers (NVMe base spec, 3.1); doorbells from NVME_REG_DBS */
enum {
	NVME_REG_CAP = 0x00, NVME_REG_VS = 0x08, NVME_REG_CC = 0x14, NVME_REG_CSTS = 0x1c,
	NVME_REG_AQA = 0x24, NVME_REG_ASQ = 0x28, NVME_REG_ACQ = 0x30, NVME_REG_DBS = 0x1000,
};

#define NVME_MQES		63
#define NVME_CC_EN		0x1u
#define NVME_PAGE_SIZE		4096u
#define NVME_SQE_SIZE		64
#define NVME_CQE_SIZE		16
#define NVME_NR_QUEUES		2	/* admin (0) and one I/O pair (1) */
#define NVME_REQ_MAX		64	/* completions a CQ keeps unposted */
#define NVME_NS_BLOCKS		64
#define NVME_LBA_SIZE		512

enum {	/* opcodes */
	NVME_ADM_CMD_DELETE_SQ = 0x00, NVME_ADM_CMD_CREATE_SQ = 0x01,
	NVME_ADM_CMD_DELETE_CQ = 0x04, NVME_ADM_CMD_CREATE_CQ = 0x05,
	NVME_ADM_CMD_IDENTIFY = 0x06, NVME_CMD_READ = 0x02,
};

/* SQE dwords: CDW0 = opcode 7:0 | CID 31:16; PRP1 is dwords 6-7 */
enum { SQE_CDW0 = 0, SQE_NSID = 1, SQE_PRP1 = 6, SQE_CDW10 = 10, SQE_CDW11, SQE_CDW12 };

typedef struct NvmeSQueue {
	bool valid;
	uint64_t dma;
	uint16_t size, head, tail, cqid;
} NvmeSQueue;

/* a completion waiting to be posted (QEMU's NvmeRequest on cq->req_list) */
typedef struct NvmeRequest {
	uint16_t sqid, cid, status;
} NvmeRequest;

typedef struct NvmeCQueue {
	bool valid, ien, phase;
	bool vector_used;		/* nvme_init_cq took a use of the vector: nvme_free_cq gives it back */
	uint64_t dma;
	uint16_t size, head, tail, vector;
	NvmeRequest req_list[NVME_REQ_MAX];	/* FIFO of completions not yet posted */
	unsigned int req_head, req_nr;
} NvmeCQueue;

typedef struct NvmeCtrl {
	PCIDevice parent_obj;
	struct vm *vm;
	uint32_t bar[0x38 / 4];		/* CAP..ACQ, as QEMU's NvmeBar */
	NvmeSQueue sq[NVME_NR_QUEUES];
	NvmeCQueue cq[NVME_NR_QUEUES];
	bool hold;			/* I/O completions wait for nvme_complete_held */
	uint64_t commands, completions, interrupts;
	uint8_t ns[NVME_NS_BLOCKS * NVME_LBA_SIZE];
} NvmeCtrl;

/* guest memory for DMA, NULL if [gpa, gpa + len) is not all RAM */
void *nvme_dma(NvmeCtrl *n, uint64_t gpa, uint64_t len);

/* nvme.c: post up to max of cq's waiting completions, one interrupt; returns how many */
unsigned int nvme_post_cqes(NvmeCtrl *n, NvmeCQueue *cq, unsigned int max);

/* nvme-cmd.c: the queues' lifecycle (nvme_init_cq, nvme_free_cq) and the commands */
void nvme_init_cq(NvmeCtrl *n, NvmeCQueue *cq, uint64_t dma, uint16_t size, uint16_t vector,
		  bool ien);
void nvme_free_cq(NvmeCtrl *n, NvmeCQueue *cq);
/* nvme_admin_cmd / nvme_io_cmd: execute one SQE fetched from sqid, return its status */
uint16_t nvme_exec(NvmeCtrl *n, uint16_t sqid, const uint32_t *sqe);

#endif /* VIRQ_NVME_INTERNAL_H */
