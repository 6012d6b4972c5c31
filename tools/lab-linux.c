// SPDX-License-Identifier: GPL-2.0
/*
 * lab-linux.c - 'virq lab linux-move': the seed's experiment done by real
 * QEMU and a real Linux guest. lab/linux-move-run.sh boots the lab once
 * and, in that one L1 kernel, runs virq's seed-affinity scenario and then
 * QEMU with a Debian generic kernel as L2, whose e1000e driver brings eth0
 * up on the passed-through e1000e and whose smp_affinity moves one MSI-X
 * vector. Here both L1 traces are cut at the move, matched against the
 * seed's release, commit and use blocks (seed_trace_compare), and put side
 * by side.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "../src/scenario/run.h"
#include "../src/trace/seed.h"
#include "../src/trace/ftrace-line.h"
#include "../src/guest/virq-prog.h"

#define LM_ROWS		16

/* one "fn <-caller" of the move's commit and how often it came */
struct lm_row {
	char fn[48], caller[48];
	int n;
};

/* one L1 trace of the move: the Linux guest's under QEMU, or virq's */
struct lm_side {
	bool linux_marks;		/* cut at L2's port marks, else at virq's step markers */
	char trace[PATH_MAX], window[PATH_MAX];
	int state;			/* 0 before the move, 1 in it, 2 in it after the unmask, 3 after */
	int calls;			/* traced calls in the window */
	int routing, set_irqs;		/* KVM_SET_GSI_ROUTING, MSI/MSI-X SET_IRQS of the move */
	int post_routing, post_set_irqs; /* the same after the move's two SET_IRQS, in the window */
	int irqs;			/* the device's interrupts in it (vfio_msihandler) */
	char task[40];			/* the L1 thread of its first SET_IRQS ("CPU 1/KVM-241") */
	int pre_routing, pre_set_irqs;	/* the same before it: VM setup, MSI-X enable */
	struct lm_row commit[LM_ROWS];	/* the move's KVM_SET_GSI_ROUTING up to the next SET_IRQS */
	int nr_commit;
	bool in_commit;
	bool cut;			/* both ends of the move found */
	struct seed_match m;
	char *compare;			/* seed_trace_compare's report of the window */
	size_t compare_len;
};

/* L2's marks (lab/linux-move-l2.sh): one byte to VIRQ_PORT_STEP through /dev/port */
static int lm_port_mark(const char *line)
{
	char pio[64];
	const char *m;
	unsigned int v;

	snprintf(pio, sizeof(pio), "kvm_pio: pio_write at 0x%x size 1 count 1 val ", VIRQ_PORT_STEP);
	m = strstr(line, pio);
	return m && sscanf(m + strlen(pio), "%x", &v) == 1 ? (int)v : -1;
}

/*
 * The move's window. Linux: from mark 1 (before the smp_affinity write) to
 * mark 2 (after the vector's next interrupt, when the move is done). virq:
 * from seed-affinity's 'guest msix mask' step to the step after its
 * 'guest msix unmask'.
 */
static void lm_step(struct lm_side *s, const char *line)
{
	const char *mk;

	if (s->linux_marks) {
		int v = lm_port_mark(line);

		if ((s->state == 0 && v == 1) || (s->state == 1 && v == 2))
			s->state = v == 1 ? 1 : 3;
		return;
	}
	mk = strstr(line, "tracing_mark_write: virq: step ");
	if (!mk)
		return;
	if (s->state == 0 && strstr(mk, " guest msix mask "))
		s->state = 1;
	else if (s->state == 1 && strstr(mk, " guest msix unmask "))
		s->state = 2;
	else if (s->state == 2)
		s->state = 3;
}

static void lm_add_row(struct lm_side *s, const char *fn, const char *caller)
{
	for (int i = 0; i < s->nr_commit; i++)
		if (!strcmp(s->commit[i].fn, fn) && !strcmp(s->commit[i].caller, caller)) {
			s->commit[i].n++;
			return;
		}
	if (s->nr_commit == LM_ROWS)
		return;
	snprintf(s->commit[s->nr_commit].fn, sizeof(s->commit[0].fn), "%s", fn);
	snprintf(s->commit[s->nr_commit].caller, sizeof(s->commit[0].caller), "%s", caller);
	s->commit[s->nr_commit++].n = 1;
}

