/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - internal definitions of the virq test guest (not ABI; the ABI
 * shared with the VMM is virq-guest.h).
 */
#ifndef VIRQ_GUEST_INTERNAL_H
#define VIRQ_GUEST_INTERNAL_H

/* Our own flat GDT (entry.S): null, code, data */
#define GDT_CODE		0x08
#define GDT_DATA		0x10
#define GDT_SIZE		(3 * 8)

/* One stack per APIC id; a CPU finds its id from its stack pointer */
#define NR_STACKS		8	/* == VIRQ_GUEST_MAX_CPUS, asserted */
#define STACK_SHIFT		14
#define STACK_SIZE		(1 << STACK_SHIFT)

#define CR0_BOOT		0x00000011	/* PE, ET; no PG, CD, NW */

/* xAPIC registers (offsets from LAPIC_BASE) */
#define LAPIC_BASE		0xfee00000
#define LAPIC_ID		0x020
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_LINT0		0x350

/* Exit codes written to VIRQ_PORT_EXIT by the guest itself */
#define EXIT_PASS		0x00
#define EXIT_FAIL		0x01
#define EXIT_BOOT		0x7d	/* bad multiboot magic / command line */
#define EXIT_AP_TIMEOUT		0x7e	/* an AP did not come online */
#define EXIT_EXCEPTION		0x7f	/* CPU exception */

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>
#include "virq-guest.h"

_Static_assert(NR_STACKS == VIRQ_GUEST_MAX_CPUS, "one stack per CPU");
_Static_assert(VIRQ_TRAMPOLINE_GPA % 4096 == 0 &&
	       VIRQ_TRAMPOLINE_GPA < 0x100000, "SIPI can reach the trampoline");

#define SHARED		((struct virq_shared *)VIRQ_SHARED_GPA)
#define LOG		((struct virq_log_ent *)VIRQ_LOG_GPA)

#define barrier()	asm volatile("" ::: "memory")
#define __noreturn	__attribute__((noreturn))
#define __packed	__attribute__((packed))

/* Multiboot v1 information structure: only the fields we read */
#define MB_BOOT_MAGIC		0x2badb002
#define MB_INFO_MEM		(1u << 0)
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
};

struct multiboot_mod {
	uint32_t mod_start, mod_end, string, reserved;
};

/* What idt.S pushes for every vector; see trap_common */
struct trap_frame {
	uint32_t tsc_lo, tsc_hi;
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vec, err;
	uint32_t eip, cs, eflags;
};

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint64_t v;

	asm volatile("rdtsc" : "=A"(v));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/* Returns the old value; a full barrier like every locked instruction */
static inline uint32_t xadd(volatile uint32_t *p, uint32_t v)
{
	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

static inline uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(LAPIC_BASE + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC_BASE + reg) = v;
}

static inline void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* MSI-X: the capability's Message Control, a table entry's layout (PCI 3.0 6.8.2) */
#define MSIX_CTRL		2		/* Message Control, from the capability */
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_FMASK		0x4000
#define MSIX_ADDR_LO		0		/* in a table entry */
#define MSIX_ADDR_HI		4
#define MSIX_DATA		8
#define MSIX_VECTOR_CTRL	12		/* bit 0 = masked */
#define MSIX_ENTRY_SIZE		16
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_DEST_SHIFT		12

/* What the command line asked for (main.c parses it) */
#define MAX_NEED		4

struct guest_opts {
	uint32_t ncpus;			/* "ncpus=N" */
	uint32_t tsc_khz;		/* "tsc_khz=N": TSC cycles per ms (default 3 GHz,
					 * which makes waits longer, never shorter, on
					 * a slower TSC) */
	int selftest;			/* "selftest": run selftest.c, then exit */
	int printlog;			/* "printlog": print the log at exit */
	uint32_t pci_mode;		/* "pci=assign|firmware", else undecided */
	uint32_t nr_need;		/* "need=VVVV:DDDD": the selftest fails */
	uint32_t need[MAX_NEED];	/* without them; vendor | device << 16 */
};

