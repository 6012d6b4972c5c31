// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.c - KVMState: the VM fd, the GSI routing table as QEMU keeps it
 * (accel/kvm/kvm-all.c: irq_routes, nr_allocated_irq_routes,
 * used_gsi_bitmap, gsi_count), and the irqfd/ioeventfd/KVM_SIGNAL_MSI calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm.h"
#include "util.h"
#include "fault.h"
#include "../trace/trace.h"

#define BITS_PER_LONG	(8 * sizeof(unsigned long))

const char *kvm_device_path(void)
{
	const char *p = getenv("VIRQ_DEV_KVM");

	return p && *p ? p : "/dev/kvm";
}

long kvm_do_ioctl(KVMState *s, int fd, unsigned long req, const char *name, void *arg,
		  const char *args, ...)
{
	long r = s->sys->ioctl(s->sys->priv, fd, req, arg);
	char buf[256] = "";
	va_list ap;

	if (r >= 0 || !log_wants(LOG_ERR))
		return r;
	va_start(ap, args);
	vsnprintf(buf, sizeof(buf), args, ap);
	va_end(ap);
	pr_err("%s%s%s: %s (%s)", name, *buf ? " " : "", buf, strerror((int)-r),
	       strerrorname_np((int)-r) ?: "?");
	return r;
}

int kvm_check_extension(KVMState *s, unsigned int ext)
{
	long r = s->sys->ioctl(s->sys->priv, s->vmfd >= 0 ? s->vmfd : s->fd,
			       KVM_CHECK_EXTENSION, (void *)(unsigned long)ext);

	return r < 0 ? 0 : (int)r;
}

