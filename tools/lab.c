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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "../src/trace/trace.h"
#include "boot.h"

#define LAB_SCALE	"4"	/* TCG and nested KVM: timeouts x4 */
#define LAB_ROUND_S	600	/* --rounds: host limit per round (a 6.1 round: ~60 s) */
#define LAB_STALL_S	"900"	/* --rounds: a console silent this long is a stuck L1 */

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

int lab_cat(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

/* every scenario's results.txt; all_expected: say when one is missing */
static void lab_show_results(const char *out, const struct scenario *sc, int n, bool all_expected)
{
	char path[PATH_MAX];

	for (int i = 0; i < n; i++) {
		int r;

		snprintf(path, sizeof(path), "%s/%s/results.txt", out, sc[i].name);
		r = lab_cat(path);
		if (r < 0 && all_expected)
			printf("%s: no results (%s)\n", sc[i].name, strerror(-r));
		if (!r)
			printf("\n");
	}
}

struct lab_args {
	const char *kernel;		/* --kernel: an era, a package, a cached id or a file */
	const char *modules;		/* --modules, with a kernel file; NULL if none */
	const char *out;
	bool verbose;
	bool skip_unchanged;		/* 'virq run --skip-unchanged-commits' inside */
	bool program;			/* 'virq run --program' inside */
	const char *ftrace_add;		/* 'virq run --ftrace-add' inside; checked there */
	const char *qemu;		/* --vmm qemu[=Q]: lab/qemu.sh's Q; NULL: virq */
	bool diff;			/* 'lab diff': virq and QEMU in one boot */
	bool reuse;			/* 'lab diff --reuse': compare what is in out/ */
	int rounds;			/* --rounds N: lab/rounds.sh runs it N times; 0: once */
};

int lab_files_add(struct lab_files *lf, const char *path)
{
	if (lf->n + 1 >= lf->cap) {
		char **v = realloc(lf->v, (lf->cap = lf->cap ? 2 * lf->cap : 16) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		lf->v = v;
	}
	lf->v[lf->n] = strdup(path);
	if (!lf->v[lf->n])
		return -ENOMEM;
	lf->v[++lf->n] = NULL;
	return 0;
}

void lab_files_free(struct lab_files *lf)
{
	for (int i = 0; i < lf->n; i++)
		free(lf->v[i]);
	free(lf->v);
	*lf = (struct lab_files){ 0 };
}

static int lab_parse_all(int n, char **files, struct scenario *sc)
{
	char err[512];

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
	return 0;
}

/* "./virq run --ftrace ... --out OUT ./a.virq ./b.virq"; with --rounds
 * "sh ./rounds.sh N OUT ./virq run --ftrace ... ./a.virq", which adds
 * --out OUT/round-K to each (getopt_long takes options after the files) */
static int lab_virq_cmd(char *cmd, size_t size, const struct lab_args *la, const char *out,
			int n, char **files)
{
	int len = la->rounds ? snprintf(cmd, size, "sh ./rounds.sh %d %s ", la->rounds, out) : 0;

	len += snprintf(cmd + len, size - len, "./virq run --ftrace --scale " LAB_SCALE "%s%s%s%s%s%s",
			la->skip_unchanged ? " --skip-unchanged-commits" : "",
			la->program ? " --program" : "", la->ftrace_add ? " --ftrace-add " : "",
			la->ftrace_add ? la->ftrace_add : "", la->rounds ? "" : " --out ",
			la->rounds ? "" : out);

	for (int i = 0; i < n && len < (int)size; i++) {
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", files[i]);
		len += snprintf(cmd + len, size - len, " ./%s", basename(tmp));
	}
	return len < (int)size ? 0 : -E2BIG;
}

/* the command inside L1 and the files it needs in /lab */
static int lab_prepare(const char *dir, const struct lab_args *la, const struct scenario *sc,
		       int n, char **files, const char *stage, char *cmd, size_t size,
		       struct lab_files *lf)
{
	char exe[PATH_MAX], guest[PATH_MAX + 32], rounds[PATH_MAX + 16];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int r = 0, len;

	if (l < 0)
		return VIRQ_EXIT_ENV;
	exe[l] = 0;
	if (!la->qemu || la->diff) {
		r = lab_virq_cmd(cmd, size, la, la->diff ? "\"$LAB_OUT/virq\"" : "\"$LAB_OUT\"", n,
				 files);
		if (r < 0 || lab_files_add(lf, exe) < 0)
			return VIRQ_EXIT_ENV;
		snprintf(rounds, sizeof(rounds), "%s/rounds.sh", dir);
		if (la->rounds && lab_files_add(lf, rounds) < 0)
			return VIRQ_EXIT_ENV;
		for (int i = 0; i < n; i++)
			if (lab_files_add(lf, files[i]) < 0)
				return VIRQ_EXIT_ENV;
	}
	if (!la->qemu)
		return 0;
	/* the test guest beside this binary: build/virq, build/guest/virq-guest.elf */
	snprintf(guest, sizeof(guest), "%s/guest/virq-guest.elf", dirname(exe));
	r = lab_qemu_stage(dir, stage, sc, n, getenv("VIRQ_GUEST") ?: guest, lf);
	if (r)
		return r;
	len = la->diff ? (int)strlen(cmd) : 0;
	if (la->diff)
		len += snprintf(cmd + len, size - len, "; ");
	if (len >= (int)size || lab_qemu_cmd(cmd + len, size - len,
					     la->diff ? "\"$LAB_OUT/qemu\"" : NULL, sc, n) < 0)
		return VIRQ_EXIT_ENV;
	return 0;
}

static int lab_boot(const char *dir, const struct lab_args *la, const char *cmd,
		    const struct lab_files *lf)
{
	char log[PATH_MAX], script[PATH_MAX], timeout[16];
	char **argv = calloc(lf->n + 22, sizeof(char *));
	int a = 0, st;

	if (!argv)
		return VIRQ_EXIT_ENV;
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
	if (la->qemu) {
		argv[a++] = "--qemu";
		argv[a++] = (char *)la->qemu;
	}
	if (la->rounds) {
		/* boot.sh's default (660 s) is for one pass; a stuck L1 is cut
		 * short by the console's silence (LAB_STALL_TIMEOUT), not this */
		snprintf(timeout, sizeof(timeout), "%d", 120 + la->rounds * LAB_ROUND_S);
		argv[a++] = "--timeout";
		argv[a++] = timeout;
		setenv("LAB_STALL_TIMEOUT", getenv("LAB_STALL_TIMEOUT") ?: LAB_STALL_S, 1);
	}
	argv[a++] = "--log";
	argv[a++] = log;
	argv[a++] = "--outdir";
	argv[a++] = (char *)la->out;
	argv[a++] = "--cmd";
	argv[a++] = (char *)cmd;
	for (int i = 0; i < lf->n; i++)
		argv[a++] = lf->v[i];
	if (la->verbose)
		setenv("LAB_VERBOSE", "1", 1);
	mkdir(la->out, 0755);
	st = lab_exec(argv);
	free(argv);
	return st;
}

static const char *lab_verdict(int st)
{
	return st == 0 ? "all passed" : st == 1 ? "FAILED" : st == VIRQ_EXIT_USAGE ? "usage error" :
	       st == VIRQ_EXIT_NA ? "some not applicable on this kernel, the rest passed" :
	       "lab error";
}

/*
 * --rounds: what lab/rounds.sh said on the console, which survives an L1
 * that never sends its archive. Exit 0: every round ran, all passed; 1:
 * a scenario failed; VIRQ_EXIT_ENV: fewer rounds ran than asked (the
 * summary's "rounds R/N" says how many: make soak boots again for the rest).
 */
static int lab_rounds_report(const char *out, int rounds, int n, int st)
{
	char path[PATH_MAX], line[1024];
	int ran = 0, failed = 0, short_rounds = 0;
	FILE *f, *sum;

	snprintf(path, sizeof(path), "%s/lab-console.log", out);
	f = fopen(path, "r");
	if (!f)
		return VIRQ_EXIT_ENV;
	snprintf(path, sizeof(path), "%s/rounds.txt", out);
	sum = fopen(path, "w");
	while (fgets(line, sizeof(line), f)) {
		int k, total, fl;

		if (strncmp(line, "LAB-ROUND", 9))
			continue;
		fputs(line + 4, stdout);
		if (sum)
			fputs(line + 4, sum);
		if (sscanf(line, "LAB-ROUND %d/%*d rc=%*d seconds=%*s scenarios=%d failed=%d",
			   &k, &total, &fl) == 3) {
			ran++;
			failed += fl;
			short_rounds += total < n;	/* virq run stopped early */
		}
	}
	fclose(f);
	snprintf(line, sizeof(line), "rounds %d/%d, %d scenario runs, %d failed%s\n", ran, rounds,
		 ran * n, failed + short_rounds, short_rounds ? " (some rounds stopped early)" : "");
	fputs(line, stdout);
	if (sum) {
		fputs(line, sum);
		fclose(sum);
	}
	if (ran < rounds)
		return VIRQ_EXIT_ENV;
	return failed || short_rounds ? 1 : st == VIRQ_EXIT_ENV ? st : 0;
}

static int lab_run(const char *dir, const struct lab_args *la, int n, char **files)
{
	struct scenario *sc = calloc(n, sizeof(*sc));
	char stage[] = "/tmp/virq-lab.XXXXXX", cmd[16384];
	struct lab_files lf = { 0 };
	int st;

	if (!sc)
		return VIRQ_EXIT_ENV;
	st = lab_parse_all(n, files, sc);
	if (!st && la->qemu && !mkdtemp(stage))
		st = VIRQ_EXIT_ENV;
	else if (!la->qemu)
		stage[0] = 0;
	if (!st)
		st = lab_prepare(dir, la, sc, n, files, stage, cmd, sizeof(cmd), &lf);
	if (!st && la->reuse) {
		st = lab_diff_report(dir, la->out, sc, n);
		printf("virq lab diff: %d scenario%s (runs in %s): %s\n", n, n == 1 ? "" : "s",
		       la->out, st == 0 ? "no unexplained difference" : st == 1 ? "DIFFERENCES" :
		       lab_verdict(st));
	} else if (!st) {
		st = lab_boot(dir, la, cmd, &lf);
		/* vmm-qemu.sh's 1 is a QEMU run without the guest's exit: the results say which */
		st = la->qemu && st == 1 ? 1 : lab_status(st);
		if (la->diff && st != VIRQ_EXIT_ENV)
			st = lab_diff_report(dir, la->out, sc, n);
		else if (la->qemu && st != VIRQ_EXIT_ENV)
			st = lab_qemu_results(la->out, sc, n);
		if (la->rounds)
			st = lab_rounds_report(la->out, la->rounds, n, st);
		/* an environment error inside (a device the kernel cannot give) still
		 * leaves the results of the scenarios that ran: show those */
		else if (!la->diff)
			lab_show_results(la->out, sc, n, st != VIRQ_EXIT_ENV);
		printf("virq lab %s: %d scenario%s, kernel %s%s%s: %s (results in %s)\n",
		       la->diff ? "diff" : "run", n, n == 1 ? "" : "s", la->kernel,
		       la->qemu && !la->diff ? ", QEMU " : "", la->qemu && !la->diff ? la->qemu : "",
		       la->diff ? (st == 0 ? "no unexplained difference" : st == 1 ?
				   "DIFFERENCES" : lab_verdict(st)) : lab_verdict(st), la->out);
	}
	if (stage[0]) {
		for (int i = 0; i < lf.n; i++)
			if (!strncmp(lf.v[i], stage, strlen(stage)))
				unlink(lf.v[i]);
		rmdir(stage);
	}
	lab_files_free(&lf);
	for (int i = 0; i < n; i++)
		scenario_free(&sc[i]);
	free(sc);
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

/* --vmm virq | qemu | qemu=Q (Q as lab/qemu.sh takes it: host, sid, a binary, a dir, a .deb) */
static int lab_vmm(const char *arg, const char **qemu)
{
	if (!strcmp(arg, "virq")) {
		*qemu = NULL;
		return 0;
	}
	if (!strcmp(arg, "qemu")) {
		*qemu = "host";
		return 0;
	}
	if (!strncmp(arg, "qemu=", 5) && arg[5]) {
		*qemu = arg + 5;
		return 0;
	}
	fprintf(stderr, "virq: --vmm %s: give virq, qemu or qemu=PATH (a .deb, a directory with "
		"qemu-system-x86_64, the binary, or sid)\n", arg);
	return -EINVAL;
}

int cmd_lab(int argc, char **argv, const char *usage_text)
{
	static const struct option lo[] = {
		{ "kernel", 1, 0, 'k' }, { "modules", 1, 0, 'm' }, { "out", 1, 0, 'o' },
		{ "help", 0, 0, 'h' }, { "skip-unchanged-commits", 0, 0, 'S' },
		{ "vmm", 1, 0, 'V' }, { "reuse", 0, 0, 'R' }, { "program", 0, 0, 'P' },
		{ "ftrace-add", 1, 0, 'A' }, { "rounds", 1, 0, 'N' }, { 0 },
	};
	struct lab_args la = { .kernel = "6.1", .out = "lab-results" };
	char dir[PATH_MAX];
	int c;

	if (argc >= 2 && !strcmp(argv[1], "linux-move"))
		return lab_linux_move(argc - 1, argv + 1, usage_text);
	if (argc >= 2 && !strcmp(argv[1], "boot"))
		return lab_boot_main(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "run") && strcmp(argv[1], "setup") &&
			 strcmp(argv[1], "diff"))) {
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
		case 'S': la.skip_unchanged = true; break;
		case 'P': la.program = true; break;
		case 'R': la.reuse = true; break;
		case 'A': la.ftrace_add = optarg; break;
		case 'N':
			la.rounds = atoi(optarg);
			if (la.rounds < 1 || la.rounds > 1000 || strspn(optarg, "0123456789") != strlen(optarg)) {
				fprintf(stderr, "virq: --rounds %s: give a count from 1 to 1000\n", optarg);
				return VIRQ_EXIT_USAGE;
			}
			break;
		case 'V':
			if (lab_vmm(optarg, &la.qemu) < 0)
				return VIRQ_EXIT_USAGE;
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return VIRQ_EXIT_USAGE;
		}
	}
	if (la.ftrace_add) {	/* it goes into L1's shell command: checked here too */
		const char *fns[TRACE_MAX_FUNCTIONS + 1];

		if (trace_function_list(trace_seed_functions, la.ftrace_add, fns) < 0) {
			fprintf(stderr, "virq: --ftrace-add %s: wanted names of [A-Za-z0-9_.|], comma-separated, at most %d\n",
				la.ftrace_add, TRACE_MAX_FUNCTIONS - trace_function_count(trace_seed_functions));
			return VIRQ_EXIT_USAGE;
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
	if (!strcmp(argv[1], "diff")) {
		la.diff = true;
		la.qemu = la.qemu ?: "host";
	} else if (la.reuse) {
		fprintf(stderr, "virq: --reuse is for 'virq lab diff'\n");
		return VIRQ_EXIT_USAGE;
	}
	if (la.rounds && (la.diff || la.qemu)) {
		fprintf(stderr, "virq: --rounds is for 'virq lab run' under virq\n");
		return VIRQ_EXIT_USAGE;
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return VIRQ_EXIT_USAGE;
	}
	return lab_run(dir, &la, argc - optind, argv + optind);
}
