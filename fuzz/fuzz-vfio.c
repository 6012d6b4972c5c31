// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-vfio.c - the VFIO MSI-X paths (src/hw/vfio/pci-irq.c, pci-intx.c)
 * of a passed-through device whose kernel is a fake (as test_vfio_irq.c's):
 * the input is config writes (MSI-X enable, function mask, raw), table
 * writes (mask, address, data), and the kernel refusing KVM_IRQFD,
 * KVM_SET_GSI_ROUTING, SET_IRQS or an eventfd. After each operation:
 *  - the irqfds the fake holds are exactly those the model believes
 *    assigned (kvm_interrupt on virq, QEMU 11.1's VFIOMSIVector), none twice;
 *  - each such irqfd's GSI has an MSI route in the table the fake accepted
 *    last (an irqfd on a GSI with none never fires: a silent loss);
 *  - KVMState's copy of the kernel's table equals the fake's;
 *  - a PBA bit only for a masked vector (QEMU's msix.c, as fuzz-msix.c).
 */
#include <errno.h>
#include <string.h>
#include <linux/vfio.h>

#include "hw/pci/msix.h"
#include "hw/vfio/pci.h"
#include "vmm/vm.h"
#include "fake-kvm.h"
#include "fuzz.h"

#define NVEC	8
#define MAXFD	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	int next_fd, irqfd_gsi[MAXFD];		/* by fd: the GSI of its irqfd, -1 none */
	struct kvm_irq_routing_entry routes[4096];	/* the table accepted last */
	unsigned int nr_routes;
	bool fail_irqfd, fail_routing, fail_set_irqs, fail_eventfd;
} fk;

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	struct kvm_irq_routing *t = arg;
	struct kvm_irqfd *i = arg;
	long r;

	if (fake_kvm_setup_ioctl(req, arg, &r))
		return r;
	switch (req) {
	case KVM_SET_GSI_ROUTING:
		if (fk.fail_routing)
			return -EINVAL;
		fuzz_check(t->nr <= 4096, "table of %u", t->nr);
		memcpy(fk.routes, t->entries, t->nr * sizeof(t->entries[0]));
		fk.nr_routes = t->nr;
		return 0;
	case KVM_IRQFD:
		fuzz_check(i->fd < MAXFD, "irqfd on fd %u", i->fd);
		if (i->flags & KVM_IRQFD_FLAG_DEASSIGN) {
			fk.irqfd_gsi[i->fd] = -1;	/* kvm_irqfd_deassign: none is fine */
			return 0;
		}
		if (fk.fail_irqfd)
			return -ENOSPC;
		/* the kernel's kvm_irqfd_assign refuses an eventfd already in use */
		fuzz_check(fk.irqfd_gsi[i->fd] < 0, "fd %u irqfd assigned twice", i->fd);
		fk.irqfd_gsi[i->fd] = (int)i->gsi;
		return 0;
	case VFIO_DEVICE_SET_IRQS:
		return fk.fail_set_irqs ? -EINVAL : 0;
	default: return 0;
	}
}

static int fake_eventfd(void *p, unsigned int v, int flags)
{
	if (fk.fail_eventfd || fk.next_fd >= MAXFD)
		return -EMFILE;
	return fk.next_fd++;
}

static int fake_open(void *p, const char *path, int flags) { return 3; }
static int fake_close(void *p, int fd) { return 0; }
static ssize_t fake_write(void *p, int fd, const void *b, size_t n) { return (ssize_t)n; }
static ssize_t fake_read(void *p, int fd, void *b, size_t n) { return -EAGAIN; }

static const struct sys_ops fake_ops = {
	.open = fake_open, .close = fake_close, .ioctl = fake_ioctl, .eventfd = fake_eventfd,
	.read = fake_read, .write = fake_write,
};

static void config_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
	vfio_msix_write_config((VFIOPCIDevice *)pdev, addr, val, len);
}

static bool kernel_has_msi_route(unsigned int gsi)
{
	for (unsigned int i = 0; i < fk.nr_routes; i++)
		if (fk.routes[i].gsi == gsi && fk.routes[i].type == KVM_IRQ_ROUTING_MSI)
			return true;
	return false;
}

