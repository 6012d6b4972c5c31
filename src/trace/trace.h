/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - virq's own trace events and the kernel's function trace.
 *
 * trace_event() names a VMM step after the QEMU/KVM function it echoes
 * ("kvm_irqchip_commit_routes nr=40"). While ftrace is on (in the lab) each
 * event is also written to trace_marker, so the kernel's function trace and
 * the VMM's steps share one timeline.
 */
#ifndef VIRQ_TRACE_H
#define VIRQ_TRACE_H

#include <stdbool.h>

#include "../vmm/util.h"

void trace_event(const char *name, const char *fmt, ...) __printf(2, 3);

/*
 * the seed's set_ftrace_filter list; an entry "a|b|c" is one function under
 * its names in other vendors and eras (vmx_pi_update_irte and its SVM twins)
 */
extern const char *const trace_seed_functions[];

/* the most entries a filter list may have (the seed's and --ftrace-add's) */
#define TRACE_MAX_FUNCTIONS	48
int trace_function_count(const char *const *functions);
/*
 * trace_function_list - base's entries, then add's (comma-separated, each
 * a name or "a|b" of [A-Za-z0-9_.|]; NULL or "" for none), into out
 * (TRACE_MAX_FUNCTIONS + 1 pointers, NULL-terminated; add's are kept in a
 * static buffer). 0, or -EINVAL: a bad name, or too many.
 */
int trace_function_list(const char *const *base, const char *add, const char **out);

/*
 * The function tracer, set up once per run of virq (setting the filter and
 * switching the tracer is slow under TCG), then switched on and off around
 * each scenario. setup returns how many functions it set, or -errno (no
 * tracefs); trace_event writes markers while the tracer is set up.
 */
int trace_ftrace_setup(const char *const *functions);
int trace_ftrace_begin(void);			/* clear the buffer, tracing on */
int trace_ftrace_end(const char *path);		/* tracing off, buffer copied to path */
void trace_ftrace_teardown(void);
bool trace_ftrace_on(void);
/* after setup: the entries this kernel has no traceable function for, blank-separated */
const char *trace_ftrace_missing(void);

#endif /* VIRQ_TRACE_H */
