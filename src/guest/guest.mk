# SPDX-License-Identifier: GPL-2.0
# guest.mk - build the bare-metal test guest, $(BUILD)/guest/virq-guest.elf.
#
# Included by the top-level Makefile, or standalone from the repo root:
#   make -f src/guest/guest.mk BUILD=/tmp/gb /tmp/gb/guest/virq-guest.elf
# Including it does not change the includer's default goal.

_guest_goal := $(.DEFAULT_GOAL)
_guest_included := $(filter-out 1,$(words $(MAKEFILE_LIST)))

BUILD ?= build
GUEST_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

GUEST_CC ?= gcc
GUEST_LD ?= ld
GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdlib -O2 -Wall -Wextra -Werror \
	-std=gnu11 -I $(GUEST_DIR)
GUEST_LDFLAGS := -m elf_i386 -T $(GUEST_DIR)/guest.ld --build-id=none \
	-z noexecstack

GUEST_SRCS := $(addprefix $(GUEST_DIR)/, entry.S trampoline.S idt.S \
	idt.c irq.c apic.c ioapic.c serial.c lib.c cmd.c pci.c virtq.c nvme.c \
	selftest.c selftest-dev.c selftest-msix.c prog.c prog-virtio.c prog-nvme.c \
	main.c)
# idt.S and idt.c both exist: keep the source suffix in the object name
GUEST_OBJS := $(patsubst $(GUEST_DIR)/%,$(BUILD)/guest/%.o,$(GUEST_SRCS))
GUEST_ELF := $(BUILD)/guest/virq-guest.elf

.PHONY: guest
guest: $(GUEST_ELF)

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_DIR)/guest.ld $(GUEST_DIR)/guest.mk
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

$(BUILD)/guest/%.c.o: $(GUEST_DIR)/%.c $(GUEST_DIR)/guest.mk
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/guest/%.S.o: $(GUEST_DIR)/%.S $(GUEST_DIR)/guest.mk
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

-include $(GUEST_OBJS:.o=.d)

ifneq ($(_guest_included),)
.DEFAULT_GOAL := $(_guest_goal)
endif
