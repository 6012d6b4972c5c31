// SPDX-License-Identifier: GPL-2.0
/*
 * msix.c - MSI-X as QEMU's hw/pci/msix.c does it: table and PBA emulated,
 * notifiers fired only when a vector's effective mask flips, pending bits
 * replayed on unmask. The caller holds the VM's big lock (see msix.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msix.h"
#include "../../vmm/vm.h"
#include "../../trace/trace.h"
#include "../../vmm/util.h"

#define MSIX_CONTROL_OFFSET	(PCI_MSIX_FLAGS + 1)	/* the byte with enable and mask-all */
#define MSIX_ENABLE_MASK	(PCI_MSIX_FLAGS_ENABLE >> 8)
#define MSIX_MASKALL_MASK	(PCI_MSIX_FLAGS_MASKALL >> 8)

/* one-line helpers name the bit math, as QEMU's */
static uint8_t msix_pending_mask(unsigned int vector) { return 1u << (vector % 8); }
static uint8_t *msix_pending_byte(PCIDevice *dev, unsigned int vector)
{
	return dev->msix_pba + vector / 8;
}

bool msix_is_pending(PCIDevice *dev, unsigned int vector)
{
	return *msix_pending_byte(dev, vector) & msix_pending_mask(vector);
}

void msix_set_pending(PCIDevice *dev, unsigned int vector)
{
	*msix_pending_byte(dev, vector) |= msix_pending_mask(vector);
}

static void msix_clr_pending(PCIDevice *dev, unsigned int vector)
{
	*msix_pending_byte(dev, vector) &= (uint8_t)~msix_pending_mask(vector);
}

bool msix_enabled(PCIDevice *dev)
{
	return dev->msix_cap && (dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] & MSIX_ENABLE_MASK);
}

