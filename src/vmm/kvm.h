/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm.h - KVMState: the VM, its GSI routing table and the irqfd, ioeventfd
 * and KVM_SIGNAL_MSI helpers, after QEMU's accel/kvm/kvm-all.c.
 *
 * Functions return >= 0 on success (a virq, a count) or -errno. A failing
 * ioctl is reported once, here, with its name, arguments and strerror.
 * The route table is edited under the VM's big lock (vm->bql): by the
 * scenario runner and by device notifiers on vCPU threads.
 */
#ifndef VIRQ_KVM_H
#define VIRQ_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "sysops.h"

typedef struct MSIMessage {
	uint64_t address;
	uint32_t data;
} MSIMessage;

/* an irqfd the kernel holds: KVM_IRQFD assigned, not deassigned, its eventfd not closed */
struct kvm_irqfd_entry {
	int fd;
	int gsi;
};

typedef struct KVMState {
	const struct sys_ops *sys;
	int fd;				/* /dev/kvm */
	int vmfd;
	int vcpu_mmap_size;
	int max_vcpus;

	/* the table KVM_SET_GSI_ROUTING pushes, as QEMU keeps it */
	struct kvm_irq_routing *irq_routes;
	int nr_allocated_irq_routes;
	unsigned long *used_gsi_bitmap;
	unsigned int gsi_count;		/* KVM_CAP_IRQ_ROUTING - 1 */
	unsigned int max_irq_routes;	/* KVM_CAP_IRQ_ROUTING, for reports */
	bool routes_dirty;		/* edited since the last successful commit */
	struct kvm_irq_routing_entry *kernel_routes;	/* the table the kernel has now */
	unsigned int nr_kernel_routes;
	unsigned int kernel_routes_cap;	/* entries kernel_routes has room for */

	/*
	 * the kernel's irqfds for this VM as the VMM knows them (virt/kvm/
	 * eventfd.c keeps one per eventfd: a second assign is EBUSY): every
	 * KVM_IRQFD that succeeded, less those deassigned or whose eventfd
	 * was closed (irqfd_wakeup's EPOLLHUP deactivates them)
	 */
	struct kvm_irqfd_entry *irqfds;
	unsigned int nr_irqfds, irqfds_cap;

	unsigned int commits;		/* KVM_SET_GSI_ROUTING issued */
	unsigned int commit_errors;	/* ... of which the kernel refused */

	/* KVM_IRQ_LINE_STATUS where KVM_CAP_IRQ_INJECT_STATUS, else KVM_IRQ_LINE (kvm_init) */
	unsigned long irq_set_ioctl;
} KVMState;

/* batches route adds into one commit, as QEMU's KVMRouteChange */
typedef struct KVMRouteChange {
	KVMState *s;
	int changes;
} KVMRouteChange;

/* device path for kvm_init; VIRQ_DEV_KVM overrides it (tests) */
const char *kvm_device_path(void);

int kvm_init(KVMState *s, const struct sys_ops *sys);
void kvm_destroy(KVMState *s);
int kvm_check_extension(KVMState *s, unsigned int ext);

/*
 * kvm_do_ioctl - the one place an ioctl is issued. args is a printf format
 * describing the arguments, used only in the error report.
 */
long kvm_do_ioctl(KVMState *s, int fd, unsigned long req, const char *name, void *arg,
		  const char *args, ...) __attribute__((format(printf, 6, 7)));
