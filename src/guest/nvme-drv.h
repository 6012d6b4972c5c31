/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme-drv.h - the test guest's NVMe driver: the accesses of the `guest
 * nvme` steps, shared by the guest's step program (prog-nvme.c) and the
 * VMM's mailbox driver (src/scenario/driver.c), so both VMMs see the same
 * writes and commands. The order is Linux's nvme_pci_configure_admin_queue
 * then nvme_create_queue (CQ before SQ); registers and commands from the
 * NVMe base spec (3.1 registers, 5.4/5.5 Create I/O CQ/SQ, NVM Read), with
 * CAP.DSTRD 0 (4-byte doorbell stride), which QEMU's and virq's share.
 */
#ifndef VIRQ_NVME_DRV_H
#define VIRQ_NVME_DRV_H

#include <stdint.h>

#define NDRV_REG_CC		0x14		/* in BAR 0 */
#define NDRV_REG_CSTS		0x1c
#define NDRV_REG_AQA		0x24
#define NDRV_REG_ASQ		0x28
#define NDRV_REG_ACQ		0x30
#define NDRV_SQ0_TAIL		0x1000		/* admin SQ tail doorbell */
#define NDRV_SQ1_TAIL		0x1008		/* I/O SQ 1's */
#define NDRV_CSTS_RDY		0x1u

#define NDRV_QSIZE		16		/* every queue */
#define NDRV_AQA		((NDRV_QSIZE - 1) << 16 | (NDRV_QSIZE - 1))
#define NDRV_CC_EN		0x00460001u	/* IOCQES 4 (16 bytes), IOSQES 6 (64), EN */
#define NDRV_SQE_SIZE		64
#define NDRV_CQE_SIZE		16

#define NDRV_CREATE_SQ		0x01		/* admin opcodes */
#define NDRV_CREATE_CQ		0x05
#define NDRV_READ		0x02		/* NVM opcode */

/* the queues and buffers in the device's DMA area */
static inline uint32_t ndrv_asq(uint32_t dma) { return dma; }
static inline uint32_t ndrv_acq(uint32_t dma) { return dma + 0x1000; }
static inline uint32_t ndrv_iosq(uint32_t dma) { return dma + 0x2000; }
static inline uint32_t ndrv_iocq(uint32_t dma) { return dma + 0x3000; }
/* the i-th Read of a step lands in the i-th (mod 16) block-sized buffer, LBA i mod 64 */
static inline uint32_t ndrv_buf(uint32_t dma, uint32_t i) { return dma + 0x4000 + 0x200 * (i % 16); }
static inline uint32_t ndrv_lba(uint32_t i) { return i % 64; }

/* CDW10 of Create I/O CQ/SQ 1: size - 1, queue id */
#define NDRV_Q1_CDW10		((NDRV_QSIZE - 1) << 16 | 1)
/* CDW11 of Create I/O CQ 1: interrupt vector, IEN, PC */
static inline uint32_t ndrv_cq1_cdw11(uint32_t vector) { return vector << 16 | 3; }
/* ... of Create I/O SQ 1: on CQ 1, PC */
#define NDRV_SQ1_CDW11		(1u << 16 | 1)

#endif /* VIRQ_NVME_DRV_H */
