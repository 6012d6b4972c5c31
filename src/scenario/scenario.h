/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - a parsed scenario file: the VM, then one step per line.
 *
 * The grammar is in docs/scenarios.md. The parser checks the whole file
 * (syntax, ranges, names defined before use) before anything runs, so a
 * runner never meets a bad step.
 */
#ifndef VIRQ_SCENARIO_H
#define VIRQ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_MAX_VCPUS	8
#define SC_MAX_NAMES	64
#define SC_MAX_DEVICES	8	/* device lines (VIRQ_PCI_MAX_DEVS) */
#define SC_NAME_LEN	32
#define SC_TEXT_LEN	160

enum sc_kind {
	SC_KIND_ROUTE,		/* an MSI route (KVMState virq), optionally with an irqfd */
	SC_KIND_IOEVENTFD,	/* an ioeventfd */
	SC_KIND_DEVICE,		/* an emulated PCI device (device NAME TYPE) */
	SC_KIND_LINE,		/* a device INTx line on a GSI (line NAME gsi=G) */
};

struct sc_name {
	char name[SC_NAME_LEN];
	enum sc_kind kind;
	int line;		/* where it was defined */
};

enum sc_op {
	/* host: KVMState routes (accel/kvm/kvm-all.c) */
	SC_ROUTE_ADD,		/* route NAME msi vcpu=V vector=X */
	SC_ROUTE_UPDATE,	/* route NAME update vcpu=V vector=X */
	SC_ROUTE_RELEASE,	/* route NAME release */
	SC_ROUTES_FILL,		/* routes fill count=N vcpu=V vector=X */
	SC_COMMIT,		/* commit */
	SC_ROUTES_COMMIT_RAW,	/* routes commit-raw count=N vcpu=V vector=X  (not QEMU: the kernel's limit) */
	/* host: irqfd, ioeventfd, KVM_SIGNAL_MSI */
	SC_IRQFD_ADD,		/* irqfd NAME */
	SC_IRQFD_REMOVE,	/* irqfd NAME remove */
	SC_SIGNAL,		/* signal NAME [count=N] */
	SC_SIGNAL_MSI,		/* msi vcpu=V vector=X [count=N] */
	SC_IOEVENTFD_ADD,	/* ioeventfd NAME pio|mmio addr=A len=L [datamatch=D] */
	SC_IOEVENTFD_REMOVE,	/* ioeventfd NAME remove */
	/* guest (run by the test guest on vCPU vcpu, default 0) */
	SC_GUEST_OUT,		/* guest out port=P value=V [size=S] [count=N] [vcpu=V] */
	SC_GUEST_IN,		/* guest in port=P [size=S] [vcpu=V] */
	SC_GUEST_WRITE,		/* guest write addr=A value=V [size=S] [count=N] [vcpu=V] */
	SC_GUEST_READ,		/* guest read addr=A [size=S] [vcpu=V] */
	/* time */
	SC_WAIT,		/* wait ms=N */
	/* expects */
	SC_EXPECT_IRQ,		/* expect irq vcpu=V vector=X count=N [timeout=MS] */
	SC_EXPECT_IRQ_NONE,	/* expect irq none [settle=MS] */
	SC_EXPECT_COMMITS,	/* expect commits N */
	SC_EXPECT_ROUTE,	/* expect route NAME [vcpu=V] [vector=X] [gsi=G] */
	SC_EXPECT_ROUTES,	/* expect routes N   (entries in KVMState's table) */
	SC_EXPECT_EXITS,	/* expect exits io|mmio addr=A count=N */
	SC_EXPECT_IOEVENTFD,	/* expect ioeventfd NAME count=N */
	SC_EXPECT_RESULT,	/* expect result ok|EINVAL|ENOSPC|... */
	/* devices (issue 5): the VM's PCI devices, host side */
	SC_DEVICE,		/* device NAME virtio-rng|nvme | vfio-pci host=BDF|VID:DID  (right after vm) */
	SC_DEVICE_HOLD,		/* device NAME hold      completions wait for 'complete' */
	SC_DEVICE_COMPLETE,	/* device NAME complete  [count=N] post held completions */
	/* devices, guest side: the test guest drives them as a Linux driver */
	SC_GUEST_PCI_ENUM,	/* guest pci enum */
	SC_GUEST_MSIX_ENABLE,	/* guest msix enable dev=NAME */
	SC_GUEST_MSIX_DISABLE,	/* guest msix disable dev=NAME */
	SC_GUEST_MSIX_FMASK,	/* guest msix function-mask dev=NAME */
	SC_GUEST_MSIX_FUNMASK,	/* guest msix function-unmask dev=NAME */
	SC_GUEST_MSIX_VECTOR,	/* guest msix vector dev=NAME index=I vcpu=V vector=X  (address, data) */
	SC_GUEST_MSIX_MASK,	/* guest msix mask dev=NAME index=I */
	SC_GUEST_MSIX_UNMASK,	/* guest msix unmask dev=NAME index=I */
	SC_GUEST_MSIX_READ_PBA,	/* guest msix read-pba dev=NAME */
	SC_GUEST_VIRTIO_SETUP,	/* guest virtio setup dev=NAME index=I  (up to FEATURES_OK, queue 0 on vector I) */
	SC_GUEST_VIRTIO_DRIVER_OK,	/* guest virtio driver-ok dev=NAME */
	SC_GUEST_VIRTIO_RESET,	/* guest virtio reset dev=NAME */
	SC_GUEST_VIRTIO_KICK,	/* guest virtio kick dev=NAME [count=N] */
	SC_GUEST_VIRTIO_QUEUE_VECTOR,	/* guest virtio queue-vector dev=NAME index=I  (queue 0's queue_msix_vector) */
	SC_GUEST_VIRTIO_CONFIG_VECTOR,	/* guest virtio config-vector dev=NAME index=I  (config_msix_vector) */
	SC_GUEST_NVME_INIT,	/* guest nvme init dev=NAME index=I  (admin queue, I/O queue pair on vector I) */
	SC_GUEST_NVME_READ,	/* guest nvme read dev=NAME [count=N] */
	SC_GUEST_E1000E_INIT,	/* guest e1000e init dev=NAME  (interrupt causes -> MSI-X vectors 0-4) */
	SC_GUEST_MSIX_FLAP,	/* guest msix flap dev=NAME index=I count=N vcpu=V  (runs on, no wait) */
	SC_GUEST_WAIT,		/* guest wait vcpu=V  (until its flap is done) */
	SC_GUEST_E1000E_RAISE,	/* guest e1000e raise dev=NAME index=I [count=N]  (a write to ICS) */
	/* device expects */
	SC_EXPECT_PENDING,	/* expect pending dev=NAME index=I set|clear */
	SC_EXPECT_VECTOR,	/* expect vector dev=NAME index=I [raised=N] [delivered=N] [pending=N] [dropped=N] [moved=N] [misrouted=N] [lost=N] [stale=N] [delivered_masked=N] */
	SC_EXPECT_COMPLETIONS,	/* expect completions dev=NAME count=N   (used ring / CQ entries seen) */
	/* the level-triggered half (issue 11): INTx lines, the IOAPIC, resampling irqfds */
	SC_LINE_DEFINE,		/* line NAME gsi=G | line NAME slot=S pin=P  (q35 routing) */
	SC_LINE_HIGH,		/* line NAME high     the device asserts its INTx */
	SC_LINE_LOW,		/* line NAME low */
	SC_LINE_PULSE,		/* line NAME pulse    high, then low */
	SC_IRQFD_RESAMPLE,	/* irqfd NAME resample  (KVM_IRQFD_FLAG_RESAMPLE, a resamplefd) */
	SC_PROBE_IRQFD,		/* probe irqfd no-irqchip|split-irqchip [resample=1]  (a scratch VM) */
	SC_PROBE_IRQ_LINE,	/* probe irq-line no-irqchip|split-irqchip */
	SC_GUEST_IOAPIC_RTE,	/* guest ioapic pin=N vector=X vcpu=V edge|level [masked=1] */
	SC_GUEST_IOAPIC_MASK,	/* guest ioapic mask pin=N */
	SC_GUEST_IOAPIC_UNMASK,	/* guest ioapic unmask pin=N */
	SC_GUEST_IOAPIC_READ,	/* guest ioapic read pin=N */
	SC_GUEST_LEVEL_ACK,	/* guest level-ack vector=X gsi=G every=N [defer-eoi=1] */
	SC_GUEST_EOI,		/* guest eoi [vcpu=C]  (ends a deferred EOI) */
	SC_EXPECT_REMOTE_IRR,	/* expect remote-irr pin=N set|clear  (KVM_GET_IRQCHIP) */
	SC_EXPECT_LINE,		/* expect line NAME [raised=] [acked=] [taken=] [resamples=] [reasserts=] [level=] */
	SC_EXPECT_STATUS_IOAPIC,	/* expect status ioapic STATUS  (the last line step's kvm_set_irq) */
	SC_EXPECT_STATUS_PIC,	/* expect status pic STATUS */
	SC_EXPECT_RESAMPLES,	/* expect resamples NAME count=N  (a route's resamplefd) */
	SC_EXPECT_INTX,		/* expect intx dev=D [enabled=] [kvm=] [gsi=] [interrupts=] [eois=] */
	SC_EXPECT_SIGNALS,	/* expect signals NAME [raised=] [delivered=] [misrouted=] [lost=] [stale=] */
	/* faults the VMM must survive (issue 12; run-faults.c) */
	SC_ROUTE_IOAPIC,	/* route NAME ioapic pin=P  (an IRQCHIP entry; the kernel checks P) */
	SC_IRQFD_CLOSE,		/* irqfd NAME close   the VMM closes an assigned irqfd's eventfd */
	SC_DEVICE_RESET,	/* device NAME reset  (vfio-pci: QEMU's vfio_pci_reset, then the PCI reset) */
	SC_GUEST_HANG,		/* guest hang [vcpu=C]  the CPU spins with interrupts off for good */
	SC_EXPECT_IRQFDS,	/* expect irqfds N  (the irqfds KVMState holds assigned) */
	SC_EXPECT_KERNEL_ROUTES,	/* expect kernel-routes N  (entries in the table last pushed) */
	SC_EXPECT_KERNEL_ROUTE,	/* expect kernel-route NAME [vcpu=V] [vector=X] [gsi=G] */
	SC_OP_MAX,
};

