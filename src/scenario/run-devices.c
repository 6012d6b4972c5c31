// SPDX-License-Identifier: GPL-2.0
/*
 * run-devices.c - the scenario's PCI devices: created before the guest
 * boots, held/completed by host steps, and accounted per MSI-X vector
 * (raised by the device, pending, coalesced, dropped, moved, and what the
 * kernel was told, which run-ledger.c matches to what the guest took).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "../hw/pci/msix.h"
#include "../hw/nvme/nvme.h"
#include "../hw/vfio/pci.h"

/*
 * Guest vectors have owners so that the ledger can tell whose interrupt the
 * guest took. An MSI-X entry the guest writes owns its (vCPU, vector): a
 * driver's vectors are per CPU (Linux's matrix allocator), and 8 devices of
 * 65 vectors need more than one CPU's (x86 has about 200 for devices,
 * 0x20 up to FIRST_SYSTEM_VECTOR). A source that is raised owns its
 * vector on every vCPU, so that one misrouted to another vCPU cannot be taken
 * for another source's interrupt.
 */
/* the owner other than who of vector gv on vCPUs c0..c1-1, or NULL */
static const char *gv_other(struct run *run, int c0, int c1, int gv, const char *who)
{
	for (int c = c0; c < c1; c++)
		if (run->gv_owner[c][gv][0] && strcmp(run->gv_owner[c][gv], who))
			return run->gv_owner[c][gv];
	return NULL;
}

const char *run_guest_vector_other(struct run *run, int gv, const char *who)
{
	return gv_other(run, 0, SC_MAX_VCPUS, gv, who);
}

bool run_claim_guest_vector(struct run *run, int vcpu, int gv, const char *who)
{
	int c0 = vcpu < 0 ? 0 : vcpu, c1 = vcpu < 0 ? SC_MAX_VCPUS : vcpu + 1;

	if (gv < 0 || gv > 255 || c0 >= SC_MAX_VCPUS)
		return false;
	if (gv_other(run, c0, c1, gv, who))
		return false;
	for (int c = c0; c < c1; c++)
		snprintf(run->gv_owner[c][gv], sizeof(run->gv_owner[c][gv]), "%s", who);
	return true;
}

/* is word one of the space-separated words of list? */
static bool word_in(const char *list, const char *word, size_t len)
{
	for (const char *p = list; *p; p += strspn(p, " ")) {
		size_t l = strcspn(p, " ");

		if (l == len && !strncmp(p, word, len))
			return true;
		p += l;
	}
	return false;
}

/*
 * A device the lab's kernel cannot give because it lacks one of the
 * type's modules (lab/init exports what it could not load): the scenario
 * is not applicable on this kernel, which is said, not failed.
 */
static bool run_device_not_applicable(struct run *run, const struct sc_step *st,
				      const struct pci_device_type *t)
{
	const char *missing = getenv("LAB_MODULES_MISSING"), *m = t ? t->modules : NULL;

	if (!missing || !m)
		return false;
	for (; *m; m += strspn(m, " ")) {
		size_t l = strcspn(m, " ");

		if (word_in(missing, m, l)) {
			snprintf(run->error, sizeof(run->error),
				 "%s:%d: not applicable on kernel %s: it lacks module %.*s, which "
				 "device %s (%s) needs", run->sc->file, st->line, run->kernel, (int)l, m,
				 run->sc->names[st->name].name, st->type);
			pr_err("%s", run->error);
			run->status = VIRQ_EXIT_NA;
			return true;
		}
		m += l;
	}
	return false;
}

int run_devices_create(struct run *run)
{
	const struct scenario *sc = run->sc;
	char arg[sizeof(sc->steps[0].host) + 24];
	int r, n = 0;

	for (int i = 0; i < SC_MAX_NAMES; i++)
		run->devs[i].guest = -1;
	for (int i = 0; i < sc->nr_steps && sc->steps[i].op == SC_DEVICE; i++) {
		const struct sc_step *st = &sc->steps[i];
		struct run_device *d = &run->devs[st->name];

		if (!run->has_pci) {
			r = pci_bus_init(&run->pci, &run->vm);
			if (r < 0)
				return r;
			run->has_pci = true;
		}
		/* vfio-pci's arg: host=, then its options as QEMU's -device spells them */
		snprintf(arg, sizeof(arg), "%s%s", st->host,
			 st->no_kvm_intx > 0 ? ",x-no-kvm-intx=on" : "");
		d->type = pci_device_type_find(st->type);
		d->dev = d->type ? d->type->realize(&run->vm, &run->pci, sc->names[st->name].name,
						    arg) : NULL;
		if (!d->dev && run_device_not_applicable(run, st, d->type))
			return -ENODEV;
		if (!d->dev) {
			/* a device the host cannot give (no VFIO, no such function) */
			run_fail(run, st, "cannot create %s device %s", st->type, sc->names[st->name].name);
			run->status = VIRQ_EXIT_ENV;
			return -ENODEV;
		}
		d->dma = VIRQ_DMA_GPA + (uint64_t)VIRQ_DMA_PER_DEV * n++;
		if (!strcmp(st->type, "vfio-pci"))
			((VFIOPCIDevice *)d->dev)->skip_unchanged_commits =
				run->opts->skip_unchanged_commits;
		pr_info("device %s: %s at 00:%02x.0", d->dev->name, st->type, d->dev->devfn >> 3);
	}
	return 0;
}

