// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - a scenario's results: results.txt for people, results.json
 * (json-c) for tools. The JSON keys are an interface: later versions add
 * keys, never rename or drop one.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../scenario/run.h"

static uint64_t run_exits(const struct run *run, enum vm_exit_kind k)
{
	uint64_t n = 0;

	for (int i = 0; i < run->vm.nr_vcpus; i++)
		n += run->vm.vcpus[i].exits[k];
	return n;
}

void report_print(const struct run *run, FILE *f)
{
	const KVMState *s = &run->vm.kvm;
	int passed = 0;

	fprintf(f, "scenario %s (%s) on kernel %s: %s in %.2f s\n", run->sc->name, run->sc->file,
		run->kernel, run->status == VIRQ_EXIT_OK ? "PASSED" : "FAILED",
		(run->t_end - run->t_start) / 1e9);
	if (run->error[0])
		fprintf(f, "  error: %s\n", run->error);
	fprintf(f, "\n  %-6s %-6s %s\n", "line", "result", "expect (seen)");
	for (int i = 0; i < run->nr_expects; i++) {
		const struct run_expect *e = &run->expects[i];

		passed += e->passed;
		fprintf(f, "  %-6d %-6s %s (%s)\n", e->line, e->passed ? "ok" : "FAIL", e->text, e->got);
	}
	fprintf(f, "  %d of %d expects held\n", passed, run->nr_expects);
	fprintf(f, "\n  %-16s %-4s %-4s %-8s %-6s %-4s %-11s %7s %9s %7s %9s %7s\n", "device",
		"vec", "gsi", "host_irq", "guest", "vcpu", "path", "raised", "delivered", "pending",
		"coalesced", "dropped");
	for (int i = 0; i < run->nr_vectors; i++) {
		const struct run_vector *v = &run->vectors[i];

		char hirq[16] = "-";

		if (v->host_irq >= 0)
			snprintf(hirq, sizeof(hirq), "%d", v->host_irq);
		fprintf(f, "  %-16s %-4d %-4d %-8s 0x%-4x %-4d %-11s %7llu %9llu %7llu %9llu %7llu\n",
			v->device, v->index, v->gsi, hirq, v->guest_vector, v->vcpu, v->path,
			(unsigned long long)v->raised, (unsigned long long)v->delivered,
			(unsigned long long)v->pending, (unsigned long long)v->coalesced,
			(unsigned long long)v->dropped);
	}
	fprintf(f, "\n  KVM_SET_GSI_ROUTING: %u (%u refused); route table %u entries, %u max\n",
		s->commits, s->commit_errors, s->irq_routes ? s->irq_routes->nr : 0,
		s->max_irq_routes);
	fprintf(f, "  exits:");
	for (int k = 0; k < VM_EXIT_MAX; k++)
		fprintf(f, " %s=%llu", vm_exit_kind_name(k), (unsigned long long)run_exits(run, k));
	fprintf(f, "\n  exits by address:");
	for (int i = 0; i < run->vm.bus.nr_counts; i++)
		fprintf(f, " %s 0x%llx=%llu", run->vm.bus.counts[i].space == BUS_PIO ? "io" : "mmio",
			(unsigned long long)run->vm.bus.counts[i].addr,
			(unsigned long long)run->vm.bus.counts[i].count);
	fprintf(f, "\n");
}

static json_object *report_vectors(const struct run *run)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < run->nr_vectors; i++) {
		const struct run_vector *v = &run->vectors[i];
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
		json_object_array_add(a, o);
	}
	return a;
}

/* every step with its wall time: what bench/ reads */
static json_object *report_steps(const struct run *run)
{
	json_object *a = json_object_new_array();

	for (int i = 0; run->step_ns && i < run->sc->nr_steps; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "line", json_object_new_int(run->sc->steps[i].line));
		json_object_object_add(o, "ns", json_object_new_uint64(run->step_ns[i]));
		json_object_object_add(o, "text", json_object_new_string(run->sc->steps[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

/* user exits per port / MMIO address, e.g. a doorbell before and after an ioeventfd */
static json_object *report_exit_addresses(const struct run *run)
{
	const struct bus *b = &run->vm.bus;
	json_object *a = json_object_new_array();

	for (int i = 0; i < b->nr_counts; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "space", json_object_new_string(
			b->counts[i].space == BUS_PIO ? "io" : "mmio"));
		json_object_object_add(o, "addr", json_object_new_uint64(b->counts[i].addr));
		json_object_object_add(o, "count", json_object_new_uint64(b->counts[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *report_json(const struct run *run)
{
	json_object *root = json_object_new_object(), *ex = json_object_new_array();
	json_object *exits = json_object_new_object();

	json_object_object_add(root, "scenario", json_object_new_string(run->sc->name));
	json_object_object_add(root, "file", json_object_new_string(run->sc->file));
	json_object_object_add(root, "kernel", json_object_new_string(run->kernel));
	json_object_object_add(root, "passed", json_object_new_boolean(run->status == VIRQ_EXIT_OK));
	json_object_object_add(root, "error", run->error[0] ? json_object_new_string(run->error) : NULL);
	for (int i = 0; i < run->nr_expects; i++) {
		const struct run_expect *e = &run->expects[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "line", json_object_new_int(e->line));
		json_object_object_add(o, "text", json_object_new_string(e->text));
		json_object_object_add(o, "passed", json_object_new_boolean(e->passed));
		json_object_object_add(o, "got", json_object_new_string(e->got));
		json_object_array_add(ex, o);
	}
	json_object_object_add(root, "expects", ex);
	json_object_object_add(root, "vectors", report_vectors(run));
	json_object_object_add(root, "commits", json_object_new_int((int)run->vm.kvm.commits));
	json_object_object_add(root, "commit_errors", json_object_new_int((int)run->vm.kvm.commit_errors));
	for (int k = 0; k < VM_EXIT_MAX; k++)
		json_object_object_add(exits, vm_exit_kind_name(k), json_object_new_uint64(run_exits(run, k)));
	json_object_object_add(root, "exits", exits);
	json_object_object_add(root, "exit_addresses", report_exit_addresses(run));
	json_object_object_add(root, "seconds", json_object_new_double((run->t_end - run->t_start) / 1e9));
	json_object_object_add(root, "steps", report_steps(run));
	return root;
}

int report_write(const struct run *run, const char *dir)
{
	char path[512];
	json_object *j;
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/results.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	report_print(run, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	j = report_json(run);
	if (json_object_to_file_ext(path, j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
		r = -EIO;
	json_object_put(j);
	return r;
}
