// SPDX-License-Identifier: GPL-2.0
/*
 * boot64.c - a test kernel that checks what a VMM booting it as QEMU's
 * -kernel gives, from 64-bit long mode (head64.S got it there: CPUID's LM
 * bit, EFER.LME). Expectations come from its command line,
 * "NAME smp=N mem=MB [mods=K]":
 *
 *   the multiboot magic and info: mem_upper = (MB - 1) MiB in KiB (less
 *     what firmware keeps at the top), the module count; the command
 *     line printed whole (QEMU's is "KERNEL ARGS")
 *   fw_cfg at 0x510/0x511: "QEMU", FW_CFG_ID bit 0, NB_CPUS = N,
 *     RAM_SIZE = MB MiB
 *   CPUID: the hypervisor bit; leaf 1's APIC id (and 0xb's x2APIC id) is
 *     the LAPIC's ID register, on the BSP and, with N > 1, on the AP it
 *     starts (INIT, SIPI, SIPI) into a 32-bit trampoline
 *   pc-testdev: 0xe0 written and read back in 4, 2 and 1 byte accesses,
 *     0xe8 the same register byte by byte, the iomem page at 0xff000000
 *   an ISA IRQ line (pc-testdev 0x200a) through the IOAPIC (pin 10,
 *     vector 0x40, edge): two pulses, two interrupts
 *
 * Exit through isa-debug-exit: 0 when every check held (status 1), else
 * 0x10 + the number of the first that failed (status (code << 1) | 1).
 */
#include <stdint.h>

#include "tk-lib.h"

#define MBI_FLAG_MEM		(1u << 0)
#define MBI_FLAG_CMDLINE	(1u << 2)
#define MBI_FLAG_MODS		(1u << 3)

struct mbi {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};

extern uint32_t tk_mb_magic, tk_mb_info;
extern const char tk_tramp_start[], tk_tramp_end[];

const char tk_name[] = "boot64";
static volatile uint32_t irq_count;

void tk_irq(void)
{
	irq_count++;
	mmio_write32(TK_LAPIC + 0xb0, 0);	/* EOI */
}

static uint64_t fw_cfg_get(uint16_t key, int bytes)
{
	uint64_t v = 0;

	outw(key, TK_PORT_FWCFG_SEL);
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)inb(TK_PORT_FWCFG_DATA) << (8 * i);
	return v;
}

static void check_fw_cfg(uint64_t smp, uint64_t mem_mb)
{
	uint64_t sig = fw_cfg_get(0x00, 4), id = fw_cfg_get(0x01, 4);
	uint64_t ncpus = fw_cfg_get(0x05, 2), ram = fw_cfg_get(0x03, 8);

	tk_printf("boot64: fw_cfg signature %c%c%c%c id 0x%lx cpus %lu ram 0x%lx\n",
		  (char)sig, (char)(sig >> 8), (char)(sig >> 16), (char)(sig >> 24), id, ncpus, ram);
	tk_check(sig == 0x554d4551, "fw_cfg signature is \"QEMU\"");
	tk_check(id & 1, "fw_cfg ID has the traditional interface");
	tk_check(ncpus == smp, "fw_cfg NB_CPUS is smp=");
	tk_check(ram == mem_mb << 20, "fw_cfg RAM_SIZE is mem=");
}

static void check_multiboot(const struct mbi *mbi, uint64_t mem_mb, uint64_t mods)
{
	tk_check(tk_mb_magic == 0x2badb002, "multiboot magic 0x2badb002 in EAX");
	tk_printf("boot64: mbi flags 0x%x mem_lower %u mem_upper %u mods %u\n", mbi->flags,
		  mbi->mem_lower, mbi->mem_upper, mbi->mods_count);
	/* under QEMU, SeaBIOS keeps the top 128 KiB of RAM (e820 reserved) */
	tk_check((mbi->flags & MBI_FLAG_MEM) && mbi->mem_upper <= (mem_mb - 1) * 1024 &&
	      mbi->mem_upper + 1024 >= (mem_mb - 1) * 1024,
	      "mem_upper is the KiB of RAM above 1 MiB (firmware may keep up to 1 MiB at the top)");
	tk_check(mods == ~0ull || ((mbi->flags & MBI_FLAG_MODS) && mbi->mods_count == mods),
	      "mods_count is mods=");
	if ((mbi->flags & MBI_FLAG_MODS) && mbi->mods_count) {
		const uint32_t *m = (const uint32_t *)(uintptr_t)mbi->mods_addr;

		tk_printf("boot64: module 0: %u bytes at 0x%x, string '%s'\n", m[1] - m[0], m[0],
			  (const char *)(uintptr_t)m[2]);
	}
}

