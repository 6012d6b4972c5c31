/* SPDX-License-Identifier: GPL-2.0 */
/* lab.h - the pieces of 'virq lab' (tools/lab*.c) */
#ifndef VIRQ_TOOLS_LAB_H
#define VIRQ_TOOLS_LAB_H

#include <stddef.h>

#include "../src/scenario/run.h"

/* files carried into the lab's /lab (run.sh's FILE...) */
struct lab_files {
	char **v;
	int n, cap;
};

int lab_files_add(struct lab_files *lf, const char *path);
void lab_files_free(struct lab_files *lf);
/* print a file to stdout; 0 or -errno */
int lab_cat(const char *path);

/* lab-qemu.c: the scenarios under real QEMU in L1 (lab/vmm-qemu.sh) */
int lab_qemu_stage(const char *lab, const char *stage, const struct scenario *sc, int n,
		   const char *guest, struct lab_files *lf);
int lab_qemu_cmd(char *cmd, size_t size, const char *out, const struct scenario *sc, int n);
int lab_qemu_results(const char *out, const struct scenario *sc, int n);

/* lab-diff.c: out/virq/NAME and out/qemu/NAME compared, out/NAME/diff.{txt,json} */
int lab_diff_report(const char *lab, const char *out, const struct scenario *sc, int n);

#endif
