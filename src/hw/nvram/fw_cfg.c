// SPDX-License-Identifier: GPL-2.0
/*
 * fw_cfg.c - QEMU's fw_cfg on x86 port I/O (hw/nvram/fw_cfg.c, read in QEMU
 * 7.2; the I/O interface is the same in 11.1), the items a test kernel reads
 * at boot: kvm-unit-tests' lib/x86/fwcfg.c selects a key with a 16-bit
 * "out" to 0x510 and reads its bytes one "in" at a time from 0x511
 * (NB_CPUS as u16 in smp.c, RAM_SIZE as u64, and key 0x11, which it calls
 * FW_CFG_MAX_RAM, in setup.c's find_highmem).
 *
 * QEMU's comb region is 2 bytes at 0x510 (fw_cfg_io_realize): a 2-byte
 * write selects (fw_cfg_comb_write), a 1-byte write goes to fw_cfg_write,
 * which does nothing since the write interface went (2.4); a 1-byte read at
 * either port reads data; any other read is an invalid access, which reads
 * 0 and moves nothing (fw_cfg_comb_valid, unassigned_mem_read). No DMA
 * interface (QEMU's pc has it at 0x514 and says so in FW_CFG_ID bit 1).
 *
 * Key 0x11 is FW_CFG_KERNEL_DATA in QEMU: under QEMU's -kernel multiboot it
 * holds the loaded image, so kvm-unit-tests' "MAX_RAM" reads the image's
 * first 8 bytes there. virq's loader puts the image in RAM itself and has
 * no such item: the key reads 0, which find_highmem takes for no limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw_cfg.h"
#include "../i386/pc.h"
#include "../../vmm/util.h"

int fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, uint32_t len)
{
	unsigned int idx = key & FW_CFG_ENTRY_MASK;

	if (idx >= FW_CFG_MAX_ENTRY || len > FW_CFG_ITEM_MAX)
		return -EINVAL;
	s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx].len = len;
	memcpy(s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx].data, data, len);
	return 0;
}

/* fw_cfg_add_i16/i32/i64: little-endian, as QEMU's cpu_to_le* */
static void fw_cfg_add_le(FWCfgState *s, uint16_t key, uint64_t v, uint32_t len)
{
	uint8_t b[8];

	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	fw_cfg_add_bytes(s, key, b, len);
}

void fw_cfg_select(FWCfgState *s, uint16_t key)
{
	s->cur_offset = 0;
	s->cur_entry = (key & FW_CFG_ENTRY_MASK) >= FW_CFG_MAX_ENTRY ? FW_CFG_INVALID : key;
}

uint8_t fw_cfg_read(FWCfgState *s)
{
	const FWCfgEntry *e;

	if (s->cur_entry == FW_CFG_INVALID)
		return 0;
	e = &s->entries[!!(s->cur_entry & FW_CFG_ARCH_LOCAL)][s->cur_entry & FW_CFG_ENTRY_MASK];
	return s->cur_offset < e->len ? e->data[s->cur_offset++] : 0;
}

void fw_cfg_init(FWCfgState *s, unsigned int nr_cpus, uint64_t ram_size)
{
	static const uint8_t uuid[16];

	memset(s->entries, 0, sizeof(s->entries));
	fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
	fw_cfg_add_le(s, FW_CFG_BOOT_MENU, 0, 2);
	fw_cfg_add_le(s, FW_CFG_ID, FW_CFG_VERSION, 4);
	fw_cfg_add_le(s, FW_CFG_NB_CPUS, nr_cpus, 2);
	fw_cfg_add_le(s, FW_CFG_MAX_CPUS, nr_cpus, 2);
	fw_cfg_add_le(s, FW_CFG_RAM_SIZE, ram_size, 8);
	fw_cfg_select(s, FW_CFG_SIGNATURE);
}

/* ---- the device: 0x510 (selector, or data), 0x511 (data) ---- */

static void fw_cfg_io_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	FWCfgState *s = opaque;

	if (size != 2 || off != 0)
		return;		/* a byte write: fw_cfg_write, a no-op since QEMU 2.4 */
	pthread_mutex_lock(&s->lock);
	fw_cfg_select(s, (uint16_t)bus_data_get(data, size));
	pthread_mutex_unlock(&s->lock);
}

static void fw_cfg_io_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	FWCfgState *s = opaque;

	(void)off;
	memset(data, 0, size);
	if (size != 1)
		return;		/* not valid on the I/O interface: 0, nothing consumed */
	pthread_mutex_lock(&s->lock);
	data[0] = fw_cfg_read(s);
	pthread_mutex_unlock(&s->lock);
}

static const struct bus_ops fw_cfg_io_ops = { .write = fw_cfg_io_write, .read = fw_cfg_io_read };

static int fw_cfg_realize(struct vm *vm, void **state)
{
	FWCfgState *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	fw_cfg_init(s, (unsigned int)vm->nr_vcpus, vm->ram_size);
	r = bus_register(&vm->bus, BUS_PIO, FW_CFG_IO_BASE, FW_CFG_CTL_SIZE, &fw_cfg_io_ops, s,
			 "fwcfg");
	if (r < 0) {
		free(s);
		return r;
	}
	*state = s;
	return 0;
}

/* no vCPU runs; the bus region goes with the VM */
static void fw_cfg_unrealize(struct vm *vm, void *state)
{
	FWCfgState *s = state;

	(void)vm;
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const struct device_type fw_cfg_device = {
	.name = "fw_cfg_io", .realize = fw_cfg_realize, .unrealize = fw_cfg_unrealize,
};
