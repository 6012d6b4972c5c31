/* SPDX-License-Identifier: GPL-2.0 */
/* ftrace-line.h - one line of the function tracer's text output, parsed. */
#ifndef VIRQ_FTRACE_LINE_H
#define VIRQ_FTRACE_LINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * ftrace_call - "  CPU 0/KVM-149 [000] ..... 1.2: irqfd_update <-kvm_irqfd":
 * the function and its caller, compiler clones cut ("foo.isra.0" -> "foo").
 * false for comments, markers (trace_marker), event lines and kretprobe
 * events ("(caller+0x1/0x2 <- fn)").
 */
bool ftrace_call(const char *line, char *fn, size_t fn_len, char *caller, size_t caller_len);

/* ftrace_pid - the task's pid ("CPU 0/KVM-151 [000]" -> 151), or -1 */
int ftrace_pid(const char *line);

/* ftrace_time - the line's timestamp in seconds (the field before ": " after "[CPU]") */
bool ftrace_time(const char *line, double *sec);

#endif
