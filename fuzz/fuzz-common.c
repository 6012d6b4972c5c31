// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-common.c - the fake kernel, the one VM and the shared invariants of
 * the libFuzzer targets (see fuzz-common.h). Built with each device
 * target, outside coverage (fuzz.mk's ignore list): its loops would only
 * feed the fuzzer edges of the checks, not of the models.
 */
#include <string.h>

#include "fuzz-common.h"
#include "hw/pci/msix.h"
#include "fake-kvm.h"
#include "vmm/util.h"

struct fuzz_kernel fuzz_kernel;

void fuzz_log_init(void)
{
	const char *debug = getenv("FUZZ_DEBUG");

	log_set_level(debug && *debug == '1' ? LOG_DEBUG : LOG_NONE);
}

/* ---- the fake kernel ---- */

static struct kvm_irqfd_entry *fuzz_kernel_irqfd(int fd)
{
	for (unsigned int i = 0; i < fuzz_kernel.nr_irqfds; i++)
		if (fuzz_kernel.irqfds[i].fd == fd)
			return &fuzz_kernel.irqfds[i];
	return NULL;
}

int fuzz_kernel_irqfd_gsi(int fd)
{
	struct kvm_irqfd_entry *e = fuzz_kernel_irqfd(fd);

	return e ? e->gsi : -1;
}

/* kvm_irqfd_deassign: the irqfd on that eventfd and GSI, if there is one; 0 either way */
static long fuzz_kernel_deassign(const struct kvm_irqfd *i)
{
	struct kvm_irqfd_entry *e = fuzz_kernel_irqfd((int)i->fd);

	if (!e || e->gsi != (int)i->gsi)
		return 0;
	*e = fuzz_kernel.irqfds[--fuzz_kernel.nr_irqfds];
	if (fuzz_kernel.drain)
		fuzz_kernel.drain((int)i->fd);
	return 0;
}

static long fuzz_kernel_irqfd_ioctl(const struct kvm_irqfd *i)
{
	if (i->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return fuzz_kernel_deassign(i);
	if (fuzz_kernel.fail_irqfd)
		return -ENOSPC;
	if (fuzz_kernel_irqfd((int)i->fd)) {
		fuzz_check(!fuzz_kernel.irqfd_twice_is_bug, "fd %u: a second irqfd (gsi %u)",
			   i->fd, i->gsi);
		return -EBUSY;	/* kvm_irqfd_assign: that eventfd has one */
	}
	fuzz_check(fuzz_kernel.nr_irqfds < FUZZ_IRQFDS, "more than %d irqfds", FUZZ_IRQFDS);
	fuzz_kernel.irqfds[fuzz_kernel.nr_irqfds++] =
		(struct kvm_irqfd_entry){ .fd = (int)i->fd, .gsi = (int)i->gsi };
	return 0;
}

static long fuzz_kernel_set_routing(const struct kvm_irq_routing *t)
{
	if (fuzz_kernel.fail_routing)
		return -EINVAL;
	fuzz_check(t->nr <= FUZZ_ROUTES, "a table of %u routes", t->nr);
	memcpy(fuzz_kernel.routes, t->entries, t->nr * sizeof(t->entries[0]));
	fuzz_kernel.nr_routes = t->nr;
	return 0;
}

bool fuzz_kernel_ioctl(unsigned long req, void *arg, long *r)
{
	if (fake_kvm_setup_ioctl(req, arg, r))
		return true;
	switch (req) {
	case KVM_SET_GSI_ROUTING: *r = fuzz_kernel_set_routing(arg); return true;
	case KVM_IRQFD: *r = fuzz_kernel_irqfd_ioctl(arg); return true;
	case KVM_SIGNAL_MSI: *r = 1; return true;
	default: return false;
	}
}

long fuzz_sys_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	return fuzz_kernel_ioctl(req, arg, &r) ? r : 0;
}

const struct kvm_irq_routing_entry *fuzz_kernel_route(unsigned int gsi)
{
	for (unsigned int i = 0; i < fuzz_kernel.nr_routes; i++)
		if (fuzz_kernel.routes[i].gsi == gsi)
			return &fuzz_kernel.routes[i];
	return NULL;
}

/* ---- the VM ---- */

/* KVMState's route table and GSI bitmap as the VM was made */
static struct {
	struct kvm_irq_routing_entry routes[FUZZ_ROUTES];
	unsigned int nr_routes;
	unsigned long *bitmap;
	size_t bitmap_size;
} made;

static size_t fuzz_bitmap_size(const KVMState *s)
{
	size_t bits = 8 * sizeof(unsigned long);

	return (s->gsi_count + bits - 1) / bits * sizeof(unsigned long);
}

struct vm *fuzz_vm_create(const struct sys_ops *sys, uint64_t ram_size, PCIBus **bus)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	KVMState *s = &vm->kvm;

	fuzz_check(vm && (*bus = calloc(1, sizeof(**bus))), "out of memory");
	fuzz_check(!kvm_init(s, sys) && !kvm_irqchip_create(s), "kvm_init");
	pthread_mutex_init(&vm->bql, NULL);
	pthread_mutex_init(&vm->lock, NULL);
	fuzz_check(!pci_bus_init(*bus, vm), "pci_bus_init");
	if (ram_size) {
		fuzz_check((vm->ram = calloc(1, ram_size)), "guest RAM");
		vm->ram_size = ram_size;
	}
	made.nr_routes = s->irq_routes->nr;
	memcpy(made.routes, s->irq_routes->entries, made.nr_routes * sizeof(made.routes[0]));
	made.bitmap_size = fuzz_bitmap_size(s);
	fuzz_check((made.bitmap = malloc(made.bitmap_size)), "out of memory");
	memcpy(made.bitmap, s->used_gsi_bitmap, made.bitmap_size);
	return vm;
}

