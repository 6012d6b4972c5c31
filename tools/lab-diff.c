// SPDX-License-Identifier: GPL-2.0
/*
 * lab-diff.c - 'virq lab diff': each scenario ran under virq and under real
 * QEMU in one lab boot (out/virq/NAME, out/qemu/NAME); here the kernel's
 * calls are compared step by step (src/trace/steps.h), every difference is
 * either accepted by a line of lab/accepted-differences.txt (with QEMU's
 * reason) or reported, and the guest's interrupts per vCPU and vector must
 * be the same. So must each expect both VMMs judge (the guest's, under
 * QEMU): one that holds under one and fails under the other is a
 * difference too, function "(expect)", 1 held and 0 failed, accepted only
 * by its own line. out/NAME/diff.txt and diff.json.
 */
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"
#include "../src/guest/virq-prog.h"
#include "../src/trace/accept.h"
#include "../src/trace/steps.h"

struct lab_side {
	struct trace_steps t;
	json_object *res;		/* results.json */
	char irqs[1024];		/* "vCPU 0 0x40 x1, ..." */
};

struct lab_diff {
	const struct scenario *sc;
	const struct accept_rules *rules;
	const char *qemu_version;	/* "7.2.22 (Debian ...)" */
	struct lab_side virq, qemu;
	FILE *txt;
	json_object *rows;
	int differing, accepted;
	int verdicts, verdicts_accepted;	/* expects judged otherwise, accepted */
	int ordered;			/* steps of equal calls and >= 2 requests, in one order */
};

#define LAB_DIFF_EXPECT		"(expect)"
#define LAB_DIFF_ORDER		"(requests in order)"

static const char *lab_json_str(json_object *o, const char *key)
{
	json_object *v;
	const char *s = json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;

	return s ? s : "";		/* "error": null when there was none */
}

static int lab_side_read(struct lab_side *s, const char *dir)
{
	char path[PATH_MAX + 16];
	json_object *a;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	s->res = json_object_from_file(path);
	snprintf(path, sizeof(path), "%s/ftrace.txt", dir);
	if (!s->res || trace_steps_read(path, &s->t) < 0)
		return -1;
	s->irqs[0] = 0;
	if (!json_object_object_get_ex(s->res, "interrupts", &a))
		return 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i), *c, *vc, *vv;

		json_object_object_get_ex(e, "vcpu", &vc);
		json_object_object_get_ex(e, "vector", &vv);
		json_object_object_get_ex(e, "count", &c);
		len += snprintf(s->irqs + len, sizeof(s->irqs) - len, "%svCPU %d 0x%x x%d",
				len ? ", " : "", json_object_get_int(vc), json_object_get_int(vv),
				json_object_get_int(c));
		if (len >= sizeof(s->irqs))
			break;
	}
	return 0;
}

static void lab_side_free(struct lab_side *s)
{
	trace_steps_free(&s->t);
	json_object_put(s->res);
}

/* one function whose calls differ in a step: accepted or not, printed and in the json */
static void lab_diff_row(struct lab_diff *d, int line, const char *key, const char *text,
			 const char *fn, int cv, int cq)
{
	/* an order is never accepted: the same calls in another order is a finding */
	const struct accept_rule *r = strcmp(fn, LAB_DIFF_ORDER) ?
		accept_match(d->rules, d->qemu_version, d->sc->name, key, fn, cv, cq) : NULL;
	json_object *o = json_object_new_object();
	char where[96];

	snprintf(where, sizeof(where), line == 0 ? "setup" : line == (int)VIRQ_PROG_MARK_END ?
		 "end (teardown)" : line < 0 ? "all steps (per interrupt)" : "%d %.80s", line, text);
	fprintf(d->txt, "  %-44.44s %-34s %5d %5d  %s%s\n", where, fn, cv, cq,
		r ? "accepted: " : "DIFFERENT", r ? r->why : "");
	printf("  %-40.40s %-32s %5d %5d  %s", where, fn, cv, cq, r ? "accepted" : "DIFFERENT\n");
	if (r)
		printf(" (accepted-differences.txt:%d)\n", r->line);
	d->differing++;
	d->accepted += r != NULL;
	if (!strcmp(fn, LAB_DIFF_EXPECT)) {
		d->verdicts++;
		d->verdicts_accepted += r != NULL;
	}
	json_object_object_add(o, "line", json_object_new_int(line));
	json_object_object_add(o, "step", json_object_new_string(key));
	json_object_object_add(o, "function", json_object_new_string(fn));
	json_object_object_add(o, "virq", json_object_new_int(cv));
	json_object_object_add(o, "qemu", json_object_new_int(cq));
	json_object_object_add(o, "accepted", r ? json_object_new_string(r->why) : NULL);
	json_object_object_add(o, "rule_line", r ? json_object_new_int(r->line) : NULL);
	json_object_array_add(d->rows, o);
}

struct lab_diff_at {
	struct lab_diff *d;
	int line;
	const char *key, *text;
};

