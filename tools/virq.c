// SPDX-License-Identifier: GPL-2.0
/*
 * virq.c - the command: run scenarios on this host's /dev/kvm, or in the
 * lab (a Debian kernel under QEMU TCG) when the host has none. The only
 * place that exits.
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

#include "../src/scenario/run.h"
#include "../src/hw/i386/multiboot.h"
#include "../src/trace/report.h"
#include "../src/trace/trace.h"
#include "../src/trace/seed.h"
#include "../src/trace/diff.h"
#include "../src/scenario/program.h"
#include "../src/trace/timeline.h"
#include "boot.h"

extern const uint8_t virq_guest_image[], virq_guest_image_end[];

static const char usage_main[] =
	"usage: virq COMMAND [OPTIONS] FILE...\n"
	"\n"
	"Runs scenario files that script a KVM guest's interrupt path on the real kernel.\n"
	"\n"
	"commands:\n"
	"  run FILE...         run scenarios on this host's /dev/kvm\n"
	"  check FILE...       parse and check scenarios only (nothing runs)\n"
	"  lab run FILE...     boot the lab (a Debian kernel under QEMU TCG) and run them there\n"
	"  lab diff FILE...    run them under virq and under real QEMU in the lab, compare\n"
	"  lab setup           install the lab's packages and fetch its kernel(s) ahead\n"
	"  lab linux-move      the seed's move by real QEMU and a Linux guest, beside virq's\n"
	"  boot KERNEL         boot a test kernel (kvm-unit-tests) as QEMU's -kernel does\n"
	"  lab boot KERNEL     the same inside the lab\n"
	"  trace-compare FILE  find the seed's release, commit and use blocks in an ftrace.txt\n"
	"  trace-diff A B      two ftrace.txt of one scenario (virq, another VMM) step by step\n"
	"  trace-steps FILE    an ftrace.txt cut at its step marks: wall ms and kernel calls a step\n"
	"  program FILE PROG [ELF]  FILE's guest steps as the guest's step program, to run\n"
	"                      the test guest under another VMM (qemu -kernel ELF -initrd PROG)\n"
	"\n"
	"'virq COMMAND --help' tells more. Exit status: 0 every expect held, 1 an expect\n"
	"or a step failed, 2 bad input or usage (nothing started), 3 environment (no\n"
	"/dev/kvm, the VM cannot be built, the lab cannot boot), 4 a scenario is not\n"
	"applicable on this kernel: the lab's kernel lacks a module one of its devices\n"
	"needs (results.txt says which; the other scenarios still run).\n";

static const char usage_run[] =
	"usage: virq run [--out DIR] [--guest ELF] [--ftrace] [--ftrace-add FN,...]\n"
	"                [--ftrace-only FN,...] [--scale N]\n"
	"                [--skip-unchanged-commits] [--program] [-v] FILE...\n"
	"\n"
	"Runs each scenario in a new VM on this host's /dev/kvm (VIRQ_DEV_KVM overrides\n"
	"the path). All files are parsed first; a bad one stops everything (exit 2).\n"
	"  --out DIR     write DIR/NAME/results.txt, results.json, console.log (and\n"
	"                ftrace.txt, timeline.json with --ftrace); else results to stdout\n"
	"  --guest ELF   boot this multiboot ELF32 instead of the built-in test guest\n"
	"  --ftrace      function-trace the kernel (the seed's filter) with the VMM's\n"
	"                steps as trace_marker lines; needs tracefs (root)\n"
	"  --ftrace-add FN,...\n"
	"                trace these kernel functions too (with --ftrace), e.g. a path\n"
	"                the seed's filter does not cover: pci_try_reset_function,\n"
	"                irqfd_shutdown; a name may be a|b for one role under two names\n"
	"  --ftrace-only FN,...\n"
	"                trace only these (and --ftrace-add's), not the seed's filter:\n"
	"                its per-irqfd functions run for every irqfd on every commit,\n"
	"                which with hundreds of vectors is more trace than L1 holds\n"
	"  --scale N     multiply every timeout by N (slow hosts, the lab uses 4)\n"
	"  --skip-unchanged-commits\n"
	"                on a VFIO vector's unmask, skip KVM_SET_GSI_ROUTING when the\n"
	"                table did not change (QEMU always commits)\n"
	"  --program     the guest runs the scenario's steps on its own, compiled into\n"
	"                a step program (multiboot module 0, as QEMU's -initrd), as\n"
	"                under 'virq lab run --vmm qemu'; the guest judges the expects\n"
	"                it can (DIR/NAME/guest-serial.txt), those only a VMM judges at\n"
	"                their step are n/a; host steps are refused (exit 2)\n"
	"  -v            debug lines (every trace event)\n";

static const char usage_lab[] =
	"usage: virq lab run [--kernel K [--modules M]] [--vmm VMM] [--out DIR] [--skip-unchanged-commits]\n"
	"                    [--program] [--ftrace-add FN,...] [--rounds N] [-v] FILE...\n"
	"       virq lab diff [--kernel K [--modules M]] [--vmm qemu[=Q]] [--out DIR] [--program]\n"
	"                     [--reuse] FILE...\n"
	"       virq lab setup [--kernel K|all [--modules M]]\n"
	"       virq lab linux-move [--kernel K] [--out DIR] [--qemu Q] [-v]\n"
	"\n"
	"The lab boots a stock Debian cloud kernel under QEMU's TCG emulator (emulated\n"
	"SVM, intel-iommu) and runs 'virq run --ftrace' inside it against that kernel's\n"
	"real KVM, so it works on hosts without /dev/kvm. One boot runs all FILEs.\n"
	"  --kernel K    the kernel era (default 6.1):\n"
	"                  5.10  Debian 11 (bullseye, bullseye-security): no route filter\n"
	"                  6.1   Debian 12 (bookworm): the irqfd pairs with VFIO (bypass)\n"
	"                  6.12  Debian 12 (bookworm-security): no bypass consumer here\n"
	"                  7.2   Debian unstable (sid): after the 6.17 irqbypass rework\n"
	"                the newest cloud kernel of that series in its suite; or\n"
	"                linux-image-PKG, a cached version (6.1.0-57-cloud-amd64), or\n"
	"                your own kernel: a linux-image .deb, a linux-binary .deb with\n"
	"                --modules linux-modules.deb, or a bzImage with --modules DIR\n"
	"                (DIR/lib/modules/KVER, or the KVER directory itself)\n"
	"                'setup --kernel all' fetches the four eras\n"
	"  --out DIR     results: DIR/NAME/{results.txt,results.json,console.log,ftrace.txt}\n"
	"                and DIR/lab-console.log (default: lab-results)\n"
	"  --skip-unchanged-commits   passed to 'virq run' inside the lab\n"
	"  --ftrace-add FN,...        the same: more kernel functions in the trace\n"
	"  --vmm VMM     who runs the guest steps: virq (default), or qemu[=Q]: real\n"
	"                QEMU inside the lab (-accel kvm, q35, vfio-pci), the test guest\n"
	"                as its -kernel running the scenario compiled to a step program\n"
	"                (see 'virq program'); Q: host (Debian 12's, the default), sid\n"
	"                (Debian unstable's, fetched privately), a .deb, a directory\n"
	"                with qemu-system-x86_64, or the binary. Scenarios with host\n"
	"                steps are refused (exit 2); expects only a VMM's own state can\n"
	"                judge are listed n/a; DIR/NAME also gets qemu-trace.txt\n"
	"  diff          each FILE under virq and under QEMU in one boot, the kernel's\n"
	"                calls compared step by step; differences not accepted in\n"
	"                lab/accepted-differences.txt (each with QEMU's reason), or\n"
	"                different interrupts per vCPU and vector, exit 1.\n"
	"                DIR/{virq,qemu}/NAME: the two runs; DIR/NAME/diff.{txt,json}\n"
	"  --program     'virq run --program' inside: the guest runs the steps itself\n"
	"  --reuse       diff: compare the runs already in DIR, without booting\n"
	"  --rounds N    run: the FILEs N times in one boot (lab/rounds.sh), round K in\n"
	"                DIR/round-K/NAME (a passing scenario keeps results.* only); a\n"
	"                line per round, the failures' first lines, DIR/rounds.txt; exit 3\n"
	"                if L1 stopped early (its console silent LAB_STALL_TIMEOUT s, 900)\n"
	"  -v            stream the lab's console\n"
	"Kernels are fetched with apt-get download into build/lab-cache (VIRQ_LAB_CACHE),\n"
	"never installed; suites other than the host's go through a private apt\n"
	"configuration there (build/lab-cache/apt/SUITE), never through /etc/apt. A\n"
	"module or traced function the kernel lacks is named in the console and in\n"
	"results (kernel_lacks).\n"
	"linux-move: real QEMU (--qemu: host, sid, a binary, ...) runs Debian's generic\n"
	"kernel of K's release in L1, on the lab's e1000e; its e1000e driver brings eth0 up\n"
	"and smp_affinity moves eth0-tx-0. Its move and virq's seed-affinity (same boot)\n"
	"are matched to the seed's blocks side by side; exit 0 if the Linux move shows\n"
	"release, commit and use. DIR (linux-move-results): linux-move.txt, the traces.\n";

static int usage(const char *text, int status)
{
	fputs(text, status ? stderr : stdout);
	return status;
}

/* parse every file before anything runs; returns 0 or VIRQ_EXIT_USAGE */
static int parse_all(int n, char **files, struct scenario *sc)
{
	char err[512];

	for (int i = 0; i < n; i++) {
		if (scenario_parse_file(files[i], &sc[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			for (int j = 0; j < i; j++)
				scenario_free(&sc[j]);
			return VIRQ_EXIT_USAGE;
		}
	}
	return 0;
}

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(tmp, 0755);
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -errno : 0;
}

static int run_one(const struct scenario *sc, const struct run_opts *o)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], serial[PATH_MAX + 32];
	struct run_opts ro = *o;
	FILE *con = NULL;
	struct run run;
	int status;

	if (o->out_dir) {
		snprintf(dir, sizeof(dir), "%s/%s", o->out_dir, sc->name);
		if (mkdir_p(dir)) {
			fprintf(stderr, "virq: cannot create %s: %s\n", dir, strerror(errno));
			return VIRQ_EXIT_ENV;
		}
		snprintf(path, sizeof(path), "%s/console.log", dir);
		con = fopen(path, "w");
		log_set_file(con);
	}
	pr_info("scenario %s: %d vCPUs, %d steps%s", sc->file, sc->vcpus, sc->nr_steps,
		o->program ? ", the guest runs them (--program)" : "");
	snprintf(serial, sizeof(serial), "%s/guest-serial.txt", o->out_dir ? dir : ".");
	ro.serial_path = serial;
	if (o->ftrace)
		trace_ftrace_begin();
	status = run_scenario(&run, sc, &ro);
	if (o->ftrace && trace_ftrace_on()) {
		char tl[PATH_MAX + 32];

		/* the teardown, marked as the step program marks it, is in the trace
		 * as QEMU's exit is in a trace of QEMU (trace-diff's "end") */
		trace_event("step", "%s:%u end", sc->name, VIRQ_PROG_MARK_END);
		run_teardown(&run);
		snprintf(path, sizeof(path), "%s/ftrace.txt", o->out_dir ? dir : ".");
		snprintf(tl, sizeof(tl), "%s/timeline.json", o->out_dir ? dir : ".");
		if (trace_ftrace_end(path) == 0) {
			if (timeline_write(path, tl) < 0)
				pr_err("cannot write %s", tl);
			if (results_add_trace(&run.results, path) < 0)
				pr_err("cannot count the kernel calls in %s", path);
		}
	}
	if (o->out_dir)
		report_write(&run.results, dir);
	else
		report_print(&run.results, stdout);
	pr_info("scenario %s: %s", sc->name, status == VIRQ_EXIT_OK ? "PASSED" :
		run.results.error[0] ? run.results.error : "FAILED");
	run_cleanup(&run);
	log_set_file(NULL);
	if (con)
		fclose(con);
	return status;
}

