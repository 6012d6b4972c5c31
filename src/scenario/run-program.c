// SPDX-License-Identifier: GPL-2.0
/*
 * run-program.c - 'virq run --program': the scenario's guest steps compiled
 * into the step program (program.c) and run by the test guest on its own,
 * as under real QEMU (lab/vmm-qemu.sh: -kernel virq-guest.elf -initrd
 * NAME.prog), instead of one mailbox command per step. virq then only
 * boots the guest with the program as multiboot module 0, marks each step
 * the guest announces on VIRQ_PORT_STEP in the trace, and waits for the
 * guest's exit; the verdicts are the guest's own (its serial log), so the
 * same ELF runs the same steps under either VMM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest-results.h"
#include "program.h"
#include "run.h"
#include "../trace/trace.h"

/* a step's index in the scenario by its line, or -1 */
static int prog_step_index(const struct run *run, uint32_t line)
{
	for (int i = 0; i < run->sc->nr_steps; i++)
		if (run->sc->steps[i].line == (int)line)
			return i;
	return -1;
}

/* VIRQ_PORT_STEP: the guest starts the step at this line (or has done, MARK_END) */
static void prog_mark_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct run *run = opaque;
	uint32_t line = bus_data_get(data, size);
	uint64_t now = now_ns();

	(void)off;
	if (run->prog_cur >= 0)
		run->step_ns[run->prog_cur] = now - run->prog_t;
	run->prog_cur = line == VIRQ_PROG_MARK_END ? -1 : prog_step_index(run, line);
	run->prog_t = now;
	if (line == VIRQ_PROG_MARK_END)
		trace_event("step", "%s:%u end", run->sc->name, line);
	else if (run->prog_cur >= 0)
		trace_event("step", "%s:%u %s", run->sc->name, line, run->sc->steps[run->prog_cur].text);
}

static const struct bus_ops prog_mark_ops = { .write = prog_mark_write };

int run_program_prepare(struct run *run)
{
	struct program_info info;
	char err[512];
	ssize_t len = program_compile(run->sc, &run->prog, &info, err, sizeof(err));

	if (len < 0) {
		snprintf(run->error, sizeof(run->error), "%s", err);
		return (int)len;
	}
	run->prog_len = (size_t)len;
	run->prog_cur = -1;
	return bus_register(&run->vm.bus, BUS_PIO, VIRQ_PORT_STEP, 4, &prog_mark_ops, run,
			    "step-mark");
}

static bool prog_exited(struct vm *vm, void *arg)
{
	(void)arg;
	return vm->guest_exited;
}

/* as long as the program may take: its waits, each expect's limit, then a margin */
static uint64_t prog_timeout_ns(const struct run *run)
{
	uint64_t ms = 10000;

	for (uint32_t i = 0; i < run->prog->nr_steps; i++) {
		const struct virq_prog_step *s = &run->prog->steps[i];

		if (s->op == VIRQ_PROG_WAIT || s->op == VIRQ_PROG_EXPECT_NONE)
			ms += s->arg[0];
		else if (s->op == VIRQ_PROG_EXPECT_IRQ)
			ms += s->arg[3];
		else if (s->op == VIRQ_PROG_E1000E_RAISE)
			ms += 2 * (uint64_t)s->arg[0] + 100;
		else if (s->op == VIRQ_PROG_NVME_INIT || s->op == VIRQ_PROG_NVME_READ)
			/* each command's wait for its CQE, at most (prog-nvme.c) */
			ms += (uint64_t)VIRQ_PROG_NVME_CQE_MS *
			      (s->op == VIRQ_PROG_NVME_INIT ? 2 : s->arg[1]);
	}
	return run_timeout_ms(run, (unsigned int)ms, 0) * 1000000ull;
}

void run_program_wait(struct run *run)
{
	int r = vm_wait(&run->vm, prog_exited, NULL, prog_timeout_ns(run));

	if (r == -ETIMEDOUT)
		run_fail(run, NULL, "the guest did not finish its step program in %llu ms",
			 (unsigned long long)(prog_timeout_ns(run) / 1000000));
	else if (r < 0)
		run_fail(run, NULL, "vCPU failed: %s", run->vm.fatal_msg);
}

/*
 * run_program_results - the guest judged the expects it can (its serial
 * log); those only a VMM judges at their step are n/a, as under QEMU. A
 * guest that exits other than with 0 ((0 << 1) | 1) failed: for an expect
 * that failed, when it ran every step and exits 1 (status 3), which the
 * expect says; for anything else it is the run's error.
 */
void run_program_results(struct run *run, const char *serial)
{
	struct results *res = &run->results;
	int failed = serial ? guest_results_verdicts(run->sc, serial, res) : -ENOENT;

	if (failed < 0 && !res->error[0])
		snprintf(res->error, sizeof(res->error), "the guest's serial log: %s",
			 strerror(-failed));
	if (!res->error[0] && run->vm.guest_exit_code != 1 &&
	    !(run->vm.guest_exit_code == 3 && failed > 0))
		snprintf(res->error, sizeof(res->error), "the guest exited with status %d",
			 run->vm.guest_exit_code);
	if (failed || res->error[0])
		res->status = run->status = run->status == VIRQ_EXIT_OK ? VIRQ_EXIT_FAIL : run->status;
	res->passed = res->status == VIRQ_EXIT_OK;
}

void run_program_free(struct run *run)
{
	free(run->prog);
	run->prog = NULL;
}