static void check_testdev(void)
{
	uint32_t v;

	outl(0x12345678, TK_PORT_TESTDEV);
	tk_check(inl(TK_PORT_TESTDEV) == 0x12345678, "pc-testdev 0xe0: a 4-byte write reads back");
	outw(0xabcd, TK_PORT_TESTDEV + 2);
	outb(0xef, TK_PORT_TESTDEV + 1);
	v = inl(TK_PORT_TESTDEV);
	tk_check(v == 0xabcdef78 && inw(TK_PORT_TESTDEV + 2) == 0xabcd &&
	      inb(TK_PORT_TESTDEV + 1) == 0xef, "pc-testdev 0xe0: 2- and 1-byte writes at +2, +1");
	outl(0xcafef00d, TK_PORT_TESTDEV_BYTE);
	tk_check(inl(TK_PORT_TESTDEV) == 0xcafef00d && inb(TK_PORT_TESTDEV_BYTE + 3) == 0xca,
	      "pc-testdev 0xe8: the same register, byte by byte");
	mmio_write32(TK_TESTDEV_IOMEM + 0x100, 0x5a5aa5a5);
	tk_check(mmio_read32(TK_TESTDEV_IOMEM + 0x100) == 0x5a5aa5a5,
	      "pc-testdev iomem at 0xff000000 reads back");
}

static void check_cpuid_bsp(void)
{
	uint32_t r[4], apic_id = mmio_read32(TK_LAPIC + 0x20) >> 24, max;

	cpuid(0, 0, r);
	max = r[0];
	cpuid(1, 0, r);
	tk_printf("boot64: BSP: LAPIC id %u, CPUID.1 ebx 0x%x ecx 0x%x, EFER 0x%lx\n", apic_id,
		  r[1], r[2], rdmsr(0xc0000080));
	tk_check(r[2] & (1u << 31), "CPUID.1:ECX hypervisor bit");
	tk_check(r[1] >> 24 == apic_id, "CPUID.1:EBX[31:24] is the BSP's LAPIC id");
	tk_check(rdmsr(0xc0000080) & (1u << 10), "EFER.LMA: in long mode");
	if (max >= 0xb) {
		cpuid(0xb, 0, r);
		tk_check(r[3] == apic_id, "CPUID.0xb:EDX is the BSP's x2APIC id");
	}
}

static void lapic_icr(uint32_t dest, uint32_t low)
{
	mmio_write32(TK_LAPIC + 0x310, dest << 24);
	mmio_write32(TK_LAPIC + 0x300, low);
	while (mmio_read32(TK_LAPIC + 0x300) & (1u << 12))	/* delivery status */
		;
}

static void spin(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}

