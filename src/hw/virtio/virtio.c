// SPDX-License-Identifier: GPL-2.0
/*
 * virtio.c - the device side of a split virtqueue (hw/virtio/virtio.c:
 * virtqueue_pop, virtqueue_push), one buffer per descriptor: enough for
 * devices that take device-writable buffers.
 */
#include <string.h>
#include <linux/virtio_ring.h>

#include "virtio.h"
#include "../../vmm/vm.h"

void *virtio_gpa(VirtIODevice *vdev, uint64_t gpa, uint64_t len)
{
	struct vm *vm = vdev->vm;

	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm_gpa(vm, gpa);
}

static uint16_t *vring_avail_idx(VirtIODevice *vdev, VirtQueue *vq)
{
	return virtio_gpa(vdev, vq->avail + 2, 2);
}

bool virtqueue_pop(VirtIODevice *vdev, VirtQueue *vq, uint16_t *head, uint64_t *addr,
		   uint32_t *len)
{
	uint16_t *idx = vring_avail_idx(vdev, vq), *ring;
	struct vring_desc *desc;

	if (!vq->enabled || !vq->num || !idx)
		return false;
	/* the driver writes the ring before the index: read them in that order */
	if (__atomic_load_n(idx, __ATOMIC_ACQUIRE) == vq->last_avail_idx)
		return false;
	ring = virtio_gpa(vdev, vq->avail + 4, 2u * vq->num);
	if (!ring)
		return false;
	*head = ring[vq->last_avail_idx % vq->num] % vq->num;
	desc = virtio_gpa(vdev, vq->desc + 16ull * *head, 16);
	if (!desc)
		return false;
	*addr = desc->addr;
	*len = desc->len;
	vq->last_avail_idx++;
	return true;
}

void virtqueue_push(VirtIODevice *vdev, VirtQueue *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *elem;
	uint16_t *idx = virtio_gpa(vdev, vq->used + 2, 2);

	elem = virtio_gpa(vdev, vq->used + 4 + 8ull * (vq->used_idx % vq->num), 8);
	if (!elem || !idx)
		return;
	elem->id = head;
	elem->len = len;
	/* the element before the index the driver polls */
	__atomic_store_n(idx, ++vq->used_idx, __ATOMIC_RELEASE);
	vq->completions++;
}

void virtio_queue_reset(VirtQueue *vq)
{
	int hn = vq->host_notifier, gn = vq->guest_notifier;

	memset(vq, 0, sizeof(*vq));
	vq->vector = VIRTIO_NO_VECTOR;
	vq->host_notifier = hn;
	vq->guest_notifier = gn;
}