/*
 * One step. Only the fields its op uses are meaningful; the parser sets
 * every field it does not fill to the defaults below.
 */
struct sc_step {
	enum sc_op op;
	int line;			/* 1-based line in the file */
	char text[SC_TEXT_LEN];		/* the line, trimmed, comment removed */
	int name;			/* index in scenario.names, -1 if none */
	int vcpu;			/* -1 if absent; guest steps default to 0 */
	int vector;			/* -1 if absent */
	int gsi;			/* -1 if absent (expect route gsi=) */
	bool mmio;			/* ioeventfd / expect exits: false = pio */
	uint64_t addr;			/* port or guest-physical address */
	uint32_t len;			/* ioeventfd len (0,1,2,4,8) */
	uint32_t size;			/* guest access size (1,2,4), default 1 */
	uint64_t value;
	bool has_datamatch;
	uint64_t datamatch;
	uint32_t count;			/* default 1 */
	uint32_t ms;			/* wait ms=, expect and guest step timeout=, settle= ; 0 = default */
	int err;			/* expect result: 0 = ok, else a positive errno */
	int dev;			/* dev=NAME: index in scenario.names, -1 if none */
	int index;			/* index=I (an MSI-X vector of dev), -1 if absent */
	const char *type;		/* device: "virtio-rng", "nvme", "vfio-pci" (static) */
	char host[32];			/* vfio-pci: host=BDF or VENDOR:DEVICE */
	int no_kvm_intx;		/* vfio-pci: x-no-kvm-intx=on (1), off (0), -1 absent */
	bool set;			/* expect pending: set (true) or clear */
	int64_t raised, delivered, pending, dropped;	/* expect vector: -1 if absent */
	int64_t moved, misrouted, lost, stale, delivered_masked;	/* ... the ledger's */
	/* lines and the IOAPIC: -1 if absent */
	int pin;			/* IOAPIC pin (guest ioapic, expect remote-irr); line pin= 1..4 */
	int slot;			/* line slot= */
	int masked;			/* guest ioapic masked= */
	int every;			/* guest level-ack every= */
	int defer_eoi;			/* guest level-ack defer-eoi= */
	int64_t acked, taken, resamples, reasserts, level;	/* expect line */
	int status;			/* expect status: kvm_set_irq's, -1 ignored */
	int64_t intx_enabled, intx_kvm, interrupts, eois;	/* expect intx: -1 if absent */
};

