// SPDX-License-Identifier: GPL-2.0
/*
 * virtq.c - VIRQ_OP_VIRTQ_ADD: make one device-writable buffer available
 * on a virtio 1.x split virtqueue in memory the VMM laid out, as a driver
 * does before it rings the doorbell. The doorbell is the VMM's own MMIO
 * write, so the notify exit is attributable to it.
 *
 * The guest keeps no per-queue state: the indexes are read back from the
 * rings, so the VMM must hand over zeroed rings (and may reuse them).
 *
 * Layout (virtio 1.x, 2.7 "Split Virtqueues"), all little-endian:
 *   desc at arg0:         {le64 addr, le32 len, le16 flags, le16 next}[q]
 *   avail at desc + 16q:  le16 flags, le16 idx, le16 ring[q], le16 used_event
 *   used at the next 4-byte boundary:
 *                         le16 flags, le16 idx, {le32 id, le32 len}[q]
 */
#include "guest.h"

#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_MAX_SIZE		32768u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* then le16 used_event */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;		/* then {le32 id, le32 len}[q] */
};

_Static_assert(sizeof(struct virtq_desc) == 16, "descriptor is 16 bytes");

static uint64_t used_gpa(uint64_t desc, uint32_t q)
{
	uint64_t avail_end = desc + 16 * q + 4 + 2 * q + 2;

	return (avail_end + 3) & ~3ull;
}

static int virtq_args_ok(uint32_t desc, uint32_t q)
{
	if (!q || q > VIRTQ_MAX_SIZE || (q & (q - 1)) || desc % 16)
		return 0;
	/* the whole queue must fit below 4 GiB */
	return used_gpa(desc, q) + 4 + 8ull * q <= 1ull << 32;
}

/* arg0 desc table, arg1 queue size, arg2 buffer gpa, arg3 buffer len */
uint32_t virtq_add(const volatile uint32_t *arg, uint32_t *result)
{
	uint32_t desc_gpa = arg[0], q = arg[1];
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t idx, head;

	if (!virtq_args_ok(desc_gpa, q))
		return VIRQ_ST_BAD_ARG;
	desc = (void *)desc_gpa;
	avail = (void *)(desc_gpa + 16 * q);
	used = (void *)(uint32_t)used_gpa(desc_gpa, q);

	/*
	 * Full ring: q buffers are out and the device returned none of them,
	 * so desc[head] may still be in flight; do not overwrite it.
	 */
	idx = avail->idx;
	if ((uint16_t)(idx - used->idx) >= q)
		return VIRQ_ST_BAD_ARG;

	head = idx & (q - 1);
	desc[head].addr = arg[2];
	desc[head].len = arg[3];
	desc[head].flags = VIRTQ_DESC_F_WRITE;
	desc[head].next = 0;
	avail->ring[head] = head;	/* slot idx % q, which is head too */

	/*
	 * The device may read avail->idx at any time (it need not wait for
	 * the doorbell), so the entry must be visible first. x86 does not
	 * reorder stores with other stores, so only the compiler could:
	 * Linux's virt_wmb() is a compiler barrier on x86 too.
	 */
	barrier();
	avail->idx = idx + 1;
	*result = (uint16_t)(idx + 1);
	return VIRQ_ST_OK;
}