/* in setup and the end per step; between, the per-interrupt calls go to lab_diff_interrupts */
static void lab_diff_fn(void *arg, const char *fn, int cv, int cq)
{
	struct lab_diff_at *at = arg;

	if (at->line != 0 && at->line != (int)VIRQ_PROG_MARK_END && trace_fn_per_interrupt(fn))
		return;
	lab_diff_row(at->d, at->line, at->key, at->text, fn, cv, cq);
}

/* the per-interrupt calls over all the steps: as many under both, whenever each landed */
static void lab_diff_interrupts(struct lab_diff *d)
{
	for (int i = 0; trace_per_interrupt_fns[i]; i++) {
		const char *fn = trace_per_interrupt_fns[i];
		int cv = trace_steps_calls_between(&d->virq.t, fn);
		int cq = trace_steps_calls_between(&d->qemu.t, fn);

		if (cv != cq)
			lab_diff_row(d, -1, "steps", "", fn, cv, cq);
	}
}

/*
 * Each step is also compared in order: the VMM's requests (steps.h) as the
 * kernel took them, of the functions both made as many times (the others
 * are differences already). Never accepted by a rule.
 */
static void lab_diff_order(struct lab_diff *d, const struct trace_step *v,
			   const struct trace_step *q, int line, const char *key, const char *text)
{
	char rv[2048], rq[2048];
	int nv, nq;

	trace_step_reqs_str(v, q, rv, sizeof(rv), &nv);
	trace_step_reqs_str(q, v, rq, sizeof(rq), &nq);
	if (!strcmp(rv, rq)) {
		d->ordered += nv >= 2;
		if (nv >= 2)
			fprintf(d->txt, "  %-44.44s both in order: %s\n", line == 0 ? "setup" :
				line == (int)VIRQ_PROG_MARK_END ? "end (teardown)" : text, rv);
		return;
	}
	lab_diff_row(d, line, key, text, LAB_DIFF_ORDER, nv, nq);
	fprintf(d->txt, "    virq in order: %s\n    QEMU in order: %s\n", rv, rq);
}

static void lab_diff_step(struct lab_diff *d, int line, const char *key, const char *text)
{
	struct lab_diff_at at = { .d = d, .line = line, .key = key, .text = text };
	const struct trace_step *v = trace_steps_find(&d->virq.t, line);
	const struct trace_step *q = trace_steps_find(&d->qemu.t, line);

	trace_step_each_diff(v, q, lab_diff_fn, &at);
	lab_diff_order(d, v, q, line, key, text);
}

/* the expect at line in results.json: 1 held, 0 failed, -1 not judged there (a VMM's own) */
static int lab_verdict(json_object *res, int line)
{
	json_object *a, *e, *v;

	if (!json_object_object_get_ex(res, "expects", &a))
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_object_get_ex(e, "line", &v) || json_object_get_int(v) != line)
			continue;
		if (json_object_object_get_ex(e, "applicable", &v) && !json_object_get_boolean(v))
			return -1;
		return json_object_object_get_ex(e, "passed", &v) && json_object_get_boolean(v);
	}
	return -1;
}

static void lab_diff_steps(struct lab_diff *d)
{
	char key[48];

	lab_diff_step(d, 0, "setup", "");
	for (int i = 0; i < d->sc->nr_steps; i++) {
		const struct sc_step *st = &d->sc->steps[i];
		int v, q;

		if (st->op == SC_DEVICE)
			continue;
		accept_step_key(st->text, key, sizeof(key));
		lab_diff_step(d, st->line, key, st->text);
		v = lab_verdict(d->virq.res, st->line);
		q = lab_verdict(d->qemu.res, st->line);
		if (v >= 0 && q >= 0 && v != q)
			lab_diff_row(d, st->line, key, st->text, LAB_DIFF_EXPECT, v, q);
	}
	lab_diff_step(d, VIRQ_PROG_MARK_END, "end", "");
	lab_diff_interrupts(d);
}

static bool lab_json_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* "QEMU 7.2.22 (Debian ...)" -> "7.2.22 (Debian ...)" */
static const char *lab_qemu_version(json_object *res)
{
	const char *v = lab_json_str(res, "vmm");

	return strncmp(v, "QEMU ", 5) ? v : v + 5;
}

static json_object *lab_diff_json(struct lab_diff *d, bool irqs_same, bool verdicts_same)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "scenario", json_object_new_string(d->sc->name));
	json_object_object_add(o, "kernel", json_object_new_string(lab_json_str(d->virq.res, "kernel")));
	json_object_object_add(o, "qemu", json_object_new_string(lab_json_str(d->qemu.res, "vmm")));
	json_object_object_add(o, "virq_passed", json_object_new_boolean(lab_json_bool(d->virq.res, "passed")));
	json_object_object_add(o, "qemu_passed", json_object_new_boolean(lab_json_bool(d->qemu.res, "passed")));
	json_object_object_add(o, "interrupts_virq", json_object_new_string(d->virq.irqs));
	json_object_object_add(o, "interrupts_qemu", json_object_new_string(d->qemu.irqs));
	json_object_object_add(o, "interrupts_same", json_object_new_boolean(irqs_same));
	json_object_object_add(o, "verdicts_same", json_object_new_boolean(verdicts_same));
	json_object_object_add(o, "differences", d->rows);
	json_object_object_add(o, "accepted", json_object_new_int(d->accepted));
	json_object_object_add(o, "unexplained", json_object_new_int(d->differing - d->accepted));
	return o;
}