struct scenario {
	char file[256];			/* as given on the command line */
	char name[64];			/* basename without .virq */
	int vcpus;			/* from the "vm" line */
	int fault;			/* vm fault=NAME: a bug injected on purpose (vmm/fault.h) */
	int vm_line;
	struct sc_name names[SC_MAX_NAMES];
	int nr_names;
	struct sc_step *steps;
	int nr_steps;
};

/*
 * scenario_parse_file - read and check a whole scenario file.
 * Returns 0 and fills *sc, or -1 with "FILE:LINE: message" (no newline)
 * in err. On success the caller frees with scenario_free().
 */
int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen);

/* scenario_parse_string - the same for text in memory; path names it in errors. */
int scenario_parse_string(const char *path, const char *text, struct scenario *sc,
			  char *err, size_t errlen);

void scenario_free(struct scenario *sc);

/* sc_op_name - the step's keyword(s), e.g. "expect irq", for reports */
const char *sc_op_name(enum sc_op op);

/* sc_errno_name / sc_errno_parse - "EINVAL" <-> EINVAL; "ok" <-> 0 */
const char *sc_errno_name(int err);	/* "unknown" if not in the list */
int sc_errno_parse(const char *s);	/* -1 if unknown */

#endif /* VIRQ_SCENARIO_H */
