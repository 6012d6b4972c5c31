/* SPDX-License-Identifier: GPL-2.0 */
/* lab.h - tools/lab.c's helpers for the other 'virq lab' commands (lab-linux.c) */
#ifndef VIRQ_TOOLS_LAB_H
#define VIRQ_TOOLS_LAB_H

#include <stddef.h>

/* lab/ beside build/ (or VIRQ_LAB_DIR) into out; 0 or -errno */
int lab_dir(char *out, size_t n);
/* run argv[0] (PATH searched), wait: its exit status, 128 + signal, or -errno */
int lab_exec(char **argv);
/* a lab script's status as virq's exit status (124, 125, ... are VIRQ_EXIT_ENV) */
int lab_status(int st);

/* 'virq lab linux-move ...' (argv[0] = "linux-move"): tools/lab-linux.c */
int lab_linux_move(int argc, char **argv, const char *usage_text);

#endif
