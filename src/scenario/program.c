// SPDX-License-Identifier: GPL-2.0
/*
 * program.c - a scenario's guest steps compiled into the step program the
 * test guest runs on its own (src/guest/virq-prog.h), for a VMM that does
 * not drive the guest through virq's mailbox: real QEMU.
 *
 * Host steps (routes, irqfds, signals, ...) are the VMM's own work and
 * cannot be in a guest program: a scenario that has one is refused with
 * FILE:LINE. Expects only a VMM can judge (its route table, exits,
 * accounting) are left out and listed, so a report can call them not
 * applicable rather than passed.
 *
 * A device's raise maps to what makes a real device raise: the guest's
 * kick (QEMU's virtio-rng fills the buffer and notifies, virtio_rng_process
 * -> chr_read -> virtio_notify), or its Read (QEMU's NVMe completes it
 * from the null-co drive and notifies, nvme_post_cqes -> nvme_irq_assert).
 * Raises with no guest-side cause, virq's host raises (`signal`, `msi`)
 * and its held completions (`device NAME hold` / `complete`), are refused
 * with FILE:LINE and the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "../guest/virq-guest.h"
#include "../guest/ioapic-rte.h"

/* the IDs virq's own devices carry, which QEMU's devices of the same kind share */
static const struct { const char *type; uint16_t vendor, device; uint8_t kind; } prog_types[] = {
	{ "virtio-rng", 0x1af4, 0x1044, VIRQ_PROG_DEV_VIRTIO_RNG },
	{ "nvme", 0x1b36, 0x0010, VIRQ_PROG_DEV_NVME },
};

static int prog_err(const struct scenario *sc, const struct sc_step *st, char *err, size_t n,
		    const char *why)
{
	snprintf(err, n, "%s:%d: '%s' %s", sc->file, st->line, st->text, why);
	return -EINVAL;
}

/* devs[] from the device lines; d2p maps a scenario name to its index there */
static int prog_devices(const struct scenario *sc, struct virq_prog *p, int *d2p, char *err,
			size_t n)
{
	for (int i = 0; i < sc->nr_steps && sc->steps[i].op == SC_DEVICE; i++) {
		const struct sc_step *st = &sc->steps[i];
		struct virq_prog_dev *d = &p->devs[p->nr_devs];
		unsigned int v, dv;

		if (p->nr_devs == VIRQ_PROG_MAX_DEVS)
			return prog_err(sc, st, err, n, "is one device too many for a program");
		*d = (struct virq_prog_dev){ 0 };
		if (!strcmp(st->type, "vfio-pci")) {
			if (sscanf(st->host, "%x:%x", &v, &dv) != 2 || strchr(st->host, '.'))
				return prog_err(sc, st, err, n,
						"names a host BDF: give host=VENDOR:DEVICE, which the "
						"guest can find under any VMM");
			d->vendor = (uint16_t)v;
			d->device = (uint16_t)dv;
			d->kind = v == 0x8086 && dv == 0x10d3 ? VIRQ_PROG_DEV_E1000E : 0;
			d->flags = st->no_kvm_intx > 0 ? VIRQ_PROG_DEV_NO_KVM_INTX : 0;
		}
		for (size_t t = 0; t < sizeof(prog_types) / sizeof(prog_types[0]); t++)
			if (!strcmp(st->type, prog_types[t].type))
				*d = (struct virq_prog_dev){ .vendor = prog_types[t].vendor,
							     .device = prog_types[t].device,
							     .kind = prog_types[t].kind };
		for (uint32_t k = 0; k < p->nr_devs; k++)
			d->instance += p->devs[k].vendor == d->vendor &&
				       p->devs[k].device == d->device;
		d2p[st->name] = (int)p->nr_devs++;
	}
	return 0;
}

bool program_vmm_only(enum sc_op op)
{
	switch (op) {
	case SC_EXPECT_COMMITS: case SC_EXPECT_ROUTES: case SC_EXPECT_ROUTE:
	case SC_EXPECT_EXITS: case SC_EXPECT_IOEVENTFD: case SC_EXPECT_RESULT:
	case SC_EXPECT_VECTOR: case SC_EXPECT_COMPLETIONS:
	case SC_EXPECT_REMOTE_IRR: case SC_EXPECT_LINE: case SC_EXPECT_STATUS_IOAPIC:
	case SC_EXPECT_STATUS_PIC: case SC_EXPECT_RESAMPLES: case SC_EXPECT_INTX:
	case SC_EXPECT_SIGNALS:
	case SC_EXPECT_IRQFDS: case SC_EXPECT_KERNEL_ROUTES: case SC_EXPECT_KERNEL_ROUTE:
		return true;
	default:
		return false;
	}
}

