/* SPDX-License-Identifier: GPL-2.0 */
/*
 * accept.h - the differences between virq's and real QEMU's kernel calls
 * that 'virq lab diff' accepts, each with QEMU's reason
 * (lab/accepted-differences.txt; its header gives the format).
 */
#ifndef VIRQ_TRACE_ACCEPT_H
#define VIRQ_TRACE_ACCEPT_H

#include <stddef.h>

struct accept_rule {
	char qemu[16];		/* version prefix ("7.2", "11.") or "*" */
	char scenario[256];	/* name, names joined by ',', or "*" */
	char step[48];		/* "setup", "end", a step key (accept_step_key) or "*" */
	char fn[48];
	int virq, other;	/* calls in the step; -1: any */
	int other_rel;		/* other is "+N"/"-N": virq's count + N */
	int line;		/* in the file */
	char why[512];
};

struct accept_rules {
	struct accept_rule *r;
	int n;
};

/* accept_load - parse the file; 0, or -EINVAL with "FILE:LINE: why" in err */
int accept_load(const char *path, struct accept_rules *rules, char *err, size_t n);
void accept_free(struct accept_rules *rules);

/* "guest msix enable dev=E" -> "guest-msix-enable": the words before the first with '=' */
void accept_step_key(const char *text, char *key, size_t n);

/* the rule that accepts fn's calls (virq, other) in that step, or NULL */
const struct accept_rule *accept_match(const struct accept_rules *rules, const char *qemu_version,
				       const char *scenario, const char *step_key, const char *fn,
				       int virq, int other);

#endif
