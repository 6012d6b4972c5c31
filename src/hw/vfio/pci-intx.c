// SPDX-License-Identifier: GPL-2.0
/*
 * pci-intx.c - INTx of a VFIO device, as QEMU 11.1's hw/vfio/pci.c does
 * it (read in 10.2.0, whose INTx code 11.1's trace events match; 7.2 has
 * the same sequence under the older helper names vfio_mask_single_irqindex
 * and co, and calls the EOI vfio_intx_eoi).
 *
 * VFIO's INTx handler masks the host line (DisINTx, or disable_irq on a
 * device without it) and signals the trigger eventfd, `interrupt`; the line
 * stays masked until an ACTION_UNMASK. So one host interrupt per unmask:
 *
 *   KVM acceleration   `interrupt` is an irqfd with KVM_IRQFD_FLAG_RESAMPLE on
 *   (vfio_intx_enable_kvm)  the pin's GSI: KVM holds the GSI up until the
 *                      guest's EOI, then lowers it and signals `unmask`,
 *                      which VFIO watches (its virqfd) and answers with an
 *                      unmask; a device still asserting fires again.
 *   slow path          (x-no-kvm-intx=on, or no route) the VMM reads
 *                      `interrupt` and raises the GSI (vfio_intx_interrupt);
 *                      the guest's next access to any BAR, its driver
 *                      reading the cause register, is taken for the EOI:
 *                      the GSI lowered, VFIO told to unmask
 *                      (vfio_pci_intx_eoi).
 *
 * The route is q35's with PIRQ routing disabled (hw/isa/lpc_ich9.h): virq
 * has no firmware to move it, so QEMU's vfio_intx_update (a routing
 * notifier for the firmware's PIRQ writes) has nothing to follow.
 *
 * With vm->bql held, or before the reader thread starts or after it stopped.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>

#include "pci.h"
#include "vfio-common.h"
#include "../../trace/trace.h"

static int vfio_intx_eventfd(VFIOPCIDevice *vdev)
{
	return vfio_sys(vdev)->eventfd(vfio_sys(vdev)->priv, 0, EFD_NONBLOCK);
}

/* QEMU's qemu_set_fd_handler on `interrupt`: the reader thread takes a new poll set */
static void vfio_intx_set_fd_handler(VFIOPCIDevice *vdev)
{
	uint64_t one = 1;

	vdev->poll_gen++;
	if (vdev->stop_fd >= 0)
		vfio_sys(vdev)->write(vfio_sys(vdev)->priv, vdev->stop_fd, &one, sizeof(one));
}

void vfio_intx_init(VFIOPCIDevice *vdev)
{
	vdev->intx = (VFIOINTx){ .gsi = -1, .interrupt = -1, .unmask = -1 };
}

/*
 * vfio_intx_enable_kvm: VFIO masks while KVM's irqfd is wired, so no
 * interrupt falls between the two paths; then the resamplefd becomes
 * VFIO's unmask trigger and the line is unmasked ("Let'em rip"). On a
 * failure every step is undone and the slow path stays, as QEMU's.
 */
static void vfio_intx_enable_kvm(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;
	KVMState *s = &vdev->vm->kvm;

	if (vdev->no_kvm_intx || intx->gsi < 0)
		return;
	intx->kvm_accel = true;		/* the thread stops reading `interrupt` */
	vfio_intx_set_fd_handler(vdev);
	vfio_device_irq_mask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	intx->pending = false;
	pci_set_irq(&vdev->pdev, 0);
	intx->unmask = vfio_intx_eventfd(vdev);
	if (intx->unmask < 0)
		goto fail;
	if (kvm_irqchip_add_irqfd_notifier_gsi(s, intx->interrupt, intx->unmask, intx->gsi) < 0)
		goto fail_close;
	if (vfio_device_irq_set_signaling(vdev, VFIO_PCI_INTX_IRQ_INDEX, 0,
					  VFIO_IRQ_SET_ACTION_UNMASK, intx->unmask) < 0)
		goto fail_irqfd;
	vfio_device_irq_unmask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	trace_event("vfio_intx_enable_kvm", "%s gsi=%d", vdev->host, intx->gsi);
	return;

fail_irqfd:
	kvm_irqchip_remove_irqfd_notifier_gsi(s, intx->interrupt, intx->gsi);
fail_close:
	vfio_close_fd(vdev, &intx->unmask);
fail:
	intx->kvm_accel = false;
	vfio_intx_set_fd_handler(vdev);
	vfio_device_irq_unmask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
}