static bool msix_vector_masked(PCIDevice *dev, unsigned int vector, bool fmask)
{
	unsigned int ctrl = vector * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL;

	return fmask || (dev->msix_table[ctrl] & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

bool msix_is_masked(PCIDevice *dev, unsigned int vector)
{
	return msix_vector_masked(dev, vector, dev->msix_function_masked);
}

/* disabled counts as masked: nothing may be sent */
static void msix_update_function_masked(PCIDevice *dev)
{
	dev->msix_function_masked = !msix_enabled(dev) ||
		(dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] & MSIX_MASKALL_MASK);
}

MSIMessage msix_get_message(PCIDevice *dev, unsigned int vector)
{
	uint8_t *e = dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;

	return (MSIMessage){
		.address = pci_get_long(e + PCI_MSIX_ENTRY_LOWER_ADDR) |
			   (uint64_t)pci_get_long(e + PCI_MSIX_ENTRY_UPPER_ADDR) << 32,
		.data = pci_get_long(e + PCI_MSIX_ENTRY_DATA),
	};
}

/*
 * msix_send - the message as the entry holds it now. The ledger books it
 * only if a LAPIC accepted it (> 0: kvm_irq_delivery_to_apic's count); 0
 * (no LAPIC at that destination, or a disabled one) and errors reached no
 * guest. A message merged into one already in the IRR is accepted all the
 * same (__apic_accept_irq), so raises are paced: the ledger would call it
 * lost.
 */
static int msix_send(PCIDevice *dev, unsigned int vector)
{
	MSIMessage msg = msix_get_message(dev, vector);
	int r;

	dev->msix_stats[vector].sent++;
	if (dev->msi_send)
		r = dev->msi_send(dev, msg);
	else
		r = kvm_irqchip_send_msi(&dev->bus->vm->kvm, msg);
	if (r > 0)
		msi_ledger_tell(&dev->msix_stats[vector].ledger, msg, msg,
				msix_is_masked(dev, vector));
	return r;
}

/* an irqfd of this vector signalled: KVM delivers by the route it holds for gsi */
void msix_ledger_irqfd(PCIDevice *dev, unsigned int vector, int gsi, bool masked)
{
	MSIMessage told;

	if (vector >= dev->msix_entries_nr)
		return;
	if (!msi_route_message(kvm_irqchip_find_kernel_route(&dev->bus->vm->kvm, gsi), &told)) {
		dev->msix_stats[vector].unrouted++;	/* nothing in the kernel's table: lost */
		return;
	}
	msi_ledger_tell(&dev->msix_stats[vector].ledger, told, msix_get_message(dev, vector), masked);
}

void msix_notify(PCIDevice *dev, unsigned int vector)
{
	if (vector >= dev->msix_entries_nr)
		return;
	/* QEMU 11.1 returns before the mask test: no message and no PBA bit */
	if (!dev->msix_entry_used[vector]) {
		dev->msix_stats[vector].unused++;
		trace_event("msix_notify", "%s vector=%u not in use: dropped", dev->name, vector);
		return;
	}
	trace_event("msix_notify", "%s vector=%u masked=%d", dev->name, vector,
		    msix_is_masked(dev, vector));
	if (msix_is_masked(dev, vector)) {
		/* edge messages coalesce in the PBA: count it, it is not a loss */
		if (msix_is_pending(dev, vector))
			dev->msix_stats[vector].coalesced++;
		else
			dev->msix_stats[vector].pended++;
		msix_set_pending(dev, vector);
		return;
	}
	msix_send(dev, vector);
}

/*
 * QEMU 11.1's use counts: "we support this by asking devices to declare
 * vectors software is going to actually use, and checking this on the
 * notification path". A pending bit cleared here is never delivered.
 */
void msix_vector_use(PCIDevice *dev, unsigned int vector)
{
	if (vector >= dev->msix_entries_nr)
		return;
	dev->msix_entry_used[vector]++;
}

static void msix_clr_pending_undelivered(PCIDevice *dev, unsigned int vector)
{
	if (msix_is_pending(dev, vector)) {
		dev->msix_stats[vector].cleared++;
		trace_event("msix_vector_unuse", "%s vector=%u: pending bit cleared", dev->name,
			    vector);
	}
	msix_clr_pending(dev, vector);
}

void msix_vector_unuse(PCIDevice *dev, unsigned int vector)
{
	if (vector >= dev->msix_entries_nr || !dev->msix_entry_used[vector])
		return;
	if (--dev->msix_entry_used[vector])
		return;
	msix_clr_pending_undelivered(dev, vector);
}

/* msix_unuse_all_vectors -> msix_free_irq_entries: counts and pending bits */
void msix_unuse_all_vectors(PCIDevice *dev)
{
	if (!dev->msix_cap)
		return;
	trace_event("msix_unuse_all_vectors", "%s", dev->name);
	for (unsigned int v = 0; v < dev->msix_entries_nr; v++) {
		dev->msix_entry_used[v] = 0;
		msix_clr_pending_undelivered(dev, v);
	}
}

void msix_report_notifier_error(PCIDevice *dev, unsigned int vector, const char *what, int err)
{
	if (vector >= dev->msix_entries_nr)
		return;
	dev->msix_stats[vector].notifier_errors++;
	trace_event("msix_notifier_error", "%s vector=%u %s: %s", dev->name, vector, what,
		    strerrorname_np(-err) ?: "?");
	pr_err("%s: MSI-X vector %u: %s failed: %s", dev->name, vector, what, strerror(-err));
}

/*
 * QEMU 11.1 asserts that use succeeds. virq counts the failure (the
 * scenario fails on it) and goes on: the guest's unmask stands, and
 * msix_handle_mask_update still replays a pending bit through msix_notify,
 * the path that needs no route. The device leaves its own state whole.
 */
static void msix_fire_vector_notifier(PCIDevice *dev, unsigned int vector, bool is_masked)
{
	int r;

	if (!dev->msix_vector_use_notifier)
		return;
	if (is_masked) {
		dev->msix_vector_release_notifier(dev, vector);
		return;
	}
	r = dev->msix_vector_use_notifier(dev, vector, msix_get_message(dev, vector));
	if (r < 0)
		msix_report_notifier_error(dev, vector, "use notifier", r);
}

/*
 * msix_handle_mask_update - the only place a mask flip acts: use or release,
 * and on unmask the pending bit goes out through msix_notify.
 */
static void msix_handle_mask_update(PCIDevice *dev, unsigned int vector, bool was_masked)
{
	bool is_masked = msix_is_masked(dev, vector);

	if (is_masked == was_masked)
		return;
	trace_event("msix_handle_mask_update", "%s vector=%u %s", dev->name, vector,
		    is_masked ? "masked" : "unmasked");
	msix_fire_vector_notifier(dev, vector, is_masked);
	if (!is_masked && msix_is_pending(dev, vector)) {
		msix_clr_pending(dev, vector);
		dev->msix_stats[vector].replayed++;
		msix_notify(dev, vector);
	}
}

/*
 * msix_write_config - after a write to Message Control. Disabling MSI-X
 * returns before any notifier fires, as QEMU does: release is not called.
 */
void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
	uint32_t pos = dev->msix_cap + MSIX_CONTROL_OFFSET;
	bool was_masked;

	(void)val;
	if (!dev->msix_cap || pos < addr || pos >= addr + (uint32_t)len)
		return;
	was_masked = dev->msix_function_masked;
	msix_update_function_masked(dev);
	trace_event("msix_write_config", "%s enabled=%d function_masked=%d", dev->name,
		    msix_enabled(dev), dev->msix_function_masked);
	if (!msix_enabled(dev) || dev->msix_function_masked == was_masked)
		return;
	for (unsigned int v = 0; v < dev->msix_entries_nr; v++)
		msix_handle_mask_update(dev, v, msix_vector_masked(dev, v, was_masked));
}

