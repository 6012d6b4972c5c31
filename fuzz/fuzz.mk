# fuzz/fuzz.mk - libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined),
# one per fuzz/fuzz-NAME.c, each built with the sources it drives (and, for the
# device targets, fuzz/fuzz-common.c) into $(BUILD)/fuzz/fuzz-NAME; the seed
# corpus of each is fuzz/corpus/NAME/.
#   make fuzz                 every target in turn (fuzz/run.sh) until FUZZ_RUNS
#                             executions (default 10000000) or FUZZ_SECONDS
#                             (default 720), whichever first: 5 targets in an
#                             hour at most; a table of executions, seconds,
#                             exec/s and crashes at the end
#   make fuzz-build           build them only (tests/check.sh replays the corpora)
# Included by the top Makefile.
FUZZ_SRCDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 720
FUZZ_RUNS ?= 10000000
# the harness (fuzz/, the fake kernels) is left out of coverage: its checks' loops
# would feed the fuzzer edges of the checks, and cost more than the models' own
FUZZ_IGNORE := $(FUZZ_SRCDIR)/fuzz/coverage-ignore.txt
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-fsanitize-coverage-ignorelist=$(FUZZ_IGNORE)
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -I$(FUZZ_SRCDIR)/src -I$(FUZZ_SRCDIR)/tests/unit \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wno-unused-parameter -O2 -g $(FUZZ_SAN)
FUZZ_TARGETS :=

# $(call fuzz_target,NAME,FILES): fuzz-NAME from fuzz/fuzz-NAME.c and the .c
# files in FILES (under src/); headers in FILES are prerequisites only
define fuzz_target
FUZZ_TARGETS += $(BUILD)/fuzz/fuzz-$(1)

$(BUILD)/fuzz/fuzz-$(1): $(FUZZ_SRCDIR)/fuzz/fuzz-$(1).c $(FUZZ_SRCDIR)/fuzz/fuzz-common.h $(FUZZ_IGNORE) \
		$(FUZZ_SRCDIR)/fuzz/fuzz.mk \
		$(addprefix $(FUZZ_SRCDIR)/src/,$(2))
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_FLAGS) -o $$@ $$(filter %.c,$$^) -ljson-c -pthread
endef

FUZZ_KVM := vmm/kvm.c vmm/util.c trace/trace.c vmm/kvm.h vmm/sysops.h trace/trace.h
# fuzz-common.c (the fake kernel, the VM, the shared invariants) goes with every device target
FUZZ_PCI := ../fuzz/fuzz-common.c hw/pci/msix.c hw/pci/msi-ledger.c hw/pci/pci.c hw/pci/reset.c \
	hw/isa/lpc_ich9.c hw/i386/kvm-ioapic.c vmm/bus.c hw/pci/msix.h hw/pci/pci.h vmm/bus.h vmm/vm.h \
	../tests/unit/fake-kvm.h $(FUZZ_KVM)

$(eval $(call fuzz_target,parse,scenario/parse.c scenario/steps.c scenario/names.c \
	scenario/parse-internal.h scenario/scenario.h))
$(eval $(call fuzz_target,msix,$(FUZZ_PCI)))
$(eval $(call fuzz_target,vfio,hw/vfio/pci-irq.c hw/vfio/pci-intx.c hw/vfio/pci-reset.c hw/vfio/pci.c \
	hw/vfio/container.c hw/vfio/device.c hw/vfio/pci.h hw/vfio/vfio-common.h $(FUZZ_PCI)))
$(eval $(call fuzz_target,virtio,hw/virtio/virtio-pci.c hw/virtio/virtio-pci-irq.c hw/virtio/virtio.c \
	hw/virtio/virtio-rng.c hw/virtio/virtio-pci.h hw/virtio/virtio.h $(FUZZ_PCI)))
$(eval $(call fuzz_target,nvme,hw/nvme/nvme.c hw/nvme/nvme-cmd.c hw/nvme/nvme.h hw/nvme/nvme-internal.h \
	$(FUZZ_PCI)))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) \
		sh $(FUZZ_SRCDIR)/fuzz/run.sh $(FUZZ_TARGETS)
