// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - a scenario's results (struct results, which the runner fills
 * at the end of a run): results.txt for people, results.json (json-c) for
 * tools. The JSON keys are an interface: later versions add keys, never
 * rename or drop one.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

/*
 * What this kernel lacks that the lab wanted (the runner fills both: the
 * modules /init could not load, the ftrace filter entries with nothing
 * traceable here).
 */
static void report_print_lacks(const struct results *res, FILE *f)
{
	if (res->lacks_modules[0])
		fprintf(f, "  kernel lacks modules: %s\n", res->lacks_modules);
	if (res->lacks_functions[0])
		fprintf(f, "  kernel has nothing to trace for: %s\n", res->lacks_functions);
}

static json_object *report_words(const char *s)
{
	json_object *a = json_object_new_array();
	char w[128];
	int n;

	while (sscanf(s, " %127s%n", w, &n) == 1) {
		json_object_array_add(a, json_object_new_string(w));
		s += n;
	}
	return a;
}

static json_object *report_lacks(const struct results *res)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "modules", report_words(res->lacks_modules));
	json_object_object_add(o, "ftrace_functions", report_words(res->lacks_functions));
	return o;
}

/* the guest's own log: what a VMM cannot fake */
static void report_print_irqs(const struct results *res, FILE *f)
{
	fprintf(f, "\n  interrupts taken (guest log):");
	for (int i = 0; i < res->nr_irqs; i++)
		fprintf(f, " vCPU %d 0x%x x%llu%s", res->irqs[i].vcpu, res->irqs[i].vector,
			(unsigned long long)res->irqs[i].count, i + 1 < res->nr_irqs ? "," : "");
	fprintf(f, "%s\n", res->nr_irqs ? "" : " none");
}

static void report_print_trace(const struct results *res, FILE *f)
{
	const struct results_trace *t = &res->trace;

	if (!t->have)
		return;
	fprintf(f, "  kernel calls (ftrace): KVM_SET_GSI_ROUTING %d, KVM_IRQFD %d, MSI-X SET_IRQS %d"
		" (setup %d/%d/%d, steps %d/%d/%d, teardown %d/%d/%d)\n", t->commits, t->irqfds,
		t->set_irqs, t->setup_commits, t->setup_irqfds, t->setup_set_irqs,
		t->commits - t->setup_commits - t->end_commits,
		t->irqfds - t->setup_irqfds - t->end_irqfds,
		t->set_irqs - t->setup_set_irqs - t->end_set_irqs,
		t->end_commits, t->end_irqfds, t->end_set_irqs);
}

/* the vectors' accounting (vfio_intr_stat-like) */
static void report_print_vectors(const struct results *res, FILE *f)
{
	if (!res->nr_vectors)
		return;		/* --program: the guest raised them, the runner has no rows */
	fprintf(f, "\n  %-16s %-4s %-4s %-8s %-6s %-4s %-14s %7s %9s %7s %9s %7s %7s %7s %9s %5s %5s %7s\n",
		"device", "vec", "gsi", "host_irq", "guest", "vcpu", "path", "raised", "delivered",
		"pending", "coalesced", "dropped", "moved", "taken", "misrouted", "lost", "stale",
		"dmasked");
	for (int i = 0; i < res->nr_vectors; i++) {
		const struct results_vector *v = &res->vectors[i];
		char hirq[16] = "-";

		if (v->host_irq >= 0)
			snprintf(hirq, sizeof(hirq), "%d", v->host_irq);
		fprintf(f, "  %-16s %-4d %-4d %-8s 0x%-4x %-4d %-14s %7llu %9llu %7llu %9llu %7llu %7llu %7llu %9llu %5llu %5llu %7llu\n",
			v->device, v->index, v->gsi, hirq, v->guest_vector, v->vcpu, v->path,
			(unsigned long long)v->raised, (unsigned long long)v->delivered,
			(unsigned long long)v->pending, (unsigned long long)v->coalesced,
			(unsigned long long)v->dropped, (unsigned long long)v->moved,
			(unsigned long long)v->taken, (unsigned long long)v->misrouted,
			(unsigned long long)v->lost, (unsigned long long)v->stale,
			(unsigned long long)v->delivered_masked);
	}
	for (int i = 0; i < res->nr_vectors; i++)
		if (res->vectors[i].notifier_errors)
			fprintf(f, "  %s vector %d: %llu MSI-X vector notifier failure(s): the kernel refused its use or release\n",
				res->vectors[i].device, res->vectors[i].index,
				(unsigned long long)res->vectors[i].notifier_errors);
}