/* an ftrace line's task, "   CPU 1/KVM-241     [000] ..." -> "CPU 1/KVM-241" */
static void lm_task(char *to, size_t n, const char *line)
{
	const char *end = strstr(line, " [");
	int len;

	line += strspn(line, " ");
	len = end && end > line ? (int)(end - line) : 0;
	while (len > 0 && line[len - 1] == ' ')
		len--;
	snprintf(to, n, "%.*s", len, line);
}

static void lm_count(struct lm_side *s, const char *line)
{
	char fn[48], caller[48];
	bool routing, set_irqs;

	if (!ftrace_call(line, fn, sizeof(fn), caller, sizeof(caller)))
		return;
	/* KVM_SET_GSI_ROUTING (kvm_arch_vm_ioctl's is KVM_CREATE_IRQCHIP's default table) */
	routing = !strcmp(fn, "kvm_set_irq_routing") && !strcmp(caller, "kvm_vm_ioctl");
	/* VFIO_DEVICE_SET_IRQS on the MSI or MSI-X index, action trigger */
	set_irqs = !strcmp(fn, "vfio_pci_set_msi_trigger");
	if (s->state == 0) {
		s->pre_routing += routing;
		s->pre_set_irqs += set_irqs;
	}
	if (s->state != 1 && s->state != 2)
		return;
	s->calls++;
	s->irqs += !strcmp(fn, "vfio_msihandler");
	if (set_irqs && !s->task[0])
		lm_task(s->task, sizeof(s->task), line);
	/* the move ends with its second SET_IRQS (the use); what follows is apart */
	if (s->set_irqs >= 2) {
		s->post_routing += routing;
		s->post_set_irqs += set_irqs;
		return;
	}
	s->routing += routing;
	s->set_irqs += set_irqs;
	if (routing && !s->nr_commit)
		s->in_commit = true;
	else if (set_irqs)
		s->in_commit = false;
	if (s->in_commit)
		lm_add_row(s, fn, caller);
}

/* the move's lines of s->trace into s->window, counted; then the seed's blocks in it */
static int lm_cut(struct lm_side *s)
{
	FILE *in = fopen(s->trace, "r"), *w, *rep;
	char line[512];

	if (!in)
		return -errno;
	w = fopen(s->window, "w");
	if (!w) {
		int e = -errno;

		fclose(in);
		return e;
	}
	while (fgets(line, sizeof(line), in)) {
		int prev = s->state;

		lm_step(s, line);
		if ((prev == 1 || prev == 2) || s->state == 1)
			fputs(line, w);
		lm_count(s, line);
	}
	fclose(in);
	if (fclose(w))
		return -errno;
	s->cut = s->state == 3;
	rep = open_memstream(&s->compare, &s->compare_len);
	if (!rep)
		return -errno;
	if (s->cut && seed_trace_compare(s->window, rep, &s->m) < 0) {
		fprintf(rep, "cannot read %s again\n", s->window);
		s->cut = false;
	} else if (!s->cut)
		fprintf(rep, "the move is not in %s (no %s)\n", s->trace,
			s->linux_marks ? "port 0x1010 marks 1 and 2" : "msix mask/unmask steps");
	return fclose(rep) ? -errno : 0;
}

static int block_len(int b)
{
	return seed_block_start[b + 1] - seed_block_start[b];
}

/* the release, a KVM_SET_GSI_ROUTING after it with irqfd_update, then the use */
static bool lm_blocks_ok(const struct lm_side *s)
{
	const struct seed_match *m = &s->m;

	return s->cut && m->at[SEED_RELEASE] >= 0 && m->at[SEED_USE] >= 0 &&
	       m->caller_ok[SEED_RELEASE] == block_len(SEED_RELEASE) &&
	       m->caller_ok[SEED_USE] == block_len(SEED_USE) &&
	       m->commit_at >= m->at[SEED_RELEASE] + block_len(SEED_RELEASE) &&
	       m->commit_at < m->at[SEED_USE] && m->commit_updates > 0;
}

static const char *lm_block(const struct lm_side *s, int b, char *buf, size_t n)
{
	if (!s->cut)
		return "no window";
	if (s->m.at[b] < 0)
		return "NOT found";
	snprintf(buf, n, "found, callers %d/%d", s->m.caller_ok[b], block_len(b));
	return buf;
}

