// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - scenario files: split each line into words, match the leading
 * words against the step table, then check names, keys, ranges and the
 * rules that tie fields together. Nothing is printed: the first error is
 * written to err and parsing stops.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_LEN	1023
#define MAX_WORDS	16
#define MAX_KEYS	5
#define OP_VM		SC_OP_MAX	/* the "vm" line is not a step */
#define NR_SIGNALS	1000000
#define SIZES_PIO	(1u << 1 | 1u << 2 | 1u << 4)	/* valid lengths, as bits */
#define SIZES_MMIO	(SIZES_PIO | 1u << 0 | 1u << 8)

enum field { F_VCPUS, F_VCPU, F_VECTOR, F_GSI, F_COUNT, F_MS, F_ADDR, F_LEN, F_SIZE,
	     F_VALUE, F_DATAMATCH, F_DEV, F_INDEX, F_RAISED, F_DELIVERED, F_PENDING, F_HOST };

/* what the NAME word (or dev=) of a step must be */
enum name_use {
	N_NONE,
	N_NEW_ROUTE,		/* unused, or a released route */
	N_ROUTE,		/* a live route */
	N_NEW_IOEVENTFD,	/* unused, or a removed ioeventfd */
	N_IOEVENTFD,		/* a live ioeventfd */
	N_ANY_IOEVENTFD,	/* an ioeventfd, removed or not: its count outlives it */
	N_NEW_DEVICE,		/* unused: a device is never released */
	N_DEVICE,		/* a device */
};

static const struct {
	enum sc_kind kind;
	bool define;		/* the step defines the name */
	bool any;		/* released or removed will do */
} uses[] = {
	[N_NEW_ROUTE] = { SC_KIND_ROUTE, true, false },
	[N_ROUTE] = { SC_KIND_ROUTE, false, false },
	[N_NEW_IOEVENTFD] = { SC_KIND_IOEVENTFD, true, false },
	[N_IOEVENTFD] = { SC_KIND_IOEVENTFD, false, false },
	[N_ANY_IOEVENTFD] = { SC_KIND_IOEVENTFD, false, true },
	[N_NEW_DEVICE] = { SC_KIND_DEVICE, true, false },
	[N_DEVICE] = { SC_KIND_DEVICE, false, false },
};

static const struct { const char *what, *a, *gone; } kind_info[] = {
	[SC_KIND_ROUTE] = { "route", "a route", "released" },
	[SC_KIND_IOEVENTFD] = { "ioeventfd", "an ioeventfd", "removed" },
	[SC_KIND_DEVICE] = { "device", "a device", "released" },
};

/* device types: st->type points at one of these */
static const char virtio_rng[] = "virtio-rng";
static const char nvme[] = "nvme";
static const char vfio_pci[] = "vfio-pci";

struct key_spec {
	const char *key;
	enum field f;
	uint64_t min, max;	/* F_VCPU and F_VECTOR have their own checks */
	bool req;
};

struct step_kind {
	int op;			/* enum sc_op, or OP_VM */
	const char *words[4];	/* lowercase: literal; NAME, N, RESULT: placeholders */
	struct key_spec keys[MAX_KEYS];
	enum name_use use;
	bool host;		/* may be followed by "expect result" */
	bool mmio;
	bool guest;		/* vcpu defaults to 0 */
	const char *dev_type;	/* device: the type defined; else the type dev= needs */
	const char *flag[2];	/* a bare word among the keys: flag[0] sets st->set */
};

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

#define W(...)		.words = { __VA_ARGS__ }
#define HOST		.host = true
#define MMIO		.mmio = true
#define GUEST		.guest = true
#define VIRTIO		.dev_type = virtio_rng
#define NVME		.dev_type = nvme