/* one scenario: 0 the same or every difference accepted, 1 not, 3 a side is missing */
static int lab_diff_one(const char *out, const struct scenario *sc, const struct accept_rules *rules)
{
	struct lab_diff d = { .sc = sc, .rules = rules };
	char dir[PATH_MAX], path[PATH_MAX + 16];
	bool irqs_same, verdicts_same;
	json_object *j;
	int st = VIRQ_EXIT_ENV;

	snprintf(dir, sizeof(dir), "%s/virq/%s", out, sc->name);
	if (lab_side_read(&d.virq, dir) < 0) {
		printf("%s: no results or ftrace of virq's run in %s\n", sc->name, dir);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/qemu/%s", out, sc->name);
	if (lab_side_read(&d.qemu, dir) < 0) {
		printf("%s: no results or ftrace of QEMU's run in %s\n", sc->name, dir);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/%s", out, sc->name);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/diff.txt", dir);
	d.txt = fopen(path, "w");
	if (!d.txt)
		goto out;
	d.qemu_version = lab_qemu_version(d.qemu.res);
	d.rows = json_object_new_array();
	irqs_same = !strcmp(d.virq.irqs, d.qemu.irqs);
	for (FILE *f = d.txt; f; f = f == d.txt ? stdout : NULL) {
		fprintf(f, "%s on %s: virq %s, QEMU %s %s\n", sc->name,
			lab_json_str(d.virq.res, "kernel"),
			lab_json_bool(d.virq.res, "passed") ? "PASSED" : "FAILED", d.qemu_version,
			lab_json_bool(d.qemu.res, "passed") ? "PASSED" : "FAILED");
		fprintf(f, "  interrupts (guest log): %s\n", irqs_same ? "the same" : "DIFFERENT");
		fprintf(f, "    virq: %s\n    QEMU: %s\n", d.virq.irqs[0] ? d.virq.irqs : "none",
			d.qemu.irqs[0] ? d.qemu.irqs : "none");
	}
	fprintf(d.txt, "  %-44s %-34s %5s %5s\n", "step", "kernel function (calls)", "virq", "QEMU");
	printf("  %-40s %-32s %5s %5s\n", "step", "kernel function (calls)", "virq", "QEMU");
	lab_diff_steps(&d);
	/* a run that stopped (not a failed expect) is never the same */
	verdicts_same = d.verdicts == d.verdicts_accepted && !lab_json_str(d.virq.res, "error")[0] &&
			!lab_json_str(d.qemu.res, "error")[0];
	for (FILE *f = d.txt; f; f = f == d.txt ? stdout : NULL) {
		for (int q = 0; q < 2; q++)
			if (lab_json_str(q ? d.qemu.res : d.virq.res, "error")[0])
				fprintf(f, "  run error (%s): %s\n", q ? "QEMU" : "virq",
					lab_json_str(q ? d.qemu.res : d.virq.res, "error"));
		fprintf(f, "  %d step%s made the requests both VMMs made as often (2 or more) in the same order\n",
			d.ordered, d.ordered == 1 ? "" : "s");
		fprintf(f, "  %d difference%s: %d accepted, %d not\n\n", d.differing,
			d.differing == 1 ? "" : "s", d.accepted, d.differing - d.accepted);
	}
	fclose(d.txt);
	j = lab_diff_json(&d, irqs_same, verdicts_same);
	snprintf(path, sizeof(path), "%s/diff.json", dir);
	json_object_to_file_ext(path, j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(j);
	st = irqs_same && verdicts_same && d.accepted == d.differing ? VIRQ_EXIT_OK : VIRQ_EXIT_FAIL;
out:
	lab_side_free(&d.virq);
	lab_side_free(&d.qemu);
	return st;
}

int lab_diff_report(const char *lab, const char *out, const struct scenario *sc, int n)
{
	struct accept_rules rules;
	char path[PATH_MAX + 32], qout[PATH_MAX + 8], err[512];
	int st = VIRQ_EXIT_OK;

	snprintf(path, sizeof(path), "%s/accepted-differences.txt", lab);
	if (accept_load(path, &rules, err, sizeof(err)) < 0) {
		fprintf(stderr, "virq: %s\n", err);
		return VIRQ_EXIT_USAGE;
	}
	snprintf(qout, sizeof(qout), "%s/qemu", out);
	lab_qemu_results(qout, sc, n);
	for (int i = 0; i < n; i++) {
		int r = lab_diff_one(out, &sc[i], &rules);

		if (r == VIRQ_EXIT_ENV || (r == VIRQ_EXIT_FAIL && st == VIRQ_EXIT_OK))
			st = r;
	}
	accept_free(&rules);
	return st;
}
