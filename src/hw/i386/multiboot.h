/* SPDX-License-Identifier: GPL-2.0 */
/* multiboot.h - load a Multiboot v1 ELF32 kernel, as QEMU's hw/i386/multiboot.c. */
#ifndef VIRQ_MULTIBOOT_H
#define VIRQ_MULTIBOOT_H

#include "../../vmm/vm.h"

/* a multiboot module: its bytes and the string the OS sees for it */
struct multiboot_module {
	const uint8_t *data;
	size_t len;
	const char *cmdline;
};

#define MULTIBOOT_MAX_MODULES	8

/*
 * multiboot_load_image - copy the image's PT_LOAD segments into guest RAM, zero
 * their BSS, load the modules page-aligned after the image (as QEMU's
 * load_multiboot does), write the multiboot info (mem_lower, mem_upper,
 * boot device, cmdline, mods, the memory map, the loader's name) and put the BSP in the state the spec gives the OS: flat
 * 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the info.
 * Returns 0 or -errno with the reason reported.
 */
int multiboot_load_image(struct vm *vm, const char *name, const uint8_t *img, size_t len,
			 const char *cmdline, const struct multiboot_module *mods, int nr_mods);

/*
 * multiboot_load - the same for any kernel: the modules may go up to
 * mods_limit (multiboot_load_image keeps them below the test guest's DMA
 * area); a command line of VIRQ_CMDLINE_MAX bytes or more is refused.
 */
int multiboot_load(struct vm *vm, const char *name, const uint8_t *img, size_t len,
		   const char *cmdline, const struct multiboot_module *mods, int nr_mods,
		   uint64_t mods_limit);

/* multiboot_read_file - a whole image file into a malloc'ed buffer */
int multiboot_read_file(const char *path, uint8_t **img, size_t *len);

#endif