/* a guest step or expect -> its program op; 0 if the program has none for it */
static uint16_t prog_op(enum sc_op op)
{
	static const uint16_t ops[SC_OP_MAX] = {
		[SC_GUEST_PCI_ENUM] = VIRQ_PROG_PCI_ENUM,
		[SC_GUEST_MSIX_ENABLE] = VIRQ_PROG_MSIX_ENABLE,
		[SC_GUEST_MSIX_DISABLE] = VIRQ_PROG_MSIX_DISABLE,
		[SC_GUEST_MSIX_FMASK] = VIRQ_PROG_MSIX_FMASK,
		[SC_GUEST_MSIX_FUNMASK] = VIRQ_PROG_MSIX_FUNMASK,
		[SC_GUEST_MSIX_VECTOR] = VIRQ_PROG_MSIX_VECTOR,
		[SC_GUEST_MSIX_MASK] = VIRQ_PROG_MSIX_MASK,
		[SC_GUEST_MSIX_UNMASK] = VIRQ_PROG_MSIX_UNMASK,
		[SC_GUEST_MSIX_READ_PBA] = VIRQ_PROG_MSIX_READ_PBA,
		[SC_GUEST_E1000E_INIT] = VIRQ_PROG_E1000E_INIT,
		[SC_GUEST_E1000E_RAISE] = VIRQ_PROG_E1000E_RAISE,
		[SC_GUEST_OUT] = VIRQ_PROG_OUT,
		[SC_GUEST_IN] = VIRQ_PROG_IN,
		[SC_GUEST_WRITE] = VIRQ_PROG_WRITE,
		[SC_GUEST_READ] = VIRQ_PROG_READ,
		[SC_WAIT] = VIRQ_PROG_WAIT,
		[SC_EXPECT_IRQ] = VIRQ_PROG_EXPECT_IRQ,
		[SC_EXPECT_IRQ_NONE] = VIRQ_PROG_EXPECT_NONE,
		[SC_EXPECT_PENDING] = VIRQ_PROG_EXPECT_PENDING,
		[SC_GUEST_VIRTIO_SETUP] = VIRQ_PROG_VIRTIO_SETUP,
		[SC_GUEST_VIRTIO_DRIVER_OK] = VIRQ_PROG_VIRTIO_DRIVER_OK,
		[SC_GUEST_VIRTIO_RESET] = VIRQ_PROG_VIRTIO_RESET,
		[SC_GUEST_VIRTIO_KICK] = VIRQ_PROG_VIRTIO_KICK,
		[SC_GUEST_VIRTIO_QUEUE_VECTOR] = VIRQ_PROG_VIRTIO_QUEUE_VECTOR,
		[SC_GUEST_VIRTIO_CONFIG_VECTOR] = VIRQ_PROG_VIRTIO_CONFIG_VECTOR,
		[SC_GUEST_NVME_INIT] = VIRQ_PROG_NVME_INIT,
		[SC_GUEST_NVME_READ] = VIRQ_PROG_NVME_READ,
		[SC_GUEST_IOAPIC_RTE] = VIRQ_PROG_IOAPIC_WRITE,
		[SC_GUEST_IOAPIC_MASK] = VIRQ_PROG_IOAPIC_WRITE,
		[SC_GUEST_IOAPIC_UNMASK] = VIRQ_PROG_IOAPIC_WRITE,
		[SC_GUEST_IOAPIC_READ] = VIRQ_PROG_IOAPIC_READ,
		[SC_GUEST_LEVEL_ACK] = VIRQ_PROG_LEVEL_ACK,
		[SC_GUEST_EOI] = VIRQ_PROG_EOI,
	};

	return op < SC_OP_MAX ? ops[op] : 0;
}