/* virq's own tables: the vectors' accounting, KVMState, the exits */
static void report_print_vmm(const struct results *res, FILE *f)
{
	report_print_vectors(res, f);
	fprintf(f, "\n  KVM_SET_GSI_ROUTING: %u (%u refused); route table %u entries, %u max\n",
		res->commits, res->commit_errors, res->routes, res->max_routes);
	fprintf(f, "  exits:");
	for (int k = 0; k < res->nr_exits; k++)
		fprintf(f, " %s=%llu", res->exits[k].reason, (unsigned long long)res->exits[k].count);
	fprintf(f, "\n  exits by address:");
	for (int i = 0; i < res->nr_exit_addrs; i++)
		fprintf(f, " %s 0x%llx=%llu", res->exit_addrs[i].space,
			(unsigned long long)res->exit_addrs[i].addr,
			(unsigned long long)res->exit_addrs[i].count);
	fprintf(f, "\n");
}

void report_print(const struct results *res, FILE *f)
{
	int passed = 0, na = 0;

	fprintf(f, "scenario %s (%s) on kernel %s%s%s: %s in %.2f s\n", res->scenario, res->file,
		res->kernel, res->vmm_state ? "" : " under ", res->vmm_state ? "" : res->vmm,
		res->passed ? "PASSED" : !res->applicable ? "NOT APPLICABLE" :
		"FAILED", res->ns / 1e9);
	if (res->error[0])
		fprintf(f, "  error: %s\n", res->error);
	report_print_lacks(res, f);
	fprintf(f, "\n  %-6s %-6s %s\n", "line", "result", "expect (seen)");
	for (int i = 0; i < res->nr_expects; i++) {
		const struct results_expect *e = &res->expects[i];

		passed += e->passed;
		na += e->na;
		fprintf(f, "  %-6d %-6s %s (%s)\n", e->line, e->passed ? "ok" : e->na ? "n/a" : "FAIL",
			e->text, e->got);
	}
	fprintf(f, "  %d of %d expects held", passed, res->nr_expects);
	if (na)
		fprintf(f, ", %d not applicable", na);
	fprintf(f, "\n");
	report_print_irqs(res, f);
	report_print_trace(res, f);
	if (res->vmm_state)
		report_print_vmm(res, f);
}

static json_object *report_expects(const struct results *res)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < res->nr_expects; i++) {
		const struct results_expect *e = &res->expects[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "line", json_object_new_int(e->line));
		json_object_object_add(o, "text", json_object_new_string(e->text));
		json_object_object_add(o, "passed", json_object_new_boolean(e->passed));
		json_object_object_add(o, "applicable", json_object_new_boolean(!e->na));
		json_object_object_add(o, "got", json_object_new_string(e->got));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *report_vectors(const struct results *res)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < res->nr_vectors; i++) {
		const struct results_vector *v = &res->vectors[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "device", json_object_new_string(v->device));
		json_object_object_add(o, "vector", json_object_new_int(v->index));
		json_object_object_add(o, "gsi", v->gsi < 0 ? NULL : json_object_new_int(v->gsi));
		json_object_object_add(o, "host_irq", v->host_irq < 0 ? NULL : json_object_new_int(v->host_irq));
		json_object_object_add(o, "guest_vector", json_object_new_int(v->guest_vector));
		json_object_object_add(o, "vcpu", json_object_new_int(v->vcpu));
		json_object_object_add(o, "path", json_object_new_string(v->path));
		json_object_object_add(o, "raised", json_object_new_uint64(v->raised));
		json_object_object_add(o, "delivered", json_object_new_uint64(v->delivered));
		json_object_object_add(o, "pending", json_object_new_uint64(v->pending));
		json_object_object_add(o, "coalesced", json_object_new_uint64(v->coalesced));
		json_object_object_add(o, "dropped", json_object_new_uint64(v->dropped));
		json_object_object_add(o, "taken", json_object_new_uint64(v->taken));
		json_object_object_add(o, "notifier_errors", json_object_new_uint64(v->notifier_errors));
		json_object_object_add(o, "moved", json_object_new_uint64(v->moved));
		json_object_object_add(o, "misrouted", json_object_new_uint64(v->misrouted));
		json_object_object_add(o, "lost", json_object_new_uint64(v->lost));
		json_object_object_add(o, "stale", json_object_new_uint64(v->stale));
		json_object_object_add(o, "delivered_masked", json_object_new_uint64(v->delivered_masked));
		json_object_array_add(a, o);
	}
	return a;
}