/* what virq uses; a kernel without one of them cannot run a scenario */
static const struct {
	unsigned int cap;
	const char *name;
} kvm_required_caps[] = {
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
	{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
	{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" },
	{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
	/* QEMU 11.1's kvm_arch_required_capabilities (7.2 only probed the identity map) */
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
};

static int kvm_check_required_caps(KVMState *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
		if (kvm_check_extension(s, kvm_required_caps[i].cap) <= 0) {
			pr_err("kernel lacks %s (KVM_CHECK_EXTENSION returned 0)",
			       kvm_required_caps[i].name);
			return -ENOSYS;
		}
	}
	return 0;
}

/*
 * kvm_arch_init, the part this board needs (QEMU 11.1 target/i386/kvm/kvm.c):
 * VMX without unrestricted guest runs real mode in vm86, which needs an EPT
 * identity map page and a 3-page TSS in guest-physical space. QEMU sets the
 * identity map at KVM_IDENTITY_BASE first, then the TSS one page above, and
 * fails if either is refused. Both before any vCPU: the kernel refuses
 * KVM_SET_IDENTITY_MAP_ADDR once one exists. (QEMU 7.2 set the identity map
 * only when KVM_CAP_SET_IDENTITY_MAP_ADDR said so, the TSS at 0xfffbd000
 * otherwise.)
 */
#define KVM_IDENTITY_BASE	0xfeffc000ull

static int kvm_arch_init(KVMState *s)
{
	uint64_t identity_base = KVM_IDENTITY_BASE;
	long r;

	r = kvm_vm_ioctl(s, KVM_SET_IDENTITY_MAP_ADDR, &identity_base, "addr=0x%llx",
			 (unsigned long long)identity_base);
	if (r < 0)
		return (int)r;
	r = kvm_vm_ioctl(s, KVM_SET_TSS_ADDR, (void *)(uintptr_t)(identity_base + 0x1000),
			 "addr=0x%llx", (unsigned long long)(identity_base + 0x1000));
	return r < 0 ? (int)r : 0;
}

int kvm_init(KVMState *s, const struct sys_ops *sys)
{
	const char *dev = kvm_device_path();
	long r;

	memset(s, 0, sizeof(*s));
	s->sys = sys;
	s->vmfd = -1;
	s->fd = sys->open(sys->priv, dev, O_RDWR);
	if (s->fd < 0) {
		r = s->fd;
		pr_err("cannot open %s: %s%s", dev, strerror((int)-r),
		       r == -ENOENT || r == -ENODEV ?
		       " (no KVM on this host: use 'virq lab run', which boots a kernel with KVM under QEMU)" : "");
		return (int)r;
	}
	r = kvm_ioctl(s, KVM_GET_API_VERSION, NULL, "%s", "");
	if (r != KVM_API_VERSION) {
		pr_err("KVM_GET_API_VERSION: %ld, virq needs %d", r, KVM_API_VERSION);
		r = r < 0 ? r : -EINVAL;
		goto err_close_fd;
	}
	r = kvm_ioctl(s, KVM_CREATE_VM, NULL, "type=0");
	if (r < 0)
		goto err_close_fd;
	s->vmfd = (int)r;
	r = kvm_check_required_caps(s);
	if (r < 0)
		goto err_close_vm;
	r = kvm_ioctl(s, KVM_GET_VCPU_MMAP_SIZE, NULL, "%s", "");
	if (r < 0)
		goto err_close_vm;
	s->vcpu_mmap_size = (int)r;
	s->max_vcpus = kvm_check_extension(s, KVM_CAP_MAX_VCPUS) ?: 4;
	/* QEMU's kvm_init: x86 has had the status variant since 2.6.29 */
	s->irq_set_ioctl = kvm_check_extension(s, KVM_CAP_IRQ_INJECT_STATUS) > 0 ?
			   KVM_IRQ_LINE_STATUS : KVM_IRQ_LINE;
	r = kvm_arch_init(s);
	if (r < 0)
		goto err_close_vm;
	return 0;

err_close_vm:
	sys->close(sys->priv, s->vmfd);
	s->vmfd = -1;
err_close_fd:
	sys->close(sys->priv, s->fd);
	s->fd = -1;
	return (int)r;
}

void kvm_destroy(KVMState *s)
{
	if (s->vmfd >= 0)
		s->sys->close(s->sys->priv, s->vmfd);
	if (s->fd >= 0)
		s->sys->close(s->sys->priv, s->fd);
	free(s->irq_routes);
	free(s->used_gsi_bitmap);
	free(s->kernel_routes);
	free(s->irqfds);
	s->irqfds = NULL;
	s->nr_irqfds = s->irqfds_cap = 0;
	s->kernel_routes = NULL;
	s->nr_kernel_routes = s->kernel_routes_cap = 0;
	s->irq_routes = NULL;
	s->used_gsi_bitmap = NULL;
	s->vmfd = s->fd = -1;
}

int kvm_set_user_memory_region(KVMState *s, uint32_t slot, uint64_t gpa, uint64_t size,
			       void *hva)
{
	struct kvm_userspace_memory_region mem = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return (int)kvm_vm_ioctl(s, KVM_SET_USER_MEMORY_REGION, &mem,
				 "slot=%u gpa=0x%llx size=0x%llx", slot,
				 (unsigned long long)gpa, (unsigned long long)size);
}

/* ---- GSI bitmap ---- */

static void set_gsi(KVMState *s, unsigned int gsi)
{
	s->used_gsi_bitmap[gsi / BITS_PER_LONG] |= 1ul << (gsi % BITS_PER_LONG);
}

static void clear_gsi(KVMState *s, unsigned int gsi)
{
	s->used_gsi_bitmap[gsi / BITS_PER_LONG] &= ~(1ul << (gsi % BITS_PER_LONG));
}

static bool test_gsi(KVMState *s, unsigned int gsi)
{
	return s->used_gsi_bitmap[gsi / BITS_PER_LONG] & (1ul << (gsi % BITS_PER_LONG));
}

/* kvm_init_irq_routing: gsi_count is one less than KVM_CAP_IRQ_ROUTING */
static int kvm_init_irq_routing(KVMState *s)
{
	int max = kvm_check_extension(s, KVM_CAP_IRQ_ROUTING);
	size_t words;

	if (max <= 1) {
		pr_err("KVM_CHECK_EXTENSION(KVM_CAP_IRQ_ROUTING) = %d: no GSI routing", max);
		return -ENOSYS;
	}
	s->max_irq_routes = (unsigned int)max;
	s->gsi_count = (unsigned int)max - 1;
	words = (s->gsi_count + BITS_PER_LONG - 1) / BITS_PER_LONG;
	s->used_gsi_bitmap = calloc(words, sizeof(unsigned long));
	s->irq_routes = calloc(1, sizeof(*s->irq_routes));
	if (!s->used_gsi_bitmap || !s->irq_routes)
		return -ENOMEM;
	/* bits past gsi_count in the last word are never handed out */
	for (unsigned int i = s->gsi_count; i < words * BITS_PER_LONG; i++)
		set_gsi(s, i);
	s->nr_allocated_irq_routes = 0;
	return 0;
}

/* kvm_add_routing_entry: grow by doubling (at least 64), append, mark GSI */
static int kvm_add_routing_entry(KVMState *s, const struct kvm_irq_routing_entry *entry)
{
	struct kvm_irq_routing *r = s->irq_routes;

	if ((int)r->nr == s->nr_allocated_irq_routes) {
		int n = s->nr_allocated_irq_routes * 2;

		if (n < 64)
			n = 64;
		r = realloc(r, sizeof(*r) + n * sizeof(r->entries[0]));
		if (!r)
			return -ENOMEM;
		s->irq_routes = r;
		s->nr_allocated_irq_routes = n;
	}
	r->entries[r->nr++] = *entry;
	set_gsi(s, entry->gsi);
	s->routes_dirty = true;
	return 0;
}

static int kvm_irqchip_add_irq_route(KVMState *s, unsigned int irq, unsigned int irqchip,
				     unsigned int pin)
{
	struct kvm_irq_routing_entry e = {
		.gsi = irq,
		.type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = irqchip, .pin = pin },
	};

	return kvm_add_routing_entry(s, &e);
}

/*
 * kvm_pc_setup_irq_routing (QEMU hw/i386/kvm/ioapic.c): PIC master pins
 * 0-7 but the cascade (2), PIC slave on GSI 8-15, IOAPIC pins 1-23 on their
 * GSI but 2, and ISA IRQ 0 (the PIT) on IOAPIC pin 2 through GSI 0. GSI 2
 * has no entry: it is the first GSI an MSI route gets.
 */
static int kvm_pc_setup_irq_routing(KVMState *s)
{
	int r = 0;

	for (unsigned int i = 0; i < 8 && !r; i++)
		if (i != 2)
			r = kvm_irqchip_add_irq_route(s, i, KVM_IRQCHIP_PIC_MASTER, i);
	for (unsigned int i = 8; i < 16 && !r; i++)
		r = kvm_irqchip_add_irq_route(s, i, KVM_IRQCHIP_PIC_SLAVE, i - 8);
	for (unsigned int i = 0; i < 24 && !r; i++) {
		if (i == 0)
			r = kvm_irqchip_add_irq_route(s, i, KVM_IRQCHIP_IOAPIC, 2);
		else if (i != 2)
			r = kvm_irqchip_add_irq_route(s, i, KVM_IRQCHIP_IOAPIC, i);
	}
	return r ?: kvm_irqchip_commit_routes(s);
}

int kvm_irqchip_create(KVMState *s)
{
	long r = kvm_vm_ioctl(s, KVM_CREATE_IRQCHIP, NULL, "%s", "");

	if (r < 0)
		return (int)r;
	r = kvm_init_irq_routing(s);
	if (r < 0)
		return (int)r;
	return kvm_pc_setup_irq_routing(s);
}

/* kvm_irqchip_get_virq: the lowest free GSI, -ENOSPC when all are taken */
static int kvm_irqchip_get_virq(KVMState *s)
{
	for (unsigned int gsi = 0; gsi < s->gsi_count; gsi++)
		if (!test_gsi(s, gsi))
			return (int)gsi;
	return -ENOSPC;
}

static struct kvm_irq_routing_entry msi_route_entry(int virq, MSIMessage msg)
{
	return (struct kvm_irq_routing_entry){
		.gsi = (uint32_t)virq,
		.type = KVM_IRQ_ROUTING_MSI,
		.u.msi = {
			.address_lo = (uint32_t)msg.address,
			.address_hi = (uint32_t)(msg.address >> 32),
			.data = msg.data,
		},
	};
}

/*
 * kvm_irqchip_add_msi_route (QEMU 11.1): a free GSI, then -ENOSPC unless
 * the table holds fewer than gsi_count entries, the GSI given back. That
 * check came in 9.0 ("kvm: error out of kvm_irqchip_add_msi_route() in
 * case of full route table"); 7.2 added the entry and its commit tripped
 * on the kernel's KVM_MAX_IRQ_ROUTES. So QEMU's table stops at 4095
 * entries, one short of the kernel's 4096. The GSI is only marked when the
 * entry goes in, so nothing is left to undo here.
 */
int kvm_irqchip_add_msi_route(KVMRouteChange *c, MSIMessage msg)
{
	KVMState *s = c->s;
	struct kvm_irq_routing_entry e;
	int virq = kvm_irqchip_get_virq(s);
	int r;

	if (virq < 0)
		return virq;
	if (s->irq_routes->nr >= s->gsi_count) {
		trace_event("kvm_irqchip_add_msi_route", "table full (%u entries): ENOSPC",
			    s->irq_routes->nr);
		return -ENOSPC;
	}
	e = msi_route_entry(virq, msg);
	r = kvm_add_routing_entry(s, &e);
	if (r < 0)
		return r;
	c->changes++;
	return virq;
}

int kvm_irqchip_add_irqchip_route(KVMRouteChange *c, unsigned int irqchip, unsigned int pin)
{
	KVMState *s = c->s;
	int virq = kvm_irqchip_get_virq(s);
	int r;

	if (virq < 0)
		return virq;
	if (s->irq_routes->nr >= s->gsi_count)
		return -ENOSPC;
	r = kvm_irqchip_add_irq_route(s, (unsigned int)virq, irqchip, pin);
	if (r < 0)
		return r;
	c->changes++;
	return virq;
}

/*
 * kvm_update_routing_entry (QEMU 11.1): rewrite the first entry of the same
 * GSI, whatever its type (an IRQCHIP entry too). An identical entry is no
 * change, so routes_dirty says whether a commit would push anything new.
 */
int kvm_irqchip_update_msi_route(KVMState *s, int virq, MSIMessage msg)
{
	struct kvm_irq_routing_entry e = msi_route_entry(virq, msg);
	struct kvm_irq_routing *r = s->irq_routes;

	for (uint32_t i = 0; i < r->nr; i++) {
		struct kvm_irq_routing_entry *old = &r->entries[i];

		if (old->gsi != e.gsi)
			continue;
		if (!memcmp(old, &e, sizeof(e)))
			return 0;
		*old = e;
		s->routes_dirty = true;
		return 0;
	}
	return -ESRCH;
}

/*
 * kvm_irqchip_release_virq: the last entry takes the released one's slot
 * (the table is unordered), and the GSI becomes free again.
 */
void kvm_irqchip_release_virq(KVMState *s, int virq)
{
	struct kvm_irq_routing *r = s->irq_routes;

	for (uint32_t i = 0; i < r->nr; i++) {
		if (r->entries[i].gsi == (uint32_t)virq) {
			r->nr--;
			r->entries[i] = r->entries[r->nr];
			s->routes_dirty = true;
		}
	}
	clear_gsi(s, (unsigned int)virq);
}

const struct kvm_irq_routing_entry *kvm_irqchip_find_route(KVMState *s, int virq)
{
	for (uint32_t i = 0; i < s->irq_routes->nr; i++)
		if (s->irq_routes->entries[i].gsi == (uint32_t)virq)
			return &s->irq_routes->entries[i];
	return NULL;
}

/*
 * room for a copy of nr entries of what the kernel routes by, the runner's
 * view. Taken before KVM_SET_GSI_ROUTING, so that a table the kernel took
 * is always copied: out of memory, nothing is pushed. It only grows, so a
 * failure leaves the copy the kernel's.
 */
static int kvm_reserve_kernel_routes(KVMState *s, unsigned int nr)
{
	struct kvm_irq_routing_entry *k;

	if (nr <= s->kernel_routes_cap && s->kernel_routes)
		return 0;
	k = realloc(s->kernel_routes, (nr ? nr : 1) * sizeof(*k));
	if (!k) {
		pr_err("KVM_SET_GSI_ROUTING nr=%u: no memory for the copy of the kernel's table: not pushed",
		       nr);
		return -ENOMEM;
	}
	s->kernel_routes = k;
	s->kernel_routes_cap = nr;
	return 0;
}

/* fault kernel-copy-behind: an MSI entry the copy already had keeps its old message */
static void kvm_keep_kernel_routes_behind(KVMState *s, const struct kvm_irq_routing *table)
{
	struct kvm_irq_routing_entry *e = malloc(table->nr * sizeof(*e) + 1);

	if (!e)
		return;
	for (unsigned int i = 0; i < table->nr; i++) {
		const struct kvm_irq_routing_entry *old =
			kvm_irqchip_find_kernel_route(s, (int)table->entries[i].gsi);

		e[i] = old && old->type == KVM_IRQ_ROUTING_MSI ? *old : table->entries[i];
	}
	memcpy(s->kernel_routes, e, table->nr * sizeof(*e));
	s->nr_kernel_routes = table->nr;
	free(e);
}

/* after a successful KVM_SET_GSI_ROUTING, into the room reserved before it */
static void kvm_keep_kernel_routes(KVMState *s, const struct kvm_irq_routing *table)
{
	if (should_fail(FAULT_KERNEL_COPY_BEHIND)) {
		kvm_keep_kernel_routes_behind(s, table);
		return;
	}
	memcpy(s->kernel_routes, table->entries, table->nr * sizeof(table->entries[0]));
	s->nr_kernel_routes = table->nr;
}

const struct kvm_irq_routing_entry *kvm_irqchip_find_kernel_route(KVMState *s, int virq)
{
	for (unsigned int i = 0; i < s->nr_kernel_routes; i++)
		if (s->kernel_routes[i].gsi == (uint32_t)virq)
			return &s->kernel_routes[i];
	return NULL;
}

/* KVM_SET_GSI_ROUTING of table, counted for `expect commits` whoever pushes it */
static int kvm_set_gsi_routing(KVMState *s, struct kvm_irq_routing *table)
{
	long r;

	table->flags = 0;
	r = kvm_reserve_kernel_routes(s, table->nr);
	if (r < 0)
		return (int)r;
	s->commits++;
	r = kvm_vm_ioctl(s, KVM_SET_GSI_ROUTING, table, "nr=%u flags=0", table->nr);
	if (r < 0) {
		s->commit_errors++;
		return (int)r;
	}
	kvm_keep_kernel_routes(s, table);
	return 0;
}

/*
 * kvm_irqchip_commit_routes: push the whole table. QEMU asserts that this
 * succeeds; virq reports the errno and returns it, and the kernel keeps
 * the table it had.
 */
int kvm_irqchip_commit_routes(KVMState *s)
{
	int r;

	trace_event("kvm_irqchip_commit_routes", "nr=%u", s->irq_routes->nr);
	r = kvm_set_gsi_routing(s, s->irq_routes);
	if (r == 0)
		s->routes_dirty = false;
	return r;
}

/* a GSI with no entry in KVMState's table; the bitmap covers GSIs below gsi_count */
static bool kvm_gsi_unrouted(KVMState *s, unsigned int gsi)
{
	if (gsi < s->gsi_count)
		return !test_gsi(s, gsi);
	return !kvm_irqchip_find_route(s, (int)gsi);
}

int kvm_set_gsi_routing_raw(KVMState *s, unsigned int nr, MSIMessage msg)
{
	struct kvm_irq_routing *t;
	unsigned int gsi = 0;
	int r;

	if (nr < s->irq_routes->nr)
		return -ERANGE;
	t = calloc(1, sizeof(*t) + nr * sizeof(t->entries[0]));
	if (!t)
		return -ENOMEM;
	memcpy(t->entries, s->irq_routes->entries, s->irq_routes->nr * sizeof(t->entries[0]));
	for (t->nr = s->irq_routes->nr; t->nr < nr; gsi++)
		if (kvm_gsi_unrouted(s, gsi))
			t->entries[t->nr++] = msi_route_entry((int)gsi, msg);
	trace_event("kvm_set_gsi_routing_raw", "nr=%u (KVMState has %u)", nr, s->irq_routes->nr);
	r = kvm_set_gsi_routing(s, t);
	/* the kernel now has a table KVMState never built: the next commit replaces it */
	if (r == 0)
		s->routes_dirty = true;
	free(t);
	return r;
}

int kvm_irqchip_commit_route_changes(KVMRouteChange *c)
{
	int r = 0;

	if (c->changes)
		r = kvm_irqchip_commit_routes(c->s);
	c->changes = 0;
	return r;
}

int kvm_set_irq(KVMState *s, int irq, int level)
{
	struct kvm_irq_level event = { .irq = (uint32_t)irq, .level = (uint32_t)level };
	bool status = s->irq_set_ioctl == KVM_IRQ_LINE_STATUS;
	long r;

	r = kvm_do_ioctl(s, s->vmfd, s->irq_set_ioctl,
			 status ? "KVM_IRQ_LINE_STATUS" : "KVM_IRQ_LINE", &event, "irq=%d level=%d",
			 irq, level);
	if (r < 0)
		return (int)r;
	/* _STATUS copies the struct back: status shares a union with irq */
	r = status ? event.status : 1;
	trace_event("kvm_set_irq", "irq=%d level=%d status=%ld", irq, level, r);
	return (int)r;
}

/* ---- the kernel's irqfds, as the VMM knows them ---- */

/* room for one more, taken before KVM_IRQFD so that an irqfd assigned is always noted */
static int kvm_irqfds_reserve(KVMState *s)
{
	struct kvm_irqfd_entry *e;
	unsigned int cap = s->irqfds_cap ? 2 * s->irqfds_cap : 16;

	if (s->nr_irqfds < s->irqfds_cap)
		return 0;
	e = realloc(s->irqfds, cap * sizeof(*e));
	if (!e) {
		pr_err("KVM_IRQFD: no memory to note the irqfd: not assigned");
		return -ENOMEM;
	}
	s->irqfds = e;
	s->irqfds_cap = cap;
	return 0;
}

/* kvm_irqfd_deassign matches eventfd and GSI; an eventfd closed drops every irqfd on it */
static unsigned int kvm_irqfds_drop(KVMState *s, int fd, int gsi)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nr_irqfds;) {
		if (s->irqfds[i].fd == fd && (gsi < 0 || s->irqfds[i].gsi == gsi)) {
			s->irqfds[i] = s->irqfds[--s->nr_irqfds];
			n++;
		} else {
			i++;
		}
	}
	return n;
}