/* why a step has no program op: the refusal after "FILE:LINE: 'STEP' " */
static const char *prog_why_not(enum sc_op op)
{
	switch (op) {
	case SC_DEVICE_HOLD: case SC_DEVICE_COMPLETE:
		return "is the VMM's own device step: virq's device holds its completions "
		       "host-side until 'complete'; a real device (QEMU's) completes on its own, "
		       "so no guest step makes this raise";
	case SC_SIGNAL: case SC_SIGNAL_MSI:
		return "is not a step the guest can run on its own: a raise virq makes host-side "
		       "(an irqfd write, KVM_SIGNAL_MSI); under another VMM only a device raises, "
		       "when the guest kicks a queue or submits a command";
	default:
		return "is not a step the guest can run on its own (a host or VMM device step, "
		       "or not in the step program yet)";
	}
}

/*
 * The IOAPIC steps: an entry written whole, its mask from the one the
 * program wrote last for that pin (rte[], as the runner's run->rte); on
 * the BSP, vcpu= being the destination, as the runner does them.
 */
static int prog_ioapic(const struct scenario *sc, const struct sc_step *st,
		       struct virq_prog_step *s, uint64_t *rte, char *err, size_t n)
{
	s->cpu = 0;
	s->arg[0] = (uint32_t)st->pin;
	if (st->op == SC_GUEST_IOAPIC_RTE)
		rte[st->pin] = ioapic_rte_encode((uint32_t)st->vector, (uint32_t)st->vcpu, st->set,
						 st->masked > 0);
	else if (st->op == SC_GUEST_IOAPIC_READ)
		return 0;
	else if (!ioapic_rte_vector(rte[st->pin]))
		return prog_err(sc, st, err, n, "masks a pin the program has not programmed yet");
	else if (st->op == SC_GUEST_IOAPIC_MASK)
		rte[st->pin] |= RTE_MASKED;
	else
		rte[st->pin] &= ~RTE_MASKED;
	s->arg[1] = (uint32_t)rte[st->pin];
	s->arg[2] = (uint32_t)(rte[st->pin] >> 32);
	return 0;
}

/* the arguments, with the runner's defaults where the line left them out */
static void prog_args(const struct sc_step *st, struct virq_prog_step *s)
{
	uint32_t dma = VIRQ_DMA_GPA + VIRQ_DMA_PER_DEV * s->dev;	/* as run-devices.c */

	switch (s->op) {
	case VIRQ_PROG_MSIX_VECTOR:
		s->cpu = 0;			/* vcpu= is the message's destination */
		s->arg[0] = (uint32_t)st->vcpu;
		s->arg[1] = (uint32_t)st->vector;
		break;
	case VIRQ_PROG_E1000E_RAISE:
		s->arg[0] = st->count;
		break;
	case VIRQ_PROG_OUT: case VIRQ_PROG_IN: case VIRQ_PROG_WRITE: case VIRQ_PROG_READ:
		s->arg[0] = (uint32_t)st->addr;
		s->arg[1] = st->size;
		s->arg[2] = (uint32_t)st->value;
		s->arg[3] = st->count;
		break;
	case VIRQ_PROG_WAIT:
		s->arg[0] = st->ms;
		break;
	case VIRQ_PROG_EXPECT_IRQ:
		s->cpu = 0;			/* vcpu= names whose log is checked */
		s->arg[0] = (uint32_t)st->vcpu;
		s->arg[1] = (uint32_t)st->vector;
		s->arg[2] = st->count;
		s->arg[3] = st->ms ? st->ms : st->count ? 2000 : 200;
		break;
	case VIRQ_PROG_EXPECT_NONE:
		s->arg[0] = st->ms ? st->ms : 200;
		break;
	case VIRQ_PROG_EXPECT_PENDING:
		s->arg[0] = st->set;
		break;
	case VIRQ_PROG_VIRTIO_SETUP: case VIRQ_PROG_NVME_INIT:
		s->arg[0] = dma;
		break;
	case VIRQ_PROG_VIRTIO_KICK: case VIRQ_PROG_NVME_READ:
		s->arg[0] = dma;
		s->arg[1] = st->count;
		break;
	case VIRQ_PROG_LEVEL_ACK:
		s->arg[0] = (uint32_t)st->vector;
		s->arg[1] = (uint32_t)(st->gsi < 0 ? 0 : st->gsi);
		s->arg[2] = (uint32_t)st->every;
		s->arg[3] = st->defer_eoi > 0 ? VIRQ_LEVEL_DEFER_EOI : 0;
		break;
	}
}

