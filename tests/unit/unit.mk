# tests/unit/unit.mk - the cmocka unit tests, each built twice: plain in
# $(BUILD)/tests/ and with ASan+UBSan in $(BUILD)/asan/ (tests/check.sh
# runs every $(BUILD)/tests/test_* and $(BUILD)/asan/test_*, so nothing
# else goes there).
# Included by the top Makefile, or alone:
#   make -f tests/unit/unit.mk BUILD=/tmp/ub /tmp/ub/tests/test_parse
#   make -f tests/unit/unit.mk BUILD=/tmp/ub check-unit
UNIT_SRCDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)

CC ?= gcc
CFLAGS ?= -O2 -g
BUILD ?= build
# the top Makefile's WARN when included, the same rules when alone
UNIT_WARN ?= $(or $(WARN),-Wall -Wextra -Werror)
UNIT_ASAN ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# SRCDIR lets a test find scenarios/ wherever it runs from
UNIT_CPPFLAGS := -std=gnu11 -D_GNU_SOURCE -I$(UNIT_SRCDIR)/src -DSRCDIR='"$(UNIT_SRCDIR)"'

UNIT_TESTS :=
UNIT_ASAN_TESTS :=

# $(call unit_test,NAME,FILES): test_NAME from tests/unit/test_NAME.c and the
# .c files in FILES; the headers in FILES are prerequisites only.
define unit_test
UNIT_TESTS += $(BUILD)/tests/test_$(1)
UNIT_ASAN_TESTS += $(BUILD)/asan/test_$(1)

$(BUILD)/tests/test_$(1): $(UNIT_SRCDIR)/tests/unit/test_$(1).c $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(UNIT_CPPFLAGS) $$(UNIT_WARN) $$(CFLAGS) -o $$@ \
		$$(filter %.c,$$^) $$(LDFLAGS) -lcmocka -pthread

$(BUILD)/asan/test_$(1): $(UNIT_SRCDIR)/tests/unit/test_$(1).c $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(UNIT_CPPFLAGS) $$(UNIT_WARN) $$(CFLAGS) $$(UNIT_ASAN) -o $$@ \
		$$(filter %.c,$$^) $$(LDFLAGS) $$(UNIT_ASAN) -lcmocka -pthread
endef

$(eval $(call unit_test,parse,$(addprefix $(UNIT_SRCDIR)/src/scenario/,parse.c steps.c names.c \
	parse-internal.h scenario.h)))
# the ledger's matching, pure logic: made-up rows and guest counts, no kernel
$(eval $(call unit_test,ledger,$(addprefix $(UNIT_SRCDIR)/src/,scenario/ledger.c hw/pci/msi-ledger.c \
	scenario/ledger.h hw/pci/msi-ledger.h)))
$(eval $(call unit_test,kvm,$(addprefix $(UNIT_SRCDIR)/src/,vmm/kvm.c vmm/util.c trace/trace.c \
	vmm/kvm.h vmm/sysops.h)))
