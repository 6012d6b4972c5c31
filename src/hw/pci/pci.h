/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - a PCI bus 0 behind configuration mechanism #1 (0xcf8/0xcfc), a
 * host bridge, type-0 config space with a capability list, and BARs the
 * guest sizes and places as firmware would. After QEMU's hw/pci/pci.c,
 * much reduced.
 *
 * Locking: config space, BARs and MSI-X state change on vCPU threads and
 * are read by device threads and the runner: all of it is under the VM's
 * big lock, vm->bql (QEMU's BQL). Config and BAR accesses from the guest
 * take it around the device callback, so callbacks run with it held.
 */
#ifndef VIRQ_PCI_H
#define VIRQ_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/pci_regs.h>

#include "../../vmm/bus.h"
#include "../../vmm/kvm.h"
#include "msi-ledger.h"

struct vm;

#define PCI_NUM_REGIONS		6
#define PCI_BAR_UNMAPPED	(~0ull)
#define PCI_BUS_MAX_DEVS	32
#define PCI_CONFIG_SIZE		256

/* where the guest places BARs (the test guest assigns from these bases) */
#define PCI_MMIO_WINDOW_BASE	0xc0000000ull
#define PCI_MMIO_WINDOW_SIZE	0x3ec00000ull	/* up to 0xfec00000 (IOAPIC) */
#define PCI_IO_WINDOW_BASE	0xc000
#define PCI_IO_WINDOW_SIZE	0x4000

typedef struct PCIDevice PCIDevice;
typedef struct PCIBus PCIBus;

/* one vector as the runner accounts it: raised == delivered + pending + coalesced + dropped */
struct msix_vector_stats {
	int gsi;			/* the irqfd's GSI, -1 if none */
	int host_irq;			/* a passthrough vector's host IRQ, -1 if none */
	const char *path;		/* "irqfd" or "signal-msi" */
	uint64_t raised;		/* notifications the device made */
	uint64_t coalesced;		/* ... merged into one already waiting (masked) */
	uint64_t pending;		/* 0/1: PBA bit, or a count a released irqfd left */
	uint64_t dropped;		/* ... that nothing will deliver: vector unused, reset */
	uint64_t notifier_errors;	/* use/release work the kernel refused (msix.c counts) */
	uint64_t moved;			/* ... a queue took along to another vector (virtio) */
	const struct msi_ledger *ledger;	/* what the kernel was told (msix.c fills it) */
};

typedef struct PCIIORegion {
	uint64_t size;			/* power of two; 0 = no BAR */
	uint8_t type;			/* PCI_BASE_ADDRESS_SPACE_IO or _MEMORY (32-bit) */
	uint64_t addr;			/* as the guest programmed it, or PCI_BAR_UNMAPPED */
	const struct bus_ops *ops;	/* offsets are relative to the BAR */
	void *opaque;
} PCIIORegion;

/* MSI-X vector notifiers, as QEMU's MSIVectorUseNotifier & co (hw/pci/msi.h) */
typedef int (*MSIVectorUseNotifier)(PCIDevice *dev, unsigned int vector, MSIMessage msg);
typedef void (*MSIVectorReleaseNotifier)(PCIDevice *dev, unsigned int vector);
typedef void (*MSIVectorPollNotifier)(PCIDevice *dev, unsigned int vector_start,
				      unsigned int vector_end);

struct PCIDevice {
	char name[32];			/* the scenario's name for it */
	const char *type;		/* "virtio-rng-pci", "nvme", ... */
	PCIBus *bus;
	uint8_t devfn;
	uint8_t config[PCI_CONFIG_SIZE];
	uint8_t wmask[PCI_CONFIG_SIZE];		/* bits the guest may write */
	uint8_t w1cmask[PCI_CONFIG_SIZE];	/* write-1-to-clear bits */
	PCIIORegion io_regions[PCI_NUM_REGIONS];
	void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val, int len);
	uint8_t irq_state;		/* its INTx pin's level (pci_set_irq), 0 or 1 */

	/* MSI-X (msix.c); table and PBA are emulated, in one or two BARs */
	uint8_t msix_cap;		/* capability offset, 0 = none */
	unsigned int msix_entries_nr;
	uint8_t *msix_table;		/* PCI_MSIX_ENTRY_SIZE bytes per entry */
	uint8_t *msix_pba;
	bool msix_function_masked;
	MSIVectorUseNotifier msix_vector_use_notifier;
	MSIVectorReleaseNotifier msix_vector_release_notifier;
	MSIVectorPollNotifier msix_vector_poll_notifier;
	unsigned int *msix_entry_used;	/* per vector: msix_vector_use count */
	/* how msix_notify sends an unmasked message; default KVM_SIGNAL_MSI */
	int (*msi_send)(PCIDevice *dev, MSIMessage msg);
	struct msix_stats {
		uint64_t sent;		/* messages msix_notify sent */
		uint64_t pended;	/* notifies that set a PBA bit */
		uint64_t coalesced;	/* notifies that found the PBA bit already set */
		uint64_t replayed;	/* pending bits sent on unmask */
		uint64_t unused;	/* notifies of a vector not in use: nothing done */
		uint64_t cleared;	/* pending bits cleared undelivered (last unuse) */
		uint64_t notifier_errors;	/* msix_report_notifier_error */
		uint64_t unrouted;	/* irqfd signals on a GSI the kernel has no route for */
		struct msi_ledger ledger;	/* messages the kernel was told */
	} *msix_stats;			/* per vector */
	/* optional: the device's own accounting of a vector (see msix_vector_stats) */
	void (*vector_stats)(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st);

	void *opaque;			/* the device model */
};