void msix_table_mmio_write(PCIDevice *dev, uint64_t addr, uint32_t val, unsigned int size)
{
	unsigned int vector = (unsigned int)(addr / PCI_MSIX_ENTRY_SIZE);
	bool was_masked;

	/* dword accesses only (QEMU's msix_table_mmio_ops: 4 bytes) */
	if (size != 4 || addr % 4 || vector >= dev->msix_entries_nr)
		return;
	was_masked = msix_is_masked(dev, vector);
	pci_set_long(dev->msix_table + addr, val);
	msix_handle_mask_update(dev, vector, was_masked);
}

uint32_t msix_table_mmio_read(PCIDevice *dev, uint64_t addr, unsigned int size)
{
	if (size != 4 || addr % 4 || addr >= dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE)
		return 0;
	return pci_get_long(dev->msix_table + addr);
}

/* the PBA is read-only; a read polls the device first (msix_pba_mmio_read) */
uint32_t msix_pba_mmio_read(PCIDevice *dev, uint64_t addr, unsigned int size)
{
	unsigned int pba_size = (dev->msix_entries_nr + 63) / 64 * 8;
	uint32_t v = 0;

	if (dev->msix_vector_poll_notifier) {
		unsigned int start = (unsigned int)addr * 8, end = start + size * 8;

		dev->msix_vector_poll_notifier(dev, start, end < dev->msix_entries_nr ? end :
					       dev->msix_entries_nr);
	}
	for (unsigned int i = 0; i < size && addr + i < pba_size; i++)
		v |= (uint32_t)dev->msix_pba[addr + i] << (8 * i);
	return v;
}

void msix_pba_mmio_write(PCIDevice *dev, uint64_t addr, uint32_t val, unsigned int size)
{
	(void)dev; (void)addr; (void)val; (void)size;	/* ignored, as on hardware */
}

int msix_init(PCIDevice *dev, unsigned int nentries, int table_bar, uint32_t table_offset,
	      int pba_bar, uint32_t pba_offset, uint8_t cap_pos)
{
	unsigned int pba_size = (nentries + 63) / 64 * 8;
	int cap;

	uint32_t table_size = nentries * PCI_MSIX_ENTRY_SIZE;

	if (!nentries || nentries > PCI_MSIX_FLAGS_QSIZE + 1)
		return -EINVAL;
	/* as QEMU's msix_init: no overlap, offsets clear of the BIR bits */
	if ((table_bar == pba_bar && table_offset < pba_offset + pba_size &&
	     pba_offset < table_offset + table_size) ||
	    ((table_offset | pba_offset) & PCI_MSIX_TABLE_BIR))
		return -EINVAL;
	cap = pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos, PCI_CAP_MSIX_SIZEOF);
	if (cap < 0)
		return cap;
	dev->msix_table = calloc(nentries, PCI_MSIX_ENTRY_SIZE);
	dev->msix_pba = calloc(1, pba_size);
	dev->msix_stats = calloc(nentries, sizeof(*dev->msix_stats));
	dev->msix_entry_used = calloc(nentries, sizeof(*dev->msix_entry_used));
	if (!dev->msix_table || !dev->msix_pba || !dev->msix_stats || !dev->msix_entry_used) {
		msix_uninit(dev);
		return -ENOMEM;
	}
	dev->msix_cap = (uint8_t)cap;
	dev->msix_entries_nr = nentries;
	pci_set_word(dev->config + cap + PCI_MSIX_FLAGS, (uint16_t)(nentries - 1));
	pci_set_long(dev->config + cap + PCI_MSIX_TABLE, table_offset | (uint32_t)table_bar);
	pci_set_long(dev->config + cap + PCI_MSIX_PBA, pba_offset | (uint32_t)pba_bar);
	dev->wmask[cap + MSIX_CONTROL_OFFSET] |= MSIX_ENABLE_MASK | MSIX_MASKALL_MASK;
	/* every vector starts masked (msix_mask_all), the function disabled */
	for (unsigned int v = 0; v < nentries; v++)
		dev->msix_table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
	dev->msix_function_masked = true;
	return 0;
}

