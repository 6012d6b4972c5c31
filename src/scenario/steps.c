// SPDX-License-Identifier: GPL-2.0
/*
 * steps.c - the table of step kinds: the words that start each step, the
 * keys it takes and their ranges, the name it defines or needs and the
 * device type it drives; and what the parser reads from it (the kind a
 * line's words match, what could have come instead, a kind's keys). Also
 * the step and errno names that reports print.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse-internal.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_SIGNALS	1000000

/* device types: st->type points at one of these */
static const char virtio_rng[] = "virtio-rng";
static const char nvme[] = "nvme";
static const char vfio_pci[] = "vfio-pci";

#define REQ		true
#define OPT		false
#define VCPU(r)		{ "vcpu", F_VCPU, 0, UINT64_MAX, r }
#define VECTOR		{ "vector", F_VECTOR, 0, UINT64_MAX, REQ }
#define COUNT(lo, hi, r) { "count", F_COUNT, lo, hi, r }
#define ECOUNT		COUNT(0, UINT32_MAX, REQ)
#define PORT		{ "port", F_ADDR, 0, 0xffff, REQ }
#define GADDR		{ "addr", F_ADDR, 0, UINT32_MAX, REQ }	/* the guest is 32-bit */
#define VALUE		{ "value", F_VALUE, 0, UINT32_MAX, REQ }
#define SIZE		{ "size", F_SIZE, 0, UINT64_MAX, OPT }
#define MS(k, r)	{ k, F_MS, 1, 600000, r }
#define LEN		{ "len", F_LEN, 0, 8, REQ }
#define DATAMATCH	{ "datamatch", F_DATAMATCH, 0, UINT64_MAX, OPT }
#define DEV		{ "dev", F_DEV, 0, 0, REQ }
#define INDEX		{ "index", F_INDEX, 0, 2047, REQ }	/* an MSI-X vector number */
#define TALLY(k, f)	{ k, f, 0, UINT32_MAX, OPT }
#define IOAPIC_PIN	{ "pin", F_PIN, 0, 23, REQ }	/* KVM_IOAPIC_NUM_PINS */

#define W(...)		.words = { __VA_ARGS__ }
#define HOST		.host = true
#define MMIO		.mmio = true
#define GUEST		.guest = true
#define VIRTIO		.dev_type = virtio_rng
#define NVME		.dev_type = nvme