/* every step with its wall time: what bench/ reads */
static json_object *report_steps(const struct results *res)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < res->nr_steps; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "line", json_object_new_int(res->steps[i].line));
		json_object_object_add(o, "ns", json_object_new_uint64(res->steps[i].ns));
		json_object_object_add(o, "text", json_object_new_string(res->steps[i].text));
		if (res->steps[i].traced) {
			json_object_object_add(o, "commits", json_object_new_int(res->steps[i].commits));
			json_object_object_add(o, "irqfds", json_object_new_int(res->steps[i].irqfds));
			json_object_object_add(o, "set_irqs", json_object_new_int(res->steps[i].set_irqs));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *report_irqs(const struct results *res)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < res->nr_irqs; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "vcpu", json_object_new_int(res->irqs[i].vcpu));
		json_object_object_add(o, "vector", json_object_new_int(res->irqs[i].vector));
		json_object_object_add(o, "count", json_object_new_uint64(res->irqs[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *report_trace(const struct results *res)
{
	const struct results_trace *t = &res->trace;
	json_object *o = json_object_new_object();
	const struct { const char *key; int v; } kv[] = {
		{ "commits", t->commits }, { "irqfds", t->irqfds }, { "set_irqs", t->set_irqs },
		{ "setup_commits", t->setup_commits }, { "setup_irqfds", t->setup_irqfds },
		{ "setup_set_irqs", t->setup_set_irqs }, { "teardown_commits", t->end_commits },
		{ "teardown_irqfds", t->end_irqfds }, { "teardown_set_irqs", t->end_set_irqs },
	};

	if (!t->have) {
		json_object_put(o);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		json_object_object_add(o, kv[i].key, json_object_new_int(kv[i].v));
	return o;
}

/* user exits per port / MMIO address, e.g. a doorbell before and after an ioeventfd */
static json_object *report_exit_addresses(const struct results *res)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < res->nr_exit_addrs; i++) {
		const struct results_exit_addr *x = &res->exit_addrs[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "space", json_object_new_string(x->space));
		json_object_object_add(o, "addr", json_object_new_uint64(x->addr));
		json_object_object_add(o, "count", json_object_new_uint64(x->count));
		json_object_array_add(a, o);
	}
	return a;
}

/* the keys in this order are the interface: add, never rename or drop */
static json_object *report_json(const struct results *res)
{
	json_object *root = json_object_new_object(), *exits = json_object_new_object();

	json_object_object_add(root, "scenario", json_object_new_string(res->scenario));
	json_object_object_add(root, "file", json_object_new_string(res->file));
	json_object_object_add(root, "kernel", json_object_new_string(res->kernel));
	json_object_object_add(root, "passed", json_object_new_boolean(res->passed));
	json_object_object_add(root, "applicable", json_object_new_boolean(res->applicable));
	json_object_object_add(root, "error", res->error[0] ? json_object_new_string(res->error) : NULL);
	json_object_object_add(root, "expects", report_expects(res));
	json_object_object_add(root, "vectors", report_vectors(res));
	json_object_object_add(root, "commits", json_object_new_int((int)res->commits));
	json_object_object_add(root, "commit_errors", json_object_new_int((int)res->commit_errors));
	for (int k = 0; k < res->nr_exits; k++)
		json_object_object_add(exits, res->exits[k].reason,
				       json_object_new_uint64(res->exits[k].count));
	json_object_object_add(root, "exits", exits);
	json_object_object_add(root, "exit_addresses", report_exit_addresses(res));
	json_object_object_add(root, "seconds", json_object_new_double(res->ns / 1e9));
	json_object_object_add(root, "steps", report_steps(res));
	json_object_object_add(root, "kernel_lacks", report_lacks(res));
	json_object_object_add(root, "vmm", json_object_new_string(res->vmm));
	json_object_object_add(root, "interrupts", report_irqs(res));
	json_object_object_add(root, "kernel_calls", report_trace(res));
	return root;
}

int report_write(const struct results *res, const char *dir)
{
	char path[512];
	json_object *j;
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/results.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	report_print(res, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	j = report_json(res);
	if (json_object_to_file_ext(path, j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
		r = -EIO;
	json_object_put(j);
	return r;
}