void msix_uninit(PCIDevice *dev)
{
	free(dev->msix_table);
	free(dev->msix_pba);
	free(dev->msix_stats);
	free(dev->msix_entry_used);
	dev->msix_table = dev->msix_pba = NULL;
	dev->msix_stats = NULL;
	dev->msix_entry_used = NULL;
	dev->msix_cap = 0;
	dev->msix_entries_nr = 0;
}

static int msix_set_notifier_for_vector(PCIDevice *dev, unsigned int vector)
{
	if (msix_is_masked(dev, vector))
		return 0;
	return dev->msix_vector_use_notifier(dev, vector, msix_get_message(dev, vector));
}

static void msix_unset_notifier_for_vector(PCIDevice *dev, unsigned int vector)
{
	if (!msix_is_masked(dev, vector))
		dev->msix_vector_release_notifier(dev, vector);
}

int msix_set_vector_notifiers(PCIDevice *dev, MSIVectorUseNotifier use,
			      MSIVectorReleaseNotifier release, MSIVectorPollNotifier poll)
{
	unsigned int vector = 0;
	int r;

	dev->msix_vector_use_notifier = use;
	dev->msix_vector_release_notifier = release;
	dev->msix_vector_poll_notifier = poll;
	if ((dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] &
	     (MSIX_ENABLE_MASK | MSIX_MASKALL_MASK)) == MSIX_ENABLE_MASK) {
		for (; vector < dev->msix_entries_nr; vector++) {
			r = msix_set_notifier_for_vector(dev, vector);
			if (r < 0) {
				msix_report_notifier_error(dev, vector, "use notifier", r);
				goto undo;
			}
		}
	}
	if (dev->msix_vector_poll_notifier)
		dev->msix_vector_poll_notifier(dev, 0, dev->msix_entries_nr);
	return 0;

undo:
	while (vector-- > 0)
		msix_unset_notifier_for_vector(dev, vector);
	dev->msix_vector_use_notifier = NULL;
	dev->msix_vector_release_notifier = NULL;
	dev->msix_vector_poll_notifier = NULL;
	return r;
}

void msix_unset_vector_notifiers(PCIDevice *dev)
{
	if ((dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] &
	     (MSIX_ENABLE_MASK | MSIX_MASKALL_MASK)) == MSIX_ENABLE_MASK) {
		for (unsigned int v = 0; v < dev->msix_entries_nr; v++)
			msix_unset_notifier_for_vector(dev, v);
	}
	dev->msix_vector_use_notifier = NULL;
	dev->msix_vector_release_notifier = NULL;
	dev->msix_vector_poll_notifier = NULL;
}

void msix_vector_stats(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st)
{
	struct msix_stats *m = &dev->msix_stats[vector];

	if (dev->vector_stats)
		dev->vector_stats(dev, vector, st);
	else
		*st = (struct msix_vector_stats){
			.gsi = -1, .host_irq = -1, .path = "signal-msi",
			.raised = m->sent + m->pended + m->coalesced + m->unused - m->replayed,
			.coalesced = m->coalesced, .pending = msix_is_pending(dev, vector),
			.dropped = m->unused + m->cleared,
		};
	st->notifier_errors = m->notifier_errors;
	st->ledger = &m->ledger;
}

/*
 * msix_bar_write/read - a BAR holding the table at 0 and the PBA at pba_off,
 * as devices lay it out. 8-byte accesses are split in two dwords, as QEMU's
 * memory core does for msix_table_mmio_ops (impl.max_access_size 4).
 */
void msix_bar_write(PCIDevice *dev, uint64_t off, const uint8_t *data, unsigned int size,
		    uint64_t pba_off)
{
	for (unsigned int done = 0; done < size; done += 4) {
		unsigned int n = size - done < 4 ? size - done : 4;
		uint32_t v = bus_data_get(data + done, n);

		if (off + done < pba_off)
			msix_table_mmio_write(dev, off + done, v, n);
		else
			msix_pba_mmio_write(dev, off + done - pba_off, v, n);
	}
}

void msix_bar_read(PCIDevice *dev, uint64_t off, uint8_t *data, unsigned int size,
		   uint64_t pba_off)
{
	for (unsigned int done = 0; done < size; done += 4) {
		unsigned int n = size - done < 4 ? size - done : 4;
		uint32_t v = off + done < pba_off ? msix_table_mmio_read(dev, off + done, n) :
			     msix_pba_mmio_read(dev, off + done - pba_off, n);

		bus_data_set(data + done, n, v);
	}
}
