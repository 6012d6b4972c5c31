// SPDX-License-Identifier: GPL-2.0
/*
 * lab-qemu.c - 'virq lab run --vmm qemu' and the QEMU half of 'virq lab
 * diff': each scenario's guest steps compiled into a step program, carried
 * into the lab with the test guest, run there under real QEMU by
 * lab/vmm-qemu.sh, and read back into the same results files virq writes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "../src/scenario/guest-results.h"
#include "../src/scenario/program.h"
#include "../src/trace/report.h"
#include "../src/trace/timeline.h"
#include "../src/trace/trace.h"

static int lab_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	int r = 0;

	if (!f)
		return -errno;
	if (fwrite(buf, 1, len, f) != len)
		r = -EIO;
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

/* the seed's filter, one entry a line, for lab/qemu-l2.sh */
static int lab_write_filter(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (int i = 0; trace_seed_functions[i]; i++)
		fprintf(f, "%s\n", trace_seed_functions[i]);
	return fclose(f) ? -errno : 0;
}

/*
 * lab_qemu_stage - into stage/: NAME.prog and NAME.qemu-args (its devices)
 * for each scenario, ftrace-filter;
 * files[] gets their paths (and the lab scripts and guest). A scenario with
 * a step only a VMM can take is refused with its FILE:LINE: exit 2.
 */
int lab_qemu_stage(const char *lab, const char *stage, const struct scenario *sc, int n,
		   const char *guest, struct lab_files *lf)
{
	char path[PATH_MAX], err[512], args[1024];

	for (int i = 0; i < n; i++) {
		struct program_info info;
		struct virq_prog *p;
		ssize_t len = program_compile(&sc[i], &p, &info, err, sizeof(err));
		int r;

		if (len < 0) {
			fprintf(stderr, "%s\nvirq: %s cannot run under QEMU: only its guest steps "
				"can (host steps are virq's own)\n", err, sc[i].file);
			return VIRQ_EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "%s/%s.prog", stage, sc[i].name);
		r = lab_write_file(path, p, (size_t)len);
		if (r >= 0 && lab_files_add(lf, path) < 0)
			r = -ENOMEM;
		/* beside it, the devices QEMU gets for it (vmm-qemu.sh) */
		if (r >= 0) {
			snprintf(path, sizeof(path), "%s/%s.qemu-args", stage, sc[i].name);
			len = program_qemu_args(p, args, sizeof(args));
			r = len < 0 ? (int)len : lab_write_file(path, args, (size_t)len);
		}
		if (r >= 0 && lab_files_add(lf, path) < 0)
			r = -ENOMEM;
		free(p);
		if (r < 0) {
			fprintf(stderr, "virq: %s: %s\n", path, strerror(-r));
			return VIRQ_EXIT_ENV;
		}
	}
	snprintf(path, sizeof(path), "%s/ftrace-filter", stage);
	if (lab_write_filter(path) < 0 || lab_files_add(lf, path) < 0)
		return VIRQ_EXIT_ENV;
	if (access(guest, R_OK)) {
		fprintf(stderr, "virq: no test guest %s (make)\n", guest);
		return VIRQ_EXIT_ENV;
	}
	if (lab_files_add(lf, guest) < 0)
		return VIRQ_EXIT_ENV;
	for (const char *const *s = (const char *const[]){ "qemu-l2.sh", "vmm-qemu.sh", NULL };
	     *s; s++) {
		snprintf(path, sizeof(path), "%s/%s", lab, *s);
		if (lab_files_add(lf, path) < 0)
			return VIRQ_EXIT_ENV;
	}
	return 0;
}

/* the lab's command for them: "sh ./vmm-qemu.sh [--out DIR] NAME:NCPUS..." */
int lab_qemu_cmd(char *cmd, size_t size, const char *out, const struct scenario *sc, int n)
{
	int len = snprintf(cmd, size, "sh ./vmm-qemu.sh%s%s", out ? " --out " : "", out ? out : "");

	for (int i = 0; i < n && len < (int)size; i++)
		len += snprintf(cmd + len, size - len, " %s:%d", sc[i].name, sc[i].vcpus);
	return len < (int)size ? 0 : -E2BIG;
}

/* out/NAME/{results.txt,results.json,timeline.json} from what vmm-qemu.sh left */
int lab_qemu_results(const char *out, const struct scenario *sc, int n)
{
	int status = VIRQ_EXIT_OK;

	for (int i = 0; i < n; i++) {
		char dir[PATH_MAX], ft[PATH_MAX + 16], tl[PATH_MAX + 16];
		struct results res = { 0 };
		int st;

		snprintf(dir, sizeof(dir), "%s/%s", out, sc[i].name);
		mkdir(dir, 0755);
		st = guest_results_fill(&sc[i], dir, &res);
		if (report_write(&res, dir) < 0)
			fprintf(stderr, "virq: cannot write the results in %s\n", dir);
		snprintf(ft, sizeof(ft), "%s/ftrace.txt", dir);
		snprintf(tl, sizeof(tl), "%s/timeline.json", dir);
		if (!access(ft, R_OK) && timeline_write(ft, tl) < 0)
			fprintf(stderr, "virq: cannot write %s\n", tl);
		results_free(&res);
		if (st != VIRQ_EXIT_OK)
			status = VIRQ_EXIT_FAIL;
	}
	return status;
}
