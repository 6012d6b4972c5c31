/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h - two kernel traces of one scenario (under virq and under another
 * VMM running the same step program), compared step by step.
 */
#ifndef VIRQ_TRACE_DIFF_H
#define VIRQ_TRACE_DIFF_H

#include <stdio.h>

struct trace_diff_result {
	int steps;		/* steps seen in either trace (0: before the first mark) */
	int differing;		/* ... whose traced calls differ in count */
};

/*
 * trace_diff - cut both traces at their step marks and print, per step, the
 * functions whose call counts differ (A then B). Returns 0 and fills *res,
 * or -errno if a trace cannot be read.
 */
int trace_diff(const char *path_a, const char *path_b, FILE *out, struct trace_diff_result *res);

#endif
