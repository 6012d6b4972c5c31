/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme.h - an NVMe controller after QEMU's hw/nvme/ctrl.c, reduced to the
 * admin queue pair, one I/O queue pair and a 64-block RAM namespace.
 * Completions interrupt through msix_notify -> KVM_SIGNAL_MSI (no irqfd),
 * once per batch of CQEs posted together (nvme_post_cqes, nvme_irq_assert).
 * QEMU's default path ends there too, through the MSI write to the APIC
 * window (msi_send_message -> kvm_apic_mem_write -> kvm_send_msi); virq
 * calls kvm_irqchip_send_msi directly.
 *
 * BAR 0: registers and doorbells (DSTRD 0). BAR 4: MSI-X table at 0,
 * PBA at 0x800, 4 vectors. No INTx.
 *
 * Locking: everything but realize/unrealize runs with vm->bql held (BAR
 * callbacks get it from pci.c; the runner takes it around the others).
 */
#ifndef VIRQ_NVME_H
#define VIRQ_NVME_H

#include <stdbool.h>
#include <stdint.h>

#include "../pci/pci.h"

struct vm;

struct nvme_stats {
	uint64_t commands;	/* SQEs fetched and executed, admin and I/O */
	uint64_t completions;	/* CQEs posted */
	uint64_t held;		/* I/O completions queued now, not yet posted */
	uint64_t interrupts;	/* nvme_irq_assert with IEN: one per batch posted */
};

/* nvme_realize - create the controller and plug it into bus; NULL on failure (pr_err) */
PCIDevice *nvme_realize(struct vm *vm, PCIBus *bus, const char *name);
/* nvme_unrealize - unplug and free; no vCPU may run */
void nvme_unrealize(PCIDevice *dev);

/*
 * nvme_set_hold - while hold is on, I/O completions are queued (up to 64,
 * in order) instead of posted; admin commands always complete at once.
 * Turning hold off posts nothing by itself: the next I/O completion, or
 * nvme_complete_held, posts the queue in order, as one batch.
 */
void nvme_set_hold(PCIDevice *dev, bool hold);
/* nvme_complete_held - post up to count queued completions, one interrupt; returns how many */
int nvme_complete_held(PCIDevice *dev, unsigned int count);
void nvme_get_stats(PCIDevice *dev, struct nvme_stats *st);

#endif /* VIRQ_NVME_H */
