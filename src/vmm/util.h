/* SPDX-License-Identifier: GPL-2.0 */
/* util.h - logging and small helpers shared by the whole VMM. */
#ifndef VIRQ_UTIL_H
#define VIRQ_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/*
 * Messages go to stderr and, when set, to the per-scenario console log.
 * pr_err is for errors the user must see; pr_info for progress lines;
 * pr_debug only with -v.
 */
void pr_err(const char *fmt, ...) __printf(1, 2);
void pr_info(const char *fmt, ...) __printf(1, 2);
void pr_debug(const char *fmt, ...) __printf(1, 2);
void log_set_file(void *file);	/* FILE *, or NULL */

/*
 * log_set_level - what reaches stderr: messages up to level. The console
 * log, the scenario's record, takes errors and progress lines whatever the
 * level, debug lines only at LOG_DEBUG. LOG_INFO by default (virq's
 * output); 'virq boot' without -v uses LOG_ERR, the fuzz targets LOG_NONE
 * (a refusal they provoke on purpose costs no write).
 */
enum log_level { LOG_NONE, LOG_ERR, LOG_INFO, LOG_DEBUG };
void log_set_level(enum log_level level);
/* log_wants - would a message of level go anywhere (so is it worth formatting)? */
bool log_wants(enum log_level level);

/* monotonic time in nanoseconds */
uint64_t now_ns(void);
/*
 * QEMU 9.0's os_setup_limits (os-posix.c; "qemu_init: increase NOFILE soft
 * limit on POSIX"): the open-file limit raised to its hard limit. Two
 * eventfds per MSI-X vector: 8 devices of 65 vectors pass the usual soft
 * limit of 1024 (EMFILE). QEMU 7.2 (Debian 12's) does not: make bench
 * raises it for both VMMs (ulimit -n), as libvirt's max_files does
 */
void os_setup_limits(void);
void sleep_ns(uint64_t ns);

#endif /* VIRQ_UTIL_H */
