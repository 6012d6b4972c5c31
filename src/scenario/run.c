// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - run a scenario: build the VM, boot the test guest, execute the
 * steps in order (host steps call KVMState as QEMU would, guest steps go
 * through the guest's mailbox), check the expects, account every
 * interrupt raised.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "run.h"
#include "../hw/i386/multiboot.h"
#include "../trace/trace.h"
#include "../hw/pci/msix.h"
#include "../hw/nvme/nvme.h"
#include "../vmm/fault.h"

#define RUN_RAM_SIZE		(32ull << 20)
#define RUN_IRQ_TIMEOUT_MS	5000
#define RUN_GUEST_TIMEOUT_MS	10000
#define RUN_ONLINE_TIMEOUT_MS	60000

void run_fail(struct run *run, const struct sc_step *st, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s:%d: %s", run->sc->file, st ? st->line : run->sc->vm_line, msg);
	/* the first failure is the run's error; later ones follow from it */
	if (!run->error[0])
		snprintf(run->error, sizeof(run->error), "%s:%d: %s", run->sc->file,
			 st ? st->line : run->sc->vm_line, msg);
	if (run->status == VIRQ_EXIT_OK)
		run->status = VIRQ_EXIT_FAIL;
}

unsigned int run_timeout_ms(const struct run *run, unsigned int ms, unsigned int dflt)
{
	return (ms ? ms : dflt) * (run->opts->scale ? run->opts->scale : 1);
}

static struct run_vector *run_vector_get(struct run *run, const char *device, int index,
					 const char *path)
{
	for (int i = 0; i < run->nr_vectors; i++) {
		struct run_vector *v = &run->vectors[i];

		if (!strcmp(v->device, device) && v->index == index && !strcmp(v->path, path))
			return v;
	}
	if (run->nr_vectors == RUN_MAX_VECTORS)
		return NULL;
	struct run_vector *v = &run->vectors[run->nr_vectors++];

	snprintf(v->device, sizeof(v->device), "%s", device);
	v->index = index;
	v->gsi = -1;
	v->host_irq = -1;
	v->path = path;
	return v;
}

/*
 * raise_and_wait - one interrupt: raise() it, booked in the row's ledger
 * as told to `told` (what the kernel holds) while the VMM's own view was
 * `meant` (its table's entry), then wait until the guest counted it where
 * it was told. Raises are paced, so edge MSIs never coalesce in the LAPIC's
 * IRR and every raise must show up: one that does not is reported as lost,
 * or misrouted if it showed up elsewhere (the ledger at the end names it).
 */
static int raise_and_wait(struct run *run, const struct sc_step *st, struct run_vector *v,
			  int (*raise)(struct run *, const struct sc_step *, void *), void *arg,
			  MSIMessage told, MSIMessage meant)
{
	int vcpu = (int)msi_x86_dest(told.address), vector = (int)msi_x86_vector(told.data);
	uint32_t base = guest_count(run, vcpu, vector), before = guest_total(run);
	unsigned int tmo = run_timeout_ms(run, 0, RUN_IRQ_TIMEOUT_MS);
	int r;

	if (!run_claim_guest_vector(run, -1, vector, v->device)) {
		run_fail(run, st, "guest vector 0x%x is already raised by %s: each source needs its own",
			 vector, run_guest_vector_other(run, vector, v->device));
		return -EINVAL;
	}
	v->vcpu = vcpu;
	v->guest_vector = vector;
	r = raise(run, st, arg);
	if (r < 0)
		return r;
	v->raised++;
	msi_ledger_tell(&v->ledger, told, meant, false);
	r = guest_wait_count(run, vcpu, vector, base + 1, tmo);
	if (r == -ETIMEDOUT) {
		run_fail(run, st, "%s interrupt: %s raise %llu (vCPU %d vector 0x%x) not taken there within %u ms",
			 guest_total(run) > before ? "misrouted" : "lost", v->device,
			 (unsigned long long)v->raised, vcpu, vector, tmo);
		return r;
	}
	return r < 0 ? r : 0;
}

static int raise_irqfd(struct run *run, const struct sc_step *st, void *arg)
{
	struct run_obj *o = arg;
	uint64_t one = 1;
	ssize_t r = run->vm.kvm.sys->write(run->vm.kvm.sys->priv, o->efd, &one, sizeof(one));

	(void)st;
	trace_event("event_notifier_set", "fd=%d gsi=%d", o->efd, o->virq);
	return r < 0 ? (int)r : 0;
}

static int raise_signal_msi(struct run *run, const struct sc_step *st, void *arg)
{
	int r = kvm_irqchip_send_msi(&run->vm.kvm, *(MSIMessage *)arg);

	if (r == 0) {
		run_fail(run, st, "KVM_SIGNAL_MSI returned 0: the guest blocked the MSI");
		return -EIO;
	}
	return r < 0 ? r : 0;
}

static int step_signal(struct run *run, const struct sc_step *st)
{
	struct run_obj *o = &run->objs[st->name];
	const char *name = run->sc->names[st->name].name;
	struct run_vector *v;

	if (!o->irqfd) {
		run_fail(run, st, "route %s has no irqfd to signal%s", name,
			 o->efd_closed ? ": its eventfd was closed ('irqfd close')" : "");
		return -EINVAL;
	}
	v = run_vector_get(run, name, 0, "irqfd");
	if (!v)
		return -ENOSPC;
	v->gsi = o->virq;
	for (uint32_t i = 0; i < st->count; i++) {
		const struct kvm_irq_routing_entry *e;
		MSIMessage told, meant;
		bool in_kernel;
		int r;

		/* the kernel delivers by the last table pushed, whoever pushed it */
		pthread_mutex_lock(&run->vm.bql);
		e = kvm_irqchip_find_kernel_route(&run->vm.kvm, o->virq);
		in_kernel = msi_route_message(e, &told);
		if (!msi_route_message(kvm_irqchip_find_route(&run->vm.kvm, o->virq), &meant))
			meant = told;
		pthread_mutex_unlock(&run->vm.bql);
		if (!in_kernel) {
			run_fail(run, st, "route %s (GSI %d) is not %s in the kernel's table%s", name,
				 o->virq, e ? "an MSI route" : "there", e ? "" : ": commit first");
			return -ENOENT;
		}
		r = raise_and_wait(run, st, v, raise_irqfd, o, told, meant);
		if (r < 0)
			return r;
	}
	return 0;
}

static int step_signal_msi(struct run *run, const struct sc_step *st)
{
	MSIMessage msg = msi_x86_message((unsigned int)st->vcpu, (unsigned int)st->vector);
	char dev[SC_NAME_LEN];
	struct run_vector *v;

	snprintf(dev, sizeof(dev), "msi-%d-0x%x", st->vcpu, st->vector);
	v = run_vector_get(run, dev, 0, "signal-msi");
	if (!v)
		return -ENOSPC;
	for (uint32_t i = 0; i < st->count; i++) {
		int r = raise_and_wait(run, st, v, raise_signal_msi, &msg, msg, msg);

		if (r < 0)
			return r;
	}
	return 0;
}

static int step_guest(struct run *run, const struct sc_step *st)
{
	static const uint32_t ops[] = {
		[SC_GUEST_OUT] = VIRQ_OP_OUT, [SC_GUEST_IN] = VIRQ_OP_IN,
		[SC_GUEST_WRITE] = VIRQ_OP_MMIO_WRITE, [SC_GUEST_READ] = VIRQ_OP_MMIO_READ,
	};
	uint32_t arg[8] = { (uint32_t)st->addr, st->size, (uint32_t)st->value, st->count };
	uint32_t result = 0;
	int r;

	r = guest_cmd(run, st->vcpu < 0 ? 0 : st->vcpu, ops[st->op], arg, &result,
		      run_timeout_ms(run, st->ms, RUN_GUEST_TIMEOUT_MS));
	if (r < 0) {
		run_fail(run, st, "guest step did not complete: %s", strerror(-r));
		return r;
	}
	if (st->op == SC_GUEST_IN || st->op == SC_GUEST_READ)
		pr_info("%s:%d: guest read 0x%x", run->sc->file, st->line, result);
	return 0;
}

static bool step_is_host(enum sc_op op)
{
	return op <= SC_IOEVENTFD_REMOVE || run_intx_step_is_host(op) ||
	       run_faults_step_is_host(op);
}

/* returns < 0 when the run cannot go on */
static int run_step(struct run *run, const struct sc_step *st, const struct sc_step *next)
{
	int r = 0;

	trace_event("step", "%s:%d %s", run->sc->name, st->line, st->text);
	if (run_intx_handles(run, st) || run_faults_handles(st->op)) {
		r = run_intx_handles(run, st) ? run_intx_step(run, st) : run_faults_step(run, st);
		if (!step_is_host(st->op))
			return r;
		goto host;
	}
	switch (st->op) {
	case SC_ROUTE_ADD ... SC_IRQFD_REMOVE:
	case SC_IOEVENTFD_ADD: case SC_IOEVENTFD_REMOVE:
		/* KVMState is shared with device notifiers on vCPU threads */
		pthread_mutex_lock(&run->vm.bql);
		r = run_table_step(run, st);
		pthread_mutex_unlock(&run->vm.bql);
		break;
	case SC_SIGNAL: r = step_signal(run, st); break;
	case SC_SIGNAL_MSI: r = step_signal_msi(run, st); break;
	case SC_GUEST_OUT: case SC_GUEST_IN: case SC_GUEST_WRITE: case SC_GUEST_READ:
		return step_guest(run, st);
	case SC_WAIT: sleep_ns(st->ms * 1000000ull); return 0;
	case SC_DEVICE: return 0;	/* created before the guest boots */
	case SC_DEVICE_HOLD: case SC_DEVICE_COMPLETE: return run_device_step(run, st);
	case SC_GUEST_PCI_ENUM ... SC_GUEST_E1000E_RAISE:
		r = driver_step(run, st);
		if (r < 0 && !run->error[0])
			run_fail(run, st, "%s: %s", st->text, strerror(-r));
		return r;
	default: run_expect(run, st); return 0;
	}
	if (!step_is_host(st->op))
		return r;
host:
	run->last_err = r;
	/* a kernel error is fine when the next line expects it */
	if (r < 0 && !(next && next->op == SC_EXPECT_RESULT)) {
		if (!run->error[0])
			run_fail(run, st, "step failed: %s: %s", st->text, strerrorname_np(-r) ?: "?");
		return r;
	}
	return 0;
}

static int run_boot_guest(struct run *run)
{
	struct multiboot_module prog;
	char cmdline[96];
	int r, len;

	/* no firmware here: the guest places BARs (src/guest/pci.c) */
	len = snprintf(cmdline, sizeof(cmdline), "ncpus=%d pci=assign%s", run->sc->vcpus,
		       run->opts->program ? " printlog" : "");
	/*
	 * a program's waits count TSC cycles: give the guest the rate its
	 * vCPUs get (KVM_GET_TSC_KHZ on the VM fd, the default for new vCPUs;
	 * a probe, so a kernel without the VM ioctl (5.10: ENOTTY) is not an
	 * error: the guest's default then makes waits longer, not shorter)
	 */
	if (run->opts->program) {
		const struct sys_ops *sys = run->vm.kvm.sys;
		long khz = sys->ioctl(sys->priv, run->vm.kvm.vmfd, KVM_GET_TSC_KHZ, NULL);

		if (khz > 0)
			snprintf(cmdline + len, sizeof(cmdline) - len, " tsc_khz=%ld", khz);
	}
	r = pc_board_realize(&run->board, &run->vm);
	if (r < 0)
		return r;
	r = run_intx_init(run);
	if (r < 0)
		return r;
	r = run_devices_create(run);
	if (r < 0)
		return r;
	if (run->opts->program) {
		r = run_program_prepare(run);
		if (r < 0)
			return r;
	}
	/* as QEMU's -initrd: the program is module 0, named after its file */
	prog = (struct multiboot_module){ .data = (const uint8_t *)run->prog,
					  .len = run->prog_len, .cmdline = "./prog" };
	r = multiboot_load_image(&run->vm, run->opts->guest_name, run->opts->guest,
				 run->opts->guest_len, cmdline, run->prog ? &prog : NULL,
				 run->prog ? 1 : 0);
	if (r < 0)
		return r;
	r = vm_start(&run->vm);
	if (r < 0)
		return r;
	return guest_wait_online(run, run_timeout_ms(run, 0, RUN_ONLINE_TIMEOUT_MS));
}

static void run_steps(struct run *run)
{
	const struct scenario *sc = run->sc;

	for (int i = 0; i < sc->nr_steps; i++) {
		const struct sc_step *next = i + 1 < sc->nr_steps ? &sc->steps[i + 1] : NULL;
		uint64_t t0 = now_ns();
		int r;

		run->cur_step = &sc->steps[i];
		r = run_step(run, &sc->steps[i], next);
		run->cur_step = NULL;

		run->step_ns[i] = now_ns() - t0;
		if (r < 0)
			break;
		if (run->vm.fatal) {
			run_fail(run, &sc->steps[i], "vCPU failed: %s", run->vm.fatal_msg);
			break;
		}
		if (run->vm.guest_exited) {
			run_fail(run, &sc->steps[i], "guest exited with status %d",
				 run->vm.guest_exit_code);
			break;
		}
	}
}

/* every expect of a scenario not applicable here, listed as such with the reason */
static void run_expects_not_applicable(struct run *run)
{
	const char *why = strstr(run->error, "not applicable");

	run->nr_expects = 0;
	for (int i = 0; i < run->sc->nr_steps; i++) {
		const struct sc_step *st = &run->sc->steps[i];
		struct run_expect *e;

		if (strncmp(st->text, "expect ", 7))	/* the steps' first word */
			continue;
		e = &run->expects[run->nr_expects++];
		*e = (struct run_expect){ .line = st->line, .na = true };
		snprintf(e->text, sizeof(e->text), "%s", st->text);
		snprintf(e->got, sizeof(e->got), "%s", why ? why : run->error);
	}
}

static int run_execute(struct run *run, const struct scenario *sc, const struct run_opts *opts)
{
	struct utsname u;
	int r;

	memset(run, 0, sizeof(*run));
	run->sc = sc;
	run->opts = opts;
	run->expects = calloc(sc->nr_steps ? sc->nr_steps : 1, sizeof(*run->expects));
	run->step_ns = calloc(sc->nr_steps ? sc->nr_steps : 1, sizeof(*run->step_ns));
	if (!run->expects || !run->step_ns)
		return run->status = VIRQ_EXIT_ENV;
	uname(&u);
	snprintf(run->kernel, sizeof(run->kernel), "%s", u.release);
	run->t_start = now_ns();
	trace_event("scenario", "%s begin", sc->name);
	virq_fault = (enum virq_fault)sc->fault;
	if (virq_fault)
		pr_info("%s: fault %s injected on purpose (vm fault=): the ledger must name it",
			sc->file, fault_names[virq_fault]);

	r = vm_create(&run->vm, &sys_ops_host, sc->vcpus, RUN_RAM_SIZE);
	if (r < 0) {
		snprintf(run->error, sizeof(run->error), "%s: cannot create the VM: %s", sc->file,
			 strerror(-r));
		run->t_end = now_ns();
		return run->status = VIRQ_EXIT_ENV;
	}
	run->sh = vm_gpa(&run->vm, VIRQ_SHARED_GPA);
	if (opts->program && opts->serial_path)
		run->vm.serial_out = fopen(opts->serial_path, "w");
	r = run_boot_guest(run);
	if (r >= 0 && opts->program)
		run_program_wait(run);
	else if (r >= 0)
		run_steps(run);
	else if (run->error[0])
		run->status = run->status == VIRQ_EXIT_OK ? VIRQ_EXIT_FAIL : run->status;
	else
		run_fail(run, NULL, "the test guest did not come up: %s", strerror(-r));
	if (run->status == VIRQ_EXIT_NA)
		run_expects_not_applicable(run);
	else if (r >= 0 && !opts->program)
		run_ledger_settle(run);
	vm_stop(&run->vm);	/* exit counters are final once the threads are gone */
	if (run->vm.serial_out) {
		fclose(run->vm.serial_out);
		run->vm.serial_out = NULL;
	}
	run_device_vectors(run);
	run_check_notifiers(run);
	run_intx_vectors(run, run->status == VIRQ_EXIT_OK && !opts->program);
	if (run->vm.fatal && run->status == VIRQ_EXIT_OK)
		run_fail(run, NULL, "vCPU failed: %s", run->vm.fatal_msg);
	/* with --program the runner raised nothing itself: no ledger to balance */
	if (!opts->program)
		run_ledger_match(run, run->vectors, run->nr_vectors);	/* the rows as reported */
	if (run->status == VIRQ_EXIT_OK && !opts->program)
		run_check_accounting(run);
	trace_event("scenario", "%s end", sc->name);
	run->t_end = now_ns();
	return run->status;
}

int run_scenario(struct run *run, const struct scenario *sc, const struct run_opts *opts)
{
	run_execute(run, sc, opts);
	run_results_fill(run);
	if (opts->program && run->status != VIRQ_EXIT_NA)
		run_program_results(run, opts->serial_path);
	return run->status;
}

/* the VM, its devices and eventfds gone (as a VMM exits); safe to call twice */
void run_teardown(struct run *run)
{
	const struct sys_ops *sys = run->vm.kvm.sys;

	if (!sys)
		return;
	vm_stop(&run->vm);
	run_intx_destroy(run);	/* its resampler polls the objects' resamplefds */
	for (int i = 0; i < SC_MAX_NAMES; i++) {
		struct run_obj *o = &run->objs[i];

		if (!o->live)
			continue;
		if (o->efd >= 0)
			sys->close(sys->priv, o->efd);
		if (o->rfd >= 0)
			sys->close(sys->priv, o->rfd);
		o->live = false;
	}
	run_devices_destroy(run);
	pc_board_unrealize(&run->board);
	vm_destroy(&run->vm);
	run->vm.kvm.sys = NULL;
	run->sh = NULL;
}

void run_cleanup(struct run *run)
{
	run_teardown(run);
	run_program_free(run);
	free(run->expects);
	free(run->step_ns);
	run->expects = NULL;
	run->step_ns = NULL;
	results_free(&run->results);
}
