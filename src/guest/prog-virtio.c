// SPDX-License-Identifier: GPL-2.0
/*
 * prog-virtio.c - the step program's `guest virtio` steps on a modern
 * virtio-pci device: the accesses of virtio-drv.h, which virq's mailbox
 * driver (src/scenario/driver.c) composes from the same table, and the
 * buffer a kick makes available by virtq.c's virtq_add, the mailbox's own
 * VIRQ_OP_VIRTQ_ADD.
 *
 * Under QEMU the device is virtio-rng-pci (disable-legacy=on: 1af4:1044):
 * a kick after DRIVER_OK reaches it through the ioeventfd QEMU arms then
 * (virtio_pci_start_ioeventfd), one before it through a plain MMIO exit
 * (virtio_pci_notify_write), and either way virtio_rng_process fills every
 * buffer available and notifies once.
 */
#include "guest.h"
#include "virq-prog.h"
#include "virtio-drv.h"

static uint32_t vcommon(const struct virq_pci_dev *d, uint32_t off)
{
	return d->bar[VDRV_BAR] + VDRV_COMMON + off;
}

static int virtio_setup(const struct virq_pci_dev *d, const struct virq_prog_step *s)
{
	const struct vdrv_write seq[] = VDRV_SETUP_WRITES(s->index, s->arg[0]);
	uint32_t st;

	for (uint32_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		mmio_write(vcommon(d, seq[i].off), seq[i].size, seq[i].val);
	st = mmio_read(vcommon(d, VDRV_STATUS), 1);
	if (!(st & VDRV_S_FEATURES_OK)) {
		kprintf("virq-prog: line %u: the device refused FEATURES_OK (status 0x%x)\n",
			s->line, st);
		return -1;
	}
	return 0;
}

/* a buffer made available, then vp_notify: queue 0's index to its notify address */
static int virtio_kick(const struct virq_pci_dev *d, const struct virq_prog_step *s)
{
	uint32_t dma = s->arg[0];

	for (uint32_t i = 0; i < s->arg[1]; i++) {
		uint32_t arg[4] = { vdrv_desc(dma), VDRV_QUEUE_SIZE, vdrv_buf(dma, i), VDRV_BUF_LEN };
		uint32_t idx;

		if (virtq_add(arg, &idx) != VIRQ_ST_OK) {
			kprintf("virq-prog: line %u: queue 0 is full (%u buffers out)\n", s->line,
				VDRV_QUEUE_SIZE);
			return -1;
		}
		mmio_write(d->bar[VDRV_BAR] + VDRV_NOTIFY, 2, 0);
	}
	return 0;
}

int prog_virtio_step(const struct virq_pci_dev *d, const struct virq_prog_step *s)
{
	if (!d->bar[VDRV_BAR]) {
		kprintf("virq-prog: line %u: %04x:%04x has no BAR %u for virtio's registers\n",
			s->line, d->vendor, d->device, VDRV_BAR);
		return -1;
	}
	switch (s->op) {
	case VIRQ_PROG_VIRTIO_SETUP:
		return virtio_setup(d, s);
	case VIRQ_PROG_VIRTIO_DRIVER_OK:
		mmio_write(vcommon(d, VDRV_STATUS), 1,
			   mmio_read(vcommon(d, VDRV_STATUS), 1) | VDRV_S_DRIVER_OK);
		return 0;
	case VIRQ_PROG_VIRTIO_RESET:
		mmio_write(vcommon(d, VDRV_STATUS), 1, 0);
		return 0;
	case VIRQ_PROG_VIRTIO_KICK:
		return virtio_kick(d, s);
	case VIRQ_PROG_VIRTIO_QUEUE_VECTOR:
		/* vp_modern_queue_vector: select queue 0, then its 16-bit vector */
		mmio_write(vcommon(d, VDRV_Q_SELECT), 2, 0);
		mmio_write(vcommon(d, VDRV_Q_MSIX), 2, s->index);
		return 0;
	default:	/* VIRQ_PROG_VIRTIO_CONFIG_VECTOR: vp_modern_config_vector */
		mmio_write(vcommon(d, VDRV_MSIX), 2, s->index);
		return 0;
	}
}