static const char *lm_commit(const struct lm_side *s, char *buf, size_t n)
{
	const struct seed_match *m = &s->m;

	if (!s->cut || m->commit_at < 0)
		return "none";
	if (m->at[SEED_RELEASE] >= 0 && m->at[SEED_USE] >= 0 &&
	    (m->commit_at < m->at[SEED_RELEASE] || m->commit_at > m->at[SEED_USE]))
		snprintf(buf, n, "%d calls, not before use", m->commit_len);
	else
		snprintf(buf, n, "%d calls, %d irqfd_update", m->commit_len, m->commit_updates);
	return buf;
}

static void lm_row(FILE *o, const char *label, const char *a, const char *b)
{
	fprintf(o, "  %-44s %-24s %s\n", label, a, b);
}

static void lm_row_n(FILE *o, const char *label, int a, int b)
{
	char x[16], y[16];

	snprintf(x, sizeof(x), "%d", a);
	snprintf(y, sizeof(y), "%d", b);
	lm_row(o, label, x, y);
}

static int lm_row_count(const struct lm_side *s, const struct lm_row *r)
{
	for (int i = 0; i < s->nr_commit; i++)
		if (!strcmp(s->commit[i].fn, r->fn) && !strcmp(s->commit[i].caller, r->caller))
			return s->commit[i].n;
	return 0;
}

/* the commit's calls of either side, a's first, with both counts */
static void lm_print_commit(FILE *o, const struct lm_side *a, const struct lm_side *b)
{
	fprintf(o, "  the move's commit, its KVM_SET_GSI_ROUTING to the use's SET_IRQS (Linux guest, virq):\n");
	for (int pass = 0; pass < 2; pass++) {
		const struct lm_side *s = pass ? b : a;

		for (int i = 0; i < s->nr_commit; i++) {
			const struct lm_row *r = &s->commit[i];

			if (pass && lm_row_count(a, r))
				continue;
			fprintf(o, "    %4d %4d  %s <-%s\n", lm_row_count(a, r), lm_row_count(b, r),
				r->fn, r->caller);
		}
	}
}

/* the same blocks, the same commit, the same ioctl counts */
static bool lm_same(const struct lm_side *a, const struct lm_side *b)
{
	if (!a->cut || !b->cut || a->routing != b->routing || a->set_irqs != b->set_irqs ||
	    a->nr_commit != b->nr_commit)
		return false;
	for (int k = 0; k < SEED_BLOCKS; k++)
		if ((a->m.at[k] < 0) != (b->m.at[k] < 0) || a->m.caller_ok[k] != b->m.caller_ok[k])
			return false;
	for (int i = 0; i < a->nr_commit; i++)
		if (lm_row_count(b, &a->commit[i]) != a->commit[i].n)
			return false;
	return true;
}

static const char *lm_post(const struct lm_side *s, char *buf, size_t n)
{
	if (!s->cut)
		return "no window";
	snprintf(buf, n, "%d, %d", s->post_set_irqs, s->post_routing);
	return buf;
}

