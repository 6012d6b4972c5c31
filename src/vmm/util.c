// SPDX-License-Identifier: GPL-2.0
/* util.c - logging to stderr and to the current scenario's console log; time; limits. */
#include <pthread.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <stdio.h>
#include <time.h>

#include "util.h"
#include "fault.h"

enum virq_fault virq_fault;

static FILE *log_file;
static enum log_level log_level = LOG_INFO;	/* set before any thread starts */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_file(void *file) { log_file = file; }
void log_set_level(enum log_level level) { log_level = level; }

static bool log_to_file(enum log_level level)
{
	return log_file && (level <= LOG_INFO || log_level >= LOG_DEBUG);
}

bool log_wants(enum log_level level)
{
	return level <= log_level || log_to_file(level);
}

/* vCPU threads and the runner log concurrently: one lock keeps lines whole */
static void log_line(enum log_level level, const char *prefix, const char *fmt, va_list ap)
{
	bool to_file = log_to_file(level), to_stderr = level <= log_level;
	va_list aq;

	if (!to_file && !to_stderr)
		return;		/* nothing formatted, no lock taken */
	pthread_mutex_lock(&log_lock);
	if (to_file) {
		va_copy(aq, ap);
		fputs(prefix, log_file);
		vfprintf(log_file, fmt, aq);
		fputc('\n', log_file);
		fflush(log_file);
		va_end(aq);
	}
	if (to_stderr) {
		fputs(prefix, stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&log_lock);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_ERR, "virq: error: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_INFO, "virq: ", fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(LOG_DEBUG, "virq: debug: ", fmt, ap);
	va_end(ap);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull, .tv_nsec = ns % 1000000000ull };

	while (nanosleep(&ts, &ts))
		;
}

void os_setup_limits(void)
{
	struct rlimit nofile;

	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0) {
		pr_err("unable to query NOFILE limit: %s", strerror(errno));
		return;
	}
	if (nofile.rlim_cur == nofile.rlim_max)
		return;
	nofile.rlim_cur = nofile.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		pr_err("unable to set NOFILE limit: %s", strerror(errno));
}
