/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio.h - a virtio 1.x device behind the PCI transport: status,
 * features, split virtqueues, and the two notifiers each queue has, as
 * QEMU's VirtQueue: host_notifier (guest -> host, an ioeventfd once the
 * driver is OK) and guest_notifier (host -> guest, an irqfd on the queue's
 * MSI-X vector).
 */
#ifndef VIRQ_VIRTIO_H
#define VIRQ_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_QUEUE_MAX	4
#define VIRTIO_NO_VECTOR	0xffff
#define VIRTIO_CONFIG_IRQ_IDX	(-1)	/* the config interrupt, where a queue index goes */

struct vm;
typedef struct VirtIODevice VirtIODevice;

typedef struct VirtQueue {
	uint16_t num;			/* queue_size, as the driver set it */
	bool enabled;
	uint64_t desc, avail, used;	/* guest-physical */
	uint16_t vector;		/* MSI-X vector, VIRTIO_NO_VECTOR if none */
	uint16_t last_avail_idx;	/* device side */
	uint16_t used_idx;
	int host_notifier;		/* eventfd, -1 until the ioeventfd is armed */
	int guest_notifier;		/* eventfd, -1 until guest notifiers are set */
	uint64_t completions;		/* used buffers returned */
} VirtQueue;

struct VirtIODevice {
	const char *name;
	uint16_t device_id;		/* VIRTIO_ID_* */
	uint64_t host_features;
	uint64_t guest_features;
	uint8_t status;
	uint16_t config_vector;		/* MSI-X vector of config changes, VIRTIO_NO_VECTOR if none */
	int config_notifier;		/* eventfd: the config interrupt's guest notifier */
	int nvqs;
	VirtQueue vq[VIRTIO_QUEUE_MAX];
	struct vm *vm;
	/* the device's work on a queue; called with the VM's big lock held */
	void (*handle_output)(VirtIODevice *vdev, VirtQueue *vq);
	/* the transport: how the device interrupts the driver */
	void (*notify)(VirtIODevice *vdev, VirtQueue *vq);
	void *transport;
};

/* virtqueue_pop - next available buffer: head, its gpa and length; false if none */
bool virtqueue_pop(VirtIODevice *vdev, VirtQueue *vq, uint16_t *head, uint64_t *addr,
		   uint32_t *len);
/* virtqueue_push - return buffer head with len bytes written */
void virtqueue_push(VirtIODevice *vdev, VirtQueue *vq, uint16_t head, uint32_t len);
void virtio_queue_reset(VirtQueue *vq);
/* guest RAM pointer for [gpa, gpa + len), NULL if outside RAM */
void *virtio_gpa(VirtIODevice *vdev, uint64_t gpa, uint64_t len);

#endif /* VIRQ_VIRTIO_H */
