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

/* the seed's set_ftrace_filter list (vmx_pi_update_irte has its SVM twin) */
extern const char *const trace_seed_functions[];

/*
 * trace_ftrace_start - function tracer on the given functions (those the
 * running kernel has); returns how many were set, or -errno (no tracefs).
 */
int trace_ftrace_start(const char *const *functions);
/* trace_ftrace_stop - tracer off, trace copied to path, buffer cleared */
int trace_ftrace_stop(const char *path);
bool trace_ftrace_on(void);

#endif /* VIRQ_TRACE_H */