static void check(struct vm *vm, VFIOPCIDevice *v)
{
	int model[MAXFD];

	memset(model, 0xff, sizeof(model));
	for (unsigned int n = 0; n < NVEC; n++) {
		VFIOMSIVector *vec = &v->msi_vectors[n];

		if (vec->kvm_interrupt >= 0 && vec->virq >= 0) {
			fuzz_check(vec->kvm_interrupt < MAXFD && model[vec->kvm_interrupt] < 0,
				   "vector %u: kvm_interrupt %d shared", n, vec->kvm_interrupt);
			model[vec->kvm_interrupt] = vec->virq;
		}
		fuzz_check(!msix_is_pending(&v->pdev, n) || msix_is_masked(&v->pdev, n),
			   "vector %u pending while unmasked", n);
	}
	for (int fd = 0; fd < MAXFD; fd++) {
		fuzz_check(model[fd] == fk.irqfd_gsi[fd], "fd %d: model irqfd gsi %d, kernel %d",
			   fd, model[fd], fk.irqfd_gsi[fd]);
		fuzz_check(model[fd] < 0 || kernel_has_msi_route((unsigned int)model[fd]),
			   "fd %d: irqfd on gsi %d, which has no MSI route in the kernel", fd,
			   model[fd]);
	}
	fuzz_check(vm->kvm.nr_kernel_routes == fk.nr_routes &&
		   !memcmp(vm->kvm.kernel_routes, fk.routes, fk.nr_routes * sizeof(fk.routes[0])),
		   "KVMState's kernel table (%u) differs from the kernel's (%u)",
		   vm->kvm.nr_kernel_routes, fk.nr_routes);
}

static void step(struct vm *vm, VFIOPCIDevice *v, struct fuzz_in *in)
{
	PCIDevice *d = &v->pdev;
	uint8_t op = fuzz_u8(in), n = fuzz_u8(in) % NVEC;
	uint32_t val = fuzz_u(in, 4);

	switch (op % 8) {
	case 0: pci_config_write(d, d->msix_cap + PCI_MSIX_FLAGS, val, 2); break;
	case 1: pci_config_write(d, val >> 24, val, fuzz_len(in)); break;
	case 2: msix_table_mmio_write(d, n * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, val & 1, 4); break;
	case 3: msix_table_mmio_write(d, n * 16 + (op >> 3) % 3 * 4, val, 4); break;
	case 4: fk.fail_irqfd = val & 1; fk.fail_routing = val & 2; break;
	case 5: fk.fail_set_irqs = val & 1; fk.fail_eventfd = val & 2; break;
	case 6: (void)msix_pba_mmio_read(d, 0, 4); break;
	case 7: v->msix_noresize = val & 1; v->skip_unchanged_commits = val & 2; break;
	}
	check(vm, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vm *vm = calloc(1, sizeof(*vm));
	PCIBus *bus = calloc(1, sizeof(*bus));
	VFIOPCIDevice *v = calloc(1, sizeof(*v));

	memset(&fk, 0, sizeof(fk));
	memset(fk.irqfd_gsi, 0xff, sizeof(fk.irqfd_gsi));
	fk.next_fd = 10;
	fuzz_check(!kvm_init(&vm->kvm, &fake_ops) && !kvm_irqchip_create(&vm->kvm), "kvm");
	pthread_mutex_init(&vm->bql, NULL);
	bus->vm = vm;
	v->vm = vm;
	v->device = 5;
	v->stop_fd = -1;
	vfio_intx_init(v);
	snprintf(v->host, sizeof(v->host), "0000:00:02.0");
	for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++)
		v->msi_vectors[i].interrupt = v->msi_vectors[i].kvm_interrupt = v->msi_vectors[i].virq = -1;
	pci_device_init(&v->pdev, "E", "vfio-pci", 0x8086, 0x10d3, 0x02000000);
	v->pdev.bus = bus;
	v->pdev.devfn = 1 << 3;
	v->pdev.config_write = config_write;
	fuzz_check(msix_init(&v->pdev, NVEC, 0, 0, 0, 0x800, 0) == 0, "msix_init");
	check(vm, v);
	while (fuzz_more(&in))
		step(vm, v, &in);
	fk.fail_irqfd = fk.fail_routing = fk.fail_set_irqs = fk.fail_eventfd = false;
	pci_config_write(&v->pdev, v->pdev.msix_cap + PCI_MSIX_FLAGS, 0, 2);	/* off */
	check(vm, v);
	msix_uninit(&v->pdev);
	kvm_destroy(&vm->kvm);
	free(v);
	free(bus);
	free(vm);
	return 0;
}
