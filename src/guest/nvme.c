// SPDX-License-Identifier: GPL-2.0
/*
 * nvme.c - VIRQ_OP_NVME_SQE: write one 64-byte NVMe submission queue
 * entry. The VMM writes the SQ tail doorbell itself, which is what
 * publishes the entry, so the order of the stores here does not matter.
 */
#include "guest.h"

#define NVME_SQE_DWORDS		16
#define NVME_SQE_SIZE		(NVME_SQE_DWORDS * 4)

/* Dword offsets in a submission queue entry (NVMe base spec, "SQE") */
#define SQE_CDW0		0	/* opcode 7:0, fuse 9:8, PSDT 15:14, CID 31:16 */
#define SQE_NSID		1
#define SQE_PRP1		6	/* 64-bit, dwords 6-7 */
#define SQE_CDW10		10

/* arg0 SQE gpa, arg1 CDW0, arg2 NSID, arg3 PRP1, arg4-6 CDW10-12 */
uint32_t nvme_sqe(const volatile uint32_t *arg)
{
	volatile uint32_t *sqe = (void *)arg[0];
	uint32_t i;

	/* entries sit at 64-byte multiples of a page-aligned queue */
	if (arg[0] % NVME_SQE_SIZE)
		return VIRQ_ST_BAD_ARG;

	for (i = 0; i < NVME_SQE_DWORDS; i++)
		sqe[i] = 0;
	sqe[SQE_CDW0] = arg[1];
	sqe[SQE_NSID] = arg[2];
	sqe[SQE_PRP1] = arg[3];		/* upper half and PRP2 stay 0 */
	for (i = 0; i < 3; i++)
		sqe[SQE_CDW10 + i] = arg[4 + i];
	return VIRQ_ST_OK;
}
