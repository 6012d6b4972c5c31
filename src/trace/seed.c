// SPDX-License-Identifier: GPL-2.0
/*
 * seed.c - compare a kernel function trace with the seed's: the 21 calls
 * the seed's author saw when moving one VFIO MSI-X vector from vCPU 5 to
 * vCPU 6 (QEMU's release, KVM_SET_GSI_ROUTING, use), callers included,
 * and say what the trace tells about the kernel that wrote it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seed.h"
#include "ftrace-line.h"

const struct seed_call seed_calls[] = {
	/* vfio_msix_vector_release: VFIO's trigger to `interrupt` */
	{ "vfio_pci_set_msi_trigger", "vfio_pci_core_ioctl" },
	{ "vfio_msi_set_vector_signal", "vfio_msi_set_block" },
	{ "irq_bypass_unregister_producer", "vfio_msi_set_vector_signal" },
	{ "kvm_arch_irq_bypass_del_producer", "__disconnect" },
	{ "vmx_pi_update_irte", "kvm_arch_irq_bypass_del_producer" },
	{ "irq_bypass_register_producer", "vfio_msi_set_vector_signal" },
	/* KVM_SET_GSI_ROUTING: the irqfds 1 and 3 (those with a producer) updated */
	{ "kvm_set_irq_routing", "kvm_vm_ioctl" },
	{ "kvm_irq_routing_update", "kvm_set_irq_routing" },
	{ "irqfd_update", "kvm_irq_routing_update" },
	{ "kvm_arch_update_irqfd_routing", "kvm_irq_routing_update" },
	{ "vmx_pi_update_irte", "kvm_irq_routing_update" },
	{ "irqfd_update", "kvm_irq_routing_update" },
	{ "irqfd_update", "kvm_irq_routing_update" },
	{ "kvm_arch_update_irqfd_routing", "kvm_irq_routing_update" },
	{ "vmx_pi_update_irte", "kvm_irq_routing_update" },
	/* vfio_msix_vector_use: VFIO's trigger back to `kvm_interrupt` */
	{ "vfio_pci_set_msi_trigger", "vfio_pci_core_ioctl" },
	{ "vfio_msi_set_vector_signal", "vfio_msi_set_block" },
	{ "irq_bypass_unregister_producer", "vfio_msi_set_vector_signal" },
	{ "irq_bypass_register_producer", "vfio_msi_set_vector_signal" },
	{ "kvm_arch_irq_bypass_add_producer", "__connect" },
	{ "vmx_pi_update_irte", "kvm_arch_irq_bypass_add_producer" },
	{ NULL, NULL },
};

const int seed_block_start[SEED_BLOCKS + 1] = { 0, 6, 15, 21 };

#define SEED_MAX_CALLS	65536

/*
 * Names that differ between kernel eras for the same call: the PI hook
 * (pi_update_irte, VMX 5.x; vmx_pi_update_irte, VMX 5.18+;
 * svm_update_pi_irte, SVM 5.x; avic_pi_update_irte, SVM 6.x), and VFIO's
 * ioctl entry, vfio_pci_ioctl until vfio-pci-core split it out (5.15).
 */
static const char *const seed_aliases[][2] = {
	{ "pi_update_irte", "vmx_pi_update_irte" },
	{ "svm_update_pi_irte", "vmx_pi_update_irte" },
	{ "avic_pi_update_irte", "vmx_pi_update_irte" },
	{ "vfio_pci_ioctl", "vfio_pci_core_ioctl" },
};

struct call {
	char fn[64], caller[64];	/* as traced, compiler suffixes cut */
	char key[64], caller_key[64];	/* the seed's names for them, for comparing */
};

static const char *seed_name(const char *name)
{
	for (size_t i = 0; i < sizeof(seed_aliases) / sizeof(seed_aliases[0]); i++)
		if (!strcmp(name, seed_aliases[i][0]))
			return seed_aliases[i][1];
	return name;
}

static bool seed_traced(const char *key)
{
	for (int i = 0; seed_calls[i].fn; i++)
		if (!strcmp(seed_calls[i].fn, key))
			return true;
	return false;
}

