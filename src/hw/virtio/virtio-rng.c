// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng.c - the entropy device (hw/virtio/virtio-rng.c): one queue; each
 * device-writable buffer the driver makes available is filled and returned.
 * The bytes come from a xorshift generator: the point is the interrupt path,
 * not the entropy.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_ids.h>

#include "virtio-pci.h"
#include "../../trace/trace.h"

typedef struct VirtIORNG {
	VirtIOPCIProxy proxy;
	uint64_t state;
} VirtIORNG;

static void virtio_rng_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
	VirtIORNG *rng = (VirtIORNG *)vdev->transport;
	uint64_t addr;
	uint32_t len;
	uint16_t head;
	int n = 0;

	while (virtqueue_pop(vdev, vq, &head, &addr, &len)) {
		uint8_t *buf = virtio_gpa(vdev, addr, len);

		for (uint32_t i = 0; buf && i < len; i++) {
			rng->state ^= rng->state << 13;
			rng->state ^= rng->state >> 7;
			rng->state ^= rng->state << 17;
			buf[i] = (uint8_t)rng->state;
		}
		virtqueue_push(vdev, vq, head, buf ? len : 0);
		n++;
	}
	trace_event("virtio_rng_handle_output", "%s %d buffer%s", vdev->name, n, n == 1 ? "" : "s");
	if (n)
		virtio_notify(vdev, vq);
}

static PCIDevice *virtio_rng_pci_realize(struct vm *vm, PCIBus *bus, const char *name,
					 const char *arg)
{
	VirtIORNG *rng = calloc(1, sizeof(*rng));

	(void)arg;
	if (!rng)
		return NULL;
	rng->state = 0x9e3779b97f4a7c15ull;
	rng->proxy.vdev.name = "virtio-rng";
	rng->proxy.vdev.device_id = VIRTIO_ID_RNG;
	rng->proxy.vdev.nvqs = 1;
	rng->proxy.vdev.handle_output = virtio_rng_handle_output;
	if (virtio_pci_realize(&rng->proxy, vm, bus, name, "virtio-rng") < 0) {
		free(rng);
		return NULL;
	}
	return &rng->proxy.pci_dev;
}

static void virtio_rng_pci_unrealize(PCIDevice *dev)
{
	VirtIORNG *rng = dev->opaque;

	virtio_pci_unrealize(&rng->proxy);
	free(rng);
}

/* buffers returned on the queue */
static uint64_t virtio_rng_pci_completions(PCIDevice *dev)
{
	VirtIORNG *rng = dev->opaque;

	return rng->proxy.vdev.vq[0].completions;
}

const struct pci_device_type virtio_rng_pci_type = {
	.name = "virtio-rng",
	.realize = virtio_rng_pci_realize,
	.unrealize = virtio_rng_pci_unrealize,
	.completions = virtio_rng_pci_completions,
};