unsigned int kvm_irqfd_eventfd_closed(KVMState *s, int fd)
{
	unsigned int n = kvm_irqfds_drop(s, fd, -1);

	trace_event("kvm_irqfd_eventfd_closed", "fd=%d: %u irqfd%s deactivated by EPOLLHUP", fd,
		    n, n == 1 ? "" : "s");
	return n;
}

/* kvm_irqchip_assign_irqfd: one private helper for add and remove */
static int kvm_irqchip_assign_irqfd(KVMState *s, int fd, int rfd, int virq, bool assign)
{
	struct kvm_irqfd irqfd = {
		.fd = (uint32_t)fd,
		.gsi = (uint32_t)virq,
		.flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};
	int r;

	if (rfd >= 0) {
		irqfd.flags |= KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = (uint32_t)rfd;
	}
	if (assign && (r = kvm_irqfds_reserve(s)) < 0)
		return r;
	r = (int)kvm_vm_ioctl(s, KVM_IRQFD, &irqfd, "gsi=%u fd=%u flags=0x%x", irqfd.gsi,
			      irqfd.fd, irqfd.flags);
	if (r == 0 && assign)
		s->irqfds[s->nr_irqfds++] = (struct kvm_irqfd_entry){ .fd = fd, .gsi = virq };
	else if (r == 0)
		kvm_irqfds_drop(s, fd, virq);
	return r;
}

