// SPDX-License-Identifier: GPL-2.0
/*
 * test_qemu_run.c - what 'virq lab run --vmm qemu' and 'virq lab diff' make
 * of a run under real QEMU, on the lab's own output (tests/data/qemu-run:
 * seed-affinity under QEMU 7.2 and 11.1 in L1 6.1, and under virq):
 * results from the guest's serial log and the kernel's trace
 * (src/scenario/guest-results.c), the trace cut at the step marks
 * (src/trace/steps.c), and lab/accepted-differences.txt (src/trace/accept.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "guest/virq-prog.h"
#include "scenario/guest-results.h"
#include "scenario/run.h"
#include "trace/accept.h"
#include "trace/steps.h"

#define DATA	SRCDIR "/tests/data/qemu-run"

static void parse(const char *file, struct scenario *sc)
{
	char err[512];

	if (scenario_parse_file(file, sc, err, sizeof(err)))
		fail_msg("%s", err);
}

static const struct results_expect *expect_at(const struct results *r, int line)
{
	for (int i = 0; i < r->nr_expects; i++)
		if (r->expects[i].line == line)
			return &r->expects[i];
	fail_msg("no expect at line %d", line);
	return NULL;
}

static void test_qemu_results_from_the_guest_log_and_ftrace(void **state)
{
	struct scenario sc;
	struct results r = { 0 };

	(void)state;
	parse(SRCDIR "/scenarios/seed-affinity.virq", &sc);
	assert_int_equal(guest_results_fill(&sc, DATA "/seed-affinity-7.2", &r), VIRQ_EXIT_OK);
	assert_true(r.passed);
	assert_false(r.vmm_state);
	assert_string_equal(r.kernel, "6.1.0-57-cloud-amd64");
	assert_non_null(strstr(r.vmm, "QEMU 7.2."));
	assert_int_equal(r.nr_expects, 7);
	assert_true(expect_at(&r, 41)->na);		/* expect vector: virq's accounting */
	assert_false(expect_at(&r, 41)->passed);
	assert_true(expect_at(&r, 39)->passed);		/* vCPU 1 took the moved vector */
	/* the guest's log: 0x41 on vCPU 0 before the move, on vCPU 1 after */
	assert_int_equal(r.nr_irqs, 4);
	assert_int_equal(r.irqs[0].vcpu, 0);
	assert_int_equal(r.irqs[0].vector, 0x40);
	assert_int_equal(r.irqs[3].vcpu, 1);
	assert_int_equal(r.irqs[3].vector, 0x42);
	/* one KVM_SET_GSI_ROUTING at setup, one per unmask (3) and the move's */
	assert_true(r.trace.have);
	assert_int_equal(r.trace.commits, 5);
	assert_int_equal(r.trace.setup_commits, 1);
	results_free(&r);
	scenario_free(&sc);
}

