// SPDX-License-Identifier: GPL-2.0
/*
 * run-results.c - the run's results (src/trace/results.h), copied once at
 * the end of a run from the runner, the VM's vCPUs, its bus and KVMState,
 * so the report writers never read those.
 */
#include <stdio.h>
#include <stdlib.h>

#include "run.h"
#include "../trace/trace.h"

/* the copies below truncate nothing: each field is at least its source's size */
_Static_assert(sizeof(((struct results *)0)->scenario) >= sizeof(((struct scenario *)0)->name),
	       "results.scenario");
_Static_assert(sizeof(((struct results *)0)->file) >= sizeof(((struct scenario *)0)->file),
	       "results.file");
_Static_assert(sizeof(((struct results *)0)->kernel) >= sizeof(((struct run *)0)->kernel),
	       "results.kernel");
_Static_assert(sizeof(((struct results *)0)->error) >= sizeof(((struct run *)0)->error),
	       "results.error");
_Static_assert(RESULTS_TEXT_LEN >= SC_TEXT_LEN && RESULTS_TEXT_LEN >= sizeof(((struct run_expect *)0)->got),
	       "results texts");
_Static_assert(RESULTS_NAME_LEN >= SC_NAME_LEN, "results.vectors.device");
_Static_assert(RESULTS_MAX_EXITS >= VM_EXIT_MAX, "results.exits");

/* lab/init exports the modules it could not load; trace.c knows its filter's gaps */
static void fill_lacks(struct results *res)
{
	const char *m = getenv("LAB_MODULES_MISSING");

	snprintf(res->lacks_modules, sizeof(res->lacks_modules), "%s", m ? m : "");
	snprintf(res->lacks_functions, sizeof(res->lacks_functions), "%s", trace_ftrace_missing());
}

static void fill_expects(struct results *res, const struct run *run)
{
	res->expects = calloc(run->nr_expects ? run->nr_expects : 1, sizeof(*res->expects));
	if (!res->expects)
		return;
	for (int i = 0; i < run->nr_expects; i++) {
		const struct run_expect *e = &run->expects[i];
		struct results_expect *x = &res->expects[i];

		x->line = e->line;
		x->passed = e->passed;
		x->na = e->na;
		snprintf(x->text, sizeof(x->text), "%s", e->text);
		snprintf(x->got, sizeof(x->got), "%s", e->got);
	}
	res->nr_expects = run->nr_expects;
}

static void fill_vectors(struct results *res, const struct run *run)
{
	res->vectors = calloc(run->nr_vectors ? run->nr_vectors : 1, sizeof(*res->vectors));
	if (!res->vectors)
		return;
	for (int i = 0; i < run->nr_vectors; i++) {
		const struct run_vector *v = &run->vectors[i];

		res->vectors[i] = (struct results_vector){
			.index = v->index, .gsi = v->gsi, .host_irq = v->host_irq,
			.guest_vector = v->guest_vector, .vcpu = v->vcpu,
			.raised = v->raised, .delivered = v->delivered,
			.pending = v->pending, .coalesced = v->coalesced, .dropped = v->dropped,
			.taken = v->level ? v->taken : v->delivered,
			.notifier_errors = v->notifier_errors, .moved = v->moved,
			.misrouted = v->misrouted, .lost = v->lost, .stale = v->stale,
			.delivered_masked = v->delivered_masked,
		};
		snprintf(res->vectors[i].device, sizeof(res->vectors[i].device), "%s", v->device);
		snprintf(res->vectors[i].path, sizeof(res->vectors[i].path), "%s", v->path);
	}
	res->nr_vectors = run->nr_vectors;
}

/* KVMState's route bookkeeping; run_scenario stopped the vCPUs, nothing edits it */
static void fill_routes(struct results *res, const struct run *run)
{
	const KVMState *s = &run->vm.kvm;

	res->commits = s->commits;
	res->commit_errors = s->commit_errors;
	res->routes = s->irq_routes ? s->irq_routes->nr : 0;
	res->max_routes = s->max_irq_routes;
}

