// SPDX-License-Identifier: GPL-2.0
/*
 * lab.c - 'virq lab': hand the scenarios and this very binary (static) to
 * lab/run.sh, which boots a Debian kernel under QEMU TCG and runs
 * 'virq run --ftrace' inside it; then show what came back.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/scenario/run.h"
#include "lab.h"

#define LAB_SCALE	"4"	/* TCG and nested KVM: timeouts x4 */

/* lab/ beside build/: VIRQ_LAB_DIR, else <dir of this binary>/../lab */
int lab_dir(char *out, size_t n)
{
	char exe[PATH_MAX];
	const char *env = getenv("VIRQ_LAB_DIR");
	ssize_t l;

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return 0;
	}
	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0)
		return -errno;
	exe[l] = 0;
	snprintf(out, n, "%s/../lab", dirname(exe));
	return access(out, F_OK) ? -errno : 0;
}

int lab_exec(char **argv)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "virq: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* the lab's status -> ours: 124 host timeout, 125 boot failure, 143 guest timeout */
int lab_status(int st)
{
	if (st <= VIRQ_EXIT_NA)
		return st;
	fprintf(stderr, "virq: the lab failed (%s, status %d)\n",
		st == 124 ? "QEMU timed out" : st == 125 ? "the kernel did not boot or panicked" :
		st == 143 ? "the run timed out inside the lab" : "lab script error", st);
	return VIRQ_EXIT_ENV;
}

/* every scenario's results.txt; all_expected: say when one is missing */
static void lab_show_results(const char *out, const struct scenario *sc, int n, bool all_expected)
{
	char path[PATH_MAX], line[512];

	for (int i = 0; i < n; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/results.txt", out, sc[i].name);
		f = fopen(path, "r");
		if (!f) {
			if (all_expected)
				printf("%s: no results (%s)\n", sc[i].name, strerror(errno));
			continue;
		}
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		fclose(f);
		printf("\n");
	}
}

struct lab_args {
	const char *kernel;		/* --kernel: an era, a package, a cached id or a file */
	const char *modules;		/* --modules, with a kernel file; NULL if none */
	const char *out;
	bool verbose;
	const char *extra;		/* options for 'virq run' inside the lab */
};

