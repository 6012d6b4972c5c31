// SPDX-License-Identifier: GPL-2.0
/*
 * seed.c - compare a kernel function trace with the seed's: the 21 calls
 * the seed's author saw when moving one VFIO MSI-X vector from vCPU 5 to
 * vCPU 6 (QEMU's release, KVM_SET_GSI_ROUTING, use).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seed.h"

const char *const seed_calls[] = {
	/* vfio_msix_vector_release: VFIO's trigger to `interrupt` */
	"vfio_pci_set_msi_trigger", "vfio_msi_set_vector_signal", "irq_bypass_unregister_producer",
	"kvm_arch_irq_bypass_del_producer", "pi_update_irte", "irq_bypass_register_producer",
	/* vfio_update_kvm_msi_virq: KVM_SET_GSI_ROUTING, irqfds 1 and 3 re-routed */
	"kvm_set_irq_routing", "kvm_irq_routing_update", "irqfd_update",
	"kvm_arch_update_irqfd_routing", "pi_update_irte", "irqfd_update", "irqfd_update",
	"kvm_arch_update_irqfd_routing", "pi_update_irte",
	/* vfio_msix_vector_use: VFIO's trigger back to `kvm_interrupt` */
	"vfio_pci_set_msi_trigger", "vfio_msi_set_vector_signal", "irq_bypass_unregister_producer",
	"irq_bypass_register_producer", "kvm_arch_irq_bypass_add_producer", "pi_update_irte",
	NULL,
};

const int seed_block_start[SEED_BLOCKS + 1] = { 0, 6, 15, 21 };

#define SEED_MAX_CALLS	65536

/*
 * The vendor's pi_update_irte hook under its names by era: VMX
 * pi_update_irte (before 5.18) and vmx_pi_update_irte, SVM
 * svm_update_pi_irte (Debian 11's 5.10) and avic_pi_update_irte (6.1 on).
 * Not kvm_pi_update_irte: since 6.17 that is x86's common caller of the hook.
 */
static bool is_pi_update_irte(const char *fn)
{
	static const char *const names[] = {
		"pi_update_irte", "vmx_pi_update_irte", "svm_update_pi_irte", "avic_pi_update_irte",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(fn, names[i]))
			return true;
	return false;
}

/* "  CPU 0/KVM-149 [000] ..... 1.2: irqfd_update <-kvm_irqfd" -> "irqfd_update" */
static bool trace_call(char *line, char *fn, size_t n)
{
	char *arrow = strstr(line, " <-"), *s;

	if (line[0] == '#' || !arrow || strstr(line, "tracing_mark_write"))
		return false;
	for (s = arrow; s > line && s[-1] != ' '; s--)
		;
	snprintf(fn, n, "%.*s", (int)(arrow - s), s);
	fn[strcspn(fn, ".")] = 0;		/* foo.isra.0 */
	if (is_pi_update_irte(fn))
		snprintf(fn, n, "pi_update_irte");
	return true;
}

static int find_run(char **calls, int n, int from, int first, int last)
{
	for (int i = from; i + (last - first) <= n; i++) {
		int k = 0;

		while (first + k < last && !strcmp(calls[i + k], seed_calls[first + k]))
			k++;
		if (first + k == last)
			return i;
	}
	return -1;
}

static int read_calls(const char *path, char ***calls)
{
	FILE *f = fopen(path, "r");
	char line[512], fn[128];
	int n = 0;

	if (!f)
		return -1;
	*calls = calloc(SEED_MAX_CALLS, sizeof(char *));
	while (*calls && n < SEED_MAX_CALLS && fgets(line, sizeof(line), f))
		if (trace_call(line, fn, sizeof(fn)))
			(*calls)[n++] = strdup(fn);
	fclose(f);
	return n;
}

int seed_trace_compare(const char *path, FILE *out)
{
	static const char *const names[] = { "release", "commit", "use" };
	char **calls;
	int n = read_calls(path, &calls), from = 0, found = 0, at[SEED_BLOCKS];

	if (n < 0)
		return -1;
	for (int b = 0; b < SEED_BLOCKS; b++) {
		at[b] = find_run(calls, n, from, seed_block_start[b], seed_block_start[b + 1]);
		fprintf(out, "seed %-7s block (%d calls): %s", names[b],
			seed_block_start[b + 1] - seed_block_start[b], at[b] < 0 ? "NOT found\n" : "");
		if (at[b] < 0)
			continue;
		fprintf(out, "found at traced call %d\n", at[b]);
		found |= 1 << b;
		from = at[b] + seed_block_start[b + 1] - seed_block_start[b];
	}
	if (find_run(calls, n, 0, 0, seed_block_start[SEED_BLOCKS]) >= 0)
		found |= 8;
	fprintf(out, "seed's 21 calls back to back: %s\n", found & 8 ? "yes" : "no");
	for (int i = 0; i < n; i++)
		free(calls[i]);
	free(calls);
	return found;
}
