/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-drv.h - the test guest's virtio-pci driver: the accesses of the
 * `guest virtio` steps, shared by the guest's step program (prog-virtio.c)
 * and the VMM's mailbox driver (src/scenario/driver.c), so both VMMs see
 * the same writes in the same order.
 *
 * Modern (1.x) transport, queue 0 only, at the offsets QEMU's
 * virtio_pci_realize (hw/virtio/virtio-pci.c, 7.2 and 11.1) gives every
 * virtio-pci device and virq's src/hw/virtio/virtio-pci.h copies: common
 * config at 0 of BAR 4, notify at 0x3000 with a multiplier of 4 (no
 * page-per-vq), queue 0's notify offset 0. Field offsets are those of
 * struct virtio_pci_common_cfg (virtio 1.x, 4.1.4.3), the order that of
 * Linux's virtio_pci_modern probe and virtio_dev_probe.
 */
#ifndef VIRQ_VIRTIO_DRV_H
#define VIRQ_VIRTIO_DRV_H

#include <stdint.h>

#define VDRV_BAR		4
#define VDRV_COMMON		0x0000		/* in BAR 4 */
#define VDRV_NOTIFY		0x3000		/* queue 0's notify address */

#define VDRV_GFSELECT		0x08		/* struct virtio_pci_common_cfg */
#define VDRV_GF			0x0c
#define VDRV_MSIX		0x10		/* config_msix_vector */
#define VDRV_STATUS		0x14
#define VDRV_Q_SELECT		0x16
#define VDRV_Q_SIZE		0x18
#define VDRV_Q_MSIX		0x1a
#define VDRV_Q_ENABLE		0x1c
#define VDRV_Q_DESCLO		0x20
#define VDRV_Q_DESCHI		0x24
#define VDRV_Q_AVAILLO		0x28
#define VDRV_Q_AVAILHI		0x2c
#define VDRV_Q_USEDLO		0x30
#define VDRV_Q_USEDHI		0x34

#define VDRV_S_ACKNOWLEDGE	1		/* device status */
#define VDRV_S_DRIVER		2
#define VDRV_S_DRIVER_OK	4
#define VDRV_S_FEATURES_OK	8

/* queue 0 in the device's DMA area: desc, avail, used; buffers from +0x1000 */
#define VDRV_QUEUE_SIZE		16
#define VDRV_BUF_OFF		0x1000
#define VDRV_BUF_LEN		64

static inline uint32_t vdrv_desc(uint32_t dma) { return dma; }
static inline uint32_t vdrv_avail(uint32_t dma) { return dma + 16 * VDRV_QUEUE_SIZE; }
static inline uint32_t vdrv_used(uint32_t dma)
{
	return (vdrv_avail(dma) + 6 + 2 * VDRV_QUEUE_SIZE + 3) & ~3u;
}

/* the i-th buffer of a kick step (reused from 0 by every step, as the device fills it) */
static inline uint32_t vdrv_buf(uint32_t dma, uint32_t i)
{
	return dma + VDRV_BUF_OFF + VDRV_BUF_LEN * (i % VDRV_QUEUE_SIZE);
}

/* one write to the common config: offset, bytes, value */
struct vdrv_write {
	uint16_t off;
	uint8_t size;
	uint32_t val;
};

/*
 * `guest virtio setup`: reset, ACKNOWLEDGE, DRIVER, VERSION_1 (feature bit
 * 32) only, FEATURES_OK, then queue 0 (size 16) on MSI-X vector `vector`
 * with its rings at `dma`, enabled. The driver then reads the status back:
 * FEATURES_OK must have stuck.
 */
#define VDRV_SETUP_WRITES(vector, dma) {					\
	{ VDRV_STATUS, 1, 0 },							\
	{ VDRV_STATUS, 1, VDRV_S_ACKNOWLEDGE },					\
	{ VDRV_STATUS, 1, VDRV_S_ACKNOWLEDGE | VDRV_S_DRIVER },			\
	{ VDRV_GFSELECT, 4, 1 }, { VDRV_GF, 4, 1 },				\
	{ VDRV_GFSELECT, 4, 0 }, { VDRV_GF, 4, 0 },				\
	{ VDRV_STATUS, 1, VDRV_S_ACKNOWLEDGE | VDRV_S_DRIVER | VDRV_S_FEATURES_OK }, \
	{ VDRV_Q_SELECT, 2, 0 }, { VDRV_Q_SIZE, 2, VDRV_QUEUE_SIZE },		\
	{ VDRV_Q_MSIX, 2, (uint32_t)(vector) },					\
	{ VDRV_Q_DESCLO, 4, vdrv_desc(dma) }, { VDRV_Q_DESCHI, 4, 0 },		\
	{ VDRV_Q_AVAILLO, 4, vdrv_avail(dma) }, { VDRV_Q_AVAILHI, 4, 0 },	\
	{ VDRV_Q_USEDLO, 4, vdrv_used(dma) }, { VDRV_Q_USEDHI, 4, 0 },		\
	{ VDRV_Q_ENABLE, 2, 1 },						\
}

#endif /* VIRQ_VIRTIO_DRV_H */