static int lab_run(const char *dir, const struct lab_args *la, int n, char **files)
{
	struct scenario *sc = calloc(n, sizeof(*sc));
	char exe[PATH_MAX], log[PATH_MAX], cmd[8192], script[PATH_MAX];
	char **argv = calloc(n + 16, sizeof(char *));
	char err[512];
	int a = 0, st, len;
	ssize_t l;

	if (!sc || !argv)
		return VIRQ_EXIT_ENV;
	for (int i = 0; i < n; i++) {
		if (scenario_parse_file(files[i], &sc[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return VIRQ_EXIT_USAGE;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(sc[i].name, sc[j].name)) {
				fprintf(stderr, "virq: %s and %s have the same name '%s'\n", files[j],
					files[i], sc[i].name);
				return VIRQ_EXIT_USAGE;
			}
	}
	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0)
		return VIRQ_EXIT_ENV;
	exe[l] = 0;
	len = snprintf(cmd, sizeof(cmd), "./virq run --ftrace --scale " LAB_SCALE "%s --out \"$LAB_OUT\"",
		       la->extra);
	for (int i = 0; i < n; i++) {
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", files[i]);
		len += snprintf(cmd + len, sizeof(cmd) - len, " ./%s", basename(tmp));
	}
	snprintf(script, sizeof(script), "%s/run.sh", dir);
	snprintf(log, sizeof(log), "%s/lab-console.log", la->out);
	argv[a++] = "sh";
	argv[a++] = script;
	argv[a++] = "--kernel";
	argv[a++] = (char *)la->kernel;
	if (la->modules) {
		argv[a++] = "--modules";
		argv[a++] = (char *)la->modules;
	}
	argv[a++] = "--log";
	argv[a++] = log;
	argv[a++] = "--outdir";
	argv[a++] = (char *)la->out;
	argv[a++] = "--cmd";
	argv[a++] = cmd;
	argv[a++] = exe;
	for (int i = 0; i < n; i++)
		argv[a++] = files[i];
	if (la->verbose)
		setenv("LAB_VERBOSE", "1", 1);
	st = lab_status(lab_exec(argv));
	/* an environment error inside (a device the kernel cannot give) still
	 * leaves the results of the scenarios that ran: show those */
	if (st != VIRQ_EXIT_USAGE)
		lab_show_results(la->out, sc, n, st != VIRQ_EXIT_ENV);
	printf("virq lab run: %d scenario%s, kernel %s: %s (results in %s)\n", n, n == 1 ? "" : "s",
	       la->kernel, st == 0 ? "all passed" : st == 1 ? "FAILED" :
	       st == VIRQ_EXIT_USAGE ? "usage error" :
	       st == VIRQ_EXIT_NA ? "some not applicable on this kernel, the rest passed" :
	       "lab error", la->out);
	for (int i = 0; i < n; i++)
		scenario_free(&sc[i]);
	free(sc);
	free(argv);
	return st;
}

int cmd_lab(int argc, char **argv, const char *usage_text);

/* 'virq lab setup': setup.sh fetches (or imports) the kernel; usage errors stay 2 */
static int lab_setup(const char *dir, const struct lab_args *la)
{
	char script[PATH_MAX + 16];
	char *sargv[] = { "sh", script, "--kernel", (char *)la->kernel, NULL, NULL, NULL };
	int st;

	if (la->modules) {
		sargv[4] = "--modules";
		sargv[5] = (char *)la->modules;
	}
	snprintf(script, sizeof(script), "%s/setup.sh", dir);
	st = lab_exec(sargv);
	return st == 0 || st == VIRQ_EXIT_USAGE ? st : VIRQ_EXIT_ENV;
}

int cmd_lab(int argc, char **argv, const char *usage_text)
{
	static const struct option lo[] = {
		{ "kernel", 1, 0, 'k' }, { "modules", 1, 0, 'm' }, { "out", 1, 0, 'o' },
		{ "help", 0, 0, 'h' }, { "skip-unchanged-commits", 0, 0, 'S' }, { 0 },
	};
	struct lab_args la = { .kernel = "6.1", .out = "lab-results", .extra = "" };
	char dir[PATH_MAX];
	int c;

	if (argc >= 2 && !strcmp(argv[1], "linux-move"))
		return lab_linux_move(argc - 1, argv + 1, usage_text);
	if (argc < 2 || (strcmp(argv[1], "run") && strcmp(argv[1], "setup"))) {
		fputs(usage_text, argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : VIRQ_EXIT_USAGE;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "k:m:o:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': la.kernel = optarg; break;
		case 'm': la.modules = optarg; break;
		case 'o': la.out = optarg; break;
		case 'v': la.verbose = true; break;
		case 'S': la.extra = " --skip-unchanged-commits"; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return VIRQ_EXIT_USAGE;
		}
	}
	/* the rest of --kernel (eras, packages, files) is setup.sh's to check */
	if (!strcmp(argv[1], "run") && !strcmp(la.kernel, "all")) {
		fprintf(stderr, "virq: --kernel all is for 'virq lab setup'; run boots one kernel\n");
		return VIRQ_EXIT_USAGE;
	}
	if (la.modules && access(la.kernel, F_OK)) {
		fprintf(stderr, "virq: --modules goes with --kernel FILE (a bzImage or a .deb)\n");
		return VIRQ_EXIT_USAGE;
	}
	if (lab_dir(dir, sizeof(dir))) {
		fprintf(stderr, "virq: cannot find the lab scripts (lab/ beside build/, or VIRQ_LAB_DIR)\n");
		return VIRQ_EXIT_ENV;
	}
	if (!strcmp(argv[1], "setup"))
		return lab_setup(dir, &la);
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return VIRQ_EXIT_USAGE;
	}
	return lab_run(dir, &la, argc - optind, argv + optind);
}