/* first match wins, so "expect irq none" precedes "expect irq" */
static const struct step_kind kinds[] = {
	{ OP_VM, W("vm"), { { "vcpus", F_VCPUS, 1, SC_MAX_VCPUS, REQ }, { "fault", F_FAULT, 0, 0, OPT } } },
	{ SC_ROUTE_ADD, W("route", "NAME", "msi"), { VCPU(REQ), VECTOR }, .use = N_NEW_ROUTE,
	  HOST },
	{ SC_ROUTE_UPDATE, W("route", "NAME", "update"), { VCPU(REQ), VECTOR }, .use = N_ROUTE,
	  HOST },
	{ SC_ROUTE_RELEASE, W("route", "NAME", "release"), .use = N_ROUTE, HOST },
	/* the kernel checks the pin (KVM_IOAPIC_NUM_PINS): so does not the parser */
	{ SC_ROUTE_IOAPIC, W("route", "NAME", "ioapic"), { { "pin", F_PIN, 0, 255, REQ } },
	  .use = N_NEW_ROUTE, HOST },
	{ SC_ROUTES_FILL, W("routes", "fill"), { COUNT(1, 8192, REQ), VCPU(REQ), VECTOR }, HOST },
	{ SC_COMMIT, W("commit"), HOST },
	{ SC_ROUTES_COMMIT_RAW, W("routes", "commit-raw"), { COUNT(1, 8192, REQ), VCPU(REQ), VECTOR },
	  HOST },
	{ SC_IRQFD_ADD, W("irqfd", "NAME"), .use = N_ROUTE_OR_LINE, HOST },
	{ SC_IRQFD_REMOVE, W("irqfd", "NAME", "remove"), .use = N_ROUTE_OR_LINE, HOST },
	{ SC_IRQFD_RESAMPLE, W("irqfd", "NAME", "resample"), .use = N_ROUTE_OR_LINE, HOST },
	{ SC_IRQFD_CLOSE, W("irqfd", "NAME", "close"), .use = N_ROUTE, HOST },
	{ SC_LINE_DEFINE, W("line", "NAME"),
	  { { "gsi", F_GSI, 0, 23, OPT }, { "slot", F_SLOT, 0, 31, OPT }, { "pin", F_PIN, 1, 4, OPT } },
	  .use = N_NEW_LINE },
	{ SC_LINE_HIGH, W("line", "NAME", "high"), .use = N_LINE, HOST },
	{ SC_LINE_LOW, W("line", "NAME", "low"), .use = N_LINE, HOST },
	{ SC_LINE_PULSE, W("line", "NAME", "pulse"), .use = N_LINE, HOST },
	{ SC_PROBE_IRQFD, W("probe", "irqfd"), { { "resample", F_RESAMPLE, 0, 1, OPT } }, HOST,
	  .flag = { "no-irqchip", "split-irqchip" } },
	{ SC_PROBE_IRQ_LINE, W("probe", "irq-line"), HOST,
	  .flag = { "no-irqchip", "split-irqchip" } },
	{ SC_SIGNAL, W("signal", "NAME"), { COUNT(1, NR_SIGNALS, OPT) }, .use = N_ROUTE, HOST },
	{ SC_SIGNAL_MSI, W("msi"), { VCPU(REQ), VECTOR, COUNT(1, NR_SIGNALS, OPT) }, HOST },
	{ SC_IOEVENTFD_ADD, W("ioeventfd", "NAME", "pio"),
	  { { "addr", F_ADDR, 0, 0xffff, REQ }, LEN, DATAMATCH }, .use = N_NEW_IOEVENTFD, HOST },
	{ SC_IOEVENTFD_ADD, W("ioeventfd", "NAME", "mmio"),
	  { { "addr", F_ADDR, 0, UINT64_MAX, REQ }, LEN, DATAMATCH }, .use = N_NEW_IOEVENTFD,
	  HOST, MMIO },
	{ SC_IOEVENTFD_REMOVE, W("ioeventfd", "NAME", "remove"), .use = N_IOEVENTFD, HOST },
	{ SC_GUEST_OUT, W("guest", "out"),
	  { PORT, VALUE, SIZE, COUNT(1, NR_SIGNALS, OPT), VCPU(OPT), MS("timeout", OPT) }, GUEST },
	{ SC_GUEST_IN, W("guest", "in"), { PORT, SIZE, VCPU(OPT), MS("timeout", OPT) }, GUEST },
	{ SC_GUEST_WRITE, W("guest", "write"),
	  { GADDR, VALUE, SIZE, COUNT(1, NR_SIGNALS, OPT), VCPU(OPT), MS("timeout", OPT) }, MMIO,
	  GUEST },
	{ SC_GUEST_READ, W("guest", "read"), { GADDR, SIZE, VCPU(OPT), MS("timeout", OPT) }, MMIO,
	  GUEST },
	{ SC_WAIT, W("wait"), { MS("ms", REQ) } },
	{ SC_EXPECT_IRQ_NONE, W("expect", "irq", "none"), { MS("settle", OPT) } },
	{ SC_EXPECT_IRQ, W("expect", "irq"), { VCPU(REQ), VECTOR, ECOUNT, MS("timeout", OPT) } },
	{ SC_EXPECT_COMMITS, W("expect", "commits", "N") },
	{ SC_EXPECT_ROUTES, W("expect", "routes", "N") },
	{ SC_EXPECT_ROUTE, W("expect", "route", "NAME"),
	  { VCPU(OPT), { "vector", F_VECTOR, 0, UINT64_MAX, OPT }, { "gsi", F_GSI, 0, 4095, OPT } },
	  .use = N_ROUTE },
	{ SC_EXPECT_EXITS, W("expect", "exits", "io"), { PORT, ECOUNT } },
	{ SC_EXPECT_EXITS, W("expect", "exits", "mmio"),
	  { { "addr", F_ADDR, 0, UINT64_MAX, REQ }, ECOUNT }, MMIO },
	{ SC_EXPECT_IOEVENTFD, W("expect", "ioeventfd", "NAME"), { ECOUNT },
	  .use = N_ANY_IOEVENTFD },
	{ SC_EXPECT_RESULT, W("expect", "result", "RESULT") },
	{ SC_DEVICE, W("device", "NAME", virtio_rng), .use = N_NEW_DEVICE, VIRTIO },
	{ SC_DEVICE, W("device", "NAME", nvme), .use = N_NEW_DEVICE, NVME },
	{ SC_DEVICE, W("device", "NAME", vfio_pci),
	  { { "host", F_HOST, 0, 0, REQ }, { "x-no-kvm-intx", F_NO_KVM_INTX, 0, 0, OPT } },
	  .use = N_NEW_DEVICE, .dev_type = vfio_pci },
	{ SC_DEVICE_HOLD, W("device", "NAME", "hold"), .use = N_DEVICE },
	{ SC_DEVICE_COMPLETE, W("device", "NAME", "complete"), { COUNT(1, 65536, OPT) },
	  .use = N_DEVICE },
	{ SC_DEVICE_RESET, W("device", "NAME", "reset"), .use = N_DEVICE },
	{ SC_GUEST_PCI_ENUM, W("guest", "pci", "enum"), { VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_ENABLE, W("guest", "msix", "enable"), { DEV, VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_DISABLE, W("guest", "msix", "disable"), { DEV, VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_FMASK, W("guest", "msix", "function-mask"), { DEV, VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_FUNMASK, W("guest", "msix", "function-unmask"), { DEV, VCPU(OPT) },
	  GUEST },
	/* vcpu= is the MSI's destination here; the step runs on vCPU 0 */
	{ SC_GUEST_MSIX_VECTOR, W("guest", "msix", "vector"), { DEV, INDEX, VCPU(REQ), VECTOR },
	  GUEST },
	{ SC_GUEST_MSIX_MASK, W("guest", "msix", "mask"), { DEV, INDEX, VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_UNMASK, W("guest", "msix", "unmask"), { DEV, INDEX, VCPU(OPT) }, GUEST },
	{ SC_GUEST_MSIX_READ_PBA, W("guest", "msix", "read-pba"), { DEV, VCPU(OPT) }, GUEST },
	{ SC_GUEST_VIRTIO_SETUP, W("guest", "virtio", "setup"), { DEV, INDEX, VCPU(OPT) }, GUEST,
	  VIRTIO },
	{ SC_GUEST_VIRTIO_DRIVER_OK, W("guest", "virtio", "driver-ok"), { DEV, VCPU(OPT) }, GUEST,
	  VIRTIO },
	{ SC_GUEST_VIRTIO_RESET, W("guest", "virtio", "reset"), { DEV, VCPU(OPT) }, GUEST,
	  VIRTIO },
	{ SC_GUEST_VIRTIO_KICK, W("guest", "virtio", "kick"),
	  { DEV, COUNT(1, 1000, OPT), VCPU(OPT) }, GUEST, VIRTIO },
	{ SC_GUEST_VIRTIO_QUEUE_VECTOR, W("guest", "virtio", "queue-vector"), { DEV, INDEX, VCPU(OPT) },
	  GUEST, VIRTIO },
	{ SC_GUEST_VIRTIO_CONFIG_VECTOR, W("guest", "virtio", "config-vector"),
	  { DEV, INDEX, VCPU(OPT) }, GUEST, VIRTIO },
	{ SC_GUEST_NVME_INIT, W("guest", "nvme", "init"), { DEV, INDEX, VCPU(OPT) }, GUEST, NVME },
	{ SC_GUEST_E1000E_INIT, W("guest", "e1000e", "init"), { DEV, VCPU(OPT) }, GUEST,
	  .dev_type = vfio_pci },
	{ SC_GUEST_MSIX_FLAP, W("guest", "msix", "flap"),
	  { DEV, INDEX, COUNT(1, 1000000, REQ), VCPU(REQ) }, GUEST },
	{ SC_GUEST_WAIT, W("guest", "wait"), { VCPU(REQ) }, GUEST },
	{ SC_GUEST_E1000E_RAISE, W("guest", "e1000e", "raise"),
	  { DEV, INDEX, COUNT(1, 100000, OPT), VCPU(OPT) }, GUEST, .dev_type = vfio_pci },
	{ SC_GUEST_NVME_READ, W("guest", "nvme", "read"), { DEV, COUNT(1, 1000, OPT), VCPU(OPT) },
	  GUEST, NVME },
	{ SC_EXPECT_PENDING, W("expect", "pending"), { DEV, INDEX }, .flag = { "set", "clear" } },
	{ SC_EXPECT_VECTOR, W("expect", "vector"),
	  { DEV, INDEX, TALLY("raised", F_RAISED), TALLY("delivered", F_DELIVERED),
	    TALLY("pending", F_PENDING), TALLY("dropped", F_DROPPED), TALLY("moved", F_MOVED),
	    TALLY("misrouted", F_MISROUTED), TALLY("lost", F_LOST), TALLY("stale", F_STALE),
	    TALLY("delivered_masked", F_DELIVERED_MASKED) } },
	{ SC_EXPECT_COMPLETIONS, W("expect", "completions"), { DEV, ECOUNT } },
	/* vcpu= is the entry's destination; the guest's IOAPIC steps run on vCPU 0 */
	{ SC_GUEST_IOAPIC_MASK, W("guest", "ioapic", "mask"), { IOAPIC_PIN }, GUEST },
	{ SC_GUEST_IOAPIC_UNMASK, W("guest", "ioapic", "unmask"), { IOAPIC_PIN }, GUEST },
	{ SC_GUEST_IOAPIC_READ, W("guest", "ioapic", "read"), { IOAPIC_PIN }, GUEST },
	{ SC_GUEST_IOAPIC_RTE, W("guest", "ioapic"),
	  { IOAPIC_PIN, VECTOR, VCPU(REQ), { "masked", F_MASKED, 0, 1, OPT } }, GUEST,
	  .flag = { "level", "edge" } },
	{ SC_GUEST_LEVEL_ACK, W("guest", "level-ack"),
	  { VECTOR, { "gsi", F_GSI, 0, 23, OPT }, { "dev", F_DEV, 0, 0, OPT },
	    { "every", F_EVERY, 0, 1000, REQ },
	    { "defer-eoi", F_DEFER_EOI, 0, 1, OPT }, VCPU(OPT) }, GUEST, .dev_type = vfio_pci },
	{ SC_GUEST_EOI, W("guest", "eoi"), { VCPU(OPT) }, GUEST },
	/* a CPU that stops answering (run-faults.c) */
	{ SC_GUEST_HANG, W("guest", "hang"), { VCPU(OPT) }, GUEST },
	{ SC_EXPECT_REMOTE_IRR, W("expect", "remote-irr"), { IOAPIC_PIN },
	  .flag = { "set", "clear" } },
	{ SC_EXPECT_LINE, W("expect", "line", "NAME"),
	  { TALLY("raised", F_RAISED), TALLY("acked", F_ACKED), TALLY("taken", F_TAKEN),
	    TALLY("resamples", F_RESAMPLES), TALLY("reasserts", F_REASSERTS),
	    { "level", F_LEVEL, 0, 1, OPT } }, .use = N_LINE },
	{ SC_EXPECT_STATUS_IOAPIC, W("expect", "status", "ioapic", "STATUS") },
	{ SC_EXPECT_STATUS_PIC, W("expect", "status", "pic", "STATUS") },
	{ SC_EXPECT_RESAMPLES, W("expect", "resamples", "NAME"), { ECOUNT }, .use = N_ROUTE },
	{ SC_EXPECT_INTX, W("expect", "intx"),
	  { DEV, { "enabled", F_INTX_ENABLED, 0, 1, OPT }, { "kvm", F_INTX_KVM, 0, 1, OPT },
	    { "gsi", F_GSI, 0, 23, OPT }, TALLY("interrupts", F_INTERRUPTS), TALLY("eois", F_EOIS) },
	  .dev_type = vfio_pci },
	{ SC_EXPECT_SIGNALS, W("expect", "signals", "NAME"),
	  { TALLY("raised", F_RAISED), TALLY("delivered", F_DELIVERED),
	    TALLY("misrouted", F_MISROUTED), TALLY("lost", F_LOST), TALLY("stale", F_STALE) },
	  .use = N_ROUTE },
	/* what the VMM believes the kernel has (run-faults.c) */
	{ SC_EXPECT_IRQFDS, W("expect", "irqfds", "N") },
	{ SC_EXPECT_KERNEL_ROUTES, W("expect", "kernel-routes", "N") },
	{ SC_EXPECT_KERNEL_ROUTE, W("expect", "kernel-route", "NAME"),
	  { VCPU(OPT), { "vector", F_VECTOR, 0, UINT64_MAX, OPT }, { "gsi", F_GSI, 0, 4095, OPT } },
	  .use = N_ROUTE },
};

static const char *const op_names[SC_OP_MAX + 1] = {
	[OP_VM] = "vm",
	[SC_ROUTE_ADD] = "route msi",		[SC_ROUTE_UPDATE] = "route update",
	[SC_ROUTE_RELEASE] = "route release",	[SC_ROUTES_FILL] = "routes fill",
	[SC_COMMIT] = "commit",			[SC_IRQFD_ADD] = "irqfd",
	[SC_ROUTES_COMMIT_RAW] = "routes commit-raw",
	[SC_IRQFD_REMOVE] = "irqfd remove",	[SC_SIGNAL] = "signal",
	[SC_SIGNAL_MSI] = "msi",		[SC_IOEVENTFD_ADD] = "ioeventfd",
	[SC_IOEVENTFD_REMOVE] = "ioeventfd remove", [SC_GUEST_OUT] = "guest out",
	[SC_GUEST_IN] = "guest in",		[SC_GUEST_WRITE] = "guest write",
	[SC_GUEST_READ] = "guest read",		[SC_WAIT] = "wait",
	[SC_EXPECT_IRQ] = "expect irq",		[SC_EXPECT_IRQ_NONE] = "expect irq none",
	[SC_EXPECT_COMMITS] = "expect commits",	[SC_EXPECT_ROUTE] = "expect route",
	[SC_EXPECT_ROUTES] = "expect routes",	[SC_EXPECT_EXITS] = "expect exits",
	[SC_EXPECT_IOEVENTFD] = "expect ioeventfd", [SC_EXPECT_RESULT] = "expect result",
	[SC_GUEST_E1000E_INIT] = "guest e1000e init", [SC_GUEST_E1000E_RAISE] = "guest e1000e raise",
	[SC_GUEST_MSIX_FLAP] = "guest msix flap",	[SC_GUEST_WAIT] = "guest wait",
	[SC_DEVICE] = "device",			[SC_DEVICE_HOLD] = "device hold",
	[SC_DEVICE_COMPLETE] = "device complete", [SC_GUEST_PCI_ENUM] = "guest pci enum",
	[SC_GUEST_MSIX_ENABLE] = "guest msix enable",
	[SC_GUEST_MSIX_DISABLE] = "guest msix disable",
	[SC_GUEST_MSIX_FMASK] = "guest msix function-mask",
	[SC_GUEST_MSIX_FUNMASK] = "guest msix function-unmask",
	[SC_GUEST_MSIX_VECTOR] = "guest msix vector",
	[SC_GUEST_MSIX_MASK] = "guest msix mask",
	[SC_GUEST_MSIX_UNMASK] = "guest msix unmask",
	[SC_GUEST_MSIX_READ_PBA] = "guest msix read-pba",
	[SC_GUEST_VIRTIO_SETUP] = "guest virtio setup",
	[SC_GUEST_VIRTIO_DRIVER_OK] = "guest virtio driver-ok",
	[SC_GUEST_VIRTIO_RESET] = "guest virtio reset",
	[SC_GUEST_VIRTIO_KICK] = "guest virtio kick",
	[SC_GUEST_VIRTIO_QUEUE_VECTOR] = "guest virtio queue-vector",
	[SC_GUEST_VIRTIO_CONFIG_VECTOR] = "guest virtio config-vector",
	[SC_GUEST_NVME_INIT] = "guest nvme init",	[SC_GUEST_NVME_READ] = "guest nvme read",
	[SC_EXPECT_PENDING] = "expect pending",	[SC_EXPECT_VECTOR] = "expect vector",
	[SC_EXPECT_COMPLETIONS] = "expect completions",
	[SC_LINE_DEFINE] = "line",		[SC_LINE_HIGH] = "line high",
	[SC_LINE_LOW] = "line low",		[SC_LINE_PULSE] = "line pulse",
	[SC_IRQFD_RESAMPLE] = "irqfd resample",	[SC_PROBE_IRQFD] = "probe irqfd",
	[SC_PROBE_IRQ_LINE] = "probe irq-line",	[SC_GUEST_IOAPIC_RTE] = "guest ioapic",
	[SC_GUEST_IOAPIC_MASK] = "guest ioapic mask",
	[SC_GUEST_IOAPIC_UNMASK] = "guest ioapic unmask",
	[SC_GUEST_IOAPIC_READ] = "guest ioapic read",
	[SC_GUEST_LEVEL_ACK] = "guest level-ack",	[SC_GUEST_EOI] = "guest eoi",
	[SC_EXPECT_REMOTE_IRR] = "expect remote-irr",	[SC_EXPECT_LINE] = "expect line",
	[SC_EXPECT_STATUS_IOAPIC] = "expect status ioapic",
	[SC_EXPECT_STATUS_PIC] = "expect status pic",
	[SC_EXPECT_RESAMPLES] = "expect resamples",
	[SC_EXPECT_INTX] = "expect intx",	[SC_EXPECT_SIGNALS] = "expect signals",
	[SC_ROUTE_IOAPIC] = "route ioapic",	[SC_IRQFD_CLOSE] = "irqfd close",
	[SC_DEVICE_RESET] = "device reset",	[SC_GUEST_HANG] = "guest hang",
	[SC_EXPECT_IRQFDS] = "expect irqfds",	[SC_EXPECT_KERNEL_ROUTES] = "expect kernel-routes",
	[SC_EXPECT_KERNEL_ROUTE] = "expect kernel-route",
};

static const struct { const char *name; int err; } errnos[] = {
	{ "ok", 0 }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "EEXIST", EEXIST },
	{ "ENOENT", ENOENT }, { "EBUSY", EBUSY }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EFAULT", EFAULT }, { "E2BIG", E2BIG }, { "ENXIO", ENXIO },
	{ "EPERM", EPERM }, { "ENODEV", ENODEV }, { "ENOTTY", ENOTTY },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

const char *sc_op_name(enum sc_op op)
{
	return (unsigned int)op < SC_OP_MAX ? op_names[op] : "?";
}

const char *sc_errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return "unknown";
}

int sc_errno_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(errnos[i].name, s))
			return errnos[i].err;
	return -1;
}

/* the kind's words for messages: "expect irq", "vm" */
const char *steps_kind_name(const struct step_kind *k)
{
	return op_names[k->op];
}

/* "a virtio-rng", "an nvme" */
const char *steps_type_article(const char *type)
{
	return !strcmp(type, nvme) ? "an" : "a";
}

/* "a", "a or b", "a, b or c" */
static void join(char *buf, size_t len, const char *const *items, int n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", !i ? "" : i == n - 1 ? " or " : ", ",
				items[i]);
}

/* k's keys, joined, in list; returns how many it takes */
int steps_list_keys(const struct step_kind *k, char *list, size_t len)
{
	const char *names[MAX_KEYS];
	int n = 0;

	while (n < MAX_KEYS && k->keys[n].key) {
		names[n] = k->keys[n].key;
		n++;
	}
	join(list, len, names, n);
	return n;
}

bool steps_is_flag(const struct step_kind *k, const char *s)
{
	return k->flag[0] && (!strcmp(s, k->flag[0]) || !strcmp(s, k->flag[1]));
}

int steps_nr_words(const struct step_kind *k)
{
	int n = 0;

	while (n < 4 && k->words[n])
		n++;
	return n;
}

/* how many leading pattern words w[] fills */
static int depth(const struct step_kind *k, char **w, int npos)
{
	int i;

	for (i = 0; i < steps_nr_words(k) && i < npos; i++)
		if (islower((unsigned char)k->words[i][0]) && strcmp(k->words[i], w[i]))
			break;
	return i;
}

static void add_cand(const char **cand, int *n, const char *c)
{
	int j;

	for (j = 0; j < *n && strcmp(cand[j], c); j++)
		;
	if (j == *n)
		cand[(*n)++] = c;
}

/*
 * where no kind matched: what could have come after the longest prefix of
 * w[0..npos) that some kind matches, joined, in list; returns that prefix's
 * length, 0 if not even the first word matched
 */
int steps_list_wanted(char **w, int npos, char *list, size_t len)
{
	const char *cand[3 * ARRAY_SIZE(kinds)];
	int best = 0, n = 0;

	/* the words wanted right after the longest matched prefix */
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct step_kind *k = &kinds[i];
		int d = depth(k, w, npos);

		if (d < best)
			continue;
		if (d > best) {
			best = d;
			n = 0;
		}
		if (d < steps_nr_words(k)) {
			add_cand(cand, &n, k->words[d]);
			continue;
		}
		if (k->flag[0]) {
			add_cand(cand, &n, k->flag[0]);
			add_cand(cand, &n, k->flag[1]);
		}
		add_cand(cand, &n, k->keys[0].key ? "key=value" : "end of line");
	}
	join(list, len, cand, n);
	return best;
}

/* the kind whose words are w[0..npos), or begin it if a flag word follows */
const struct step_kind *steps_match(char **w, int npos)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct step_kind *k = &kinds[i];
		int n = steps_nr_words(k);

		if (depth(k, w, npos) == n && (npos == n || steps_is_flag(k, w[n])))
			return k;
	}
	return NULL;
}