/* exit counters are final: the vCPU threads are gone */
static void fill_exits(struct results *res, const struct run *run)
{
	const struct bus *b = &run->vm.bus;

	for (int k = 0; k < VM_EXIT_MAX; k++) {
		uint64_t n = 0;

		for (int i = 0; i < run->vm.nr_vcpus; i++)
			n += run->vm.vcpus[i].exits[k];
		snprintf(res->exits[k].reason, sizeof(res->exits[k].reason), "%s",
			 vm_exit_kind_name(k));
		res->exits[k].count = n;
	}
	res->nr_exits = VM_EXIT_MAX;
	res->exit_addrs = calloc(b->nr_counts ? b->nr_counts : 1, sizeof(*res->exit_addrs));
	if (!res->exit_addrs)
		return;
	for (int i = 0; i < b->nr_counts; i++) {
		struct results_exit_addr *x = &res->exit_addrs[i];

		snprintf(x->space, sizeof(x->space), "%s", b->counts[i].space == BUS_PIO ? "io" : "mmio");
		x->addr = b->counts[i].addr;
		x->count = b->counts[i].count;
	}
	res->nr_exit_addrs = b->nr_counts;
}

/* the guest's counters of what each vCPU took, read before the VM goes */
static void fill_irqs(struct results *res, const struct run *run)
{
	int n = 0;

	if (!run->sh)
		return;
	for (int c = 0; c < VIRQ_GUEST_MAX_CPUS; c++)
		for (int v = 0; v < 256; v++)
			n += run->sh->counts[c][v] != 0;
	res->irqs = calloc(n ? n : 1, sizeof(*res->irqs));
	if (!res->irqs)
		return;
	for (int c = 0; c < VIRQ_GUEST_MAX_CPUS; c++)
		for (int v = 0; v < 256; v++)
			if (run->sh->counts[c][v])
				res->irqs[res->nr_irqs++] = (struct results_irq){
					.vcpu = c, .vector = v, .count = run->sh->counts[c][v] };
}

/* every step of the file, those the run never reached with 0 ns */
static void fill_steps(struct results *res, const struct run *run)
{
	const struct scenario *sc = run->sc;

	if (!run->step_ns)
		return;
	res->steps = calloc(sc->nr_steps ? sc->nr_steps : 1, sizeof(*res->steps));
	if (!res->steps)
		return;
	for (int i = 0; i < sc->nr_steps; i++) {
		res->steps[i].line = sc->steps[i].line;
		res->steps[i].ns = run->step_ns[i];
		snprintf(res->steps[i].text, sizeof(res->steps[i].text), "%s", sc->steps[i].text);
	}
	res->nr_steps = sc->nr_steps;
}

void run_results_fill(struct run *run)
{
	struct results *res = &run->results;

	results_free(res);
	*res = (struct results){ .status = run->status, .passed = run->status == VIRQ_EXIT_OK,
				 .applicable = run->status != VIRQ_EXIT_NA,
				 .ns = run->t_end - run->t_start };
	snprintf(res->scenario, sizeof(res->scenario), "%s", run->sc->name);
	snprintf(res->file, sizeof(res->file), "%s", run->sc->file);
	snprintf(res->kernel, sizeof(res->kernel), "%s", run->kernel);
	snprintf(res->vmm, sizeof(res->vmm), "virq");
	res->vmm_state = true;
	snprintf(res->error, sizeof(res->error), "%s", run->error);
	fill_lacks(res);
	fill_expects(res, run);
	fill_vectors(res, run);
	fill_routes(res, run);
	fill_exits(res, run);
	fill_steps(res, run);
	fill_irqs(res, run);
	if (!res->expects || !res->vectors || !res->exit_addrs || (run->step_ns && !res->steps))
		pr_err("%s: out of memory: the results are incomplete", run->sc->file);
}