/* first match wins, so "expect irq none" precedes "expect irq" */
static const struct step_kind kinds[] = {
	{ OP_VM, W("vm"), { { "vcpus", F_VCPUS, 1, SC_MAX_VCPUS, REQ } } },
	{ SC_ROUTE_ADD, W("route", "NAME", "msi"), { VCPU(REQ), VECTOR }, .use = N_NEW_ROUTE,
	  HOST },
	{ SC_ROUTE_UPDATE, W("route", "NAME", "update"), { VCPU(REQ), VECTOR }, .use = N_ROUTE,
	  HOST },
	{ SC_ROUTE_RELEASE, W("route", "NAME", "release"), .use = N_ROUTE, HOST },
	{ SC_ROUTES_FILL, W("routes", "fill"), { COUNT(1, 8192, REQ), VCPU(REQ), VECTOR }, HOST },
	{ SC_COMMIT, W("commit"), HOST },
	{ SC_ROUTES_UPDATE_ALL, W("routes", "update-all"), { DEV }, HOST, .dev_type = vfio_pci },
	{ SC_IRQFD_ADD, W("irqfd", "NAME"), .use = N_ROUTE, HOST },
	{ SC_IRQFD_REMOVE, W("irqfd", "NAME", "remove"), .use = N_ROUTE, HOST },
	{ SC_SIGNAL, W("signal", "NAME"), { COUNT(1, NR_SIGNALS, OPT) }, .use = N_ROUTE, HOST },
	{ SC_SIGNAL_MSI, W("msi"), { VCPU(REQ), VECTOR, COUNT(1, NR_SIGNALS, OPT) }, HOST },
	{ SC_IOEVENTFD_ADD, W("ioeventfd", "NAME", "pio"),
	  { { "addr", F_ADDR, 0, 0xffff, REQ }, LEN, DATAMATCH }, .use = N_NEW_IOEVENTFD, HOST },
	{ SC_IOEVENTFD_ADD, W("ioeventfd", "NAME", "mmio"),
	  { { "addr", F_ADDR, 0, UINT64_MAX, REQ }, LEN, DATAMATCH }, .use = N_NEW_IOEVENTFD,
	  HOST, MMIO },
	{ SC_IOEVENTFD_REMOVE, W("ioeventfd", "NAME", "remove"), .use = N_IOEVENTFD, HOST },
	{ SC_GUEST_OUT, W("guest", "out"),
	  { PORT, VALUE, SIZE, COUNT(1, NR_SIGNALS, OPT), VCPU(OPT) }, GUEST },
	{ SC_GUEST_IN, W("guest", "in"), { PORT, SIZE, VCPU(OPT) }, GUEST },
	{ SC_GUEST_WRITE, W("guest", "write"),
	  { GADDR, VALUE, SIZE, COUNT(1, NR_SIGNALS, OPT), VCPU(OPT) }, MMIO, GUEST },
	{ SC_GUEST_READ, W("guest", "read"), { GADDR, SIZE, VCPU(OPT) }, MMIO, GUEST },
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
	{ SC_DEVICE, W("device", "NAME", vfio_pci), { { "host", F_HOST, 0, 0, REQ } },
	  .use = N_NEW_DEVICE, .dev_type = vfio_pci },
	{ SC_DEVICE_HOLD, W("device", "NAME", "hold"), .use = N_DEVICE },
	{ SC_DEVICE_COMPLETE, W("device", "NAME", "complete"), { COUNT(1, 65536, OPT) },
	  .use = N_DEVICE },
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
	{ SC_GUEST_NVME_INIT, W("guest", "nvme", "init"), { DEV, INDEX, VCPU(OPT) }, GUEST, NVME },
	{ SC_GUEST_E1000E_INIT, W("guest", "e1000e", "init"), { DEV, VCPU(OPT) }, GUEST,
	  .dev_type = vfio_pci },
	{ SC_GUEST_E1000E_RAISE, W("guest", "e1000e", "raise"),
	  { DEV, INDEX, COUNT(1, 1000, OPT), VCPU(OPT) }, GUEST, .dev_type = vfio_pci },
	{ SC_GUEST_NVME_READ, W("guest", "nvme", "read"), { DEV, COUNT(1, 1000, OPT), VCPU(OPT) },
	  GUEST, NVME },
	{ SC_EXPECT_PENDING, W("expect", "pending"), { DEV, INDEX }, .flag = { "set", "clear" } },
	{ SC_EXPECT_VECTOR, W("expect", "vector"),
	  { DEV, INDEX, TALLY("raised", F_RAISED), TALLY("delivered", F_DELIVERED),
	    TALLY("pending", F_PENDING) } },
	{ SC_EXPECT_COMPLETIONS, W("expect", "completions"), { DEV, ECOUNT } },
};

