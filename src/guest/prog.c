// SPDX-License-Identifier: GPL-2.0
/*
 * prog.c - run a step program (virq-prog.h) from a multiboot module, with
 * no VMM driving the guest: what the test guest does under real QEMU
 * (-kernel virq-guest.elf -initrd prog). Each step is marked by its
 * scenario line on VIRQ_PORT_STEP; each guest-judged expect prints a
 * "virq-expect LINE ok|FAIL ..." line; the exit code says whether all held.
 *
 * The device sequences are the ones src/scenario/driver.c composes from
 * mailbox commands under virq (an MSI-X entry as __pci_write_msi_msg
 * writes it, e1000e's interrupt registers; the virtio and NVMe drivers of
 * prog-virtio.c and prog-nvme.c), so both VMMs see the same guest
 * accesses. For now every step runs on the BSP.
 */
#include "guest.h"
#include "virq-prog.h"
#include "e1000e-regs.h"

#define PROG_MAX_BYTES	(sizeof(struct virq_prog) + VIRQ_PROG_MAX_STEPS * sizeof(struct virq_prog_step))

/* the module, copied clear of the memory the steps use (rings, DMA) */
static uint8_t prog_buf[PROG_MAX_BYTES] __attribute__((aligned(8)));
static const struct virq_pci_dev *prog_dev[VIRQ_PROG_MAX_DEVS];
static uint32_t irq_mark;		/* log seq at the last irq expect */
static uint32_t failed;

static volatile uint32_t *mmio32(uint32_t addr)
{
	return (volatile uint32_t *)addr;
}

void delay_ms(uint32_t ms)
{
	while (ms--)
		delay_cycles(opts.tsc_khz);
}

/* the first module that holds a step program, copied; 0 if there is none */
int prog_load(const struct multiboot_info *mbi)
{
	const struct multiboot_mod *m = (const struct multiboot_mod *)mbi->mods_addr;
	const struct virq_prog *p;
	uint32_t len;

	if (!(mbi->flags & MB_INFO_MODS) || !mbi->mods_count)
		return 0;
	p = (const struct virq_prog *)m[0].mod_start;
	len = m[0].mod_end - m[0].mod_start;
	if (len < sizeof(*p) || p->magic != VIRQ_PROG_MAGIC)
		return 0;
	if (p->version != VIRQ_PROG_VERSION || len > sizeof(prog_buf) ||
	    p->nr_devs > VIRQ_PROG_MAX_DEVS ||
	    sizeof(*p) + p->nr_steps * sizeof(p->steps[0]) > len) {
		kprintf("virq-prog: module of %u bytes: bad program (version %u, %u steps)\n",
			len, p->version, p->nr_steps);
		return -1;
	}
	memcpy(prog_buf, p, len);
	return 1;
}

static void msix_control(const struct virq_pci_dev *d, uint16_t set, uint16_t clr)
{
	uint32_t reg = d->msix_cap + MSIX_CTRL;

	pci_cfg_write16(d->bdf, reg, (uint16_t)((pci_cfg_read16(d->bdf, reg) | set) & ~clr));
}

/* __pci_write_msi_msg: address low, high, data; the mask is left alone */
static void msix_vector(const struct virq_pci_dev *d, uint32_t index, uint32_t apic,
			uint32_t vector)
{
	volatile uint32_t *e = msix_entry(d, index);

	e[MSIX_ADDR_LO / 4] = MSI_ADDR_BASE | apic << MSI_DEST_SHIFT;
	e[MSIX_ADDR_HI / 4] = 0;
	e[MSIX_DATA / 4] = vector;
}

static void msix_mask(const struct virq_pci_dev *d, uint32_t index, int masked)
{
	volatile uint32_t *c = msix_entry(d, index) + MSIX_VECTOR_CTRL / 4;

	*c = masked ? *c | 1 : *c & ~1u;
}

static int msix_pending(const struct virq_pci_dev *d, uint32_t index)
{
	return (int)(mmio32(d->msix_pba + index / 32 * 4)[0] >> (index % 32) & 1);
}

static void e1000e_init(const struct virq_pci_dev *d)
{
	uint32_t r = d->bar[0];

	*mmio32(r + E1000_IMC) = ~0u;
	*mmio32(r + E1000_ICR) = ~0u;
	*mmio32(r + E1000_CTRL_EXT) = *mmio32(r + E1000_CTRL_EXT) | E1000_CTRL_EXT_IAME;
	*mmio32(r + E1000_IVAR) = E1000_IVAR_MAP;
	*mmio32(r + E1000_EIAC) = E1000_CAUSES;
	*mmio32(r + E1000_IMS) = E1000_CAUSES;
}

static void e1000e_raise(const struct virq_pci_dev *d, uint32_t index, uint32_t times)
{
	while (times--) {
		delay_ms(E1000_RAISE_GAP_MS);
		*mmio32(d->bar[0] + E1000_ICS) = E1000_CAUSES & (0x00100000u << index);
	}
}