/* a guest whose expect failed, or that stopped before one, fails the run */
static void test_qemu_results_fail_without_the_guests_verdict(void **state)
{
	char dir[] = "/tmp/virq-test-qemu-run.XXXXXX", cmd[512];
	struct scenario sc;
	struct results r = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp %s/seed-affinity-7.2/qemu.txt %s/seed-affinity-7.2/ftrace.txt %s && "
		 "grep -v 'virq-expect 40 \\|virq-expect 42 ' %s/seed-affinity-7.2/guest-serial.txt | "
		 "sed 's/virq-expect 39 ok/virq-expect 39 FAIL/' > %s/guest-serial.txt", DATA, DATA,
		 dir, DATA, dir);
	assert_int_equal(system(cmd), 0);
	parse(SRCDIR "/scenarios/seed-affinity.virq", &sc);
	assert_int_equal(guest_results_fill(&sc, dir, &r), VIRQ_EXIT_FAIL);
	assert_false(expect_at(&r, 39)->passed);
	assert_false(expect_at(&r, 40)->passed);
	assert_non_null(strstr(expect_at(&r, 40)->got, "no verdict"));
	assert_true(expect_at(&r, 30)->passed);
	results_free(&r);
	scenario_free(&sc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * a guest that ran every step and exited 1 for a failed expect: that expect
 * fails, the run has no error (lab diff compares the verdicts); one that
 * stopped before its end has one
 */
static void test_qemu_results_a_failed_expect_is_no_run_error(void **state)
{
	char dir[] = "/tmp/virq-test-qemu-run.XXXXXX", cmd[1024];
	struct scenario sc;
	struct results r = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp %s/seed-affinity-7.2/ftrace.txt %s && "
		 "sed 's/^guest_exit=.*/guest_exit=0x01/; s/^verdict=.*/verdict=FAIL qemu_rc=3 "
		 "guest_exit=0x01: virq-expect 39 FAIL irq seen=0/' %s/seed-affinity-7.2/qemu.txt > "
		 "%s/qemu.txt && sed 's/virq-expect 39 ok irq seen=1/virq-expect 39 FAIL irq seen=0/; "
		 "s/done, 0 expects failed/done, 1 expect failed/' %s/seed-affinity-7.2/guest-serial.txt "
		 "> %s/guest-serial.txt", DATA, dir, DATA, dir, DATA, dir);
	assert_int_equal(system(cmd), 0);
	parse(SRCDIR "/scenarios/seed-affinity.virq", &sc);
	assert_int_equal(guest_results_fill(&sc, dir, &r), VIRQ_EXIT_FAIL);
	assert_false(expect_at(&r, 39)->passed);
	assert_true(expect_at(&r, 40)->passed);
	assert_string_equal(r.error, "");
	/* the same log under virq --program: one failed, no error */
	results_free(&r);
	r = (struct results){ 0 };
	snprintf(cmd, sizeof(cmd), "%s/guest-serial.txt", dir);
	assert_int_equal(guest_results_verdicts(&sc, cmd, &r), 1);
	assert_string_equal(r.error, "");
	results_free(&r);
	/* without the guest's "done" line it stopped: a run error */
	snprintf(cmd, sizeof(cmd), "sed -i '/virq-prog: done/d' %s/guest-serial.txt", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(guest_results_fill(&sc, dir, &r), VIRQ_EXIT_FAIL);
	assert_non_null(strstr(r.error, "FAIL qemu_rc=3"));
	results_free(&r);
	r = (struct results){ 0 };
	snprintf(cmd, sizeof(cmd), "%s/guest-serial.txt", dir);
	assert_int_equal(guest_results_verdicts(&sc, cmd, &r), 1);
	assert_non_null(strstr(r.error, "never finished"));
	results_free(&r);
	scenario_free(&sc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* both VMMs' traces cut at the same marks: the guest's port writes, virq's markers */
static void test_steps_cut_at_marks_under_both_vmms(void **state)
{
	struct trace_steps q, v;
	const struct trace_step *qs, *vs;

	(void)state;
	assert_int_equal(trace_steps_read(DATA "/seed-affinity-11.1/ftrace.txt", &q), 0);
	assert_int_equal(trace_steps_read(DATA "/seed-affinity-virq/ftrace.txt", &v), 0);
	/* the move's unmask (line 36): one commit, the trigger back at kvm_interrupt */
	qs = trace_steps_find(&q, 36);
	vs = trace_steps_find(&v, 36);
	assert_non_null(qs);
	assert_non_null(vs);
	assert_int_equal(qs->commits, 1);
	assert_int_equal(vs->commits, 1);
	assert_int_equal(qs->set_irqs, vs->set_irqs);
	assert_int_equal(trace_step_calls(qs, "irqfd_update"), 3);
	assert_int_equal(trace_step_calls(vs, "irqfd_update"), 3);
	/* both marked the end: the teardown is a step of its own */
	assert_non_null(trace_steps_find(&q, VIRQ_PROG_MARK_END));
	assert_non_null(trace_steps_find(&v, VIRQ_PROG_MARK_END));
	assert_true(qs->t0 > 0 && qs->t1 >= qs->t0);
	trace_steps_free(&q);
	trace_steps_free(&v);
}

/*
 * virq --program marks each step twice, the guest's port write (kvm_pio) and
 * its own trace_marker: one step, timed from the first. kretprobe returns
 * (bench/lab-bench.sh) time each KVM_SET_GSI_ROUTING and KVM_IRQFD by task
 * and are no function calls. Lines as the lab's 6.1 traces have them.
 */
static void test_steps_double_marks_and_kretprobe_times(void **state)
{
	static const char trace[] =
		"# tracer: function\n"
		"            virq-148     [000] .....    10.983354: kvm_set_irq_routing <-kvm_arch_vm_ioctl\n"
		"            virq-148     [000] .....    10.983900: routing_ret: (kvm_arch_vm_ioctl+0x74b/0xcb0 [kvm] <- kvm_set_irq_routing)\n"
		"       CPU 0/KVM-151     [000] .....    12.000000: kvm_pio: pio_write at 0x1010 size 4 count 1 val 0x13 \n"
		"       CPU 0/KVM-151     [000] .....    12.000100: tracing_mark_write: virq: step msix-enable:19 guest msix unmask dev=E index=0\n"
		"       CPU 0/KVM-151     [000] ...1.    12.001000: kvm_set_irq_routing <-kvm_vm_ioctl\n"
		"       CPU 0/KVM-151     [000] .....    12.001010: kvm_irq_routing_update <-kvm_set_irq_routing\n"
		"     kworker/0:2-47      [000] .....    12.002000: routing_ret: (kvm_vm_ioctl+0x44c/0x1010 [kvm] <- kvm_set_irq_routing)\n"
		"       CPU 0/KVM-151     [000] .....    12.003000: routing_ret: (kvm_vm_ioctl+0x44c/0x1010 [kvm] <- kvm_set_irq_routing)\n"
		"       CPU 0/KVM-151     [000] .....    12.004000: kvm_irqfd <-kvm_vm_ioctl\n"
		"       CPU 0/KVM-151     [000] .....    12.004500: irqfd_ret: (kvm_vm_ioctl+0x1a/0x1010 [kvm] <- kvm_irqfd)\n"
		"       CPU 0/KVM-151     [000] .....    12.005000: vfio_pci_set_msi_trigger <-vfio_pci_core_ioctl\n"
		"       CPU 0/KVM-151     [000] .....    12.005250: setirqs_ret: (vfio_pci_set_irqs_ioctl+0x9f/0xc0 [vfio_pci_core] <- vfio_pci_set_msi_trigger)\n"
		"       CPU 0/KVM-151     [000] .....    12.010000: kvm_pio: pio_write at 0x1010 size 4 count 1 val 0x14 \n"
		"       CPU 0/KVM-151     [000] .....    12.010100: tracing_mark_write: virq: step msix-enable:20 guest msix unmask dev=E index=1\n"
		"       CPU 0/KVM-151     [000] .....    12.011000: kvm_set_irq_routing <-kvm_vm_ioctl\n";
	char path[] = "/tmp/virq-test-steps.XXXXXX";
	int fd = mkstemp(path);
	const struct trace_step *s19, *s20;
	struct trace_steps t;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, trace, sizeof(trace) - 1), (ssize_t)(sizeof(trace) - 1));
	close(fd);
	assert_int_equal(trace_steps_read(path, &t), 0);
	unlink(path);
	/* setup, 19, 20: neither step split by its second mark */
	assert_int_equal(t.nr_steps, 3);
	assert_int_equal(t.marks, 4);
	s19 = trace_steps_find(&t, 19);
	s20 = trace_steps_find(&t, 20);
	assert_non_null(s19);
	assert_non_null(s20);
	assert_true(s19->t0 > 11.9999995 && s19->t0 < 12.0000005);
	assert_int_equal(s19->commits, 1);
	assert_int_equal(s19->irqfds, 1);
	assert_int_equal(s19->set_irqs, 1);
	/* kvm_set_irq_routing, kvm_irq_routing_update, kvm_irqfd, vfio_pci_set_msi_trigger */
	assert_int_equal(s19->nr_fns, 4);
	/* the worker's return is another task's: the commit took 2 ms, the irqfd 0.5 */
	assert_int_equal(s19->timed[TRACE_TIMED_COMMIT], 1);
	assert_true(s19->in_s[TRACE_TIMED_COMMIT] > 0.0019995 && s19->in_s[TRACE_TIMED_COMMIT] < 0.0020005);
	assert_int_equal(s19->timed[TRACE_TIMED_IRQFD], 1);
	assert_true(s19->in_s[TRACE_TIMED_IRQFD] > 0.0004995 && s19->in_s[TRACE_TIMED_IRQFD] < 0.0005005);
	/* VFIO's SET_IRQS from any caller: 0.25 ms */
	assert_int_equal(s19->timed[TRACE_TIMED_SET_IRQS], 1);
	assert_true(s19->in_s[TRACE_TIMED_SET_IRQS] > 0.0002495 && s19->in_s[TRACE_TIMED_SET_IRQS] < 0.0002505);
	/* KVM_CREATE_IRQCHIP's default routing is no commit, and it is not timed */
	assert_int_equal(t.steps[0].commits, 0);
	assert_int_equal(t.steps[0].timed[TRACE_TIMED_COMMIT], 0);
	/* a commit whose return the trace does not hold is counted, not timed */
	assert_int_equal(s20->commits, 1);
	assert_int_equal(s20->timed[TRACE_TIMED_COMMIT], 0);
	assert_int_equal(t.rets[TRACE_TIMED_COMMIT], 3);
	assert_int_equal(t.rets[TRACE_TIMED_IRQFD], 1);
	trace_steps_free(&t);
}

static void test_accepted_differences_file_parses_and_matches(void **state)
{
	struct accept_rules rules;
	char err[512] = "";
	const struct accept_rule *r;

	(void)state;
	assert_int_equal(accept_load(SRCDIR "/lab/accepted-differences.txt", &rules, err,
				     sizeof(err)), 0);
	assert_true(rules.n > 10);
	/* QEMU's INTx irqfds at realize and around its resets: any count, virq's one */
	r = accept_match(&rules, "7.2.22", "seed-affinity", "setup", "kvm_irqfd", 1, 7);
	assert_non_null(r);
	assert_non_null(strstr(r->why, "vfio_intx_enable_kvm"));
	assert_null(accept_match(&rules, "7.2.22", "seed-affinity", "setup", "kvm_irqfd", 0, 7));
	/* virq's INTx off at MSI-X enable is QEMU's: no difference accepted there */
	assert_null(accept_match(&rules, "11.1.3", "x", "guest-msix-enable", "kvm_irqfd", 3, 4));
	/* the guest's PIRQ move under QEMU: a deassign and an assign, not more */
	assert_non_null(accept_match(&rules, "7.2.22", "x", "guest-pci-enum", "kvm_irqfd", 0, 2));
	assert_null(accept_match(&rules, "7.2.22", "x", "guest-pci-enum", "kvm_irqfd", 0, 3));
	/* relative: virq's unplug path assigns the INTx irqfd once more, not twice */
	assert_non_null(accept_match(&rules, "7.2.22", "x", "end", "irqfd_update", 1, 0));
	assert_null(accept_match(&rules, "7.2.22", "x", "end", "irqfd_update", 2, 0));
	/* QEMU 7.2's enable through vector 0 is accepted for 7.2 only */
	assert_non_null(accept_match(&rules, "7.2.22", "x", "guest-msix-enable",
				     "vfio_pci_set_msi_trigger", 1, 2));
	assert_null(accept_match(&rules, "11.1.3", "x", "guest-msix-enable",
				 "vfio_pci_set_msi_trigger", 1, 2));
	/* a commit that differs is never accepted */
	assert_null(accept_match(&rules, "7.2.22", "x", "guest-msix-unmask", "kvm_set_irq_routing",
				 1, 2));
	/* virtio-rng's guest notifiers: QEMU's has none, in the scenarios listed only */
	assert_non_null(accept_match(&rules, "7.2.22", "x", "guest-virtio-driver-ok",
				     "kvm_set_irq_routing", 2, 0));
	assert_null(accept_match(&rules, "7.2.22", "x", "guest-virtio-driver-ok",
				 "kvm_set_irq_routing", 2, 1));
	assert_non_null(accept_match(&rules, "7.2.22", "msix-reunmask", "guest-msix-unmask",
				     "kvm_irqfd", 1, 0));
	assert_non_null(accept_match(&rules, "7.2.22", "virtio-irqfd", "guest-msix-mask",
				     "kvm_irqfd", 1, 0));
	assert_null(accept_match(&rules, "7.2.22", "seed-affinity", "guest-msix-mask",
				 "kvm_irqfd", 1, 0));
	assert_null(accept_match(&rules, "7.2.22", "virtio", "guest-msix-mask", "kvm_irqfd", 1, 0));
	/* an expect judged otherwise: that scenario's, held under virq, failed under QEMU */
	r = accept_match(&rules, "7.2.22", "virtio-masked", "expect-pending", "(expect)", 1, 0);
	assert_non_null(r);
	assert_non_null(strstr(r->why, "msix_notify"));
	assert_null(accept_match(&rules, "7.2.22", "virtio-masked", "expect-pending", "(expect)",
				 0, 1));
	assert_null(accept_match(&rules, "7.2.22", "virtio-irqfd", "expect-pending", "(expect)",
				 1, 0));
	assert_null(accept_match(&rules, "7.2.22", "virtio-masked", "expect-irq", "(expect)", 1, 0));
	accept_free(&rules);
}

static void test_accepted_differences_bad_line_names_file_and_line(void **state)
{
	char path[] = "/tmp/virq-test-accept.XXXXXX", err[512] = "";
	struct accept_rules rules;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fprintf(f, "# ok\n*  *  setup  kvm_irqfd  0  *  why\n7.2 * end kvm_irqfd -1 0 negative\n");
	fclose(f);
	assert_int_equal(accept_load(path, &rules, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":3: "));
	unlink(path);
}

static void test_step_key_is_the_words_before_the_arguments(void **state)
{
	char k[48];

	(void)state;
	accept_step_key("guest msix enable dev=E", k, sizeof(k));
	assert_string_equal(k, "guest-msix-enable");
	accept_step_key("expect irq none", k, sizeof(k));
	assert_string_equal(k, "expect-irq-none");
	accept_step_key("guest e1000e raise dev=E index=1", k, sizeof(k));
	assert_string_equal(k, "guest-e1000e-raise");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_results_from_the_guest_log_and_ftrace),
		cmocka_unit_test(test_qemu_results_fail_without_the_guests_verdict),
		cmocka_unit_test(test_qemu_results_a_failed_expect_is_no_run_error),
		cmocka_unit_test(test_steps_cut_at_marks_under_both_vmms),
		cmocka_unit_test(test_steps_double_marks_and_kretprobe_times),
		cmocka_unit_test(test_accepted_differences_file_parses_and_matches),
		cmocka_unit_test(test_accepted_differences_bad_line_names_file_and_line),
		cmocka_unit_test(test_step_key_is_the_words_before_the_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