/* --program: every scenario must compile (no host steps), or nothing runs */
static int programs_check(int n, const struct scenario *sc)
{
	for (int i = 0; i < n; i++) {
		struct program_info info;
		struct virq_prog *p;
		char err[512];

		if (program_compile(&sc[i], &p, &info, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\nvirq: --program runs only guest steps\n", err);
			return -EINVAL;
		}
		free(p);
	}
	return 0;
}

/* the run's status: a failure outweighs a scenario not applicable here, ENV both */
static int virq_exit_worse(int a, int b)
{
	static const int rank[] = { [VIRQ_EXIT_OK] = 0, [VIRQ_EXIT_NA] = 1, [VIRQ_EXIT_FAIL] = 2,
				    [VIRQ_EXIT_USAGE] = 3, [VIRQ_EXIT_ENV] = 4 };

	return rank[b] > rank[a] ? b : a;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "out", 1, 0, 'o' }, { "guest", 1, 0, 'g' }, { "ftrace", 0, 0, 'f' },
		{ "scale", 1, 0, 's' }, { "help", 0, 0, 'h' },
		{ "skip-unchanged-commits", 0, 0, 'S' }, { "program", 0, 0, 'P' },
		{ "ftrace-add", 1, 0, 'A' }, { "ftrace-only", 1, 0, 'O' }, { 0 },
	};
	static const char *const no_functions[] = { NULL };
	const char *functions[TRACE_MAX_FUNCTIONS + 1];
	char *add = NULL, *only = NULL, both[512];
	struct run_opts o = { .guest = virq_guest_image, .scale = 1, .guest_name = "virq-guest",
			      .guest_len = (size_t)(virq_guest_image_end - virq_guest_image) };
	struct scenario *sc;
	uint8_t *img = NULL;
	int c, status = 0, n;

	while ((c = getopt_long(argc, argv, "o:g:fs:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'g': o.guest_name = optarg; break;
		case 'f': o.ftrace = true; break;
		case 's': o.scale = (unsigned int)atoi(optarg); break;
		case 'S': o.skip_unchanged_commits = true; break;
		case 'P': o.program = true; break;
		case 'A': add = optarg; break;
		case 'O': only = optarg; break;
		case 'v': log_set_level(LOG_DEBUG); break;
		case 'h': return usage(usage_run, 0);
		default: return usage(usage_run, VIRQ_EXIT_USAGE);
		}
	}
	n = argc - optind;
	if (n < 1 || o.scale < 1 || o.scale > 100)
		return usage(usage_run, VIRQ_EXIT_USAGE);
	if (only && (!*only || (add && snprintf(both, sizeof(both), "%s,%s", only, add) >=
					    (int)sizeof(both)))) {
		fprintf(stderr, "virq: --ftrace-only '%s'%s: wanted names of [A-Za-z0-9_.|], comma-separated\n",
			only, add ? " with --ftrace-add" : "");
		return VIRQ_EXIT_USAGE;
	}
	if (trace_function_list(only ? no_functions : trace_seed_functions,
				only && add ? both : only ? only : add, functions) < 0) {
		fprintf(stderr, "virq: --ftrace-%s %s: wanted at most %d names of [A-Za-z0-9_.|], comma-separated\n",
			only ? "only" : "add", only && add ? both : only ? only : add,
			TRACE_MAX_FUNCTIONS - (only ? 0 : trace_function_count(trace_seed_functions)));
		return VIRQ_EXIT_USAGE;
	}
	if (strcmp(o.guest_name, "virq-guest")) {
		if (multiboot_read_file(o.guest_name, &img, &o.guest_len) < 0)
			return VIRQ_EXIT_USAGE;
		o.guest = img;
	}
	sc = calloc(n, sizeof(*sc));
	if (!sc || parse_all(n, argv + optind, sc) || (o.program && programs_check(n, sc))) {
		free(img);
		free(sc);
		return VIRQ_EXIT_USAGE;
	}
	if (access(kvm_device_path(), F_OK)) {
		fprintf(stderr, "virq: %s: %s: this host has no KVM. Use 'virq lab run', which boots\n"
			"a Debian kernel with KVM under QEMU's TCG emulator and runs the scenarios there.\n",
			kvm_device_path(), strerror(errno));
		status = VIRQ_EXIT_ENV;
	}
	if (status != VIRQ_EXIT_ENV && o.ftrace) {
		int r = trace_ftrace_setup(functions);

		if (r < 0)
			pr_err("ftrace: cannot set up the function tracer: %s (tracefs mounted? root?)",
			       strerror(-r));
		else if (*trace_ftrace_missing())
			pr_info("ftrace: %d functions of the seed's filter traced; this kernel has none "
				"to trace for: %s", r, trace_ftrace_missing());
		else
			pr_info("ftrace: %d functions of the seed's filter traced", r);
	}
	for (int i = 0; i < n && status != VIRQ_EXIT_ENV; i++)
		status = virq_exit_worse(status, run_one(&sc[i], &o));
	trace_ftrace_teardown();
	for (int i = 0; i < n; i++)
		scenario_free(&sc[i]);
	free(sc);
	free(img);
	return status;
}

