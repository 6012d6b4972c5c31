// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - virq test guest: BSP boot and AP start-up.
 *
 * A freestanding i386 multiboot v1 kernel that the virq VMM (or QEMU's
 * -kernel) loads at 1 MiB. It is the target for interrupt tests: every
 * interrupt is counted and logged in memory the VMM reads (virq-guest.h).
 *
 * Boot sequence:
 *  1. entry.S: the loader enters the BSP in flat 32-bit protected mode with
 *     EAX = 0x2BADB002, EBX = multiboot info. Load our GDT, pick the stack
 *     of our APIC id, call virq_bsp_main().
 *  2. BSP: build and load the IDT, check the magic, read mem_upper and the
 *     command line ("ncpus=N", "selftest", ...: parse_word) and print
 *     them; fill the shared area; copy trampoline.S to 0x8000; enable the
 *     xAPIC; report online (shared->online, VIRQ_PORT_ONLINE).
 *  3. For each AP id 1..N-1 in turn: INIT, SIPI, SIPI (vector 0x08). The AP
 *     runs trampoline.S in real mode, enters protected mode, lands in
 *     entry.S:ap_entry32, takes its stack and calls virq_ap_main(), which
 *     enables its xAPIC, loads the IDT and reports online. The BSP waits,
 *     bounded, for shared->online to grow before starting the next one.
 *  4. Every CPU idles in cmd_loop() (cmd.c) serving its mailbox, or, with
 *     "selftest", the BSP runs selftest.c and exits through the exit port.
 */
#include "guest.h"

static char cmdline[VIRQ_CMDLINE_MAX];
struct guest_opts opts = { .ncpus = 1, .tsc_khz = 3000000 };

/* Returns the rest of word [w, e) after prefix p, or NULL */
static const char *skip_prefix(const char *w, const char *e, const char *p)
{
	for (; *p; p++, w++)
		if (w == e || *w != *p)
			return NULL;
	return w;
}

/* Decimal only; anything else (nothing, or past 32 bits) gives 0, which is invalid */
static uint32_t parse_u32(const char *s, const char *e)
{
	uint32_t v = 0;

	if (s == e)
		return 0;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9' || v > (0xffffffffu - 9) / 10)
			return 0;
		v = v * 10 + *s - '0';
	}
	return v;
}

/* Exactly four hex digits, else ~0u (not an ID) */
static uint32_t parse_hex16(const char *s, const char *e)
{
	uint32_t v = 0;

	if (e - s != 4)
		return ~0u;
	for (; s < e; s++) {
		char c = *s | 0x20;	/* lower case; digits keep their value */

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			return ~0u;
	}
	return v;
}

/* "need=VVVV:DDDD": a vendor:device the selftest must find */
static void parse_need(const char *v, const char *e)
{
	uint32_t ven = ~0u, dev = ~0u;

	if (e - v == 9 && v[4] == ':') {
		ven = parse_hex16(v, v + 4);
		dev = parse_hex16(v + 5, e);
	}
	if (ven == ~0u || dev == ~0u || opts.nr_need == MAX_NEED) {
		kprintf("virq-guest: bad or too many need= words\n");
		virq_exit(EXIT_BOOT);
	}
	opts.need[opts.nr_need++] = ven | dev << 16;
}

/* One word [w, e); QEMU puts the kernel's path first: unknown words pass */
static void parse_word(const char *w, const char *e)
{
	const char *v;

	if ((v = skip_prefix(w, e, "selftest")) && v == e)
		opts.selftest = 1;
	else if ((v = skip_prefix(w, e, "printlog")) && v == e)
		opts.printlog = 1;
	else if ((v = skip_prefix(w, e, "ncpus=")))
		opts.ncpus = parse_u32(v, e);
	else if ((v = skip_prefix(w, e, "tsc_khz=")))
		opts.tsc_khz = parse_u32(v, e) ?: opts.tsc_khz;	/* 0: keep the default */
	else if ((v = skip_prefix(w, e, "need=")))
		parse_need(v, e);
	else if ((v = skip_prefix(w, e, "pci=assign")) && v == e)
		opts.pci_mode = VIRQ_PCI_ASSIGN;
	else if ((v = skip_prefix(w, e, "pci=firmware")) && v == e)
		opts.pci_mode = VIRQ_PCI_FIRMWARE;
}