/*
 * QEMU 7.2's e1000e (the lab's L0) aborts if MSI-X is disabled at the host
 * inside a vector's EITR window after a raise: the VMM's driver_e1000e_settle
 * (src/scenario/driver.c) says why; the same wait before this device's MSI-X steps
 */
static uint64_t raised_tsc[VIRQ_PROG_MAX_DEVS];

static void e1000e_settle(unsigned int dev)
{
	uint64_t gap = (uint64_t)E1000_RAISE_GAP_MS * opts.tsc_khz;

	while (raised_tsc[dev] && rdtsc() - raised_tsc[dev] < gap)
		;
}

static void verdict(const struct virq_prog_step *s, int ok, const char *what, uint32_t seen)
{
	kprintf("virq-expect %u %s %s seen=%u\n", s->line, ok ? "ok" : "FAIL", what, seen);
	failed += !ok;
}

/* expect irq: wait for the count to reach arg2, then it must be exactly that */
static void expect_irq(const struct virq_prog_step *s)
{
	volatile uint32_t *n = &SHARED->counts[s->arg[0] % VIRQ_GUEST_MAX_CPUS][s->arg[1] & 0xff];
	uint32_t ms = s->arg[3];

	while (*n < s->arg[2] && ms--)
		delay_ms(1);
	verdict(s, *n == s->arg[2], "irq", *n);
	irq_mark = SHARED->seq;
}

static void expect_none(const struct virq_prog_step *s)
{
	delay_ms(s->arg[0]);
	verdict(s, SHARED->seq == irq_mark, "irq-none", SHARED->seq - irq_mark);
	irq_mark = SHARED->seq;
}

static int prog_find_devices(const struct virq_prog *p)
{
	uint32_t n;

	pci_enum(&n);
	if (SHARED->pci_mode == VIRQ_PCI_FIRMWARE)
		pci_q35_pirq_disable();
	for (uint32_t i = 0; i < p->nr_devs; i++) {
		const struct virq_prog_dev *d = &p->devs[i];

		prog_dev[i] = pci_find(d->vendor, d->device, d->instance);
		if (!prog_dev[i] || !prog_dev[i]->msix_table) {
			kprintf("virq-prog: device %u (%04x:%04x #%u) not found or without MSI-X\n",
				i, d->vendor, d->device, d->instance);
			return -1;
		}
	}
	return 0;
}

static void prog_access(const struct virq_prog_step *s)
{
	for (uint32_t i = 0; i < (s->arg[3] ? s->arg[3] : 1); i++) {
		switch (s->op) {
		case VIRQ_PROG_OUT:
			s->arg[1] == 4 ? outl((uint16_t)s->arg[0], s->arg[2]) :
			s->arg[1] == 2 ? outw((uint16_t)s->arg[0], (uint16_t)s->arg[2]) :
					 outb((uint16_t)s->arg[0], (uint8_t)s->arg[2]);
			break;
		case VIRQ_PROG_IN:
			kprintf("virq-prog: in 0x%x = 0x%x\n", s->arg[0],
				s->arg[1] == 4 ? inl((uint16_t)s->arg[0]) :
				s->arg[1] == 2 ? inw((uint16_t)s->arg[0]) : inb((uint16_t)s->arg[0]));
			return;
		case VIRQ_PROG_WRITE:
			*mmio32(s->arg[0]) = s->arg[2];
			break;
		case VIRQ_PROG_READ:
			kprintf("virq-prog: read 0x%x = 0x%x\n", s->arg[0], *mmio32(s->arg[0]));
			return;
		}
	}
}

/* the IOAPIC and level-ack steps, through the same code as the VMM's commands (ioapic.c) */
static int prog_intx_step(const struct virq_pci_dev *d, const struct virq_prog_step *s)
{
	uint32_t arg[8] = { s->arg[0], s->arg[1], s->arg[2], s->arg[3] }, v = 0;

	switch (s->op) {
	case VIRQ_PROG_IOAPIC_WRITE:
		return ioapic_write_op(arg, &v) == VIRQ_ST_OK ? 0 : -1;
	case VIRQ_PROG_IOAPIC_READ:
		if (ioapic_read_op(arg, &v) != VIRQ_ST_OK)
			return -1;
		kprintf("virq-prog: ioapic pin %u low 0x%x\n", s->arg[0], v);
		return 0;
	case VIRQ_PROG_LEVEL_ACK:
		arg[4] = d ? d->bar[0] + E1000_ICR : 0;
		return level_ack_op(arg) == VIRQ_ST_OK ? 0 : -1;
	default:
		eoi_op();
		return 0;
	}
}