/* APIC id 1 into the trampoline; what it reports of its CPUID */
static void check_cpuid_ap(void)
{
	volatile uint32_t *done = (volatile uint32_t *)TK_AP_DONE;
	const char *src = tk_tramp_start;
	char *dst = (char *)TK_TRAMPOLINE;

	while (src < tk_tramp_end)
		*dst++ = *src++;
	*done = 0;
	/* as Linux's wakeup_secondary_cpu_via_init: INIT (level, assert, then
	 * de-assert), two SIPIs; our LAPIC software-enabled first */
	lapic_icr(1, 0x0000c500);
	spin(100000);
	lapic_icr(1, 0x00008500);
	lapic_icr(1, 0x00000600 | (TK_TRAMPOLINE >> 12));
	spin(100000);
	lapic_icr(1, 0x00000600 | (TK_TRAMPOLINE >> 12));
	/* bounded (a lost AP must fail the check, not hang the run); nested
	 * under TCG an iteration costs a microsecond or more */
	for (unsigned long i = 0; i < 20000000ul && !*done; i++)
		__asm__ volatile("pause");
	tk_printf("boot64: AP: %s, CPUID.1 ebx 0x%x, CPUID.0xb edx 0x%x\n",
		  *done ? "came up" : "did not come up", *(volatile uint32_t *)TK_AP_CPUID1_EBX,
		  *(volatile uint32_t *)TK_AP_CPUIDB_EDX);
	tk_check(*done && *(volatile uint32_t *)TK_AP_CPUID1_EBX >> 24 == 1,
	      "CPUID.1:EBX[31:24] is 1 on the AP (APIC id 1)");
	tk_check(*done && (*(volatile uint32_t *)TK_AP_CPUIDB_EDX == 1 ||
			*(volatile uint32_t *)TK_AP_CPUIDB_EDX == ~0u),
	      "CPUID.0xb:EDX is 1 on the AP (or no leaf 0xb)");
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(TK_IOAPIC, reg);
	mmio_write32(TK_IOAPIC + 0x10, v);
}

static int wait_irqs(uint32_t n)
{
	for (unsigned long i = 0; i < 20000000ul && irq_count < n; i++)
		__asm__ volatile("pause");
	return irq_count == n;
}

/* ISA IRQ 10: pc-testdev's line -> KVM_IRQ_LINE -> IOAPIC pin 10 -> vector 0x40 */
static void check_irq_line(void)
{
	int ok;

	ioapic_write(0x10 + 2 * 10 + 1, 0);	/* destination APIC id 0 */
	ioapic_write(0x10 + 2 * 10, TK_IRQ_VECTOR);	/* fixed, physical, edge, unmasked */
	__asm__ volatile("sti");
	outb(1, TK_PORT_TESTDEV_IRQ + 10);
	ok = wait_irqs(1);
	outb(0, TK_PORT_TESTDEV_IRQ + 10);
	outb(1, TK_PORT_TESTDEV_IRQ + 10);
	ok = wait_irqs(2) && ok;
	outb(0, TK_PORT_TESTDEV_IRQ + 10);
	spin(1000000);
	__asm__ volatile("cli");
	ioapic_write(0x10 + 2 * 10, 1u << 16);	/* masked again */
	tk_printf("boot64: IRQ 10 pulsed twice: %u interrupts on vector 0x%x\n", irq_count,
		  TK_IRQ_VECTOR);
	tk_check(ok && irq_count == 2, "two pulses of pc-testdev's IRQ 10 line, two interrupts");
}

int tk_main(void)
{
	const struct mbi *mbi = (const struct mbi *)(uintptr_t)tk_mb_info;
	const char *cmdline = (mbi->flags & MBI_FLAG_CMDLINE) ?
			      (const char *)(uintptr_t)mbi->cmdline : "";
	uint64_t smp = tk_arg(cmdline, "smp", 1), mem = tk_arg(cmdline, "mem", 128);

	tk_idt_load();
	outb(0xff, 0x21);	/* the PICs masked: only the IOAPIC delivers */
	outb(0xff, 0xa1);
	mmio_write32(TK_LAPIC + 0xf0, 0x1ff);	/* SVR: enabled, spurious 0xff */
	mmio_write32(TK_LAPIC + 0x80, 0);	/* TPR */
	tk_printf("boot64: in long mode, cmdline '%s'\n", cmdline);
	check_multiboot(mbi, mem, tk_arg(cmdline, "mods", ~0ull));
	check_fw_cfg(smp, mem);
	check_cpuid_bsp();
	if (smp > 1)
		check_cpuid_ap();
	check_testdev();
	check_irq_line();
	return tk_checks_result();
}
