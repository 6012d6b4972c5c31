/* SPDX-License-Identifier: GPL-2.0 */
/* report.h - a run's results as results.txt (people) and results.json (tools) */
#ifndef VIRQ_REPORT_H
#define VIRQ_REPORT_H

#include <stdio.h>

#include "results.h"

/* report_write - DIR/results.txt and DIR/results.json; 0 or -errno */
int report_write(const struct results *res, const char *dir);
/* report_print - results.txt's text to f */
void report_print(const struct results *res, FILE *f);

#endif /* VIRQ_REPORT_H */
