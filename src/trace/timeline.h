/* SPDX-License-Identifier: GPL-2.0 */
/* timeline.h - ftrace.txt (kernel calls + VMM markers) as Chrome trace-event JSON */
#ifndef VIRQ_TIMELINE_H
#define VIRQ_TIMELINE_H

#include <stdbool.h>

/* timeline_write - read ftrace_path, write out_path; 0 or -errno */
int timeline_write(const char *ftrace_path, const char *out_path);

#endif