static void lm_table(FILE *o, const struct lm_side *a, const struct lm_side *b)
{
	static const char *const names[] = { "seed release block (6 calls)",
		"seed commit block (9 calls)", "seed use block (6 calls)" };
	char x[64], y[64];

	lm_row(o, "the move, as L1's kernel traced it", "Linux guest (QEMU)", "virq (seed-affinity)");
	lm_row(o, "window", "port 0x1010 marks 1..2", "msix mask..unmask");
	lm_row_n(o, "traced calls in it", a->calls, b->calls);
	lm_row_n(o, "device interrupts (vfio_msihandler)", a->irqs, b->irqs);
	for (int k = 0; k < SEED_BLOCKS; k++) {
		lm_row(o, names[k], lm_block(a, k, x, sizeof(x)), lm_block(b, k, y, sizeof(y)));
		if (k == SEED_COMMIT)
			lm_row(o, "the move's commit (after the release)",
			       lm_commit(a, x, sizeof(x)), lm_commit(b, y, sizeof(y)));
	}
	lm_row_n(o, "KVM_SET_GSI_ROUTING in the move", a->routing, b->routing);
	lm_row_n(o, "MSI-X SET_IRQS in the move (release, use)", a->set_irqs, b->set_irqs);
	lm_row(o, "after it, in the window: SET_IRQS, commits", lm_post(a, x, sizeof(x)),
	       lm_post(b, y, sizeof(y)));
	lm_row_n(o, "route filter (kvm_arch_irqfd_route_changed)", a->m.commit_filter_calls,
		 b->m.commit_filter_calls);
	lm_row(o, "the move's SET_IRQS made by (L1 thread)", a->task[0] ? a->task : "-",
	       b->task[0] ? b->task : "-");
	lm_row(o, "PI hook", a->m.pi_hook[0] ? a->m.pi_hook : "never called",
	       b->m.pi_hook[0] ? b->m.pi_hook : "never called");
	lm_print_commit(o, a, b);
	lm_row_n(o, "before the move: KVM_SET_GSI_ROUTING", a->pre_routing, b->pre_routing);
	lm_row_n(o, "before the move: MSI-X SET_IRQS", a->pre_set_irqs, b->pre_set_irqs);
	fprintf(o, "  the same calls in both moves: %s\n", lm_same(a, b) ? "yes" : "NO");
	if (a->post_set_irqs)
		fprintf(o, "  (after the Linux guest's move: the device's next message reached the new CPU\n"
			"  while the old one still ran the handler that moved the vector, so\n"
			"  handle_edge_irq masked it there and the old CPU unmasked it when done; QEMU\n"
			"  releases on the mask and commits on every unmask)\n");
}

/* "PREFIXkey=value" in a file (the last one): the value, "" if none */
static const char *lm_kv(const char *path, const char *prefix, const char *key, char *buf,
			 size_t n)
{
	FILE *f = fopen(path, "r");
	size_t pl = strlen(prefix), kl = strlen(key);
	char line[512];

	buf[0] = 0;
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, pl) && !strncmp(line + pl, key, kl) && line[pl + kl] == '=') {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, n, "%s", line + pl + kl + 1);
		}
	fclose(f);
	return buf;
}

/* L2's /proc/interrupts before and after the move, from its console */
static void lm_interrupts(FILE *o, const char *serial)
{
	FILE *f = fopen(serial, "r");
	static const char pre[] = "linux-move-l2: ";
	char line[512];
	bool p = false;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, pre, sizeof(pre) - 1)) {
			p = !!strstr(line, "/proc/interrupts");
			if (p)
				fprintf(o, "  L2 %s", line + sizeof(pre) - 1);
		} else if (p) {
			fprintf(o, "    %s", line);
		}
	}
	fclose(f);
}

static void lm_header(FILE *o, const char *out)
{
	char p[PATH_MAX + 32], q[PATH_MAX + 32], s[PATH_MAX + 32], a[256], b[256], c[256], d[256];

	snprintf(p, sizeof(p), "%s/linux-move-host.txt", out);
	snprintf(q, sizeof(q), "%s/linux-move-l1.txt", out);
	snprintf(s, sizeof(s), "%s/l2-serial.txt", out);
	fprintf(o, "L1 %s; L2 %s (%s) under %s\n", lm_kv(p, "", "l1_kernel", a, sizeof(a)),
		lm_kv(p, "", "l2_kernel", b, sizeof(b)), lm_kv(p, "", "l2_source", c, sizeof(c)),
		lm_kv(q, "", "qemu", d, sizeof(d)));
	fprintf(o, "L2: %s\n", *lm_kv(s, "linux-move-l2: ", "verdict", a, sizeof(a)) ? a :
		"no verdict (see l2-serial.txt)");
	lm_interrupts(o, s);
	if (strcmp(lm_kv(q, "", "l2_kernel_warnings", a, sizeof(a)), "0"))
		fprintf(o, "  L2 kernel warnings: %s (dmesg lines; l2/dmesg.txt)\n", *a ? a : "?");
	fprintf(o, "virq's seed-affinity: exit %s; times: lab %s s (virq %s s, QEMU with L2 %s s)\n",
		lm_kv(q, "", "virq_rc", a, sizeof(a)), lm_kv(p, "", "lab_seconds", b, sizeof(b)),
		lm_kv(q, "", "virq_seconds", c, sizeof(c)), lm_kv(q, "", "qemu_seconds", d, sizeof(d)));
}

