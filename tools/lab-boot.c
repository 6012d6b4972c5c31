// SPDX-License-Identifier: GPL-2.0
/*
 * lab-boot.c - 'virq lab boot KERNEL... [options]': 'virq boot' inside the
 * lab, each kernel in turn in one lab boot. This binary, the kernels and
 * the initrd go into /lab (lab/run.sh FILE...); each run's COM1, stderr
 * and exit status land in $LAB_OUT/NAME/{serial.txt,stderr.txt,status},
 * and the command inside exits with the last one's. That status comes back
 * exactly: it is the rc of boot.sh's LAB-RESULT line, which .lab-run keeps.
 * Without a fresh .lab-run, or with a LAB-TIMEOUT in the console, the lab
 * failed, and the status is VIRQ_BOOT_ENV whatever run.sh's own (2, 3,
 * 124, 125) was: those would read as a guest's or virq's code.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "lab.h"

#define LAB_BOOT_MAX	16

static const char usage_lab_boot[] =
	"usage: virq lab boot [--kernel K [--modules M]] [--out DIR] [-v] KERNEL...\n"
	"                     [--smp N] [--mem MB] [--append ARGS] [--initrd FILE] [--timeout S]\n"
	"\n"
	"Boots the lab (a Debian kernel with KVM under QEMU TCG, as 'virq lab run') and\n"
	"runs 'virq boot KERNEL ...' inside it, for each KERNEL in turn, with the same\n"
	"options. The files are carried in; the command line keeps KERNEL's name as\n"
	"given. Each guest's COM1 is printed on stdout, virq's messages on stderr. The\n"
	"exit status is 'virq boot's, exactly (of the last KERNEL): (v << 1) | 1 for the\n"
	"guest's write of v to 0xf4, 2 usage, 4 environment, 6 triple fault, 8 vCPU\n"
	"error, 10 timeout ('virq boot --help'); 4 also when the lab itself fails.\n"
	"DIR (default lab-boot): NAME/{serial.txt,stderr.txt,status}, lab-console.log.\n"
	"-v streams the lab's console and runs 'virq boot -v' (its debug lines in stderr).\n"
	"  --kernel K    the lab's kernel era: 5.10, 6.1 (default), 6.12, 7.2, ...\n"
	"                ('virq lab --help')\n";

/* 'S' for sh -c: single quotes, each ' as '\'' */
static int sh_quote(char *out, size_t size, const char *s)
{
	size_t n = 0;

	out[n++] = '\'';
	for (; *s && n + 6 < size; s++) {
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *s;
		}
	}
	if (*s)
		return -E2BIG;
	out[n++] = '\'';
	out[n] = 0;
	return 0;
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* a name used as a file in /lab and a directory in $LAB_OUT: no quotes, not "virq" */
static bool lab_boot_name_ok(const char *name)
{
	return *name && !strchr(name, '\'') && strcmp(name, "virq") && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* one kernel's part: mkdir; ./virq boot ... >NAME/serial.txt 2>NAME/stderr.txt; echo $? */
static int lab_boot_cmd_one(char *cmd, size_t size, const struct boot_opts *o)
{
	const char *b = base_of(o->kernel);
	char kname[PATH_MAX * 4 + 8], append[8192], initrd[PATH_MAX + 32] = "";
	int n;

	if (sh_quote(kname, sizeof(kname), o->kernel) < 0 ||
	    sh_quote(append, sizeof(append), o->append) < 0)
		return -E2BIG;
	if (o->initrd)
		snprintf(initrd, sizeof(initrd), " --initrd './%s'", base_of(o->initrd));
	n = snprintf(cmd, size, "mkdir -p \"$LAB_OUT/%s\"; ./virq boot './%s' --name %s --smp %d "
		     "--mem %u --timeout %u%s%s --append %s >\"$LAB_OUT/%s/serial.txt\" "
		     "2>\"$LAB_OUT/%s/stderr.txt\"; echo $? >\"$LAB_OUT/%s/status\"; ",
		     b, b, kname, o->smp, o->mem_mb, o->timeout_s, initrd, o->verbose ? " -v" : "",
		     append, b, b, b);
	return n < (int)size ? n : -E2BIG;
}

static int lab_boot_cmd(char *cmd, size_t size, struct boot_opts o, char **kernels, int n)
{
	size_t len = 0;
	int r;

	for (int i = 0; i < n; i++) {
		o.kernel = kernels[i];
		r = lab_boot_cmd_one(cmd + len, size - len, &o);
		if (r < 0)
			return r;
		len += (size_t)r;
	}
	r = snprintf(cmd + len, size - len, "exit $(cat \"$LAB_OUT/%s/status\")",
		     base_of(kernels[n - 1]));
	return r < (int)(size - len) ? 0 : -E2BIG;
}

/* this binary, the kernels, the initrd; their names must not meet in /lab */
static int lab_boot_files(struct lab_files *lf, const struct boot_opts *o, char **kernels,
			  int n)
{
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (l < 0)
		return -errno;
	exe[l] = 0;
	for (int i = 0; i <= n; i++) {
		const char *f = i < n ? kernels[i] : o->initrd;

		if (!f)
			continue;
		for (int j = 0; j < i; j++)
			if (!strcmp(base_of(f), base_of(kernels[j]))) {
				fprintf(stderr, "virq: lab boot: %s and %s meet in /lab under one "
					"name\n", kernels[j], f);
				return -EINVAL;
			}
		if (!lab_boot_name_ok(base_of(f))) {
			fprintf(stderr, "virq: lab boot: %s: a name /lab cannot take\n", f);
			return -EINVAL;
		}
	}
	if (lab_files_add(lf, exe) < 0 || (o->initrd && lab_files_add(lf, o->initrd) < 0))
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		if (lab_files_add(lf, kernels[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* lab/run.sh, as lab.c's lab_boot: the command, the files, the console log in out/ */
static int lab_boot_run_sh(const char *dir, const char *kernel, const char *modules,
			   const char *out, const char *cmd, unsigned int limit_s,
			   const struct lab_files *lf)
{
	char script[PATH_MAX], log[PATH_MAX], limit[16];
	char *argv[LAB_BOOT_MAX + 24] = { "sh", script, "--kernel", (char *)kernel };
	int a = 4;

	snprintf(script, sizeof(script), "%s/run.sh", dir);
	snprintf(log, sizeof(log), "%s/lab-console.log", out);
	snprintf(limit, sizeof(limit), "%u", limit_s);
	if (modules) {
		argv[a++] = "--modules";
		argv[a++] = (char *)modules;
	}
	argv[a++] = "--timeout";
	argv[a++] = limit;
	argv[a++] = "--log";
	argv[a++] = log;
	argv[a++] = "--outdir";
	argv[a++] = (char *)out;
	argv[a++] = "--cmd";
	argv[a++] = (char *)cmd;
	for (int i = 0; i < lf->n; i++)
		argv[a++] = lf->v[i];
	argv[a] = NULL;
	mkdir(out, 0755);
	return lab_exec(argv);
}

/* boot.sh's 124 for a command past lab.timeout is no status of virq's: LAB-TIMEOUT says so */
static bool lab_boot_timed_out(const char *out)
{
	char path[PATH_MAX + 32], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/lab-console.log", out);
	if (!(f = fopen(path, "r")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "LAB-TIMEOUT", 11);
	fclose(f);
	return found;
}

/* the command's status from .lab-run ("kernel=K rc=N seconds=S log=L"), if this run wrote it */
static int lab_boot_result(const char *out, time_t t0)
{
	char path[PATH_MAX + 16], line[PATH_MAX + 128];
	struct stat st;
	FILE *f;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/.lab-run", out);
	if (stat(path, &st) || st.st_mtime < t0 || !(f = fopen(path, "r")))
		return -1;
	if (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " rc=");

		if (!p || sscanf(p, " rc=%d", &rc) != 1)
			rc = -1;
	}
	fclose(f);
	return rc == 124 && lab_boot_timed_out(out) ? -1 : rc;
}

static void lab_boot_cat(const char *path, FILE *to)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, to);
	fclose(f);
}

/* each kernel's COM1 to stdout, virq's lines to stderr, and its status */
static void lab_boot_show(const char *out, char **kernels, int n)
{
	char path[PATH_MAX + 64];

	for (int i = 0; i < n; i++) {
		const char *b = base_of(kernels[i]);
		int st = -1;
		FILE *f;

		if (n > 1)
			printf("== %s\n", kernels[i]);
		fflush(stdout);
		snprintf(path, sizeof(path), "%s/%s/serial.txt", out, b);
		lab_boot_cat(path, stdout);
		fflush(stdout);
		snprintf(path, sizeof(path), "%s/%s/stderr.txt", out, b);
		lab_boot_cat(path, stderr);
		snprintf(path, sizeof(path), "%s/%s/status", out, b);
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%d", &st) != 1)
				st = -1;
			fclose(f);
		}
		if (n > 1)
			fprintf(stderr, "virq lab boot: %s: exit status %d\n", kernels[i], st);
	}
}

static int lab_boot_parse(int argc, char **argv, struct boot_opts *o, const char **kernel,
			  const char **modules, const char **out)
{
	static const struct option lo[] = {
		BOOT_LONG_OPTIONS, { "kernel", 1, 0, 'k' }, { "modules", 1, 0, 'm' },
		{ "out", 1, 0, 'o' }, { "help", 0, 0, 'h' }, { 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': *kernel = optarg; break;
		case 'm': *modules = optarg; break;
		case 'o': *out = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': fputs(usage_lab_boot, stdout); return 1;
		default:
			if (c == 'N' || boot_parse_opt(o, c, optarg) < 0) {
				fputs(usage_lab_boot, stderr);
				return -1;
			}
		}
	}
	if (optind >= argc || argc - optind > LAB_BOOT_MAX) {
		fputs(usage_lab_boot, stderr);
		return -1;
	}
	for (int i = optind; i <= argc; i++) {
		const char *f = i < argc ? argv[i] : o->initrd;

		if (f && access(f, R_OK)) {
			fprintf(stderr, "virq: lab boot: cannot read %s: %s\n", f, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int lab_boot_main(int argc, char **argv)
{
	const char *kernel = "6.1", *modules = NULL, *out = "lab-boot";
	char dir[PATH_MAX], cmd[32768];
	struct lab_files lf = { 0 };
	struct boot_opts o;
	time_t t0 = time(NULL);
	unsigned int limit;
	int r, n, st;

	boot_opts_init(&o);
	r = lab_boot_parse(argc, argv, &o, &kernel, &modules, &out);
	if (r)
		return r > 0 ? 0 : VIRQ_BOOT_USAGE;
	n = argc - optind;
	if (lab_dir(dir, sizeof(dir))) {
		fprintf(stderr, "virq: cannot find the lab scripts (lab/ beside build/, or VIRQ_LAB_DIR)\n");
		return VIRQ_BOOT_ENV;
	}
	r = lab_boot_files(&lf, &o, argv + optind, n);
	if (!r && lab_boot_cmd(cmd, sizeof(cmd), o, argv + optind, n) < 0) {
		fprintf(stderr, "virq: lab boot: the arguments are too long\n");
		r = -EINVAL;
	}
	if (r < 0) {
		lab_files_free(&lf);
		return r == -EINVAL ? VIRQ_BOOT_USAGE : VIRQ_BOOT_ENV;
	}
	if (o.verbose)
		setenv("LAB_VERBOSE", "1", 1);
	/* boot.sh gives the command its limit less 60 s: each kernel's timeout, and the boot */
	limit = (o.timeout_s ? o.timeout_s : 600) * (unsigned int)n + 180;
	r = lab_boot_run_sh(dir, kernel, modules, out, cmd, limit < 660 ? 660 : limit, &lf);
	lab_files_free(&lf);
	st = lab_boot_result(out, t0);
	if (st >= 0)
		lab_boot_show(out, argv + optind, n);
	fprintf(stderr, "virq lab boot: %s%s on the lab's kernel %s: %s %d (in %s)\n",
		argv[optind], n > 1 ? " ..." : "", kernel,
		st < 0 ? "the lab failed, run.sh status" : n > 1 ? "the last one's exit status" :
		"exit status", st >= 0 ? st : r, out);
	return st >= 0 ? st : VIRQ_BOOT_ENV;
}
