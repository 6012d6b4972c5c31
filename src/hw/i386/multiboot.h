/* SPDX-License-Identifier: GPL-2.0 */
/* multiboot.h - load a Multiboot v1 ELF32 kernel, as QEMU's hw/i386/multiboot.c. */
#ifndef VIRQ_MULTIBOOT_H
#define VIRQ_MULTIBOOT_H

#include "../../vmm/vm.h"

/*
 * multiboot_load_image - copy the image's PT_LOAD segments into guest RAM, zero
 * their BSS, write the multiboot info (mem_lower, mem_upper, cmdline) and
 * put the BSP in the state the spec gives the OS: flat 32-bit protected
 * mode, paging off, EAX = 0x2BADB002, EBX = the info. Returns 0 or -errno
 * with the reason reported.
 */
int multiboot_load_image(struct vm *vm, const char *name, const uint8_t *img, size_t len,
			 const char *cmdline);

/* multiboot_read_file - a whole image file into a malloc'ed buffer */
int multiboot_read_file(const char *path, uint8_t **img, size_t *len);

#endif