# hw/pci/pci.c routes INTx through q35 (hw/isa/lpc_ich9.c) to gsi_handler (hw/i386/kvm-ioapic.c)
PCI_INTX_SRCS := hw/isa/lpc_ich9.c hw/i386/kvm-ioapic.c
$(eval $(call unit_test,msix,$(addprefix $(UNIT_SRCDIR)/src/,hw/pci/msix.c hw/pci/msi-ledger.c hw/pci/pci.c $(PCI_INTX_SRCS) \
	vmm/bus.c vmm/kvm.c vmm/util.c trace/trace.c hw/pci/msix.h hw/pci/pci.h vmm/bus.h \
	vmm/kvm.h vmm/vm.h vmm/util.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,vfio_irq,$(addprefix $(UNIT_SRCDIR)/src/,hw/vfio/pci-irq.c hw/vfio/pci-intx.c \
	$(PCI_INTX_SRCS) ../tests/unit/fake-kvm.h \
	hw/vfio/device.c hw/pci/msix.c hw/pci/msi-ledger.c hw/pci/pci.c vmm/bus.c vmm/kvm.c vmm/util.c trace/trace.c \
	hw/vfio/pci.h hw/vfio/vfio-common.h hw/pci/msix.h hw/pci/pci.h vmm/kvm.h vmm/vm.h \
	vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,vfio_reset,$(addprefix $(UNIT_SRCDIR)/src/,hw/vfio/pci-reset.c hw/pci/reset.c \
	hw/vfio/pci-irq.c hw/vfio/pci-intx.c $(PCI_INTX_SRCS) ../tests/unit/fake-kvm.h \
	hw/vfio/device.c hw/vfio/pci.c hw/vfio/container.c hw/pci/msix.c hw/pci/msi-ledger.c hw/pci/pci.c vmm/bus.c \
	vmm/kvm.c vmm/util.c trace/trace.c hw/vfio/pci.h hw/vfio/vfio-common.h hw/pci/msix.h \
	hw/pci/pci.h vmm/kvm.h vmm/vm.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,vfio_pci,$(addprefix $(UNIT_SRCDIR)/src/,hw/vfio/pci.c hw/vfio/container.c \
	hw/vfio/device.c hw/vfio/pci-irq.c hw/vfio/pci-intx.c $(PCI_INTX_SRCS) ../tests/unit/fake-kvm.h \
	hw/pci/msix.c hw/pci/msi-ledger.c hw/pci/pci.c vmm/bus.c vmm/kvm.c vmm/util.c trace/trace.c \
	hw/vfio/pci.h hw/vfio/vfio-common.h hw/pci/msix.h hw/pci/pci.h vmm/kvm.h vmm/vm.h \
	vmm/sysops.h trace/trace.h)))

$(eval $(call unit_test,nvme,$(addprefix $(UNIT_SRCDIR)/src/,hw/nvme/nvme.c hw/nvme/nvme-cmd.c \
	../tests/unit/fake-kvm.h hw/pci/msix.c hw/pci/msi-ledger.c $(PCI_INTX_SRCS) hw/pci/pci.c vmm/bus.c \
	vmm/kvm.c vmm/util.c trace/trace.c hw/nvme/nvme.h hw/nvme/nvme-internal.h hw/pci/msix.h \
	hw/pci/pci.h vmm/kvm.h vmm/vm.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,virtio_pci,$(addprefix $(UNIT_SRCDIR)/src/,hw/virtio/virtio-pci.c ../tests/unit/fake-kvm.h \
	hw/virtio/virtio-pci-irq.c hw/virtio/virtio.c hw/virtio/virtio-rng.c hw/pci/msix.c hw/pci/msi-ledger.c $(PCI_INTX_SRCS) \
	hw/pci/pci.c vmm/bus.c vmm/kvm.c vmm/util.c trace/trace.c hw/virtio/virtio-pci.h \
	hw/virtio/virtio.h hw/pci/msix.h hw/pci/pci.h vmm/kvm.h vmm/vm.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,run_table,$(addprefix $(UNIT_SRCDIR)/src/,scenario/run-table.c scenario/run-faults.c \
	scenario/parse.c scenario/steps.c scenario/names.c vmm/kvm.c vmm/util.c trace/trace.c \
	../tests/unit/fake-kvm.h scenario/run.h scenario/scenario.h scenario/parse-internal.h \
	vmm/kvm.h vmm/vm.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,program,$(addprefix $(UNIT_SRCDIR)/src/,scenario/program.c \
	scenario/parse.c scenario/steps.c scenario/names.c scenario/program.h \
	scenario/parse-internal.h scenario/scenario.h guest/virq-prog.h)))
$(eval $(call unit_test,seed,$(addprefix $(UNIT_SRCDIR)/src/trace/,seed.c ftrace-line.c diff.c steps.c seed.h \
	ftrace-line.h diff.h steps.h)))
$(eval $(call unit_test,qemu_run,$(addprefix $(UNIT_SRCDIR)/src/,scenario/guest-results.c \
	scenario/program.c scenario/parse.c scenario/steps.c scenario/names.c trace/results.c \
	trace/steps.c trace/ftrace-line.c trace/accept.c scenario/guest-results.h \
	scenario/program.h trace/results.h trace/steps.h trace/accept.h guest/virq-prog.h)))
$(eval $(call unit_test,trace,$(addprefix $(UNIT_SRCDIR)/src/,trace/trace.c vmm/util.c trace/trace.h)))
$(eval $(call unit_test,cpuid,$(addprefix $(UNIT_SRCDIR)/src/vmm/,cpuid.c kvm.c util.c \
	../trace/trace.c cpuid.h kvm.h sysops.h)))
$(eval $(call unit_test,fw_cfg,$(addprefix $(UNIT_SRCDIR)/src/,hw/nvram/fw_cfg.c vmm/bus.c \
	vmm/util.c hw/nvram/fw_cfg.h hw/i386/pc.h vmm/bus.h vmm/vm.h)))

$(eval $(call unit_test,intx,$(addprefix $(UNIT_SRCDIR)/src/,hw/isa/lpc_ich9.c hw/i386/kvm-ioapic.c \
	vmm/kvm.c vmm/util.c trace/trace.c ../tests/unit/fake-kvm.h hw/isa/lpc_ich9.h \
	hw/i386/kvm-ioapic.h guest/ioapic-rte.h vmm/kvm.h vmm/sysops.h trace/trace.h)))
$(eval $(call unit_test,pci_testdev,$(addprefix $(UNIT_SRCDIR)/src/,hw/misc/pci-testdev.c $(PCI_INTX_SRCS) \
	hw/pci/pci.c hw/pci/msix.c hw/pci/msi-ledger.c vmm/bus.c vmm/kvm.c vmm/util.c trace/trace.c ../tests/unit/fake-kvm.h \
	hw/pci/pci.h hw/pci/msix.h vmm/bus.h vmm/kvm.h vmm/vm.h vmm/sysops.h trace/trace.h)))

.PHONY: unit-build check-unit
unit-build: $(UNIT_TESTS) $(UNIT_ASAN_TESTS)

check-unit: unit-build
	@set -e; for t in $(UNIT_TESTS) $(UNIT_ASAN_TESTS); do echo "== $$t"; $$t; done