extern struct guest_opts opts;

/* entry.S, trampoline.S, idt.S */
extern uint8_t virq_stacks[];
extern const uint8_t trampoline_start[], trampoline_end[];
extern const uint8_t virq_vectors[];

/* Our APIC id: which of virq_stacks[] this CPU runs on (see entry.S) */
static inline uint32_t this_cpu(void)
{
	uint32_t sp;

	asm("movl %%esp, %0" : "=r"(sp));
	return (sp - (uint32_t)virq_stacks) >> STACK_SHIFT;
}

/* lib.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void delay_cycles(uint32_t cycles);
int wait_until_ge(volatile uint32_t *p, uint32_t v);
void exit_port(uint32_t code);
void __noreturn virq_exit(uint32_t code);

/* serial.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* apic.c */
void lapic_enable(void);
void lapic_send_ipi(uint32_t apic, uint32_t vector);
void lapic_wakeup_ap(uint32_t apic, uint32_t sipi_vector);

/* main.c, idt.c: called from assembly */
void virq_bsp_main(uint32_t magic, const struct multiboot_info *mbi);
void virq_ap_main(void);
void virq_trap(struct trap_frame *f);

/* idt.c, irq.c */
void idt_init(void);
void idt_load(void);
void irq_handle(struct trap_frame *f, uint32_t cpu);
void log_print(void);

/* cmd.c, selftest.c, selftest-dev.c, selftest-msix.c */
void __noreturn cmd_loop(uint32_t me);
int cmd_poll(uint32_t me);
void mmio_write(uint32_t gpa, uint32_t size, uint32_t v);	/* size 1, 2 or 4 */
uint32_t mmio_read(uint32_t gpa, uint32_t size);
int selftest_run(uint32_t ncpus);
int selftest_devices(void);
int selftest_msix(void);

/* pci.c, virtq.c, nvme.c: mailbox ops, returning an enum virq_status */
uint32_t pci_enum(uint32_t *result);
void pci_q35_pirq_disable(void);
uint16_t pci_cfg_read16(uint32_t bdf, uint32_t reg);
void pci_cfg_write16(uint32_t bdf, uint32_t reg, uint16_t v);

/* prog.c: a step program from a multiboot module, run without a VMM */
int prog_load(const struct multiboot_info *mbi);
uint32_t prog_run(void);
void delay_ms(uint32_t ms);
/* prog-virtio.c, prog-nvme.c: its driver steps (struct virq_prog_step); 0, or -1 to stop */
struct virq_prog_step;
int prog_virtio_step(const struct virq_pci_dev *d, const struct virq_prog_step *s);
int prog_nvme_step(const struct virq_pci_dev *d, uint32_t devno, const struct virq_prog_step *s);
const struct virq_pci_dev *pci_find(uint16_t vendor, uint16_t device,
				    uint32_t nth);

/* entry i of d's MSI-X table, as 32-bit words */
static inline volatile uint32_t *msix_entry(const struct virq_pci_dev *d, uint32_t i)
{
	return (volatile uint32_t *)(d->msix_table + i * MSIX_ENTRY_SIZE);
}
uint32_t virtq_add(const volatile uint32_t *arg, uint32_t *result);

/* ioapic.c: mailbox ops, and the level handler's ack */
uint32_t ioapic_write_op(const volatile uint32_t *arg, uint32_t *result);
uint32_t ioapic_read_op(const volatile uint32_t *arg, uint32_t *result);
uint32_t level_ack_op(const volatile uint32_t *arg);
int level_ack(uint32_t vec, uint32_t cpu);
uint32_t eoi_op(void);
uint32_t nvme_sqe(const volatile uint32_t *arg);

#endif /* __ASSEMBLER__ */
#endif /* VIRQ_GUEST_INTERNAL_H */
