// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - scenario files: split each line into words, match the leading
 * words against the step table (steps.c), then check names (names.c), keys,
 * ranges and the rules that tie fields together. Nothing is printed: the
 * first error is written to err and parsing stops.
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

#include "parse-internal.h"
#include "../vmm/fault.h"

#define LINE_MAX_LEN	1023
#define MAX_WORDS	16
#define SIZES_PIO	(1u << 1 | 1u << 2 | 1u << 4)	/* valid lengths, as bits */
#define SIZES_MMIO	(SIZES_PIO | 1u << 0 | 1u << 8)

int parse_err(struct parser *p, const char *fmt, ...)
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

/* decimal or 0x hex, nothing else: no sign, no octal, no trailing junk */
static int parse_num(struct parser *p, const char *key, const char *s, uint64_t min,
		     uint64_t max, bool hex, uint64_t *out)
{
	bool is_hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v;
	char *end;

	if (!*s)
		return parse_err(p, "%s has no value", key);
	if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return parse_err(p, "%s '%s' is not a number", key, s);
	errno = 0;
	v = strtoull(s, &end, is_hex ? 16 : 10);
	if (*end)
		return parse_err(p, "%s '%s' is not a number", key, s);
	if (s[0] == '-' || errno == ERANGE || v < min || v > max) {
		if (hex)
			return parse_err(p, "%s %s out of range: wanted %#llx..%#llx", key, s,
					 (unsigned long long)min, (unsigned long long)max);
		return parse_err(p, "%s %s out of range: wanted %llu..%llu", key, s,
				 (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

static int check_vector(struct parser *p, const char *s, uint64_t v)
{
	if (v < 0x20)
		return parse_err(p, "vector %s out of range: 0x00-0x1f are exceptions", s);
	if (v == 0xf0)
		return parse_err(p, "vector %s is reserved for the guest mailbox", s);
	if (v > 0xfe)
		return parse_err(p, "vector %s out of range: wanted 0x20..0xfe", s);
	return 0;
}

/* host=DDDD:BB:DD.F or VENDOR:DEVICE (hex), the function to pass through */
static int set_host(struct parser *p, const char *s, struct sc_step *st)
{
	unsigned int a, b, c, d;
	char end;

	if (strlen(s) >= sizeof(st->host) ||
	    (sscanf(s, "%4x:%2x:%2x.%1x%c", &a, &b, &c, &d, &end) != 4 &&
	     sscanf(s, "%4x:%4x%c", &a, &b, &end) != 2))
		return parse_err(p, "host %s invalid: wanted a PCI address (0000:00:02.0) or vendor:device (8086:10d3)", s);
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
		return names_set_dev(p, s, st);
	if (ks->f == F_HOST)
		return set_host(p, s, st);
	if (ks->f == F_FAULT) {		/* the ledger's own tests only */
		p->sc->fault = fault_from_name(s);
		if (p->sc->fault <= FAULT_NONE)
			return parse_err(p, "fault %s unknown: wanted kernel-copy-behind, masked-irqfd or drop-notify", s);
		return 0;
	}
	if (ks->f == F_NO_KVM_INTX) {	/* QEMU's spelling of a bool property */
		if (strcmp(s, "on") && strcmp(s, "off"))
			return parse_err(p, "x-no-kvm-intx %s invalid: wanted on or off", s);
		st->no_kvm_intx = !strcmp(s, "on");
		return 0;
	}
	if (parse_num(p, ks->key, s, ks->min, ks->max, hex, &v))
		return -1;
	switch (ks->f) {
	case F_VCPUS:	p->sc->vcpus = v; break;
	case F_VCPU:
		if (v >= (uint64_t)vcpus)
			return parse_err(p, "vcpu %s out of range: the vm has %d vcpu%s", s, vcpus,
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
			return parse_err(p, "size %s invalid: wanted 1, 2 or 4", s);
		st->size = v;
		break;
	case F_VALUE:	st->value = v; break;
	case F_DATAMATCH: st->datamatch = v; st->has_datamatch = true; break;
	case F_DEV: case F_HOST: case F_FAULT: break;	/* above */
	case F_INDEX:	st->index = v; break;
	case F_RAISED:	st->raised = v; break;
	case F_DELIVERED: st->delivered = v; break;
	case F_PENDING:	st->pending = v; break;
	case F_DROPPED:	st->dropped = v; break;
	case F_MOVED:	st->moved = v; break;
	case F_MISROUTED: st->misrouted = v; break;
	case F_LOST:	st->lost = v; break;
	case F_STALE:	st->stale = v; break;
	case F_DELIVERED_MASKED: st->delivered_masked = v; break;
	case F_PIN:	st->pin = v; break;
	case F_SLOT:	st->slot = v; break;
	case F_MASKED:	st->masked = v; break;
	case F_EVERY:	st->every = v; break;
	case F_ACKED:	st->acked = v; break;
	case F_TAKEN:	st->taken = v; break;
	case F_RESAMPLES: st->resamples = v; break;
	case F_REASSERTS: st->reasserts = v; break;
	case F_LEVEL:	st->level = v; break;
	case F_RESAMPLE: st->value = v; break;
	case F_DEFER_EOI: st->defer_eoi = v; break;
	case F_INTX_ENABLED: st->intx_enabled = v; break;
	case F_INTX_KVM: st->intx_kvm = v; break;
	case F_INTERRUPTS: st->interrupts = v; break;
	case F_EOIS:	st->eois = v; break;
	case F_NO_KVM_INTX: break;	/* above */
	}
	return 0;
}

static int unknown_key(struct parser *p, const struct step_kind *k, const char *key)
{
	const char *kn = steps_kind_name(k);
	char list[128];

	if (!steps_list_keys(k, list, sizeof(list)))
		return parse_err(p, "unknown key '%s' for '%s': it takes none", key, kn);
	return parse_err(p, "unknown key '%s' for '%s': wanted %s", key, kn, list);
}

/* a word without '=' among the keys: k's flag word, once */
static int parse_flag(struct parser *p, const struct step_kind *k, const char *s,
		      bool *seen, struct sc_step *st)
{
	const char *prev = st->set ? k->flag[0] : k->flag[1];

	if (!k->flag[0])
		return parse_err(p, "wanted key=value, got '%s'", s);
	if (!steps_is_flag(k, s))
		return parse_err(p, "wanted %s, %s or key=value, got '%s'", k->flag[0], k->flag[1],
				 s);
	if (*seen && !strcmp(prev, s))
		return parse_err(p, "duplicate '%s'", s);
	if (*seen)
		return parse_err(p, "'%s' and '%s' exclude each other", prev, s);
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
			return parse_err(p, "duplicate key '%s'", w[i]);
		seen |= 1u << j;
		if (set_key(p, &k->keys[j], eq + 1, st))
			return -1;
	}
	for (j = 0; j < MAX_KEYS && k->keys[j].key; j++)
		if (k->keys[j].req && !(seen & 1u << j))
			return parse_err(p, "'%s' needs %s=", steps_kind_name(k), k->keys[j].key);
	if (k->flag[0] && !flag)
		return parse_err(p, "'%s' needs %s or %s", steps_kind_name(k), k->flag[0],
				 k->flag[1]);
	return 0;
}

/* expect status: "ignored" (-1), "coalesced" (0) or N > 0 vCPUs, as kvm_set_irq returns */
static int parse_status(struct parser *p, const char *s, struct sc_step *st)
{
	uint64_t v;

	if (!strcmp(s, "ignored")) {
		st->status = -1;
		return 0;
	}
	if (!strcmp(s, "coalesced")) {
		st->status = 0;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return parse_err(p, "unknown status '%s': wanted ignored, coalesced or a vCPU count",
				 s);
	if (parse_num(p, "status", s, 1, 255, false, &v))
		return -1;
	st->status = (int)v;
	return 0;
}

/* the placeholder words: NAME, N (expect commits/routes), RESULT, STATUS */
static int parse_positionals(struct parser *p, const struct step_kind *k, char **w,
			     struct sc_step *st)
{
	uint64_t v;

	for (int i = 0; i < 4 && k->words[i]; i++) {
		if (!strcmp(k->words[i], "NAME")) {
			if (names_parse(p, k, w[i], st))
				return -1;
		} else if (!strcmp(k->words[i], "N")) {
			if (parse_num(p, k->words[i - 1], w[i], 0, UINT32_MAX, false, &v))
				return -1;
			st->count = v;
		} else if (!strcmp(k->words[i], "STATUS")) {
			if (parse_status(p, w[i], st))
				return -1;
		} else if (!strcmp(k->words[i], "RESULT")) {
			st->err = sc_errno_parse(w[i]);
			if (st->err < 0)
				return parse_err(p, "unknown result '%s': wanted ok or an errno name such as EINVAL",
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
		return parse_err(p, "len %u invalid for pio: wanted 1, 2 or 4 (port I/O is at most 4 bytes)",
				 l);
	if (!(SIZES_MMIO >> l & 1))
		return parse_err(p, "len %u invalid: wanted 0, 1, 2, 4 or 8", l);
	if (st->has_datamatch && !l)
		return parse_err(p, "datamatch needs len 1, 2, 4 or 8: the kernel refuses len=0 with datamatch (EINVAL)");
	if (st->has_datamatch && !fits(st->datamatch, l))
		return parse_err(p, "datamatch %#llx does not fit in len=%u",
				 (unsigned long long)st->datamatch, l);
	return 0;
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
		return parse_err(p, "device '%s' is %s %s, not %s %s", p->sc->names[st->dev].name,
				 steps_type_article(t), t, steps_type_article(k->dev_type),
				 k->dev_type);
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
			return parse_err(p, "value %#llx does not fit in size=%u",
					 (unsigned long long)st->value, st->size);
		return 0;
	case SC_IOEVENTFD_ADD:
		return check_ioeventfd(p, st);
	case SC_EXPECT_ROUTE:
		if (st->vcpu < 0 && st->vector < 0 && st->gsi < 0)
			return parse_err(p, "'expect route' needs at least one of vcpu=, vector=, gsi=");
		return 0;
	case SC_EXPECT_VECTOR:
		if (st->raised < 0 && st->delivered < 0 && st->pending < 0 && st->dropped < 0 &&
		    st->moved < 0 && st->misrouted < 0 && st->lost < 0 && st->stale < 0 &&
		    st->delivered_masked < 0)
			return parse_err(p, "'expect vector' needs at least one of raised=, delivered=, pending=, dropped=, moved=, misrouted=, lost=, stale=, delivered_masked=");
		return 0;
	case SC_EXPECT_SIGNALS:
		if (st->raised < 0 && st->delivered < 0 && st->misrouted < 0 && st->lost < 0 &&
		    st->stale < 0)
			return parse_err(p, "'expect signals' needs at least one of raised=, delivered=, misrouted=, lost=, stale=");
		return 0;
	case SC_EXPECT_LINE:
		if (st->raised < 0 && st->acked < 0 && st->taken < 0 && st->resamples < 0 &&
		    st->reasserts < 0 && st->level < 0)
			return parse_err(p, "'expect line' needs at least one of raised=, acked=, taken=, resamples=, reasserts=, level=");
		return 0;
	case SC_GUEST_LEVEL_ACK:
		if ((st->gsi >= 0) == (st->dev >= 0))
			return parse_err(p, "'guest level-ack' needs gsi= (a line acked at the port) or dev= (a passed-through e1000e, acked by reading its ICR)");
		return 0;
	case SC_EXPECT_INTX:
		if (st->intx_enabled < 0 && st->intx_kvm < 0 && st->gsi < 0 && st->interrupts < 0 &&
		    st->eois < 0)
			return parse_err(p, "'expect intx' needs at least one of enabled=, kvm=, gsi=, interrupts=, eois=");
		return 0;
	case SC_DEVICE_RESET:	/* VFIO_DEVICE_RESET: QEMU's vfio_pci_reset */
		if (strcmp(p->type[st->name], "vfio-pci"))
			return parse_err(p, "device '%s' is %s %s: only a vfio-pci device has a reset step",
					 p->sc->names[st->name].name,
					 steps_type_article(p->type[st->name]), p->type[st->name]);
		return 0;
	case SC_LINE_DEFINE:
		if ((st->gsi >= 0) == (st->slot >= 0 || st->pin >= 0))
			return parse_err(p, "'line' needs gsi=, or slot= and pin= (a device's INTx pin through the q35 routing)");
		if (st->gsi < 0 && (st->slot < 0 || st->pin < 0))
			return parse_err(p, "'line' with %s= needs %s= too", st->slot < 0 ? "pin" : "slot",
					 st->slot < 0 ? "slot" : "pin");
		return 0;
	default:
		return 0;
	}
}

/* say what could have come where no kind matched */
static int no_match(struct parser *p, char **w, int nw, int npos)
{
	char prefix[128] = "", list[256], got[80];
	int best = steps_list_wanted(w, npos, list, sizeof(list)), off = 0;

	if (!best)
		return parse_err(p, "unknown step '%s'", w[0]);
	for (int j = 0; j < best && off < (int)sizeof(prefix); j++)
		off += snprintf(prefix + off, sizeof(prefix) - off, "%s%s", j ? " " : "", w[j]);
	if (best < nw)
		snprintf(got, sizeof(got), "'%.64s'", w[best]);
	else
		snprintf(got, sizeof(got), "end of line");
	return parse_err(p, "after '%s': wanted %s, got %s", prefix, list, got);
}

static int append_step(struct parser *p, const struct sc_step *st)
{
	struct scenario *sc = p->sc;

	if (sc->nr_steps == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct sc_step *s = realloc(sc->steps, cap * sizeof(*s));

		if (!s)
			return parse_err(p, "out of memory");
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
		return parse_err(p, "duplicate 'vm' line: the first is line %d", p->sc->vm_line);
	if (k->op != OP_VM && !p->sc->vm_line)
		return parse_err(p, "'vm' must come first");
	if (k->op == SC_EXPECT_RESULT && !p->prev_host)
		return parse_err(p, "'expect result' must follow a host step");
	if (k->op != SC_DEVICE)
		return 0;
	if (p->sc->nr_steps > p->nr_devices)
		return parse_err(p, "'device' lines must follow 'vm' directly");
	if (p->nr_devices == SC_MAX_DEVICES)
		return parse_err(p, "too many devices: at most %d", SC_MAX_DEVICES);
	return 0;
}

static int parse_step(struct parser *p, const char *text, char **w, int nw)
{
	const struct step_kind *k;
	struct sc_step st;
	int npos = 0, n;

	while (npos < nw && !strchr(w[npos], '='))
		npos++;
	k = steps_match(w, npos);
	if (!k)
		return no_match(p, w, nw, npos);
	if (check_order(p, k))
		return -1;
	st = (struct sc_step){ .op = k->op, .line = p->line, .name = -1, .vcpu = -1,
			       .vector = -1, .gsi = -1, .mmio = k->mmio, .size = 1, .count = 1,
			       .dev = -1, .index = -1, .raised = -1, .delivered = -1, .dropped = -1,
			       .moved = -1, .misrouted = -1, .lost = -1, .stale = -1, .delivered_masked = -1,
			       .pending = -1, .pin = -1, .slot = -1, .masked = -1, .every = -1,
			       .acked = -1, .taken = -1, .resamples = -1, .reasserts = -1,
			       .level = -1, .defer_eoi = -1, .no_kvm_intx = -1,
			       .intx_enabled = -1, .intx_kvm = -1, .interrupts = -1, .eois = -1 };
	memcpy(st.text, text, strnlen(text, SC_TEXT_LEN - 1));
	n = steps_nr_words(k);
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
		return parse_err(p, "line too long: %zu characters, wanted at most %d", len,
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
			return parse_err(p, "too many words: wanted at most %d", MAX_WORDS);
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
		parse_err(&p, "no 'vm' line");
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