/* "  CPU 0/KVM-149 [000] ..... 1.2: irqfd_update <-kvm_irqfd" */
static bool trace_call(const char *line, struct call *c)
{
	if (!ftrace_call(line, c->fn, sizeof(c->fn), c->caller, sizeof(c->caller)))
		return false;
	snprintf(c->key, sizeof(c->key), "%s", seed_name(c->fn));
	snprintf(c->caller_key, sizeof(c->caller_key), "%s", seed_name(c->caller));
	return true;
}

/*
 * The calls of the seed's filter list, in order. Functions virq traces
 * beyond the seed's list (kvm_arch_irqfd_route_changed) are kept apart:
 * m->commit_filter_calls counts them for the move's commit.
 */
static int read_calls(FILE *f, struct call **calls, int **filter_at)
{
	char line[512];
	struct call c;
	int n = 0;

	*calls = calloc(SEED_MAX_CALLS, sizeof(**calls));
	/* for each seed call, how many filter calls came before it */
	*filter_at = calloc(SEED_MAX_CALLS + 2, sizeof(**filter_at));
	if (!*calls || !*filter_at)
		return -ENOMEM;
	while (n < SEED_MAX_CALLS && fgets(line, sizeof(line), f)) {
		if (!trace_call(line, &c))
			continue;
		if (!strcmp(c.fn, "kvm_arch_irqfd_route_changed")) {
			(*filter_at)[n]++;
			continue;
		}
		if (!seed_traced(c.key))
			continue;
		(*filter_at)[n + 1] = (*filter_at)[n];
		(*calls)[n++] = c;
	}
	(*filter_at)[n + 1] = (*filter_at)[n];
	return n;
}

static int find_run(const struct call *calls, int n, int from, int first, int last)
{
	for (int i = from; i + (last - first) <= n; i++) {
		int k = 0;

		while (first + k < last && !strcmp(calls[i + k].key, seed_calls[first + k].fn))
			k++;
		if (first + k == last)
			return i;
	}
	return -1;
}

static int callers_ok(const struct call *calls, int at, int first, int last)
{
	int ok = 0;

	for (int k = 0; k < last - first; k++)
		ok += !strcmp(calls[at + k].caller_key, seed_calls[first + k].caller);
	return ok;
}

static bool commit_call(const char *key)
{
	return !strcmp(key, "kvm_irq_routing_update") || !strcmp(key, "irqfd_update") ||
	       !strcmp(key, "kvm_arch_update_irqfd_routing") || !strcmp(key, "vmx_pi_update_irte");
}

/* the commit of the move: right after the release block, else the last
 * KVM_SET_GSI_ROUTING that VFIO_DEVICE_SET_IRQS calls enclose */
static int move_commit(const struct call *calls, int n, const struct seed_match *m)
{
	int last = -1;

	for (int i = 0; i < n; i++) {
		int j = i + 1;

		if (strcmp(calls[i].key, "kvm_set_irq_routing"))
			continue;
		if (m->at[SEED_RELEASE] >= 0 && i > m->at[SEED_RELEASE])
			return i;
		while (j < n && commit_call(calls[j].key))
			j++;
		if (i > 0 && j < n && !strcmp(calls[j].key, "vfio_pci_set_msi_trigger") &&
		    strcmp(calls[i - 1].key, "kvm_set_irq_routing"))
			last = i;
	}
	return last;
}

static void print_commit(FILE *out, const struct call *calls, int n, int at,
			 const int *filter_at, struct seed_match *m)
{
	int end = at + 1;

	while (end < n && commit_call(calls[end].key))
		end++;
	m->commit_len = end - at;
	m->commit_filter_calls = filter_at[end] - filter_at[at];
	fprintf(out, "the move's commit, as traced (%d calls of the seed's list):\n", end - at);
	for (int i = at, run; i < end; i += run) {
		for (run = 1; i + run < end; run++)
			if (strcmp(calls[i + run].fn, calls[i].fn) ||
			    strcmp(calls[i + run].caller, calls[i].caller))
				break;
		if (!strcmp(calls[i].fn, "irqfd_update"))
			m->commit_updates += run;
		if (!strcmp(calls[i].fn, "kvm_arch_update_irqfd_routing"))
			m->commit_arch_updates += run;
		fprintf(out, "    %s <-%s", calls[i].fn, calls[i].caller);
		fprintf(out, run > 1 ? " x%d\n" : "\n", run);
	}
	if (m->commit_filter_calls)
		fprintf(out, "    and %d kvm_arch_irqfd_route_changed (not in the seed's list)\n",
			m->commit_filter_calls);
}

