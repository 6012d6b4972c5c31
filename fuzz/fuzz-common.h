/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz-common.h - what the libFuzzer targets share:
 *  - an invariant check that names what broke and aborts (libFuzzer saves
 *    the input as a crash), and a reader that turns the input into small
 *    integers, 0 once it is used up;
 *  - one fake kernel behind the sys_ops seam (the KVM ioctls every target
 *    answers alike: routes, irqfds, KVM_SIGNAL_MSI) and one VM on it, made
 *    once per process and brought back to what it was made as per input;
 *  - the invariants of more than one target, and the freshness check: a
 *    device reset per input must be the device realized, or an input's
 *    outcome would depend on the inputs before it and a crash would not
 *    reproduce alone.
 */
#ifndef VIRQ_FUZZ_COMMON_H
#define VIRQ_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hw/pci/pci.h"
#include "vmm/vm.h"

#define fuzz_check(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* libFuzzer's entry points; each target defines the second, most the first */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_log_init - LOG_NONE: the refusals the fuzzer provokes on purpose
 * cost no write. FUZZ_DEBUG=1 in the environment, for replaying a crash:
 * LOG_DEBUG, every trace_event step on stderr.
 */
void fuzz_log_init(void);

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline int fuzz_more(const struct fuzz_in *in) { return in->n > 0; }

static inline uint32_t fuzz_u(struct fuzz_in *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint32_t)*in->p << (8 * i);
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in) { return (uint8_t)fuzz_u(in, 1); }

/* 1, 2 or 4: a config access length */
static inline int fuzz_len(struct fuzz_in *in) { return 1 << (fuzz_u8(in) % 3); }

/* ---- the fake kernel ---- */

#define FUZZ_IRQFDS	64
#define FUZZ_ROUTES	4096	/* KVM_CAP_IRQ_ROUTING, as fake_kvm_setup_ioctl answers */

struct fuzz_kernel {
	struct kvm_irqfd_entry irqfds[FUZZ_IRQFDS];	/* the irqfds it holds */
	unsigned int nr_irqfds;
	struct kvm_irq_routing_entry routes[FUZZ_ROUTES];	/* the table accepted last */
	unsigned int nr_routes;
	bool fail_irqfd, fail_routing;	/* refuse KVM_IRQFD assigns, KVM_SET_GSI_ROUTING */
	/*
	 * a second irqfd on one eventfd is the model's bug (vfio never asks
	 * for one), not the kernel's EBUSY (virtio's deassign by the wrong GSI
	 * leaves one, as QEMU's does: its next assign meets EBUSY)
	 */
	bool irqfd_twice_is_bug;
	/* a deassign that matched: the count the irqfd held goes (real eventfds) */
	void (*drain)(int fd);
};
extern struct fuzz_kernel fuzz_kernel;

/*
 * fuzz_kernel_ioctl - the KVM ioctls every fake answers alike (VM setup,
 * KVM_SET_GSI_ROUTING, KVM_IRQFD as kvm_irqfd_assign/deassign match them,
 * KVM_SIGNAL_MSI taken by one LAPIC); true, with *r set, if req is one
 */
bool fuzz_kernel_ioctl(unsigned long req, void *arg, long *r);
/* sys_ops.ioctl for a target with no ioctl of its own: the above, else 0 */
long fuzz_sys_ioctl(void *p, int fd, unsigned long req, void *arg);
int fuzz_kernel_irqfd_gsi(int fd);	/* the GSI of fd's irqfd, -1 if none */
/* the kernel's entry for gsi in the table it took last, NULL if none */
const struct kvm_irq_routing_entry *fuzz_kernel_route(unsigned int gsi);

/* ---- the VM ---- */

struct fuzz_pci_state;

/*
 * fuzz_vm_create - the one VM: KVMState on sys with the PC's routes
 * committed, the big lock, a PCI bus, ram_size bytes of guest RAM (0: none)
 */
struct vm *fuzz_vm_create(const struct sys_ops *sys, uint64_t ram_size, PCIBus **bus);
/*
 * fuzz_vm_reset - per input, after the devices' resets: the VM as it was
 * made. Kernel refusals off; the route table, the GSI bitmap and the
 * irqfds must be back (a route or irqfd a reset left is a leak); what the
 * VMM released without a commit is pushed, as the next commit would;
 * counters and RAM zeroed.
 */
void fuzz_vm_reset(struct vm *vm);
/* fuzz_realize - the one VM and a device of type on it, saved as realized in s */
PCIDevice *fuzz_realize(const struct pci_device_type *type, const struct sys_ops *sys,
			uint64_t ram_size, struct vm **vm, struct fuzz_pci_state *s);
/* KVMState's copy of the kernel's table is the table the kernel took */
void fuzz_check_kernel_routes(struct vm *vm);

/* ---- invariants of every MSI-X device ---- */

/* a PBA bit only for a masked vector (QEMU 11.1's msix_notify and unmask replay) */
void fuzz_check_pba(PCIDevice *d);
/*
 * the ledger, per vector: every raise accounted once, raised == told +
 * unrouted + pending + coalesced + dropped + moved + stuck (told: booked
 * as handed to KVM; stuck: counts nothing will read, the device's to say),
 * pending at most 2 (a PBA bit and a notifier's count); returns raised
 */
uint64_t fuzz_check_ledger(PCIDevice *d, unsigned int v, uint64_t stuck);

/* a guest's access to BAR bar of d at off (size 1, 2, 4 or 8: a qword's high half 0) */
void fuzz_bar_write(PCIDevice *d, int bar, uint64_t off, uint32_t val, unsigned int size);
uint32_t fuzz_bar_read(PCIDevice *d, int bar, uint64_t off, unsigned int size);

/* ---- a device reset per input is the device realized ---- */

struct fuzz_pci_state {
	uint8_t config[PCI_CONFIG_SIZE], wmask[PCI_CONFIG_SIZE], w1cmask[PCI_CONFIG_SIZE];
	PCIIORegion regions[PCI_NUM_REGIONS];
	uint8_t irq_state;
	uint8_t *table, *pba;	/* MSI-X */
	bool function_masked;
	MSIVectorUseNotifier use;
};

void fuzz_pci_save(PCIDevice *d, struct fuzz_pci_state *s);
/* d is as saved: config, BARs, INTx, MSI-X table, PBA, masks, no vector in use */
void fuzz_pci_check_fresh(PCIDevice *d, const struct fuzz_pci_state *s);
/* the runner's accounting (msix_stats, the ledger) zeroed: not device state */
void fuzz_pci_forget(PCIDevice *d);

#endif /* VIRQ_FUZZ_COMMON_H */
