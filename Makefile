# SPDX-License-Identifier: GPL-2.0
# virq - make builds build/virq (static, with the test guest inside it).
#   make demo    install what is missing, build, boot the lab, run the scenarios
#   make check   unit tests (plain and ASan+UBSan), fuzz corpora and the lab tests
#   make fuzz    every libFuzzer target to FUZZ_RUNS executions or FUZZ_SECONDS (fuzz/fuzz.mk)
#   make soak    every scenario 50 rounds on 6.1, 20 on 5.10, 6.12, 7.2 (scripts/soak.sh)
BUILD ?= build
CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wundef -Wno-format-nonliteral -Wno-format-truncation
VIRQ_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -MMD -MP $(CFLAGS)
LIBS := -ljson-c -pthread

VMM_SRCS := $(wildcard src/vmm/*.c src/hw/*/*.c src/scenario/*.c src/trace/*.c)
TOOL_SRCS := $(wildcard tools/*.c)
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)

.PHONY: all deps demo check bench soak clean
all: $(BUILD)/virq kernels

include src/guest/guest.mk
include tests/unit/unit.mk
include fuzz/fuzz.mk
include tests/kernels/kernels.mk

$(BUILD)/obj/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(VIRQ_CFLAGS) -c -o $@ $<

# the guest's ELF is carried inside virq (.incbin)
$(BUILD)/obj/guest-image.o: src/vmm/guest-image.S $(GUEST_ELF)
	@mkdir -p $(@D)
	$(CC) -DGUEST_ELF='"$(GUEST_ELF)"' -c -o $@ $<

# static: the same binary runs on the host and inside the lab's initramfs
$(BUILD)/virq: $(VMM_OBJS) $(TOOL_OBJS) $(BUILD)/obj/guest-image.o
	$(CC) -static -o $@ $^ $(LIBS)

deps:
	@sh scripts/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

check: deps
	@$(MAKE) --no-print-directory all unit-build fuzz-build
	@sh tests/check.sh

soak: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/soak.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

clean:
	rm -rf $(BUILD)/obj $(BUILD)/guest $(BUILD)/tests $(BUILD)/asan $(BUILD)/kernels $(BUILD)/fuzz $(BUILD)/virq

-include $(VMM_OBJS:.o=.d) $(TOOL_OBJS:.o=.d)
