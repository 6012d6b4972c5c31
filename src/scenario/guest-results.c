// SPDX-License-Identifier: GPL-2.0
/*
 * guest-results.c - results of a scenario run under real QEMU: the guest's
 * serial console (src/guest/prog.c prints each guest-judged expect as
 * "virq-expect LINE ok|FAIL WHAT seen=N", and with "printlog" its interrupt
 * log as "virq-log: seq=N apic=A vector=0xV"), QEMU's run as lab/qemu-l2.sh
 * recorded it, and the kernel's ftrace. The same struct results as virq's
 * own runs, without the tables only virq has (vmm_state false).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest-results.h"
#include "program.h"
#include "run.h"

/* a key of qemu.txt ("key=value" lines), "" if absent */
static void gr_key(const char *dir, const char *key, char *out, size_t n)
{
	char path[512], line[512];
	size_t kl = strlen(key);
	FILE *f;

	*out = 0;
	snprintf(path, sizeof(path), "%s/qemu.txt", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, n, "%s", line + kl + 1);
		}
	fclose(f);
}

/* "host /usr/bin/qemu-system-x86_64 QEMU emulator version 7.2.22 (Debian ...)" -> "QEMU 7.2.22 (...)" */
static void gr_vmm(const char *dir, struct results *res)
{
	char q[256];
	const char *v;

	gr_key(dir, "qemu", q, sizeof(q));
	v = strstr(q, "version ");
	snprintf(res->vmm, sizeof(res->vmm), "QEMU%s%s", v ? " " : "", v ? v + 8 : "");
}

static void gr_irq(struct results *res, int apic, int vector)
{
	for (int i = 0; i < res->nr_irqs; i++)
		if (res->irqs[i].vcpu == apic && res->irqs[i].vector == vector) {
			res->irqs[i].count++;
			return;
		}
	res->irqs[res->nr_irqs++] = (struct results_irq){ .vcpu = apic, .vector = vector, .count = 1 };
}

/* by vCPU, then vector: the order virq's own results have */
static int gr_irq_cmp(const void *a, const void *b)
{
	const struct results_irq *x = a, *y = b;

	return x->vcpu != y->vcpu ? x->vcpu - y->vcpu : x->vector - y->vector;
}

/* the expect at line ln as the guest judged it: 1 ok, 0 FAIL, -1 no verdict */
static int gr_verdict(char (*lines)[160], int nr, int ln, char *got, size_t n)
{
	for (int i = 0; i < nr; i++) {
		unsigned int l;
		char v[8], what[32];
		int seen;

		if (sscanf(lines[i], "virq-expect %u %7s %31s seen=%d", &l, v, what, &seen) != 4 ||
		    (int)l != ln)
			continue;
		snprintf(got, n, "the guest saw %d (%s)", seen, what);
		return !strcmp(v, "ok");
	}
	snprintf(got, n, "no verdict: the guest stopped before this line");
	return -1;
}

/* the serial console: verdict lines kept, the interrupt log counted if res->irqs */
static int gr_serial(const char *path, struct results *res, char (**lines)[160], int *nr)
{
	char line[160];
	int cap = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	*lines = NULL;
	*nr = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int seq, apic, vec;

		if (sscanf(line, "virq-log: seq=%u apic=%u vector=0x%x", &seq, &apic, &vec) == 3) {
			if (res->irqs && apic < 256 && vec < 256 && res->nr_irqs < 256 * 4)
				gr_irq(res, (int)apic, (int)vec);
		} else if (!strncmp(line, "virq-expect ", 12) || !strncmp(line, "virq-prog: ", 11)) {
			if (*nr == cap) {
				void *p = realloc(*lines, (cap = cap ? 2 * cap : 64) * sizeof(**lines));

				if (!p)
					break;
				*lines = p;
			}
			line[strcspn(line, "\n")] = 0;
			snprintf((*lines)[(*nr)++], sizeof(line), "%s", line);
		}
	}
	fclose(f);
	if (res->irqs)
		qsort(res->irqs, res->nr_irqs, sizeof(*res->irqs), gr_irq_cmp);
	return 0;
}

static int gr_expects(const struct scenario *sc, struct results *res, char (*lines)[160], int nr)
{
	int failed = 0;

	res->expects = calloc(sc->nr_steps ? sc->nr_steps : 1, sizeof(*res->expects));
	if (!res->expects)
		return -ENOMEM;
	for (int i = 0; i < sc->nr_steps; i++) {
		const struct sc_step *st = &sc->steps[i];
		struct results_expect *e;

		if (strncmp(st->text, "expect ", 7))
			continue;
		e = &res->expects[res->nr_expects++];
		e->line = st->line;
		snprintf(e->text, sizeof(e->text), "%s", st->text);
		if (program_vmm_only(st->op)) {
			e->na = true;
			snprintf(e->got, sizeof(e->got), "the VMM's own state at this step: n/a when "
				 "the guest runs the steps itself (%s)", res->vmm);
			continue;
		}
		e->passed = gr_verdict(lines, nr, st->line, e->got, sizeof(e->got)) == 1;
		failed += !e->passed;
	}
	return failed;
}

