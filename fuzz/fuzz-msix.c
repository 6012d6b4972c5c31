// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-msix.c - PCI config space, the MSI-X capability, table and PBA
 * (src/hw/pci/pci.c, msix.c) of a device with no kernel behind it: sends
 * and the vector notifiers are fakes that keep their own count. The input
 * is a list of operations (config write/read, table write/read, PBA read,
 * msix_notify, vector use/unuse, notifiers on/off, a use that fails).
 * After each one the invariants of QEMU 11.1's hw/pci/msix.c hold:
 *  - a PBA bit only for a vector in use and masked, counting disabled as
 *    masked (msix_notify pends only if msix_is_masked; unmask replays the
 *    bit, the last msix_vector_unuse clears it);
 *  - msix_function_masked == !enable || mask-all (msix_update_function_masked);
 *  - use counts are the fuzzer's own (never below 0, never wrapped);
 *  - no release of a vector not in use, no second use while enabled;
 *  - the ledger (fuzz-common.c), per vector: raised == told + pending +
 *    coalesced + dropped, and the fake got every message told;
 *  - the device is realized once; each input ends with its reset
 *    (notifiers off, use counts gone as msix_unuse_all_vectors drops them,
 *    pci_do_device_reset), which must leave it as realized.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "hw/pci/msix.h"
#include "fuzz-common.h"

#define NVEC	12
#define PBA_OFF	0x800

static struct {
	uint64_t raised[NVEC], sends, use_errors;
	unsigned int used[NVEC];
	bool in_use[NVEC], stale[NVEC];	/* stale: MSI-X was off since the use */
	uint32_t fail_mask;		/* the use notifier fails for these */
} f;

/* one LAPIC took it: the ledger books it as told */
static int fake_send(PCIDevice *dev, MSIMessage msg) { f.sends++; return 1; }

static int fake_use(PCIDevice *dev, unsigned int v, MSIMessage msg)
{
	fuzz_check(v < NVEC, "use of vector %u", v);
	/* QEMU's msix_write_config disables without a release: a use may follow */
	fuzz_check(!f.in_use[v] || f.stale[v], "vector %u used twice", v);
	f.in_use[v] = true;
	f.stale[v] = false;
	if (f.fail_mask & 1u << v) {
		f.use_errors++;
		return -ENOSPC;
	}
	return 0;
}

static void fake_release(PCIDevice *dev, unsigned int v)
{
	fuzz_check(v < NVEC && f.in_use[v], "vector %u released while not in use", v);
	f.in_use[v] = false;
}

static bool raw_masked(PCIDevice *d, unsigned int v)
{
	uint16_t ctl = pci_get_word(d->config + d->msix_cap + PCI_MSIX_FLAGS);

	return !(ctl & PCI_MSIX_FLAGS_ENABLE) || (ctl & PCI_MSIX_FLAGS_MASKALL) ||
	       (d->msix_table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] & 1);
}

static void check(PCIDevice *d)
{
	uint16_t ctl = pci_get_word(d->config + d->msix_cap + PCI_MSIX_FLAGS);
	uint64_t sent = 0, errors = 0;

	fuzz_check(d->msix_function_masked ==
		   (!(ctl & PCI_MSIX_FLAGS_ENABLE) || (ctl & PCI_MSIX_FLAGS_MASKALL)),
		   "function_masked %d with control %#x", d->msix_function_masked, ctl);
	for (unsigned int v = 0; v < NVEC; v++) {
		bool pend = msix_is_pending(d, v);
		uint64_t raised;

		if (!(ctl & PCI_MSIX_FLAGS_ENABLE))
			f.stale[v] = true;
		/* fuzz_check_pba's rule, from the raw bits rather than msix.c's helpers */
		fuzz_check(!pend || raw_masked(d, v), "vector %u pending while unmasked", v);
		fuzz_check(!pend || d->msix_entry_used[v], "vector %u pending, not in use", v);
		fuzz_check(d->msix_entry_used[v] == f.used[v], "vector %u used %u, wanted %u", v,
			   d->msix_entry_used[v], f.used[v]);
		raised = fuzz_check_ledger(d, v, 0);
		fuzz_check(raised == f.raised[v], "vector %u raised %lu, notified %lu", v,
			   (unsigned long)raised, (unsigned long)f.raised[v]);
		sent += d->msix_stats[v].sent;
		errors += d->msix_stats[v].notifier_errors;
	}
	fuzz_check(sent == f.sends, "model sent %lu, fake got %lu", (unsigned long)sent,
		   (unsigned long)f.sends);
	fuzz_check(errors == f.use_errors, "notifier_errors %lu, failed uses %lu",
		   (unsigned long)errors, (unsigned long)f.use_errors);
}

static void step(PCIDevice *d, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in), v = fuzz_u8(in) % (NVEC + 1);
	uint32_t a = fuzz_u(in, 2), val = fuzz_u(in, 4);

	switch (op % 10) {
	case 0: pci_config_write(d, a & 0xff, val, fuzz_len(in)); break;
	case 1: (void)pci_config_read(d, a & 0xfc, 4); break;
	case 2: msix_table_mmio_write(d, a % (NVEC * 16 + 16), val, 4); break;
	case 3: (void)msix_table_mmio_read(d, a % (NVEC * 16 + 16), 4); break;
	case 4: (void)msix_pba_mmio_read(d, a % 16, (unsigned int)fuzz_len(in)); break;
	case 5:
		if (v < NVEC)
			f.raised[v]++;
		msix_notify(d, v);
		break;
	case 6:
		if (v < NVEC && (val & 1))
			f.used[v]++;
		else if (v < NVEC && f.used[v])
			f.used[v]--;
		(val & 1) ? msix_vector_use(d, v) : msix_vector_unuse(d, v);
		break;
	case 7: f.fail_mask ^= 1u << v; break;
	case 8:
		if (d->msix_vector_use_notifier) {
			msix_unset_vector_notifiers(d);
			memset(f.in_use, 0, sizeof(f.in_use));	/* the device forgets */
		} else if (msix_set_vector_notifiers(d, fake_use, fake_release, NULL) < 0) {
			memset(f.in_use, 0, sizeof(f.in_use));	/* undone */
		}
		break;
	case 9: pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, val, 2); break;
	}
	check(d);
}

static PCIDevice *dev;
static struct fuzz_pci_state realized;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_init();
	dev = calloc(1, sizeof(*dev));
	fuzz_check(dev, "out of memory");
	pci_device_init(dev, "m", "fuzz-msix", 0x1af4, 0x10f0, 0xff000000);
	fuzz_check(msix_init(dev, NVEC, 1, 0, 1, PBA_OFF, 0) == 0, "msix_init");
	dev->msi_send = fake_send;
	fuzz_pci_save(dev, &realized);
	return 0;
}

/* what a device does at its reset: the notifiers go, then the PCI core's reset */
static void reset(PCIDevice *d)
{
	if (d->msix_vector_use_notifier)
		msix_unset_vector_notifiers(d);
	msix_unuse_all_vectors(d);
	pci_do_device_reset(d);
	fuzz_pci_check_fresh(d, &realized);
	fuzz_pci_forget(d);
	memset(&f, 0, sizeof(f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	while (fuzz_more(&in))
		step(dev, &in);
	reset(dev);	/* here, so that what it finds left is this input's crash */
	return 0;
}