#define kvm_ioctl(s, req, arg, ...) \
	kvm_do_ioctl((s), (s)->fd, (req), #req, (arg), __VA_ARGS__)
#define kvm_vm_ioctl(s, req, arg, ...) \
	kvm_do_ioctl((s), (s)->vmfd, (req), #req, (arg), __VA_ARGS__)

int kvm_set_user_memory_region(KVMState *s, uint32_t slot, uint64_t gpa, uint64_t size,
			       void *hva);

/* in-kernel irqchip and the PC's default IOAPIC/PIC routes, committed */
int kvm_irqchip_create(KVMState *s);

/* route table edits; only kvm_irqchip_commit_routes pushes the table */
int kvm_irqchip_add_msi_route(KVMRouteChange *c, MSIMessage msg);
int kvm_irqchip_update_msi_route(KVMState *s, int virq, MSIMessage msg);
void kvm_irqchip_release_virq(KVMState *s, int virq);
int kvm_irqchip_commit_routes(KVMState *s);
const struct kvm_irq_routing_entry *kvm_irqchip_find_route(KVMState *s, int virq);
/* the entry for virq in the table last pushed with KVM_SET_GSI_ROUTING */
const struct kvm_irq_routing_entry *kvm_irqchip_find_kernel_route(KVMState *s, int virq);

static inline KVMRouteChange kvm_irqchip_begin_route_changes(KVMState *s)
{
	return (KVMRouteChange){ .s = s, .changes = 0 };
}

/* commits only if the batch changed something; returns the commit's result */
int kvm_irqchip_commit_route_changes(KVMRouteChange *c);

/*
 * kvm_set_gsi_routing_raw - not a QEMU path: KVM_SET_GSI_ROUTING of
 * KVMState's table padded to nr entries with MSI entries (msg) on GSIs
 * that have none, lowest first. For tests of the kernel's own limits
 * (KVM_MAX_IRQ_ROUTES), which kvm_irqchip_add_msi_route stops short of,
 * as KVM selftests call the raw __kvm_irqfd. KVMState's table is left as
 * it is; counted in commits. Returns the ioctl's result, -ERANGE if the
 * table already has more than nr entries.
 */
int kvm_set_gsi_routing_raw(KVMState *s, unsigned int nr, MSIMessage msg);

/*
 * kvm_set_irq - drive GSI irq to level (1 asserted, 0 not), as QEMU's
 * accel/kvm/kvm-all.c kvm_set_irq: one KVM_IRQ_LINE_STATUS (KVM_IRQ_LINE
 * without KVM_CAP_IRQ_INJECT_STATUS). Returns the kernel's status, its
 * kvm_set_irq summed over the GSI's routing entries: > 0 delivered to that
 * many vCPUs (for a GSI below 16 the PIC's answer is added to the
 * IOAPIC's), 0 coalesced, KVM_IRQ_STATUS_IGNORED masked, remote IRR pending
 * or no entry; with KVM_IRQ_LINE, 1, as QEMU. A failing ioctl is reported
 * and returned as -errno: ENXIO without an in-kernel irqchip, EFAULT; never
 * EPERM, which would read as "ignored".
 */
#define KVM_IRQ_STATUS_IGNORED	(-1)
int kvm_set_irq(KVMState *s, int irq, int level);

int kvm_irqchip_add_irqfd_notifier_gsi(KVMState *s, int fd, int rfd, int virq);
int kvm_irqchip_remove_irqfd_notifier_gsi(KVMState *s, int fd, int virq);

/*
 * kvm_irqfd_eventfd_closed - the VMM closed fd, the eventfd of irqfds it
 * had not deassigned (QEMU never does; a fault to survive). The file's
 * release wakes its waiters with EPOLLHUP, and irqfd_wakeup deactivates
 * every irqfd on it at once (freed later by irqfd_shutdown): they leave
 * the VMM's list too. Returns how many there were. A later KVM_IRQFD
 * deassign of fd is the kernel's to answer (EBADF while the number is
 * free).
 */
unsigned int kvm_irqfd_eventfd_closed(KVMState *s, int fd);

/*
 * kvm_irqchip_add_irqchip_route - QEMU's kvm_irqchip_add_irq_route (an
 * IRQCHIP entry: irqchip's pin on a GSI) on the lowest free GSI, as an MSI
 * route takes one; the kernel checks the pin at the next commit
 * (kvm_set_routing_entry: EINVAL past the chip's pins). Returns the GSI,
 * -ENOSPC as kvm_irqchip_add_msi_route.
 */
int kvm_irqchip_add_irqchip_route(KVMRouteChange *c, unsigned int irqchip, unsigned int pin);

int kvm_set_ioeventfd_pio(KVMState *s, int fd, uint16_t addr, uint32_t len, bool assign,
			  bool datamatch, uint64_t val);
int kvm_set_ioeventfd_mmio(KVMState *s, int fd, uint64_t addr, uint32_t len, bool assign,
			   bool datamatch, uint64_t val);

/*
 * KVM_SIGNAL_MSI: > 0 delivered, 0 coalesced (the kernel's kvm_set_irq), < 0
 * -errno; -EPERM when no vCPU matched (kvm_irq_delivery_to_apic's -1 leaves
 * the ioctl as errno 1)
 */
int kvm_irqchip_send_msi(KVMState *s, MSIMessage msg);

/* x86 MSI format: fixed delivery, edge, physical destination APIC id */
static inline MSIMessage msi_x86_message(unsigned int dest, unsigned int vector)
{
	return (MSIMessage){ .address = 0xfee00000u | (dest & 0xff) << 12, .data = vector & 0xff };
}

static inline unsigned int msi_x86_dest(uint64_t address) { return (address >> 12) & 0xff; }
static inline unsigned int msi_x86_vector(uint32_t data) { return data & 0xff; }

#endif /* VIRQ_KVM_H */