static const char *const op_names[SC_OP_MAX + 1] = {
	[OP_VM] = "vm",
	[SC_ROUTE_ADD] = "route msi",		[SC_ROUTE_UPDATE] = "route update",
	[SC_ROUTE_RELEASE] = "route release",	[SC_ROUTES_FILL] = "routes fill",
	[SC_COMMIT] = "commit",			[SC_IRQFD_ADD] = "irqfd",
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
	[SC_ROUTES_UPDATE_ALL] = "routes update-all",
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
	[SC_GUEST_NVME_INIT] = "guest nvme init",	[SC_GUEST_NVME_READ] = "guest nvme read",
	[SC_EXPECT_PENDING] = "expect pending",	[SC_EXPECT_VECTOR] = "expect vector",
	[SC_EXPECT_COMPLETIONS] = "expect completions",
};

static const struct { const char *name; int err; } errnos[] = {
	{ "ok", 0 }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "EEXIST", EEXIST },
	{ "ENOENT", ENOENT }, { "EBUSY", EBUSY }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EFAULT", EFAULT }, { "E2BIG", E2BIG }, { "ENXIO", ENXIO },
	{ "EPERM", EPERM }, { "ENODEV", ENODEV }, { "ENOTTY", ENOTTY },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

struct parser {
	const char *path;
	struct scenario *sc;
	char *err;
	size_t errlen;
	int line;
	int cap;			/* steps allocated */
	bool prev_host;			/* the last step was a host step */
	int gone[SC_MAX_NAMES];		/* line the name was released/removed, 0 = live */
	const char *type[SC_MAX_NAMES];	/* a device's type */
	int nr_devices;
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

static int __attribute__((format(printf, 2, 3))) perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
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

/* decimal or 0x hex, nothing else: no sign, no octal, no trailing junk */
static int parse_num(struct parser *p, const char *key, const char *s, uint64_t min,
		     uint64_t max, bool hex, uint64_t *out)
{
	bool is_hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v;
	char *end;

	if (!*s)
		return perr(p, "%s has no value", key);
	if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return perr(p, "%s '%s' is not a number", key, s);
	errno = 0;
	v = strtoull(s, &end, is_hex ? 16 : 10);
	if (*end)
		return perr(p, "%s '%s' is not a number", key, s);
	if (s[0] == '-' || errno == ERANGE || v < min || v > max) {
		if (hex)
			return perr(p, "%s %s out of range: wanted %#llx..%#llx", key, s,
				    (unsigned long long)min, (unsigned long long)max);
		return perr(p, "%s %s out of range: wanted %llu..%llu", key, s,
			    (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

static int check_vector(struct parser *p, const char *s, uint64_t v)
{
	if (v < 0x20)
		return perr(p, "vector %s out of range: 0x00-0x1f are exceptions", s);
	if (v == 0xf0)
		return perr(p, "vector %s is reserved for the guest mailbox", s);
	if (v > 0xfe)
		return perr(p, "vector %s out of range: wanted 0x20..0xfe", s);
	return 0;
}

static int find_name(const struct scenario *sc, const char *s)
{
	for (int i = 0; i < sc->nr_names; i++)
		if (!strcmp(sc->names[i].name, s))
			return i;
	return -1;
}

static int check_name_syntax(struct parser *p, const char *s)
{
	size_t n = strlen(s);

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			goto bad;
	if (n > SC_NAME_LEN - 1)
		return perr(p, "name '%s' too long: wanted at most %d characters", s,
			    SC_NAME_LEN - 1);
	return 0;
bad:
	return perr(p, "bad name '%s': wanted [A-Za-z_][A-Za-z0-9_-]*", s);
}

/* idx: the name's slot if it was used before, else -1 */
static int define_name(struct parser *p, int idx, const char *s, enum sc_kind kind)
{
	struct scenario *sc = p->sc;

	if (idx >= 0 && !p->gone[idx])
		return perr(p, "%s '%s' already defined at line %d", kind_info[kind].what, s,
			    sc->names[idx].line);
	if (idx < 0 && sc->nr_names == SC_MAX_NAMES)
		return perr(p, "too many names: at most %d", SC_MAX_NAMES);
	if (idx < 0) {
		idx = sc->nr_names++;
		strcpy(sc->names[idx].name, s);	/* length checked */
		sc->names[idx].kind = kind;
	}
	sc->names[idx].line = p->line;
	p->gone[idx] = 0;
	return idx;
}

/* the index of name s in names[], used as use says; -1 on error */
static int use_name(struct parser *p, enum name_use use, const char *s)
{
	enum sc_kind kind = uses[use].kind;
	const char *what = kind_info[kind].what;
	int idx = find_name(p->sc, s);
	const struct sc_name *n = idx >= 0 ? &p->sc->names[idx] : NULL;

	if (check_name_syntax(p, s))
		return -1;
	if (n && n->kind != kind)
		return perr(p, "'%s' is %s (line %d), wanted %s", s, kind_info[n->kind].a,
			    n->line, kind_info[kind].a);
	if (uses[use].define)
		return define_name(p, idx, s, kind);
	if (!n)
		return perr(p, "%s '%s' is not defined", what, s);
	if (p->gone[idx] && !uses[use].any)
		return perr(p, "%s '%s' was %s at line %d", what, s, kind_info[kind].gone,
			    p->gone[idx]);
	return idx;
}

/* dev=NAME */
static int set_dev(struct parser *p, const char *s, struct sc_step *st)
{
	if (!*s)
		return perr(p, "dev has no value");
	st->dev = use_name(p, N_DEVICE, s);
	return st->dev < 0 ? -1 : 0;
}

/* host=DDDD:BB:DD.F or VENDOR:DEVICE (hex), the function to pass through */
static int set_host(struct parser *p, const char *s, struct sc_step *st)
{
	unsigned int a, b, c, d;
	char end;

	if (strlen(s) >= sizeof(st->host) ||
	    (sscanf(s, "%4x:%2x:%2x.%1x%c", &a, &b, &c, &d, &end) != 4 &&
	     sscanf(s, "%4x:%4x%c", &a, &b, &end) != 2))
		return perr(p, "host %s invalid: wanted a PCI address (0000:00:02.0) or vendor:device (8086:10d3)", s);
	snprintf(st->host, sizeof(st->host), "%s", s);
	return 0;
}

static int set_key(struct parser *p, const struct key_spec *ks, const char *s,
		   struct sc_step *st)
{
	bool hex = ks->f == F_ADDR || ks->f == F_VALUE || ks->f == F_DATAMATCH;
	int vcpus = p->sc->vcpus;
	uint64_t v;

	if (ks->f == F_DEV)
		return set_dev(p, s, st);
	if (ks->f == F_HOST)
		return set_host(p, s, st);
	if (parse_num(p, ks->key, s, ks->min, ks->max, hex, &v))
		return -1;
	switch (ks->f) {
	case F_VCPUS:	p->sc->vcpus = v; break;
	case F_VCPU:
		if (v >= (uint64_t)vcpus)
			return perr(p, "vcpu %s out of range: the vm has %d vcpu%s", s, vcpus,
				    vcpus == 1 ? "" : "s");
		st->vcpu = v;
		break;
	case F_VECTOR:
		if (check_vector(p, s, v))
			return -1;
		st->vector = v;
		break;
	case F_GSI:	st->gsi = v; break;
	case F_COUNT:	st->count = v; break;
	case F_MS:	st->ms = v; break;
	case F_ADDR:	st->addr = v; break;
	case F_LEN:	st->len = v; break;
	case F_SIZE:
		if (v != 1 && v != 2 && v != 4)
			return perr(p, "size %s invalid: wanted 1, 2 or 4", s);
		st->size = v;
		break;
	case F_VALUE:	st->value = v; break;
	case F_DATAMATCH: st->datamatch = v; st->has_datamatch = true; break;
	case F_DEV: case F_HOST: break;		/* above */
	case F_INDEX:	st->index = v; break;
	case F_RAISED:	st->raised = v; break;
	case F_DELIVERED: st->delivered = v; break;
	case F_PENDING:	st->pending = v; break;
	}
	return 0;
}

static int unknown_key(struct parser *p, const struct step_kind *k, const char *key)
{
	const char *names[MAX_KEYS];
	const char *kn = op_names[k->op];
	char list[128];
	int n = 0;

	while (n < MAX_KEYS && k->keys[n].key) {
		names[n] = k->keys[n].key;
		n++;
	}
	if (!n)
		return perr(p, "unknown key '%s' for '%s': it takes none", key, kn);
	join(list, sizeof(list), names, n);
	return perr(p, "unknown key '%s' for '%s': wanted %s", key, kn, list);
}

static bool is_flag(const struct step_kind *k, const char *s)
{
	return k->flag[0] && (!strcmp(s, k->flag[0]) || !strcmp(s, k->flag[1]));
}

/* a word without '=' among the keys: k's flag word, once */
static int parse_flag(struct parser *p, const struct step_kind *k, const char *s,
		      bool *seen, struct sc_step *st)
{
	const char *prev = st->set ? k->flag[0] : k->flag[1];

	if (!k->flag[0])
		return perr(p, "wanted key=value, got '%s'", s);
	if (!is_flag(k, s))
		return perr(p, "wanted %s, %s or key=value, got '%s'", k->flag[0], k->flag[1], s);
	if (*seen && !strcmp(prev, s))
		return perr(p, "duplicate '%s'", s);
	if (*seen)
		return perr(p, "'%s' and '%s' exclude each other", prev, s);
	*seen = true;
	st->set = !strcmp(s, k->flag[0]);
	return 0;
}

static int parse_keys(struct parser *p, const struct step_kind *k, char **w, int nw,
		      struct sc_step *st)
{
	unsigned int seen = 0;
	bool flag = false;
	int i, j;

	for (i = 0; i < nw; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq) {
			if (parse_flag(p, k, w[i], &flag, st))
				return -1;
			continue;
		}
		*eq = '\0';
		for (j = 0; j < MAX_KEYS && k->keys[j].key; j++)
			if (!strcmp(k->keys[j].key, w[i]))
				break;
		if (j == MAX_KEYS || !k->keys[j].key)
			return unknown_key(p, k, w[i]);
		if (seen & 1u << j)
			return perr(p, "duplicate key '%s'", w[i]);
		seen |= 1u << j;
		if (set_key(p, &k->keys[j], eq + 1, st))
			return -1;
	}
	for (j = 0; j < MAX_KEYS && k->keys[j].key; j++)
		if (k->keys[j].req && !(seen & 1u << j))
			return perr(p, "'%s' needs %s=", op_names[k->op], k->keys[j].key);
	if (k->flag[0] && !flag)
		return perr(p, "'%s' needs %s or %s", op_names[k->op], k->flag[0], k->flag[1]);
	return 0;
}

/* the NAME word */
static int parse_name(struct parser *p, const struct step_kind *k, const char *s,
		      struct sc_step *st)
{
	st->name = use_name(p, k->use, s);
	if (st->name < 0)
		return -1;
	if (uses[k->use].kind == SC_KIND_DEVICE)
		st->dev = st->name;
	if (k->op == SC_ROUTE_RELEASE || k->op == SC_IOEVENTFD_REMOVE)
		p->gone[st->name] = p->line;
	return 0;
}

/* the placeholder words: NAME, N (expect commits/routes), RESULT */
static int parse_positionals(struct parser *p, const struct step_kind *k, char **w,
			     struct sc_step *st)
{
	uint64_t v;

	for (int i = 0; i < 4 && k->words[i]; i++) {
		if (!strcmp(k->words[i], "NAME")) {
			if (parse_name(p, k, w[i], st))
				return -1;
		} else if (!strcmp(k->words[i], "N")) {
			if (parse_num(p, k->words[i - 1], w[i], 0, UINT32_MAX, false, &v))
				return -1;
			st->count = v;
		} else if (!strcmp(k->words[i], "RESULT")) {
			st->err = sc_errno_parse(w[i]);
			if (st->err < 0)
				return perr(p, "unknown result '%s': wanted ok or an errno name such as EINVAL",
					    w[i]);
		}
	}
	return 0;
}

static bool fits(uint64_t v, unsigned int bytes)
{
	return bytes >= 8 || !(v >> (8 * bytes));
}

static int check_ioeventfd(struct parser *p, const struct sc_step *st)
{
	unsigned int l = st->len;

	if (!st->mmio && !(SIZES_PIO >> l & 1))
		return perr(p, "len %u invalid for pio: wanted 1, 2 or 4 (port I/O is at most 4 bytes)",
			    l);
	if (!(SIZES_MMIO >> l & 1))
		return perr(p, "len %u invalid: wanted 0, 1, 2, 4 or 8", l);
	if (st->has_datamatch && !l)
		return perr(p, "datamatch needs len 1, 2, 4 or 8: the kernel refuses len=0 with datamatch (EINVAL)");
	if (st->has_datamatch && !fits(st->datamatch, l))
		return perr(p, "datamatch %#llx does not fit in len=%u",
			    (unsigned long long)st->datamatch, l);
	return 0;
}

/* "a virtio-rng", "an nvme" */
static const char *article(const char *type)
{
	return !strcmp(type, nvme) ? "an" : "a";
}

/* dev= must name a device of the type the step drives */
static int check_dev_type(struct parser *p, const struct step_kind *k,
			  const struct sc_step *st)
{
	const char *t;

	if (k->op == SC_DEVICE || !k->dev_type || st->dev < 0)
		return 0;
	t = p->type[st->dev];
	if (strcmp(t, k->dev_type))
		return perr(p, "device '%s' is %s %s, not %s %s", p->sc->names[st->dev].name,
			    article(t), t, article(k->dev_type), k->dev_type);
	return 0;
}

/* rules between fields, once all keys are in */
static int check_step(struct parser *p, const struct step_kind *k, struct sc_step *st)
{
	if (k->guest && st->vcpu < 0)
		st->vcpu = 0;
	if (check_dev_type(p, k, st))
		return -1;
	switch (st->op) {
	case SC_GUEST_OUT:
	case SC_GUEST_WRITE:
		if (!fits(st->value, st->size))
			return perr(p, "value %#llx does not fit in size=%u",
				    (unsigned long long)st->value, st->size);
		return 0;
	case SC_IOEVENTFD_ADD:
		return check_ioeventfd(p, st);
	case SC_EXPECT_ROUTE:
		if (st->vcpu < 0 && st->vector < 0 && st->gsi < 0)
			return perr(p, "'expect route' needs at least one of vcpu=, vector=, gsi=");
		return 0;
	case SC_EXPECT_VECTOR:
		if (st->raised < 0 && st->delivered < 0 && st->pending < 0)
			return perr(p, "'expect vector' needs at least one of raised=, delivered=, pending=");
		return 0;
	default:
		return 0;
	}
}

static int nr_words(const struct step_kind *k)
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

	for (i = 0; i < nr_words(k) && i < npos; i++)
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

/* say what could have come where no kind matched */
static int no_match(struct parser *p, char **w, int nw, int npos)
{
	const char *cand[3 * ARRAY_SIZE(kinds)];
	char prefix[128] = "", list[256], got[80];
	int best = 0, n = 0, off = 0;

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
		if (d < nr_words(k)) {
			add_cand(cand, &n, k->words[d]);
			continue;
		}
		if (k->flag[0]) {
			add_cand(cand, &n, k->flag[0]);
			add_cand(cand, &n, k->flag[1]);
		}
		add_cand(cand, &n, k->keys[0].key ? "key=value" : "end of line");
	}
	if (!best)
		return perr(p, "unknown step '%s'", w[0]);
	for (int j = 0; j < best && off < (int)sizeof(prefix); j++)
		off += snprintf(prefix + off, sizeof(prefix) - off, "%s%s", j ? " " : "", w[j]);
	join(list, sizeof(list), cand, n);
	if (best < nw)
		snprintf(got, sizeof(got), "'%.64s'", w[best]);
	else
		snprintf(got, sizeof(got), "end of line");
	return perr(p, "after '%s': wanted %s, got %s", prefix, list, got);
}

/* the kind whose words are w[0..npos), or begin it if a flag word follows */
static const struct step_kind *match(char **w, int npos)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct step_kind *k = &kinds[i];
		int n = nr_words(k);

		if (depth(k, w, npos) == n && (npos == n || is_flag(k, w[n])))
			return k;
	}
	return NULL;
}

static int append_step(struct parser *p, const struct sc_step *st)
{
	struct scenario *sc = p->sc;

	if (sc->nr_steps == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct sc_step *s = realloc(sc->steps, cap * sizeof(*s));

		if (!s)
			return perr(p, "out of memory");
		sc->steps = s;
		p->cap = cap;
	}
	sc->steps[sc->nr_steps++] = *st;
	return 0;
}

/* where k's step may come */
static int check_order(struct parser *p, const struct step_kind *k)
{
	if (k->op == OP_VM && p->sc->vm_line)
		return perr(p, "duplicate 'vm' line: the first is line %d", p->sc->vm_line);
	if (k->op != OP_VM && !p->sc->vm_line)
		return perr(p, "'vm' must come first");
	if (k->op == SC_EXPECT_RESULT && !p->prev_host)
		return perr(p, "'expect result' must follow a host step");
	if (k->op != SC_DEVICE)
		return 0;
	if (p->sc->nr_steps > p->nr_devices)
		return perr(p, "'device' lines must follow 'vm' directly");
	if (p->nr_devices == SC_MAX_DEVICES)
		return perr(p, "too many devices: at most %d", SC_MAX_DEVICES);
	return 0;
}

static int parse_step(struct parser *p, const char *text, char **w, int nw)
{
	const struct step_kind *k;
	struct sc_step st;
	int npos = 0, n;

	while (npos < nw && !strchr(w[npos], '='))
		npos++;
	k = match(w, npos);
	if (!k)
		return no_match(p, w, nw, npos);
	if (check_order(p, k))
		return -1;
	st = (struct sc_step){ .op = k->op, .line = p->line, .name = -1, .vcpu = -1,
			       .vector = -1, .gsi = -1, .mmio = k->mmio, .size = 1, .count = 1,
			       .dev = -1, .index = -1, .raised = -1, .delivered = -1,
			       .pending = -1 };
	memcpy(st.text, text, strnlen(text, SC_TEXT_LEN - 1));
	n = nr_words(k);
	if (parse_positionals(p, k, w, &st) || parse_keys(p, k, w + n, nw - n, &st))
		return -1;
	p->prev_host = k->host;
	if (k->op == OP_VM) {
		p->sc->vm_line = p->line;
		return 0;
	}
	if (check_step(p, k, &st))
		return -1;
	if (k->op == SC_DEVICE) {
		st.type = k->dev_type;
		p->type[st.name] = st.type;
		p->nr_devices++;
	}
	return append_step(p, &st);
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
	char buf[LINE_MAX_LEN + 1], text[SC_TEXT_LEN], *w[MAX_WORDS], *save, *t;
	const char *sep = " \t\r\v\f";
	int nw = 0;

	if (len > LINE_MAX_LEN)
		return perr(p, "line too long: %zu characters, wanted at most %d", len,
			    LINE_MAX_LEN);
	memcpy(buf, s, len);
	buf[len] = '\0';
	buf[strcspn(buf, "#")] = '\0';
	t = buf + strspn(buf, sep);
	for (size_t n = strlen(t); n && strchr(sep, t[n - 1]); n--)
		t[n - 1] = '\0';
	if (!*t)
		return 0;
	snprintf(text, sizeof(text), "%s", t);
	for (t = strtok_r(t, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
		if (nw == MAX_WORDS)
			return perr(p, "too many words: wanted at most %d", MAX_WORDS);
		w[nw++] = t;
	}
	return parse_step(p, text, w, nw);
}

static void scenario_init(struct scenario *sc, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->file, sizeof(sc->file), "%s", path);
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".virq"))
		n -= 5;
	snprintf(sc->name, sizeof(sc->name), "%.*s", (int)n, base);
}

