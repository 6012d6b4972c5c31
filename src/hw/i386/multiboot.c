// SPDX-License-Identifier: GPL-2.0
/*
 * multiboot.c - a Multiboot v1 loader for ELF32 images (QEMU keeps its own
 * in hw/i386/multiboot.c). Only the ELF path: the header's a.out fields
 * (flag bit 16) are not supported, which bare-metal test kernels do not
 * need.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multiboot.h"
#include "../../guest/virq-guest.h"
#include "../../vmm/util.h"

#define MULTIBOOT_HEADER_MAGIC		0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2badb002u
#define MULTIBOOT_SEARCH		8192	/* the header lies in the first 8 KiB */
#define MULTIBOOT_AOUT_KLUDGE		(1u << 16)
#define MBI_FLAG_MEM			(1u << 0)
#define MBI_FLAG_BOOT_DEVICE		(1u << 1)
#define MBI_FLAG_CMDLINE		(1u << 2)
#define MBI_FLAG_MODS			(1u << 3)
#define MBI_FLAG_MMAP			(1u << 6)
#define MBI_FLAG_BOOTLOADER		(1u << 9)

/*
 * Around the info (0x7000, 88 bytes): the loader's name, the memory map,
 * the command line (0x7100), the module list, its strings. QEMU puts its
 * e820 map at 0x9000 and the info at 0x9500 (hw/i386/multiboot.c); virq's
 * places are its guest's ABI (virq-guest.h) and below both.
 */
#define MBI_LOADER_GPA			0x7060u
#define MBI_MMAP_GPA			0x7080u		/* up to 0x70e0: 4 entries */
#define MBI_MODS_GPA			0x7200u
#define MBI_MOD_STRINGS_GPA		0x7300u
#define MBI_MOD_STRINGS_END		VIRQ_TRAMPOLINE_GPA
#define MBI_LOADER_NAME			"virq"

/* the PC's low memory, as SeaBIOS's e820 shows it under QEMU: 639 KiB below the EBDA */
#define MBI_EBDA_GPA			0x9fc00u
#define MBI_BIOS_GPA			0xf0000u

struct multiboot_mod {
	uint32_t mod_start, mod_end, string, reserved;
};

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

