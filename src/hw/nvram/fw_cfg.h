/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fw_cfg.h - QEMU's firmware configuration device, its x86 I/O interface
 * only (hw/nvram/fw_cfg.c, TYPE_FW_CFG_IO): a 16-bit selector written at
 * 0x510, the selected item read a byte at a time at 0x511. The keys are
 * QEMU's (include/standard-headers/linux/qemu_fw_cfg.h).
 */
#ifndef VIRQ_FW_CFG_H
#define VIRQ_FW_CFG_H

#include <pthread.h>
#include <stdint.h>

#define FW_CFG_IO_BASE		0x510	/* hw/i386/fw_cfg.h */
#define FW_CFG_CTL_SIZE		2	/* the data byte overlaps the selector's high half */

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_UUID		0x02
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_BOOT_MENU	0x0e
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_FILE_FIRST	0x20
#define FW_CFG_FILE_SLOTS_DFLT	0x20
#define FW_CFG_ARCH_LOCAL	0x8000
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ENTRY_MASK	((uint16_t)~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID		0xffff
#define FW_CFG_VERSION		0x01	/* FW_CFG_ID bit 0: the traditional interface */

/* items with a key below this; QEMU's fw_cfg_max_entry, FILE_FIRST + the default slots */
#define FW_CFG_MAX_ENTRY	(FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS_DFLT)
#define FW_CFG_ITEM_MAX		16	/* bytes: the largest item virq has is the UUID */

typedef struct FWCfgEntry {
	uint32_t len;
	uint8_t data[FW_CFG_ITEM_MAX];
} FWCfgEntry;

/* one device; the selector and offset under lock (vCPU threads) */
typedef struct FWCfgState {
	pthread_mutex_t lock;
	FWCfgEntry entries[2][FW_CFG_MAX_ENTRY];	/* [arch-local][key & FW_CFG_ENTRY_MASK] */
	uint16_t cur_entry;
	uint32_t cur_offset;
} FWCfgState;

/*
 * fw_cfg_init - QEMU 7.2/11.1's items for a PC without firmware files:
 * fw_cfg_common_realize's signature "QEMU", ID (FW_CFG_VERSION: no DMA
 * interface here, so bit 1 stays clear where QEMU's pc sets it), UUID (zero,
 * no -uuid) and BOOT_MENU 0, then fw_cfg_arch_create's NB_CPUS (boot CPUs),
 * MAX_CPUS (the APIC id limit: vCPU ids are 0..n-1) and RAM_SIZE; selected:
 * the signature (fw_cfg_reset).
 */
void fw_cfg_init(FWCfgState *s, unsigned int nr_cpus, uint64_t ram_size);
/* fw_cfg_add_bytes - an item (at most FW_CFG_ITEM_MAX bytes); -EINVAL if it cannot be */
int fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, uint32_t len);
/* QEMU's fw_cfg_select: offset 0; a key past the last entry selects nothing (reads 0) */
void fw_cfg_select(FWCfgState *s, uint16_t key);
/* one byte of the selected item, then the next; 0 past its end (fw_cfg_data_read) */
uint8_t fw_cfg_read(FWCfgState *s);

#endif /* VIRQ_FW_CFG_H */