PCIDevice *fuzz_realize(const struct pci_device_type *type, const struct sys_ops *sys,
			uint64_t ram_size, struct vm **vm, struct fuzz_pci_state *s)
{
	PCIBus *bus;
	PCIDevice *d;

	*vm = fuzz_vm_create(sys, ram_size, &bus);
	d = type->realize(*vm, bus, type->name, NULL);
	fuzz_check(d, "%s: realize", type->name);
	fuzz_pci_save(d, s);
	return d;
}

static void fuzz_check_vm_made(struct vm *vm)
{
	KVMState *s = &vm->kvm;

	fuzz_check(s->irq_routes->nr == made.nr_routes &&
		   !memcmp(s->irq_routes->entries, made.routes, made.nr_routes * sizeof(made.routes[0])),
		   "after the reset KVMState has %u routes, made with %u", s->irq_routes->nr,
		   made.nr_routes);
	fuzz_check(!memcmp(s->used_gsi_bitmap, made.bitmap, made.bitmap_size),
		   "after the reset a GSI is still taken");
	fuzz_check(!s->nr_irqfds && !fuzz_kernel.nr_irqfds,
		   "after the reset KVMState has %u irqfds, the kernel %u (fd %d gsi %d)",
		   s->nr_irqfds, fuzz_kernel.nr_irqfds, fuzz_kernel.irqfds[0].fd,
		   fuzz_kernel.irqfds[0].gsi);
}

void fuzz_vm_reset(struct vm *vm)
{
	KVMState *s = &vm->kvm;

	fuzz_kernel.fail_irqfd = fuzz_kernel.fail_routing = false;
	fuzz_check_vm_made(vm);
	fuzz_check(!kvm_irqchip_commit_routes(s), "commit");
	fuzz_check_kernel_routes(vm);
	s->commits = s->commit_errors = 0;
	if (vm->ram)
		memset(vm->ram, 0, vm->ram_size);
}

void fuzz_check_kernel_routes(struct vm *vm)
{
	KVMState *s = &vm->kvm;

	fuzz_check(s->nr_kernel_routes == fuzz_kernel.nr_routes &&
		   !memcmp(s->kernel_routes, fuzz_kernel.routes,
			   fuzz_kernel.nr_routes * sizeof(fuzz_kernel.routes[0])),
		   "KVMState's copy of the kernel's table (%u) differs from the kernel's (%u)",
		   s->nr_kernel_routes, fuzz_kernel.nr_routes);
}

/* ---- invariants of every MSI-X device ---- */

void fuzz_check_pba(PCIDevice *d)
{
	for (unsigned int v = 0; v < d->msix_entries_nr; v++)
		fuzz_check(!msix_is_pending(d, v) || msix_is_masked(d, v),
			   "vector %u pending while unmasked", v);
}