/* a memory map entry; size counts the bytes after itself (20) */
struct multiboot_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f) {
		pr_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*buf = malloc(n ? n : 1);
	if (!*buf || fread(*buf, 1, n, f) != (size_t)n) {
		pr_err("%s: short read", path);
		free(*buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

static int multiboot_check_header(const char *path, const uint8_t *img, size_t len)
{
	for (size_t off = 0; off + 12 <= len && off < MULTIBOOT_SEARCH; off += 4) {
		uint32_t h[3];

		memcpy(h, img + off, sizeof(h));
		if (h[0] != MULTIBOOT_HEADER_MAGIC || h[0] + h[1] + h[2] != 0)
			continue;
		if (h[1] & MULTIBOOT_AOUT_KLUDGE) {
			pr_err("%s: multiboot a.out kludge (flags 0x%x) not supported", path, h[1]);
			return -ENOEXEC;
		}
		return 0;
	}
	pr_err("%s: no multiboot header in the first %d bytes", path, MULTIBOOT_SEARCH);
	return -ENOEXEC;
}

static int multiboot_load_elf(struct vm *vm, const char *path, const uint8_t *img, size_t len,
			      uint32_t *entry, uint64_t *end)
{
	const Elf32_Ehdr *eh = (const void *)img;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386) {
		pr_err("%s: not an ELF32 i386 image", path);
		return -ENOEXEC;
	}
	if (eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len) {
		pr_err("%s: program headers past the end of the file", path);
		return -ENOEXEC;
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf32_Phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset + (uint64_t)ph->p_filesz > len ||
		    ph->p_paddr + (uint64_t)ph->p_memsz > vm->ram_size) {
			pr_err("%s: segment %d (paddr 0x%x, %u bytes) does not fit", path, i,
			       ph->p_paddr, ph->p_memsz);
			return -ENOEXEC;
		}
		memcpy(vm_gpa(vm, ph->p_paddr), img + ph->p_offset, ph->p_filesz);
		if (ph->p_paddr + (uint64_t)ph->p_memsz > *end)
			*end = ph->p_paddr + (uint64_t)ph->p_memsz;
		memset(vm_gpa(vm, ph->p_paddr + ph->p_filesz), 0, ph->p_memsz - ph->p_filesz);
	}
	*entry = eh->e_entry;
	return 0;
}

/*
 * The modules, each page-aligned after the one before, from the end of the
 * image on (QEMU's load_multiboot puts them after the kernel the same way);
 * they must end below the guest's DMA area.
 */
static int multiboot_load_mods(struct vm *vm, const char *name, uint64_t at, uint64_t limit,
			       const struct multiboot_module *mods, int nr_mods)
{
	struct multiboot_mod *list = vm_gpa(vm, MBI_MODS_GPA);
	uint32_t str = MBI_MOD_STRINGS_GPA;

	if (nr_mods > MULTIBOOT_MAX_MODULES) {
		pr_err("%s: %d modules, at most %d", name, nr_mods, MULTIBOOT_MAX_MODULES);
		return -E2BIG;
	}
	for (int i = 0; i < nr_mods; i++) {
		size_t sl = strlen(mods[i].cmdline ? mods[i].cmdline : "") + 1;

		at = (at + 0xfff) & ~0xfffull;
		if (at + mods[i].len > limit || str + sl > MBI_MOD_STRINGS_END) {
			pr_err("%s: module %d (%zu bytes) does not fit below 0x%llx", name, i,
			       mods[i].len, (unsigned long long)limit);
			return -E2BIG;
		}
		memcpy(vm_gpa(vm, at), mods[i].data, mods[i].len);
		memcpy(vm_gpa(vm, str), mods[i].cmdline ? mods[i].cmdline : "", sl);
		list[i] = (struct multiboot_mod){ .mod_start = (uint32_t)at,
						  .mod_end = (uint32_t)(at + mods[i].len),
						  .string = str };
		at += mods[i].len;
		str += (uint32_t)sl;
	}
	return 0;
}

/* RAM from 0 to the EBDA, the BIOS area reserved, RAM from 1 MiB to the end */
static uint32_t multiboot_write_mmap(struct vm *vm)
{
	const struct multiboot_mmap map[] = {
		{ 20, 0, MBI_EBDA_GPA, 1 },
		{ 20, MBI_EBDA_GPA, 0xa0000u - MBI_EBDA_GPA, 2 },
		{ 20, MBI_BIOS_GPA, 0x100000u - MBI_BIOS_GPA, 2 },
		{ 20, 0x100000u, vm->ram_size - 0x100000u, 1 },
	};

	memcpy(vm_gpa(vm, MBI_MMAP_GPA), map, sizeof(map));
	return (uint32_t)sizeof(map);
}

/*
 * What QEMU's load_multiboot and its option ROM (pc-bios/optionrom/
 * multiboot.S) give: flags MEMORY, BOOT_DEVICE (0x8000ffff), CMDLINE,
 * MODULES, MMAP, BOOTLOADER; mem_lower from int 0x12 (639 under SeaBIOS),
 * mem_upper the KiB of RAM from 1 MiB to the first hole, the e820 map.
 */
static void multiboot_write_info(struct vm *vm, const char *cmdline, int nr_mods)
{
	struct multiboot_info *mbi = vm_gpa(vm, VIRQ_MBINFO_GPA);

	memset(mbi, 0, sizeof(*mbi));
	mbi->flags = MBI_FLAG_MEM | MBI_FLAG_BOOT_DEVICE | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
		     MBI_FLAG_MMAP | MBI_FLAG_BOOTLOADER;
	mbi->mem_lower = MBI_EBDA_GPA >> 10;
	mbi->mem_upper = (uint32_t)((vm->ram_size - 0x100000) >> 10);
	mbi->boot_device = 0x8000ffff;
	mbi->cmdline = VIRQ_CMDLINE_GPA;
	mbi->mods_count = (uint32_t)nr_mods;
	mbi->mods_addr = MBI_MODS_GPA;
	mbi->mmap_addr = MBI_MMAP_GPA;
	mbi->mmap_length = multiboot_write_mmap(vm);
	mbi->boot_loader_name = MBI_LOADER_GPA;
	memcpy(vm_gpa(vm, MBI_LOADER_GPA), MBI_LOADER_NAME, sizeof(MBI_LOADER_NAME));
	snprintf(vm_gpa(vm, VIRQ_CMDLINE_GPA), VIRQ_CMDLINE_MAX, "%s", cmdline);
}

/* flat 4 GiB segment: code (type 0xb) or data (type 0x3), 32-bit, page granular */
static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

static int multiboot_set_bsp(struct vm *vm, uint32_t entry)
{
	KVMState *s = &vm->kvm;
	int fd = vm->vcpus[0].fd;
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = entry, .rax = MULTIBOOT_BOOTLOADER_MAGIC, .rbx = VIRQ_MBINFO_GPA,
		.rflags = 0x2,
	};
	long r;

	r = kvm_do_ioctl(s, fd, KVM_GET_SREGS, "KVM_GET_SREGS", &sregs, "vcpu=0");
	if (r < 0)
		return (int)r;
	sregs.cs = flat_segment(0x08, 0xb);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(0x10, 0x3);
	sregs.cr0 = 0x11;	/* PE, ET; paging off */
	r = kvm_do_ioctl(s, fd, KVM_SET_SREGS, "KVM_SET_SREGS", &sregs, "vcpu=0 cr0=0x11");
	if (r < 0)
		return (int)r;
	return (int)kvm_do_ioctl(s, fd, KVM_SET_REGS, "KVM_SET_REGS", &regs, "vcpu=0 rip=0x%x",
				 entry);
}

int multiboot_load(struct vm *vm, const char *name, const uint8_t *img, size_t len,
		   const char *cmdline, const struct multiboot_module *mods, int nr_mods,
		   uint64_t mods_limit)
{
	uint64_t end = 0;
	uint32_t entry;
	int r;

	if (strlen(cmdline) >= VIRQ_CMDLINE_MAX) {
		pr_err("%s: the command line has %zu bytes, at most %u", name, strlen(cmdline),
		       VIRQ_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	r = multiboot_check_header(name, img, len);
	if (!r)
		r = multiboot_load_elf(vm, name, img, len, &entry, &end);
	if (!r)
		r = multiboot_load_mods(vm, name, end, mods_limit, mods, nr_mods);
	if (r < 0)
		return r;
	multiboot_write_info(vm, cmdline, nr_mods);
	return multiboot_set_bsp(vm, entry);
}

int multiboot_load_image(struct vm *vm, const char *name, const uint8_t *img, size_t len,
			 const char *cmdline, const struct multiboot_module *mods, int nr_mods)
{
	return multiboot_load(vm, name, img, len, cmdline, mods, nr_mods, VIRQ_DMA_GPA);
}

int multiboot_read_file(const char *path, uint8_t **img, size_t *len)
{
	return read_file(path, img, len);
}
