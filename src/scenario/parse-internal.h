/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse-internal.h - the scenario parser's own header, shared by parse.c
 * (lines, keys, checks, the scenario), steps.c (the table of step kinds)
 * and names.c (names defined and used). Not for the runner: it sees only
 * scenario.h.
 */
#ifndef VIRQ_SCENARIO_PARSE_INTERNAL_H
#define VIRQ_SCENARIO_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define MAX_KEYS	11
#define OP_VM		SC_OP_MAX	/* the "vm" line is not a step */

enum field { F_VCPUS, F_VCPU, F_VECTOR, F_GSI, F_COUNT, F_MS, F_ADDR, F_LEN, F_SIZE,
	     F_VALUE, F_DATAMATCH, F_DEV, F_INDEX, F_RAISED, F_DELIVERED, F_PENDING, F_DROPPED,
	     F_HOST, F_PIN, F_SLOT, F_MASKED, F_EVERY, F_ACKED, F_TAKEN, F_RESAMPLES, F_REASSERTS,
	     F_LEVEL, F_RESAMPLE, F_DEFER_EOI, F_NO_KVM_INTX, F_INTX_ENABLED, F_INTX_KVM,
	     F_INTERRUPTS, F_EOIS, F_FAULT, F_MOVED, F_MISROUTED, F_LOST, F_STALE, F_DELIVERED_MASKED };

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
	N_NEW_LINE,		/* unused: a line is never released */
	N_LINE,			/* a line */
	N_ROUTE_OR_LINE,	/* a live route or a line: what an irqfd binds to */
};

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

/* parse.c: "FILE:LINE: message" into p->err; returns -1 */
int __attribute__((format(printf, 2, 3))) parse_err(struct parser *p, const char *fmt, ...);

/* steps.c: the table of step kinds and what is read from it */
const struct step_kind *steps_match(char **w, int npos);
int steps_list_wanted(char **w, int npos, char *list, size_t len);
int steps_list_keys(const struct step_kind *k, char *list, size_t len);
const char *steps_kind_name(const struct step_kind *k);
int steps_nr_words(const struct step_kind *k);
bool steps_is_flag(const struct step_kind *k, const char *s);
const char *steps_type_article(const char *type);

/* names.c: a step's NAME word and dev=; 0 or -1 with the error in p->err */
int names_parse(struct parser *p, const struct step_kind *k, const char *s, struct sc_step *st);
int names_set_dev(struct parser *p, const char *s, struct sc_step *st);

#endif /* VIRQ_SCENARIO_PARSE_INTERNAL_H */