/* one step; -1 if the program cannot go on */
static int prog_step(const struct virq_prog *p, const struct virq_prog_step *s)
{
	const struct virq_pci_dev *d = s->dev < p->nr_devs ? prog_dev[s->dev] : 0;

	if (s->dev != VIRQ_PROG_NO_DEV && !d && s->op != VIRQ_PROG_PCI_ENUM) {
		kprintf("virq-prog: line %u: device %u used before pci enum\n", s->line, s->dev);
		return -1;
	}
	if (d && s->op >= VIRQ_PROG_MSIX_ENABLE && s->op <= VIRQ_PROG_MSIX_UNMASK)
		e1000e_settle(s->dev);
	switch (s->op) {
	case VIRQ_PROG_PCI_ENUM: return prog_find_devices(p);
	case VIRQ_PROG_MSIX_ENABLE: msix_control(d, MSIX_CTRL_ENABLE, 0); break;
	case VIRQ_PROG_MSIX_DISABLE: msix_control(d, 0, MSIX_CTRL_ENABLE); break;
	case VIRQ_PROG_MSIX_FMASK: msix_control(d, MSIX_CTRL_FMASK, 0); break;
	case VIRQ_PROG_MSIX_FUNMASK: msix_control(d, 0, MSIX_CTRL_FMASK); break;
	case VIRQ_PROG_MSIX_VECTOR: msix_vector(d, s->index, s->arg[0], s->arg[1]); break;
	case VIRQ_PROG_MSIX_MASK: msix_mask(d, s->index, 1); break;
	case VIRQ_PROG_MSIX_UNMASK: msix_mask(d, s->index, 0); break;
	case VIRQ_PROG_MSIX_READ_PBA:
		for (uint32_t i = 0; i < (d->msix_size + 31) / 32; i++)
			kprintf("virq-prog: pba[%u] = 0x%x\n", i, mmio32(d->msix_pba)[i]);
		break;
	case VIRQ_PROG_E1000E_INIT: e1000e_init(d); break;
	case VIRQ_PROG_E1000E_RAISE:
		e1000e_raise(d, s->index, s->arg[0]);
		raised_tsc[s->dev] = rdtsc();
		break;
	case VIRQ_PROG_OUT: case VIRQ_PROG_IN: case VIRQ_PROG_WRITE: case VIRQ_PROG_READ:
		prog_access(s);
		break;
	case VIRQ_PROG_VIRTIO_SETUP: case VIRQ_PROG_VIRTIO_DRIVER_OK: case VIRQ_PROG_VIRTIO_RESET:
	case VIRQ_PROG_VIRTIO_KICK: case VIRQ_PROG_VIRTIO_QUEUE_VECTOR:
	case VIRQ_PROG_VIRTIO_CONFIG_VECTOR:
		return prog_virtio_step(d, s);
	case VIRQ_PROG_NVME_INIT: case VIRQ_PROG_NVME_READ:
		return prog_nvme_step(d, s->dev, s);
	case VIRQ_PROG_IOAPIC_WRITE: case VIRQ_PROG_IOAPIC_READ: case VIRQ_PROG_LEVEL_ACK:
	case VIRQ_PROG_EOI:
		return prog_intx_step(d, s);
	case VIRQ_PROG_WAIT: delay_ms(s->arg[0]); break;
	case VIRQ_PROG_EXPECT_IRQ: expect_irq(s); break;
	case VIRQ_PROG_EXPECT_NONE: expect_none(s); break;
	case VIRQ_PROG_EXPECT_PENDING:
		verdict(s, msix_pending(d, s->index) == (int)s->arg[0], "pending",
			(uint32_t)msix_pending(d, s->index));
		break;
	default:
		kprintf("virq-prog: line %u: unknown op %u\n", s->line, s->op);
		return -1;
	}
	return 0;
}

/* run the loaded program on the BSP; the exit code for virq_exit */
uint32_t prog_run(void)
{
	const struct virq_prog *p = (const struct virq_prog *)prog_buf;
	int stopped = 0;

	kprintf("virq-prog: %u steps, %u devices\n", p->nr_steps, p->nr_devs);
	/* the BSP takes its interrupts while it runs the steps, as in cmd_loop */
	asm volatile("sti" ::: "memory");
	for (uint32_t i = 0; i < p->nr_steps && p->steps[i].op != VIRQ_PROG_END && !stopped; i++) {
		const struct virq_prog_step *s = &p->steps[i];

		if (s->cpu != 0) {
			kprintf("virq-prog: line %u: steps on cpu %u are not supported yet\n",
				s->line, s->cpu);
			stopped = 1;
			break;
		}
		outl(VIRQ_PORT_STEP, s->line);
		stopped = prog_step(p, s) < 0;
	}
	outl(VIRQ_PORT_STEP, VIRQ_PROG_MARK_END);
	if (stopped)
		return EXIT_FAIL;
	kprintf("virq-prog: done, %u expect%s failed\n", failed, failed == 1 ? "" : "s");
	return failed ? EXIT_FAIL : EXIT_PASS;
}