static void print_block(FILE *out, const struct call *calls, int b, struct seed_match *m)
{
	static const char *const names[] = { "release", "commit", "use" };
	int first = seed_block_start[b], last = seed_block_start[b + 1];

	fprintf(out, "seed %-7s block (%d calls): ", names[b], last - first);
	if (m->at[b] < 0) {
		fprintf(out, "NOT found\n");
		return;
	}
	m->caller_ok[b] = callers_ok(calls, m->at[b], first, last);
	fprintf(out, "found at traced call %d, callers %d/%d\n", m->at[b], m->caller_ok[b],
		last - first);
	for (int k = 0; k < last - first; k++) {
		const struct call *c = &calls[m->at[b] + k];

		if (strcmp(c->caller_key, seed_calls[first + k].caller))
			fprintf(out, "    call %d: %s <-%s, the seed has <-%s\n", first + k + 1,
				c->fn, c->caller, seed_calls[first + k].caller);
		else if (strcmp(c->caller, seed_calls[first + k].caller))
			fprintf(out, "    call %d: %s <-%s is the seed's <-%s by an older name\n",
				first + k + 1, c->fn, c->caller, seed_calls[first + k].caller);
	}
}

/* what the names and the commit say about the kernel's era */
static void print_era(FILE *out, const struct call *calls, int n, struct seed_match *m)
{
	bool consumer = false;

	for (int i = 0; i < n; i++) {
		if (!strcmp(calls[i].key, "vmx_pi_update_irte") && !m->pi_hook[0])
			snprintf(m->pi_hook, sizeof(m->pi_hook), "%s", calls[i].fn);
		if (!strcmp(calls[i].fn, "vfio_pci_set_msi_trigger") && !m->vfio_ioctl[0])
			snprintf(m->vfio_ioctl, sizeof(m->vfio_ioctl), "%s", calls[i].caller);
		consumer |= !strcmp(calls[i].fn, "kvm_arch_irq_bypass_add_producer");
	}
	fprintf(out, "era: PI hook %s; VFIO ioctl %s; irqfd as bypass consumer: %s\n",
		m->pi_hook[0] ? m->pi_hook : "never called", m->vfio_ioctl[0] ? m->vfio_ioctl : "-",
		consumer ? "yes" : "no (kvm_arch_irq_bypass_add_producer never called)");
	if (m->commit_filter_calls)
		fprintf(out, "era: route filter kvm_arch_irqfd_route_changed called (5.16 to 6.16)\n");
	else if (m->commit_arch_updates)
		fprintf(out, "era: kvm_arch_update_irqfd_routing for %d irqfd(s), no route filter "
			"traced (before 5.16, or 6.17+ where the check is inside it)\n",
			m->commit_arch_updates);
}

int seed_trace_compare(const char *path, FILE *out, struct seed_match *m)
{
	FILE *f = fopen(path, "r");
	struct call *calls;
	int *filter_at, n, from = 0, commit;

	if (!f)
		return -errno;
	n = read_calls(f, &calls, &filter_at);
	fclose(f);
	*m = (struct seed_match){ .at = { -1, -1, -1 }, .commit_at = -1 };
	if (n < 0) {
		free(calls);
		free(filter_at);
		return n;
	}
	for (int b = 0; b < SEED_BLOCKS; b++) {
		m->at[b] = find_run(calls, n, from, seed_block_start[b], seed_block_start[b + 1]);
		print_block(out, calls, b, m);
		if (m->at[b] >= 0)
			from = m->at[b] + seed_block_start[b + 1] - seed_block_start[b];
	}
	m->back_to_back = find_run(calls, n, 0, 0, seed_block_start[SEED_BLOCKS]) >= 0;
	fprintf(out, "seed's 21 calls back to back: %s\n", m->back_to_back ? "yes" : "no");
	commit = move_commit(calls, n, m);
	m->commit_at = commit;
	if (commit >= 0)
		print_commit(out, calls, n, commit, filter_at, m);
	else
		fprintf(out, "the move's commit: no KVM_SET_GSI_ROUTING between two SET_IRQS\n");
	print_era(out, calls, n, m);
	free(calls);
	free(filter_at);
	return 0;
}