static int cmd_check(int argc, char **argv)
{
	struct scenario *sc;
	int n = argc - 1, r;

	if (n < 1 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage("usage: virq check FILE...\nParses and checks scenarios; runs nothing.\n",
			     n < 1 ? VIRQ_EXIT_USAGE : 0);
	sc = calloc(n, sizeof(*sc));
	if (!sc)
		return VIRQ_EXIT_ENV;
	r = parse_all(n, argv + 1, sc);
	if (!r) {
		for (int i = 0; i < n; i++) {
			printf("%s: ok (%d vCPUs, %d steps)\n", sc[i].file, sc[i].vcpus, sc[i].nr_steps);
			scenario_free(&sc[i]);
		}
	}
	free(sc);
	return r;
}

int cmd_lab(int argc, char **argv, const char *usage_text);
int cmd_trace_steps(int argc, char **argv);	/* trace-steps.c */

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(buf, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	if (!ok)
		fprintf(stderr, "virq: %s: %s\n", path, strerror(errno));
	return ok ? 0 : -1;
}

/* virq program FILE PROG [ELF]: 0 written, 2 the scenario has steps a guest cannot run */
/* NAME.prog's devices for QEMU in NAME.qemu-args, as 'virq lab run --vmm qemu' stages them */
static int program_write_qemu_args(const char *prog, const char *args, size_t n)
{
	size_t l = strlen(prog);
	char path[4096];

	if (l < 5 || strcmp(prog + l - 5, ".prog") || l - 5 + sizeof(".qemu-args") > sizeof(path))
		return 0;
	snprintf(path, sizeof(path), "%.*s.qemu-args", (int)(l - 5), prog);
	return write_file(path, args, n) ? VIRQ_EXIT_ENV : 0;
}

static int cmd_program(int argc, char **argv)
{
	struct program_info info;
	struct virq_prog *p = NULL;
	struct scenario sc;
	char err[512];
	ssize_t n;
	int r = 0;

	if ((argc != 3 && argc != 4) || !strcmp(argv[1], "--help"))
		return usage("usage: virq program FILE PROG [ELF]\n"
			     "Writes FILE's guest steps and the expects the guest can judge as the test\n"
			     "guest's step program PROG, and the guest itself (the one virq runs) as ELF,\n"
			     "so another VMM can run them: qemu -kernel ELF -initrd PROG -append ncpus=N.\n"
			     "The guest marks each step on port 0x1010, prints 'virq-expect LINE ok|FAIL'\n"
			     "per expect and exits through isa-debug-exit (0xf4). A scenario with host\n"
			     "steps is refused with FILE:LINE (exit 2); expects only a VMM can judge are\n"
			     "left out and listed. The QEMU devices the program looks for are printed,\n"
			     "and when PROG is NAME.prog written one per line to NAME.qemu-args beside it,\n"
			     "which lab/vmm-qemu.sh passes to QEMU.\n",
			     argc == 2 && !strcmp(argv[1], "--help") ? 0 : VIRQ_EXIT_USAGE);
	if (scenario_parse_file(argv[1], &sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return VIRQ_EXIT_USAGE;
	}
	n = program_compile(&sc, &p, &info, err, sizeof(err));
	scenario_free(&sc);
	if (n < 0) {
		fprintf(stderr, "%s\n", n == -EINVAL ? err : strerror((int)-n));
		return VIRQ_EXIT_USAGE;
	}
	for (int i = 0; i < info.nr_vmm_only; i++)
		printf("%s:%d: only a VMM can judge this expect: left out\n", argv[1],
		       info.vmm_only_line[i]);
	if (write_file(argv[2], p, (size_t)n) ||
	    (argc == 4 && write_file(argv[3], virq_guest_image,
				     (size_t)(virq_guest_image_end - virq_guest_image))))
		r = VIRQ_EXIT_ENV;
	else
		printf("%s: %u steps, %u devices, %zd bytes\n", argv[2], p->nr_steps, p->nr_devs, n);
	if (!r && (n = program_qemu_args(p, err, sizeof(err))) >= 0)
		r = program_write_qemu_args(argv[2], err, (size_t)n);
	if (!r && p->nr_devs && program_qemu_args(p, err, sizeof(err)) > 0) {
		for (char *c = strchr(err, '\n'); c; c = strchr(c, '\n'))
			*c = ' ';
		printf("QEMU devices: %s%s\n", err, strchr(err, '@') ?
		       "(@VVVV:DDDD@: a host function with those IDs on vfio-pci)" : "");
	}
	free(p);
	return r;
}

/* exit 0 when the seed's 21 calls are there back to back, callers too; 1 when not; 2 usage */
static int cmd_trace_compare(int argc, char **argv)
{
	struct seed_match m;
	int r;

	if (argc != 2 || !strcmp(argv[1], "--help"))
		return usage("usage: virq trace-compare FTRACE.TXT\n"
			     "Finds the seed's release (6 calls), commit (9) and use (6) blocks, in order,\n"
			     "in a kernel function trace, and compares them call for call, <-caller too\n"
			     "(PI hook and VFIO ioctl names mapped across kernel eras). Prints the move's\n"
			     "KVM_SET_GSI_ROUTING as the kernel did it and what the names say of its era.\n"
			     "Exit 0 if the seed's 21 calls are there back to back with the seed's callers.\n",
			     argc != 2 ? VIRQ_EXIT_USAGE : 0);
	r = seed_trace_compare(argv[1], stdout, &m);
	if (r < 0) {
		fprintf(stderr, "virq: %s: %s\n", argv[1], strerror(-r));
		return VIRQ_EXIT_USAGE;
	}
	for (int b = 0; b < SEED_BLOCKS; b++)
		if (m.at[b] < 0 || m.caller_ok[b] != seed_block_start[b + 1] - seed_block_start[b])
			return VIRQ_EXIT_FAIL;
	return m.back_to_back ? 0 : VIRQ_EXIT_FAIL;
}

/* exit 0 when every step has the same kernel calls in both, 1 when not, 2 usage */
static int cmd_trace_diff(int argc, char **argv)
{
	struct trace_diff_result res;
	int r;

	if (argc != 3 || !strcmp(argv[1], "--help"))
		return usage("usage: virq trace-diff A/ftrace.txt B/ftrace.txt\n"
			     "Cuts both kernel traces at their step marks (virq's 'virq: step NAME:LINE'\n"
			     "markers, or the test guest's write of LINE to port 0x1010, which kvm_pio shows\n"
			     "under any VMM) and prints, per step, each traced function whose call count\n"
			     "differs: the same scenario under virq and under QEMU, say. Step 0 is what came\n"
			     "before the first mark (VMM setup). Exit 0 if no step differs.\n",
			     argc == 2 && !strcmp(argv[1], "--help") ? 0 : VIRQ_EXIT_USAGE);
	r = trace_diff(argv[1], argv[2], stdout, &res);
	if (r < 0) {
		fprintf(stderr, "virq: trace-diff: %s\n", strerror(-r));
		return VIRQ_EXIT_USAGE;
	}
	return res.differing ? VIRQ_EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	os_setup_limits();
	if (argc < 2)
		return usage(usage_main, VIRQ_EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(usage_main, 0);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "boot"))
		return cmd_boot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace-diff"))
		return cmd_trace_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace-steps"))
		return cmd_trace_steps(argc - 1, argv + 1);
	if (!strcmp(argv[1], "program"))
		return cmd_program(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace-compare"))
		return cmd_trace_compare(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lab"))
		return cmd_lab(argc - 1, argv + 1, usage_lab);
	fprintf(stderr, "virq: unknown command '%s'\n", argv[1]);
	return usage(usage_main, VIRQ_EXIT_USAGE);
}