void run_devices_destroy(struct run *run)
{
	for (int i = 0; i < SC_MAX_NAMES; i++) {
		struct run_device *d = &run->devs[i];

		if (d->dev) {
			driver_e1000e_settle(d);	/* the unrealize disables MSI-X at the host */
			d->type->unrealize(d->dev);
		}
		d->dev = NULL;
	}
}

void run_device_vector(struct run *run, struct run_device *d, unsigned int v,
		       struct run_vector *row)
{
	struct msix_vector_stats st;
	MSIMessage m;

	pthread_mutex_lock(&run->vm.bql);
	msix_vector_stats(d->dev, v, &st);
	m = msix_get_message(d->dev, v);
	row->ledger = *st.ledger;	/* device threads book under the bql */
	pthread_mutex_unlock(&run->vm.bql);
	snprintf(row->device, sizeof(row->device), "%s", d->dev->name);
	row->index = (int)v;
	row->path = st.path;
	row->gsi = st.gsi;
	row->host_irq = st.host_irq;
	row->vcpu = (int)msi_x86_dest(m.address);
	row->guest_vector = (int)msi_x86_vector(m.data);
	row->raised = st.raised;
	row->pending = st.pending;
	row->coalesced = st.coalesced;
	row->dropped = st.dropped;
	row->moved = st.moved;
	row->notifier_errors = st.notifier_errors;
	/* delivered and the rest: ledger_match */
}

/* the device vectors with anything to account, after rows[0..n); returns the new n */
int run_device_rows(struct run *run, struct run_vector *rows, int n, int max)
{
	for (int i = 0; i < SC_MAX_NAMES; i++) {
		struct run_device *d = &run->devs[i];

		for (unsigned int v = 0; d->dev && v < d->dev->msix_entries_nr && v < RUN_MAX_MSIX; v++) {
			struct run_vector row = { 0 };

			run_device_vector(run, d, v, &row);
			if (!row.raised && !row.pending && !row.notifier_errors && !row.ledger.told)
				continue;
			if (n == max)
				return n;
			rows[n++] = row;
		}
	}
	return n;
}

void run_device_vectors(struct run *run)
{
	run->nr_vectors = run_device_rows(run, run->vectors, run->nr_vectors, RUN_MAX_VECTORS);
}

/*
 * A use or release the kernel refused (msix_report_notifier_error): QEMU
 * asserts or only logs; the device fell back (KVM_SIGNAL_MSI) and the run
 * went on, so that the kernel's answer is seen, but the scenario fails.
 */
void run_check_notifiers(struct run *run)
{
	for (int i = 0; i < run->nr_vectors; i++) {
		const struct run_vector *v = &run->vectors[i];

		if (v->notifier_errors)
			run_fail(run, NULL, "%s vector %d: %llu MSI-X vector notifier failure%s (the kernel's error is above); the vector fell back to %s",
				 v->device, v->index, (unsigned long long)v->notifier_errors,
				 v->notifier_errors == 1 ? "" : "s", v->path);
	}
}

/* device NAME hold / complete: the controller keeps completions until told */
int run_device_step(struct run *run, const struct sc_step *st)
{
	struct run_device *d = &run->devs[st->name];
	int n = 0;

	if (!d->dev || strcmp(d->dev->type, "nvme")) {
		run_fail(run, st, "only an nvme device holds completions");
		return -EINVAL;
	}
	pthread_mutex_lock(&run->vm.bql);
	if (st->op == SC_DEVICE_HOLD)
		nvme_set_hold(d->dev, true);
	else
		n = nvme_complete_held(d->dev, st->count);
	pthread_mutex_unlock(&run->vm.bql);
	if (st->op == SC_DEVICE_COMPLETE && n != (int)st->count) {
		run_fail(run, st, "%s had %d held completion%s, not %u", d->dev->name, n,
			 n == 1 ? "" : "s", st->count);
		return -EINVAL;
	}
	return 0;
}