static void gr_steps(const struct scenario *sc, struct results *res)
{
	res->steps = calloc(sc->nr_steps ? sc->nr_steps : 1, sizeof(*res->steps));
	if (!res->steps)
		return;
	for (int i = 0; i < sc->nr_steps; i++) {
		res->steps[i].line = sc->steps[i].line;
		snprintf(res->steps[i].text, sizeof(res->steps[i].text), "%s", sc->steps[i].text);
	}
	res->nr_steps = sc->nr_steps;
}

/*
 * the guest's own word that it stopped before its last step (a step it
 * could not take, a device it did not find, a bad program) or never said
 * it was done: 1 and the reason in res->error, else 0
 */
static int gr_stopped(struct results *res, char (*lines)[160], int nr)
{
	bool done = false;

	for (int i = 0; i < nr; i++) {
		if (!strncmp(lines[i], "virq-prog: line ", 16) ||
		    strstr(lines[i], "not found") || strstr(lines[i], "bad program")) {
			snprintf(res->error, sizeof(res->error), "the guest: %s", lines[i] + 11);
			return 1;
		}
		done |= !strncmp(lines[i], "virq-prog: done, ", 17);
	}
	if (!done)
		snprintf(res->error, sizeof(res->error), "the guest never finished its program");
	return !done;
}

/*
 * why the run is not a pass, from qemu-l2.sh's verdict and the guest's own
 * lines; none when the guest ran every step and exited 1 (EXIT_FAIL) for a
 * failed expect: that expect says so
 */
static void gr_error(struct results *res, const char *dir, char (*lines)[160], int nr)
{
	char verdict[256], code[16];

	gr_key(dir, "verdict", verdict, sizeof(verdict));
	gr_key(dir, "guest_exit", code, sizeof(code));
	if (!strcmp(verdict, "PASS") || (!gr_stopped(res, lines, nr) && !strcmp(code, "0x01")))
		return;
	if (!res->error[0] || strncmp(res->error, "the guest: ", 11))
		snprintf(res->error, sizeof(res->error), "%s", verdict[0] ? verdict :
			 "no qemu.txt: QEMU did not run");
}

int guest_results_verdicts(const struct scenario *sc, const char *serial, struct results *res)
{
	char (*lines)[160] = NULL;
	struct results_irq *irqs = res->irqs;
	int nr = 0, r;

	res->irqs = NULL;			/* the caller has its own count */
	r = gr_serial(serial, res, &lines, &nr);
	res->irqs = irqs;
	if (r < 0)
		return r;
	free(res->expects);
	res->expects = NULL;
	res->nr_expects = 0;
	r = gr_expects(sc, res, lines, nr);
	if (!res->error[0])
		gr_stopped(res, lines, nr);
	free(lines);
	return r;
}

int guest_results_fill(const struct scenario *sc, const char *dir, struct results *res)
{
	char (*lines)[160] = NULL, secs[32], path[512];
	int nr = 0, failed, r;

	results_free(res);
	*res = (struct results){ .applicable = true };
	snprintf(res->scenario, sizeof(res->scenario), "%s", sc->name);
	snprintf(res->file, sizeof(res->file), "%s", sc->file);
	gr_key(dir, "kernel", res->kernel, sizeof(res->kernel));
	gr_vmm(dir, res);
	gr_key(dir, "seconds", secs, sizeof(secs));
	res->ns = (uint64_t)(strtod(secs, NULL) * 1e9);
	res->irqs = calloc(256 * 4, sizeof(*res->irqs));
	snprintf(path, sizeof(path), "%s/guest-serial.txt", dir);
	r = res->irqs ? gr_serial(path, res, &lines, &nr) : -ENOMEM;
	if (r < 0)
		snprintf(res->error, sizeof(res->error), "%s: %s", path, strerror(-r));
	failed = gr_expects(sc, res, lines, nr);
	gr_steps(sc, res);
	snprintf(path, sizeof(path), "%s/ftrace.txt", dir);
	results_add_trace(res, path);
	if (!res->error[0])
		gr_error(res, dir, lines, nr);
	free(lines);
	res->status = failed || res->error[0] ? VIRQ_EXIT_FAIL : VIRQ_EXIT_OK;
	res->passed = res->status == VIRQ_EXIT_OK;
	return res->status;
}