uint64_t fuzz_check_ledger(PCIDevice *d, unsigned int v, uint64_t stuck)
{
	struct msix_vector_stats st;
	uint64_t unrouted = d->msix_stats[v].unrouted;

	msix_vector_stats(d, v, &st);
	fuzz_check(st.pending <= 2 && st.raised == st.ledger->told + unrouted + st.pending +
		   st.coalesced + st.dropped + st.moved + stuck,
		   "vector %u: raised %lu != told %lu + unrouted %lu + pending %lu + coalesced %lu + dropped %lu + moved %lu + stuck %lu",
		   v, (unsigned long)st.raised, (unsigned long)st.ledger->told,
		   (unsigned long)unrouted, (unsigned long)st.pending,
		   (unsigned long)st.coalesced, (unsigned long)st.dropped,
		   (unsigned long)st.moved, (unsigned long)stuck);
	return st.raised;
}

void fuzz_bar_write(PCIDevice *d, int bar, uint64_t off, uint32_t val, unsigned int size)
{
	uint8_t b[8] = { 0 };

	bus_data_set(b, size < 4 ? size : 4, val);
	d->io_regions[bar].ops->write(d->io_regions[bar].opaque, off, b, size);
}

uint32_t fuzz_bar_read(PCIDevice *d, int bar, uint64_t off, unsigned int size)
{
	uint8_t b[8];

	d->io_regions[bar].ops->read(d->io_regions[bar].opaque, off, b, size);
	return bus_data_get(b, size);
}

/* ---- a device reset per input is the device realized ---- */

static size_t fuzz_pba_size(const PCIDevice *d)
{
	return (d->msix_entries_nr + 63) / 64 * 8;
}

void fuzz_pci_save(PCIDevice *d, struct fuzz_pci_state *s)
{
	size_t table = d->msix_entries_nr * PCI_MSIX_ENTRY_SIZE;

	memcpy(s->config, d->config, sizeof(s->config));
	memcpy(s->wmask, d->wmask, sizeof(s->wmask));
	memcpy(s->w1cmask, d->w1cmask, sizeof(s->w1cmask));
	memcpy(s->regions, d->io_regions, sizeof(s->regions));
	s->irq_state = d->irq_state;
	s->table = malloc(table ? table : 1);
	s->pba = malloc(fuzz_pba_size(d) ? fuzz_pba_size(d) : 1);
	fuzz_check(s->table && s->pba, "out of memory");
	memcpy(s->table, d->msix_table, table);
	memcpy(s->pba, d->msix_pba, fuzz_pba_size(d));
	s->function_masked = d->msix_function_masked;
	s->use = d->msix_vector_use_notifier;
}

static int fuzz_first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (int)i;
	return -1;
}

void fuzz_pci_check_fresh(PCIDevice *d, const struct fuzz_pci_state *s)
{
	int i = fuzz_first_diff(d->config, s->config, sizeof(s->config));

	fuzz_check(i < 0, "%s reset: config 0x%x is 0x%x, realized 0x%x", d->name, i,
		   i < 0 ? 0 : d->config[i], i < 0 ? 0 : s->config[i]);
	fuzz_check(!memcmp(d->wmask, s->wmask, sizeof(s->wmask)) &&
		   !memcmp(d->w1cmask, s->w1cmask, sizeof(s->w1cmask)), "%s reset: wmask", d->name);
	for (int r = 0; r < PCI_NUM_REGIONS; r++)
		fuzz_check(d->io_regions[r].addr == s->regions[r].addr &&
			   d->io_regions[r].size == s->regions[r].size, "%s reset: BAR %d", d->name, r);
	fuzz_check(d->irq_state == s->irq_state, "%s reset: INTx level %u", d->name, d->irq_state);
	i = fuzz_first_diff(d->msix_table, s->table, d->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
	fuzz_check(i < 0, "%s reset: MSI-X table byte 0x%x", d->name, i);
	fuzz_check(!memcmp(d->msix_pba, s->pba, fuzz_pba_size(d)), "%s reset: PBA", d->name);
	fuzz_check(d->msix_function_masked == s->function_masked &&
		   d->msix_vector_use_notifier == s->use, "%s reset: function mask or notifiers",
		   d->name);
	for (unsigned int v = 0; v < d->msix_entries_nr; v++)
		fuzz_check(!d->msix_entry_used[v], "%s reset: vector %u still used %u times",
			   d->name, v, d->msix_entry_used[v]);
}

void fuzz_pci_forget(PCIDevice *d)
{
	memset(d->msix_stats, 0, d->msix_entries_nr * sizeof(d->msix_stats[0]));
}