static void parse_cmdline(const char *s)
{
	while (*s) {
		const char *w;

		while (*s == ' ')
			s++;
		for (w = s; *s && *s != ' '; s++)
			;
		if (w != s)
			parse_word(w, s);
	}
}

static void copy_cmdline(const struct multiboot_info *mbi)
{
	const char *src = (const char *)mbi->cmdline;
	uint32_t i;

	if (!(mbi->flags & MB_INFO_CMDLINE))
		return;
	for (i = 0; i < sizeof(cmdline) - 1 && src[i]; i++)
		cmdline[i] = src[i];
	cmdline[i] = '\0';
}

static void cpu_online(uint32_t me)
{
	xadd(&SHARED->online, 1);
	outl(VIRQ_PORT_ONLINE, me);
}

static void start_aps(uint32_t ncpus)
{
	uint32_t id;

	for (id = 1; id < ncpus; id++) {
		uint32_t want = SHARED->online + 1;

		lapic_wakeup_ap(id, VIRQ_TRAMPOLINE_GPA >> 12);
		if (wait_until_ge(&SHARED->online, want)) {
			kprintf("virq-guest: cpu %u did not come online\n", id);
			virq_exit(EXIT_AP_TIMEOUT);
		}
	}
}

void virq_bsp_main(uint32_t magic, const struct multiboot_info *mbi)
{
	uint32_t me = this_cpu(), ncpus, mem_upper = 0, i;
	int prog;

	idt_init();
	idt_load();

	if (magic != MB_BOOT_MAGIC) {
		kprintf("virq-guest: bad multiboot magic 0x%x\n", magic);
		virq_exit(EXIT_BOOT);
	}
	if (mbi->flags & MB_INFO_MEM)
		mem_upper = mbi->mem_upper;
	copy_cmdline(mbi);
	parse_cmdline(cmdline);
	/* before the steps use any memory the loader may have put it in */
	prog = prog_load(mbi);
	ncpus = opts.ncpus;
	kprintf("virq-guest: mem_upper=%u KiB cmdline='%s' ncpus=%u tsc_khz=%u\n",
		mem_upper, cmdline, ncpus, opts.tsc_khz);

	if (ncpus < 1 || ncpus > VIRQ_GUEST_MAX_CPUS) {
		kprintf("virq-guest: ncpus must be 1..%u\n",
			VIRQ_GUEST_MAX_CPUS);
		virq_exit(EXIT_BOOT);
	}
	if (me != 0) {
		kprintf("virq-guest: BSP has APIC id %u, need 0\n", me);
		virq_exit(EXIT_BOOT);
	}

	/* The VMM hands us zeroed RAM; only a warm reboot leaves state */
	if (SHARED->magic) {
		memset(SHARED, 0, sizeof(*SHARED));
		memset(LOG, 0, VIRQ_LOG_MAX * sizeof(*LOG));
	}
	SHARED->ncpus = ncpus;
	SHARED->pci_mode = opts.pci_mode;
	SHARED->magic = VIRQ_SHARED_MAGIC;

	memcpy((void *)VIRQ_TRAMPOLINE_GPA, trampoline_start,
	       trampoline_end - trampoline_start);
	lapic_enable();
	cpu_online(me);
	start_aps(ncpus);
	for (i = 0; i < ncpus; i++)
		kprintf("virq-guest: cpu %u online\n", i);

	if (opts.selftest)
		virq_exit(selftest_run(ncpus) ? EXIT_FAIL : EXIT_PASS);
	if (prog)
		virq_exit(prog < 0 ? EXIT_BOOT : prog_run());
	cmd_loop(me);
}

void virq_ap_main(void)
{
	uint32_t me = this_cpu();

	lapic_enable();
	idt_load();
	cpu_online(me);
	cmd_loop(me);
}
