# SPDX-License-Identifier: GPL-2.0
# kernels.mk - the project's own test kernels, booted by 'virq boot' (and
# by QEMU's -kernel) in make check: Multiboot v1 ELF32, freestanding.
#   $(BUILD)/kernels/boot64.elf  long mode, fw_cfg, CPUID, pc-testdev checks; exits 0
#   $(BUILD)/kernels/pcitest.elf pci-testdev (1b36:0005): BARs, its tests and counts; exits 0
#   $(BUILD)/kernels/exit1.elf   exits with 1 on purpose (status 3)
#   $(BUILD)/kernels/triple.elf  triple-faults on purpose
# Included by the top-level Makefile; it does not change the default goal.
TK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TK_CC ?= gcc
TK_LD ?= ld
TK_OBJCOPY ?= objcopy
TK_CFLAGS := -ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
	-nostdlib -O2 -Wall -Wextra -Werror -std=gnu11 -I $(TK_DIR)
TK_CFLAGS64 := $(TK_CFLAGS) -m64 -mno-red-zone -mno-sse -mno-mmx
TK_LDFLAGS := -T $(TK_DIR)/tk.ld --build-id=none -z noexecstack -z max-page-size=4096
TK_KERNELS := $(addprefix $(BUILD)/kernels/,boot64.elf pcitest.elf exit1.elf triple.elf)

.PHONY: kernels
kernels: $(TK_KERNELS)

$(BUILD)/kernels/%.64.o: $(TK_DIR)/% $(TK_DIR)/kernels.mk
	@mkdir -p $(@D)
	$(TK_CC) $(TK_CFLAGS64) -MMD -MP -c -o $@ $<

$(BUILD)/kernels/%.32.o: $(TK_DIR)/% $(TK_DIR)/kernels.mk
	@mkdir -p $(@D)
	$(TK_CC) $(TK_CFLAGS) -m32 -MMD -MP -c -o $@ $<

# the 64-bit kernels: head64.S, tk-lib.c and NAME.c
$(BUILD)/kernels/%.elf64: $(addprefix $(BUILD)/kernels/,head64.S.64.o %.c.64.o tk-lib.c.64.o) $(TK_DIR)/tk.ld
	$(TK_LD) -m elf_x86_64 $(TK_LDFLAGS) -o $@ $(filter %.o,$^)

$(BUILD)/kernels/boot64.elf $(BUILD)/kernels/pcitest.elf: $(BUILD)/kernels/%.elf: $(BUILD)/kernels/%.elf64
	$(TK_OBJCOPY) -O elf32-i386 $< $@

$(BUILD)/kernels/%.elf: $(BUILD)/kernels/%.S.32.o $(TK_DIR)/tk.ld
	$(TK_LD) -m elf_i386 $(TK_LDFLAGS) -o $@ $<

-include $(wildcard $(BUILD)/kernels/*.d)
.PRECIOUS: $(BUILD)/kernels/%.o