struct PCIBus {
	struct vm *vm;
	uint32_t config_address;	/* the 0xcf8 latch */
	PCIDevice *devices[PCI_BUS_MAX_DEVS];	/* by slot; function 0 only */
	PCIDevice host_bridge;
};

/* pci_bus_init - host bridge at 00:00.0, 0xcf8/0xcfc, the BAR windows on vm->bus */
int pci_bus_init(PCIBus *bus, struct vm *vm);

/* pci_device_init - config header for vendor/device/class; then add BARs and capabilities */
void pci_device_init(PCIDevice *dev, const char *name, const char *type, uint16_t vendor,
		     uint16_t device, uint32_t class_rev);
/* pci_bus_add_device - plug into the lowest free slot >= 1; returns the slot or -ENOSPC */
int pci_bus_add_device(PCIBus *bus, PCIDevice *dev);
/* pci_bus_add_device_at - the same into slot (QEMU's addr=), -1 for the lowest
 * free; -EBUSY (reported) if it is taken or not 1..31 */
int pci_bus_add_device_at(PCIBus *bus, PCIDevice *dev, int slot);
PCIDevice *pci_bus_find(PCIBus *bus, const char *name);

void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type, uint64_t size,
		      const struct bus_ops *ops, void *opaque);
/* pci_add_capability - link a capability of size bytes at offset; returns offset */
int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset, uint8_t size);

/*
 * INTx, as QEMU's hw/pci/pci.c with q35's map (hw/isa/lpc_ich9.h): the
 * GSI the device's pin (config PCI_INTERRUPT_PIN, 1 = INTA) reaches,
 * -1 if it has none (pci_device_route_intx_to_irq); and pci_set_irq, which
 * like pci_irq_handler passes only a change of level on, none while the
 * guest has INTx Disable set in COMMAND, the PIRQ's devices ORed, to
 * gsi_handler (one KVM_IRQ_LINE_STATUS on GSI 16-23). 0, or the ioctl's -errno.
 */
int pci_device_route_intx_to_irq(PCIDevice *dev);
int pci_set_irq(PCIDevice *dev, int level);

/* the BAR's guest address, PCI_BAR_UNMAPPED if not placed or decoding is off */
uint64_t pci_bar_address(PCIDevice *dev, int region_num);

/* config space accessors (little-endian), as QEMU's pci_get_word & co */
static inline uint16_t pci_get_word(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t pci_get_long(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void pci_set_word(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/*
 * The PCI device types a scenario may plug (device NAME TYPE), as QEMU's
 * PCIDeviceClass much reduced. Each device file defines its own;
 * pci-types.c lists them (no constructors).
 */
struct pci_device_type {
	const char *name;
	/* NULL: failed (reported); arg is the scenario's host= for vfio-pci */
	PCIDevice *(*realize)(struct vm *vm, PCIBus *bus, const char *name, const char *arg);
	void (*unrealize)(PCIDevice *dev);		/* no vCPU may run */
	uint64_t (*completions)(PCIDevice *dev);	/* requests completed; vm->bql held */
	const char *modules;	/* kernel modules it needs, space-separated, or NULL */
};

extern const struct pci_device_type virtio_rng_pci_type;	/* hw/virtio/virtio-rng.c */
extern const struct pci_device_type nvme_pci_type;		/* hw/nvme/nvme.c */
extern const struct pci_device_type vfio_pci_type;		/* hw/vfio/pci.c */
/* not a scenario's (pci-types.c): 'virq boot's board plugs it (hw/i386/pc.c);
 * its realize's arg is the slot, as QEMU's addr= */
extern const struct pci_device_type pci_testdev_type;		/* hw/misc/pci-testdev.c */

/* the type named name ("virtio-rng", "nvme", "vfio-pci"), NULL if none */
const struct pci_device_type *pci_device_type_find(const char *name);

/*
 * pci_do_device_reset (hw/pci/reset.c, as QEMU's): what the guest wrote to
 * the emulated config goes, BARs unassigned, then msix_reset. The device's
 * own reset (vfio_pci_reset) comes first, as in QEMU's pci_device_reset.
 */
void pci_do_device_reset(PCIDevice *dev);

/* config space as the guest sees it; caller holds vm->bql (or no vCPU runs) */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, int len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len);

#endif /* VIRQ_PCI_H */