ssize_t program_compile(const struct scenario *sc, struct virq_prog **out,
			struct program_info *info, char *err, size_t n)
{
	int d2p[SC_MAX_NAMES];
	uint64_t rte[IOAPIC_NUM_PINS] = { 0 };
	struct virq_prog *p;
	size_t size;
	int r;

	*info = (struct program_info){ 0 };
	size = sizeof(*p) + ((size_t)sc->nr_steps + 1) * sizeof(p->steps[0]);
	p = calloc(1, size);
	if (!p)
		return -ENOMEM;
	p->magic = VIRQ_PROG_MAGIC;
	p->version = VIRQ_PROG_VERSION;
	memset(d2p, 0xff, sizeof(d2p));
	r = prog_devices(sc, p, d2p, err, n);
	for (int i = 0; !r && i < sc->nr_steps; i++) {
		const struct sc_step *st = &sc->steps[i];
		struct virq_prog_step *s = &p->steps[p->nr_steps];

		if (st->op == SC_DEVICE)
			continue;
		if (program_vmm_only(st->op)) {
			if (info->nr_vmm_only < PROGRAM_MAX_VMM_ONLY)
				info->vmm_only_line[info->nr_vmm_only++] = st->line;
			continue;
		}
		*s = (struct virq_prog_step){ .op = prog_op(st->op), .line = (uint16_t)st->line,
					      .cpu = (uint8_t)(st->vcpu < 0 ? 0 : st->vcpu),
					      .dev = VIRQ_PROG_NO_DEV,
					      .index = (uint16_t)(st->index < 0 ? 0 : st->index) };
		if (!s->op) {
			r = prog_err(sc, st, err, n, prog_why_not(st->op));
			break;
		}
		if (st->dev >= 0)
			s->dev = (uint8_t)d2p[st->dev];
		prog_args(st, s);
		if (s->op == VIRQ_PROG_IOAPIC_WRITE || s->op == VIRQ_PROG_IOAPIC_READ)
			r = prog_ioapic(sc, st, s, rte, err, n);
		if (s->op == VIRQ_PROG_LEVEL_ACK && s->dev != VIRQ_PROG_NO_DEV &&
		    p->devs[s->dev].kind != VIRQ_PROG_DEV_E1000E)
			r = prog_err(sc, st, err, n, "acks by reading ICR, which only an e1000e "
				     "(host=8086:10d3) has");
		p->nr_steps++;
	}
	if (r) {
		free(p);
		return r;
	}
	p->steps[p->nr_steps++] = (struct virq_prog_step){ .op = VIRQ_PROG_END,
							   .dev = VIRQ_PROG_NO_DEV };
	*out = p;
	return (ssize_t)(sizeof(*p) + p->nr_steps * sizeof(p->steps[0]));
}

/*
 * QEMU's devices of virq's kinds: virtio-rng-pci modern only, so its IDs are
 * 1af4:1044 as virq's (disable-legacy=auto keeps the transitional 1af4:1005
 * on q35's root bus), with virq's 4 MSI-X vectors (VIRTIO_PCI_MSIX_VECTORS;
 * QEMU's default is 2, the scenarios use up to 3); NVMe on a null-co drive
 * (1 GiB that reads without touching the buffer), one drive per controller.
 */
int program_qemu_args(const struct virq_prog *p, char *buf, size_t n)
{
	int len = 0, nvme = 0;

	buf[0] = 0;
	for (uint32_t i = 0; i < p->nr_devs && len < (int)n; i++) {
		const struct virq_prog_dev *d = &p->devs[i];

		if (d->kind == VIRQ_PROG_DEV_VIRTIO_RNG) {
			len += snprintf(buf + len, n - len,
					"-device\nvirtio-rng-pci,disable-legacy=on,vectors=4\n");
		} else if (d->kind == VIRQ_PROG_DEV_NVME) {
			len += snprintf(buf + len, n - len, "-drive\nif=none,id=nvm%d,"
					"file=null-co://,format=raw\n-device\n"
					"nvme,serial=virq%d,drive=nvm%d\n", nvme, nvme, nvme);
			nvme++;
		} else {
			len += snprintf(buf + len, n - len, "-device\nvfio-pci,host=@%04x:%04x@%s\n",
					d->vendor, d->device, d->flags & VIRQ_PROG_DEV_NO_KVM_INTX ?
					",x-no-kvm-intx=on" : "");
		}
	}
	return len < (int)n ? len : -E2BIG;
}