int kvm_irqchip_add_irqfd_notifier_gsi(KVMState *s, int fd, int rfd, int virq)
{
	trace_event("kvm_irqchip_add_irqfd_notifier_gsi", "gsi=%d fd=%d", virq, fd);
	return kvm_irqchip_assign_irqfd(s, fd, rfd, virq, true);
}

int kvm_irqchip_remove_irqfd_notifier_gsi(KVMState *s, int fd, int virq)
{
	trace_event("kvm_irqchip_remove_irqfd_notifier_gsi", "gsi=%d fd=%d", virq, fd);
	return kvm_irqchip_assign_irqfd(s, fd, -1, virq, false);
}

static int kvm_set_ioeventfd(KVMState *s, int fd, uint64_t addr, uint32_t len, bool assign,
			     bool datamatch, uint64_t val, uint32_t flags)
{
	struct kvm_ioeventfd ioev = {
		.datamatch = datamatch ? val : 0,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = flags | (datamatch ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	trace_event(flags & KVM_IOEVENTFD_FLAG_PIO ? "kvm_set_ioeventfd_pio" :
		    "kvm_set_ioeventfd_mmio", "addr=0x%llx len=%u fd=%d assign=%d datamatch=%s0x%llx",
		    (unsigned long long)addr, len, fd, assign, datamatch ? "" : "none/",
		    (unsigned long long)val);
	return (int)kvm_vm_ioctl(s, KVM_IOEVENTFD, &ioev,
				 "addr=0x%llx len=%u fd=%d flags=0x%x datamatch=0x%llx",
				 (unsigned long long)addr, len, fd, ioev.flags,
				 (unsigned long long)ioev.datamatch);
}

int kvm_set_ioeventfd_pio(KVMState *s, int fd, uint16_t addr, uint32_t len, bool assign,
			  bool datamatch, uint64_t val)
{
	return kvm_set_ioeventfd(s, fd, addr, len, assign, datamatch, val, KVM_IOEVENTFD_FLAG_PIO);
}

int kvm_set_ioeventfd_mmio(KVMState *s, int fd, uint64_t addr, uint32_t len, bool assign,
			   bool datamatch, uint64_t val)
{
	return kvm_set_ioeventfd(s, fd, addr, len, assign, datamatch, val, 0);
}

int kvm_irqchip_send_msi(KVMState *s, MSIMessage msg)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)msg.address,
		.address_hi = (uint32_t)(msg.address >> 32),
		.data = msg.data,
	};

	trace_event("kvm_irqchip_send_msi", "address=0x%llx data=0x%x",
		    (unsigned long long)msg.address, msg.data);
	return (int)kvm_vm_ioctl(s, KVM_SIGNAL_MSI, &msi, "address=0x%llx data=0x%x",
				 (unsigned long long)msg.address, msg.data);
}