/* both windows, the table, both trace-compare reports; 0 the Linux move shows the blocks */
static int lm_report(FILE *o, const char *kernel, const char *out)
{
	struct lm_side s[2] = { { .linux_marks = true } };
	int r = 0;

	snprintf(s[0].trace, sizeof(s[0].trace), "%s/ftrace.txt", out);
	snprintf(s[0].window, sizeof(s[0].window), "%s/linux-move-window.txt", out);
	snprintf(s[1].trace, sizeof(s[1].trace), "%s/virq/seed-affinity/ftrace.txt", out);
	snprintf(s[1].window, sizeof(s[1].window), "%s/virq-move-window.txt", out);
	lm_header(o, out);
	for (int i = 0; i < 2 && !r; i++)
		r = lm_cut(&s[i]);
	if (r) {
		fprintf(o, "virq lab linux-move: cannot read the traces: %s\n", strerror(-r));
	} else {
		fputc('\n', o);
		lm_table(o, &s[0], &s[1]);
		fprintf(o, "\n-- trace-compare of the Linux guest's move (%s):\n%s", s[0].window,
			s[0].compare);
		fprintf(o, "\n-- trace-compare of virq's move (%s):\n%s", s[1].window, s[1].compare);
		r = lm_blocks_ok(&s[0]) ? 0 : VIRQ_EXIT_FAIL;
	}
	fprintf(o, "\nvirq lab linux-move: kernel %s: the Linux guest's move %s the seed's release, "
		"commit and use blocks (results in %s)\n", kernel, r ? "does NOT show" : "shows", out);
	free(s[0].compare);
	free(s[1].compare);
	return r ? VIRQ_EXIT_FAIL : 0;
}

/* lab/linux-move-run.sh: its exit status */
static int lm_run(const char *dir, const char *kernel, const char *qemu, const char *out)
{
	char exe[PATH_MAX], script[PATH_MAX + 32], scen[PATH_MAX + 48];
	char *argv[] = { "sh", script, "--kernel", (char *)kernel, "--qemu", (char *)qemu,
			 "--out", (char *)out, "--virq", exe, "--scenario", scen, NULL };
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (l < 0)
		return -errno;
	exe[l] = 0;
	snprintf(script, sizeof(script), "%s/linux-move-run.sh", dir);
	snprintf(scen, sizeof(scen), "%s/../scenarios/seed-affinity.virq", dir);
	return lab_exec(argv);
}

int lab_linux_move(int argc, char **argv, const char *usage_text)
{
	static const struct option lo[] = {
		{ "kernel", 1, 0, 'k' }, { "out", 1, 0, 'o' }, { "qemu", 1, 0, 'q' },
		{ "help", 0, 0, 'h' }, { 0 },
	};
	const char *kernel = "6.1", *out = "linux-move-results", *qemu = "host";
	char dir[PATH_MAX], path[PATH_MAX + 32], *buf = NULL;
	size_t len = 0;
	FILE *rep, *f;
	int c, st;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:o:q:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 'o': out = optarg; break;
		case 'q': qemu = optarg; break;
		case 'v': setenv("LAB_VERBOSE", "1", 1); break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return VIRQ_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "virq: lab linux-move takes no files (it runs scenarios/seed-affinity.virq)\n");
		return VIRQ_EXIT_USAGE;
	}
	if (lab_dir(dir, sizeof(dir))) {
		fprintf(stderr, "virq: cannot find the lab scripts (lab/ beside build/, or VIRQ_LAB_DIR)\n");
		return VIRQ_EXIT_ENV;
	}
	st = lm_run(dir, kernel, qemu, out);
	if (st != 0 && st != VIRQ_EXIT_FAIL)
		return st == VIRQ_EXIT_USAGE ? st : st < 0 ? VIRQ_EXIT_ENV : lab_status(st);
	rep = open_memstream(&buf, &len);
	if (!rep)
		return VIRQ_EXIT_ENV;
	st = lm_report(rep, kernel, out);
	if (fclose(rep))
		return VIRQ_EXIT_ENV;
	fputs(buf, stdout);
	snprintf(path, sizeof(path), "%s/linux-move.txt", out);
	f = fopen(path, "w");
	if (!f || fputs(buf, f) < 0 || fclose(f)) {
		fprintf(stderr, "virq: %s: %s\n", path, strerror(errno));
		st = VIRQ_EXIT_ENV;
	}
	free(buf);
	return st;
}
