/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msix.h - MSI-X with QEMU's semantics (hw/pci/msix.c): the capability,
 * the table and the PBA in BARs, MSI-X enable and function mask in Message
 * Control, per-vector mask, vector use/release/poll notifiers.
 *
 * The single decision points: msix_notify (send, or set the PBA bit when
 * masked) and msix_handle_mask_update (acts only when a vector's effective
 * mask flipped: unmask fires use, then replays a pending bit; mask fires
 * release). Address/data writes never fire a notifier.
 *
 * Called on vCPU threads (table, PBA and config accesses) and device
 * threads (msix_notify): the caller holds dev->bus->lock.
 */
#ifndef VIRQ_MSIX_H
#define VIRQ_MSIX_H

#include "pci.h"

/*
 * msix_init - nentries vectors; the table at table_offset in BAR table_bar,
 * the PBA at pba_offset in BAR pba_bar (the BARs are registered by the
 * device; msix_table_mmio_* and msix_pba_mmio_* serve those ranges).
 * cap_pos 0 picks the next free place. Returns 0 or -errno.
 */
int msix_init(PCIDevice *dev, unsigned int nentries, int table_bar, uint32_t table_offset,
	      int pba_bar, uint32_t pba_offset, uint8_t cap_pos);
void msix_uninit(PCIDevice *dev);

/* guest accesses to the table and the PBA; offsets relative to their start */
void msix_table_mmio_write(PCIDevice *dev, uint64_t addr, uint32_t val, unsigned int size);
uint32_t msix_table_mmio_read(PCIDevice *dev, uint64_t addr, unsigned int size);
void msix_pba_mmio_write(PCIDevice *dev, uint64_t addr, uint32_t val, unsigned int size);
uint32_t msix_pba_mmio_read(PCIDevice *dev, uint64_t addr, unsigned int size);
/* a BAR with the table at 0 and the PBA at pba_off: the device's BAR callbacks */
void msix_bar_write(PCIDevice *dev, uint64_t off, const uint8_t *data, unsigned int size,
		    uint64_t pba_off);
void msix_bar_read(PCIDevice *dev, uint64_t off, uint8_t *data, unsigned int size,
		   uint64_t pba_off);
/* called by the PCI core after any config write that touches Message Control */
void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len);

bool msix_enabled(PCIDevice *dev);
bool msix_is_masked(PCIDevice *dev, unsigned int vector);
bool msix_is_pending(PCIDevice *dev, unsigned int vector);
MSIMessage msix_get_message(PCIDevice *dev, unsigned int vector);

/*
 * msix_notify - send vector's message, or set its pending bit when masked;
 * nothing at all for a vector not in use (QEMU 11.1: msix_entry_used 0)
 */
void msix_notify(PCIDevice *dev, unsigned int vector);
void msix_set_pending(PCIDevice *dev, unsigned int vector);

/*
 * msix_vector_use/unuse - the device declares a vector it will notify
 * (QEMU's msix_vector_use: "checking this on the notification path");
 * counted, the last unuse clears its pending bit. msix_unuse_all_vectors
 * zeroes every count and pending bit (QEMU's msix_free_irq_entries).
 */
void msix_vector_use(PCIDevice *dev, unsigned int vector);
void msix_vector_unuse(PCIDevice *dev, unsigned int vector);
void msix_unuse_all_vectors(PCIDevice *dev);

/*
 * msix_set_vector_notifiers - install the notifiers and fire use for every
 * vector that is unmasked now; on a failure, release those already used
 * and return the error (QEMU's msix_set_vector_notifiers/undo).
 */
int msix_set_vector_notifiers(PCIDevice *dev, MSIVectorUseNotifier use,
			      MSIVectorReleaseNotifier release, MSIVectorPollNotifier poll);
void msix_unset_vector_notifiers(PCIDevice *dev);

/*
 * msix_report_notifier_error - vector's use or release (what) could not be
 * done: the kernel refused a call (already reported at the seam) or the
 * VMM ran out of something. QEMU asserts on a failed use
 * (msix_fire_vector_notifier) and only logs a device's own failures
 * (vfio_msix_vector_do_use, vfio_msix_vector_release). virq counts it on
 * the vector (msix_vector_stats' notifier_errors), which the runner shows
 * and fails the scenario on. msix.c calls it for a use notifier that
 * returns < 0; a device calls it for work it does not return (release,
 * a deferred commit).
 */
void msix_report_notifier_error(PCIDevice *dev, unsigned int vector, const char *what, int err);

/*
 * msix_vector_stats - accounting for the runner: the device's vector_stats
 * if it has one, else from msix_notify's counts (raised = sent + pended +
 * coalesced + unused - replayed, dropped = unused + cleared, the path
 * KVM_SIGNAL_MSI); notifier_errors from msix.c in both cases.
 */
void msix_vector_stats(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st);
/* the ledger: vector's irqfd on gsi was signalled, masked: while the guest had it masked */
void msix_ledger_irqfd(PCIDevice *dev, unsigned int vector, int gsi, bool masked);

/*
 * msix_reset (hw/pci/reset.c, as QEMU's): Enable and Function Mask
 * cleared, every entry zeroed and masked, the PBA cleared (a bit still set
 * counted as cleared); no notifier fires
 */
void msix_reset(PCIDevice *dev);

#endif /* VIRQ_MSIX_H */