/*
 * vfio_intx_disable_kvm: masked again, the irqfd deassigned (the kernel
 * lowers the GSI its resampler held), `unmask` closed, which VFIO's virqfd
 * sees as EPOLLHUP; then unmasked with the VMM reading, so an interrupt
 * missed meanwhile fires through it.
 */
static void vfio_intx_disable_kvm(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;

	if (!intx->kvm_accel)
		return;
	vfio_device_irq_mask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	intx->pending = false;
	pci_set_irq(&vdev->pdev, 0);
	kvm_irqchip_remove_irqfd_notifier_gsi(&vdev->vm->kvm, intx->interrupt, intx->gsi);
	vfio_close_fd(vdev, &intx->unmask);
	intx->kvm_accel = false;
	vfio_intx_set_fd_handler(vdev);
	vfio_device_irq_unmask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	trace_event("vfio_intx_disable_kvm", "%s gsi=%d", vdev->host, intx->gsi);
}

/*
 * vfio_intx_enable: at realize and when MSI-X goes off. A device with no
 * pin has no INTx. The trigger first goes to the VMM's eventfd, then KVM
 * takes it over where it can. QEMU starts with vfio_disable_interrupts,
 * which at both callers finds nothing on (at realize; after
 * vfio_msi_disable_common); here an INTx already on is left as it is.
 */
int vfio_intx_enable(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;
	uint8_t pin = vdev->pdev.config[PCI_INTERRUPT_PIN];
	int r;

	if (!pin || intx->enabled)
		return 0;
	intx->pin = (uint8_t)(pin - 1);
	intx->gsi = pci_device_route_intx_to_irq(&vdev->pdev);
	intx->interrupt = vfio_intx_eventfd(vdev);
	if (intx->interrupt < 0)
		return intx->interrupt;
	intx->enabled = true;
	vfio_intx_set_fd_handler(vdev);
	r = vfio_device_irq_set_signaling(vdev, VFIO_PCI_INTX_IRQ_INDEX, 0,
					  VFIO_IRQ_SET_ACTION_TRIGGER, intx->interrupt);
	if (r < 0) {
		intx->enabled = false;
		vfio_intx_set_fd_handler(vdev);
		vfio_close_fd(vdev, &intx->interrupt);
		return r;
	}
	vfio_intx_enable_kvm(vdev);
	trace_event("vfio_intx_enable", "%s pin=%c gsi=%d %s", vdev->host, 'A' + intx->pin,
		    intx->gsi, intx->kvm_accel ? "kvm" : "slow");
	return 0;
}

/* vfio_intx_disable: before MSI-X comes on, and at unrealize */
void vfio_intx_disable(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;

	if (!intx->enabled)
		return;
	vfio_intx_disable_kvm(vdev);
	vfio_device_irq_disable(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	intx->pending = false;
	pci_set_irq(&vdev->pdev, 0);
	intx->enabled = false;
	vfio_intx_set_fd_handler(vdev);
	vfio_close_fd(vdev, &intx->interrupt);
	trace_event("vfio_intx_disable", "%s", vdev->host);
}

/* vfio_intx_interrupt: the slow path's assertion; the line stays masked until the EOI */
void vfio_intx_interrupt(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;

	if (!intx->enabled || intx->kvm_accel)
		return;
	intx->interrupts++;
	trace_event("vfio_intx_interrupt", "%s pin=%c", vdev->host, 'A' + intx->pin);
	intx->pending = true;
	pci_set_irq(&vdev->pdev, 1);
}

/* vfio_pci_intx_eoi: after a guest BAR access, if the slow path holds the line */
void vfio_pci_intx_eoi(VFIOPCIDevice *vdev)
{
	VFIOINTx *intx = &vdev->intx;

	if (!intx->pending)
		return;
	intx->eois++;
	trace_event("vfio_pci_intx_eoi", "%s", vdev->host);
	intx->pending = false;
	pci_set_irq(&vdev->pdev, 0);
	vfio_device_irq_unmask(vdev, VFIO_PCI_INTX_IRQ_INDEX);
}
