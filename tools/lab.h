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

/* lab/ beside build/ (or VIRQ_LAB_DIR) into out; 0 or -errno */
int lab_dir(char *out, size_t n);
/* run argv[0] (PATH searched), wait: its exit status, 128 + signal, or -errno */
int lab_exec(char **argv);
/* a lab script's status as virq's exit status (124, 125, ... are VIRQ_EXIT_ENV) */
int lab_status(int st);

/* 'virq lab linux-move ...' (argv[0] = "linux-move"): tools/lab-linux.c */
int lab_linux_move(int argc, char **argv, const char *usage_text);

#endif