int scenario_parse_string(const char *path, const char *text, struct scenario *sc,
			  char *err, size_t errlen)
{
	struct parser p = { .path = path, .sc = sc, .err = err, .errlen = errlen };
	const char *s = text, *nl;

	scenario_init(sc, path);
	while (*s) {
		p.line++;
		nl = strchrnul(s, '\n');
		if (parse_line(&p, s, nl - s))
			goto fail;
		s = *nl ? nl + 1 : nl;
	}
	if (!sc->vm_line) {
		p.line = p.line ? p.line : 1;
		perr(&p, "no 'vm' line");
		goto fail;
	}
	return 0;
fail:
	scenario_free(sc);
	return -1;
}

/* the whole file, NUL-terminated, or up to its first NUL; NULL with errno set */
static char *read_text(const char *path, ssize_t *len)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0;
	int e;

	if (!f)
		return NULL;
	errno = 0;
	*len = getdelim(&text, &cap, '\0', f);
	e = ferror(f) ? (errno ? errno : EIO) : text ? 0 : ENOMEM;
	fclose(f);
	if (e) {
		free(text);
		errno = e;
		return NULL;
	}
	if (*len < 0) {			/* empty file */
		*len = 0;
		text[0] = '\0';
	}
	return text;
}

int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen)
{
	ssize_t len;
	char *text = read_text(path, &len);
	int ret, line = 1;

	scenario_init(sc, path);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (len && !text[len - 1]) {	/* getdelim stopped at a NUL */
		for (ssize_t i = 0; i < len; i++)
			line += text[i] == '\n';
		snprintf(err, errlen, "%s:%d: NUL byte: not a text file", path, line);
		free(text);
		return -1;
	}
	ret = scenario_parse_string(path, text, sc, err, errlen);
	free(text);
	return ret;
}

void scenario_free(struct scenario *sc)
{
	free(sc->steps);
	sc->steps = NULL;
	sc->nr_steps = 0;
}
