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
 * The device is made once; each input ends with its reset (vfio_pci_reset:
 * MSI-X off, a bus reset through VFIO, the PCI core's), checked to leave
 * the device and the VM as made, so the next input starts on them.
 */
#include <errno.h>
#include <string.h>
#include <linux/vfio.h>

#include "hw/pci/msix.h"
#include "hw/vfio/pci.h"
#include "fuzz-common.h"

#define NVEC	8
#define FIRST_FD	10
#define MAXFD	64

static struct {
	int next_fd;
	bool fail_set_irqs, fail_eventfd;
} fk;

static long fake_ioctl(void *p, int fd, unsigned long req, void *arg)
{
	long r;

	if (fuzz_kernel_ioctl(req, arg, &r))
		return r;
	if (req == VFIO_DEVICE_SET_IRQS && fk.fail_set_irqs)
		return -EINVAL;
	return 0;	/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: no other device; the resets work */
}

/* numbers, no files: the device closes every one before its reset ends */
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
/* the device's config region: zeros (no capability, so no FLR or PM reset), writes taken */
static ssize_t fake_pread(void *p, int fd, void *b, size_t n, off_t off)
{
	memset(b, 0, n);
	return (ssize_t)n;
}
static ssize_t fake_pwrite(void *p, int fd, const void *b, size_t n, off_t off) { return (ssize_t)n; }

static const struct sys_ops fake_ops = {
	.open = fake_open, .close = fake_close, .ioctl = fake_ioctl, .eventfd = fake_eventfd,
	.read = fake_read, .write = fake_write, .pread = fake_pread, .pwrite = fake_pwrite,
};

/* pci.c's vfio_pci_write_config for Message Control (COMMAND goes to the fake's pwrite) */
static void config_write(PCIDevice *pdev, uint32_t addr, uint32_t val, int len)
{
	uint32_t flags = pdev->msix_cap + PCI_MSIX_FLAGS;

	if (addr < flags + 2 && flags < addr + (uint32_t)len)
		vfio_msix_write_config((VFIOPCIDevice *)pdev, addr, val, len);
}

static bool kernel_has_msi_route(int gsi)
{
	const struct kvm_irq_routing_entry *e = fuzz_kernel_route((unsigned int)gsi);

	return e && e->type == KVM_IRQ_ROUTING_MSI;
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
	}
	for (int fd = FIRST_FD; fd < fk.next_fd; fd++) {
		fuzz_check(model[fd] == fuzz_kernel_irqfd_gsi(fd), "fd %d: model irqfd gsi %d, kernel %d",
			   fd, model[fd], fuzz_kernel_irqfd_gsi(fd));
		fuzz_check(model[fd] < 0 || kernel_has_msi_route(model[fd]),
			   "fd %d: irqfd on gsi %d, which has no MSI route in the kernel", fd,
			   model[fd]);
	}
	fuzz_check_pba(&v->pdev);
	fuzz_check_kernel_routes(vm);
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
	case 4: fuzz_kernel.fail_irqfd = val & 1; fuzz_kernel.fail_routing = val & 2; break;
	case 5: fk.fail_set_irqs = val & 1; fk.fail_eventfd = val & 2; break;
	case 6: (void)msix_pba_mmio_read(d, 0, 4); break;
	case 7: v->msix_noresize = val & 1; v->skip_unchanged_commits = val & 2; break;
	}
	check(vm, v);
}

static struct vm *vm;
static VFIOPCIDevice *vdev;
static struct fuzz_pci_state made;

/* what pci.c's realize leaves that these paths read: no fd open, no vector */
static void vfio_make(VFIOPCIDevice *v, PCIBus *bus)
{
	v->vm = vm;
	v->device = 5;
	v->container = v->group = v->kvm_vfio_dev = v->stop_fd = -1;
	vfio_intx_init(v);
	snprintf(v->host, sizeof(v->host), "0000:00:02.0");
	for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++) {
		v->msi_vectors[i].interrupt = v->msi_vectors[i].kvm_interrupt = -1;
		v->msi_vectors[i].virq = v->msix_trigger[i] = -1;
	}
	pci_device_init(&v->pdev, "E", "vfio-pci", 0x8086, 0x10d3, 0x02000000);
	v->pdev.bus = bus;
	v->pdev.devfn = 1 << 3;
	v->pdev.config_write = config_write;
	fuzz_check(msix_init(&v->pdev, NVEC, 0, 0, 0, 0x800, 0) == 0, "msix_init");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	PCIBus *bus;

	fuzz_log_init();
	fuzz_kernel.irqfd_twice_is_bug = true;
	fk.next_fd = FIRST_FD;
	vm = fuzz_vm_create(&fake_ops, 0, &bus);
	vdev = calloc(1, sizeof(*vdev));
	fuzz_check(vdev, "out of memory");
	vfio_make(vdev, bus);
	fuzz_pci_save(&vdev->pdev, &made);
	return 0;
}

/* the VFIO side of "as made": every vector torn down, MSI-X and INTx off */
static void check_made(VFIOPCIDevice *v)
{
	for (int i = 0; i < VFIO_MSIX_MAX_VECTORS; i++) {
		VFIOMSIVector *m = &v->msi_vectors[i];

		fuzz_check(m->interrupt < 0 && m->kvm_interrupt < 0 && m->virq < 0 && !m->use,
			   "reset: vector %d keeps interrupt %d kvm_interrupt %d virq %d use %d", i,
			   m->interrupt, m->kvm_interrupt, m->virq, m->use);
	}
	fuzz_check(!v->nr_vectors && !v->msix_on && !v->defer_kvm_irq_routing && !v->pending &&
		   !v->pba_emulated && !v->intx.enabled && v->intx.interrupt < 0 &&
		   v->intx.unmask < 0, "reset: nr_vectors %d msix_on %d pending 0x%x intx %d",
		   v->nr_vectors, v->msix_on, v->pending, v->intx.enabled);
}

static void reset(void)
{
	fk.fail_set_irqs = fk.fail_eventfd = false;
	fuzz_kernel.fail_irqfd = fuzz_kernel.fail_routing = false;
	vfio_pci_reset(&vdev->pdev);
	vdev->msix_noresize = vdev->skip_unchanged_commits = false;
	check_made(vdev);
	fuzz_pci_check_fresh(&vdev->pdev, &made);
	fuzz_pci_forget(&vdev->pdev);
	fuzz_vm_reset(vm);
	fk.next_fd = FIRST_FD;	/* none is open (check_made) */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	while (fuzz_more(&in))
		step(vm, vdev, &in);
	reset();	/* here, so that what it finds left is this input's crash */
	check(vm, vdev);
	return 0;
}
