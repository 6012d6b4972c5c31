// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - the runner's side of the test guest (src/guest/virq-guest.h):
 * wait for its CPUs, hand a CPU a command through its mailbox, read the
 * interrupt counters it keeps in shared memory.
 */
#include <errno.h>
#include <string.h>

#include "run.h"
#include "../trace/trace.h"

static bool all_online(struct vm *vm, void *arg)
{
	(void)arg;
	return vm->online >= vm->nr_vcpus;
}

int guest_wait_online(struct run *run, unsigned int timeout_ms)
{
	int r = vm_wait(&run->vm, all_online, NULL, timeout_ms * 1000000ull);

	if (r == -ETIMEDOUT)
		pr_err("timeout: %d of %d guest CPUs online after %u ms (INIT-SIPI-SIPI bring-up)",
		       run->vm.online, run->vm.nr_vcpus, timeout_ms);
	if (!r && run->sh->magic != VIRQ_SHARED_MAGIC) {
		pr_err("guest is up but its shared area at 0x%x has no magic", VIRQ_SHARED_GPA);
		r = -EPROTO;
	}
	return r;
}

struct mbox_wait {
	struct virq_mailbox *mb;
	uint32_t seq;
};

static bool mbox_done(struct vm *vm, void *arg)
{
	struct mbox_wait *w = arg;

	(void)vm;
	return w->mb->done == w->seq;
}

static int guest_kick(struct run *run, int cpu)
{
	MSIMessage kick = msi_x86_message((unsigned int)cpu, VIRQ_VEC_MAILBOX);
	struct kvm_msi msi = { .address_lo = (uint32_t)kick.address, .data = kick.data };

	return (int)kvm_vm_ioctl(&run->vm.kvm, KVM_SIGNAL_MSI, &msi, "mailbox kick cpu=%d", cpu);
}

/* the mailbox command's name, for the watchdog's report */
static const char *guest_op_name(uint32_t op)
{
	static const char *const names[VIRQ_OP_MAX] = {
		[VIRQ_OP_NOP] = "nop", [VIRQ_OP_OUT] = "out", [VIRQ_OP_IN] = "in",
		[VIRQ_OP_MMIO_WRITE] = "mmio-write", [VIRQ_OP_MMIO_READ] = "mmio-read",
		[VIRQ_OP_EXIT] = "exit", [VIRQ_OP_PCI_ENUM] = "pci-enum",
		[VIRQ_OP_VIRTQ_ADD] = "virtq-add", [VIRQ_OP_NVME_SQE] = "nvme-sqe",
		[VIRQ_OP_IOAPIC_WRITE] = "ioapic-write", [VIRQ_OP_IOAPIC_READ] = "ioapic-read",
		[VIRQ_OP_LEVEL_ACK] = "level-ack", [VIRQ_OP_EOI] = "eoi", [VIRQ_OP_HANG] = "hang",
	};

	return op < VIRQ_OP_MAX && names[op] ? names[op] : "?";
}

/*
 * The mailbox watchdog: a CPU that did not finish its command in time. Its
 * mailbox interrupts (wakeups) tell a CPU that never took the kick, one
 * stuck with interrupts off, from one that took it and is still at work.
 * The run's first error: its step fails on it, the run stops, the vCPUs
 * are stopped and the results written as for any failure.
 */
static void guest_watchdog(struct run *run, int cpu, const struct virq_mailbox *mb,
			   uint32_t seq, uint32_t wakeups, uint64_t waited_ns, unsigned int kicks)
{
	const struct sc_step *st = run->cur_step;
	bool took = mb->wakeups != wakeups;

	run_fail(run, st, "watchdog: guest CPU %d did not answer command %u (%s%s%s%s) in %llu ms: %s (%u mailbox kick%s; seq %u, done %u)",
		 cpu, mb->op, guest_op_name(mb->op), st ? ", for '" : "", st ? st->text : "",
		 st ? "'" : "", (unsigned long long)(waited_ns / 1000000),
		 took ? "it took the mailbox interrupt but has not finished" :
		 "it took no mailbox interrupt since the command was posted (interrupts off?)",
		 kicks, kicks == 1 ? "" : "s", seq, mb->done);
}

/*
 * guest_cmd - run one command on guest CPU cpu: fill the mailbox, publish
 * it by bumping seq, wake the CPU with VIRQ_VEC_MAILBOX (it may sit in
 * hlt), wait for done == seq. The guest's VIRQ_PORT_DONE write wakes us.
 * A CPU still not done after a second is kicked again (the guest only
 * compares seq and done, so an extra kick is harmless) and the log says
 * so: a wake-up that needed it is worth knowing about. One not done in
 * timeout_ms is the watchdog's (guest_watchdog): -ETIMEDOUT.
 */
int guest_cmd(struct run *run, int cpu, uint32_t op, const uint32_t arg[8], uint32_t *result,
	      unsigned int timeout_ms)
{
	int r = guest_cmd_post(run, cpu, op, arg);

	return r < 0 ? r : guest_cmd_wait(run, cpu, result, timeout_ms);
}

/* the first half: the command is in the mailbox and the CPU kicked; a CPU
 * still running one posted earlier (guest msix flap) takes no other */
int guest_cmd_post(struct run *run, int cpu, uint32_t op, const uint32_t arg[8])
{
	struct virq_mailbox *mb = &run->sh->mbox[cpu];
	int r;

	if (run->posted_line[cpu]) {
		pr_err("guest CPU %d still runs the command of line %d: 'guest wait vcpu=%d' first",
		       cpu, run->posted_line[cpu], cpu);
		return -EBUSY;
	}
	mb->op = op;
	for (int i = 0; i < 8; i++)
		mb->arg[i] = arg[i];
	/* the watchdog's reference: the CPU's mailbox interrupts, the time */
	run->post_wakeups[cpu] = mb->wakeups;
	run->post_ns[cpu] = now_ns();
	__atomic_store_n(&mb->seq, mb->seq + 1, __ATOMIC_RELEASE);
	r = guest_kick(run, cpu);	/* KVM_SIGNAL_MSI: > 0 delivered */
	return r < 0 ? r : 0;
}

/* the second half: done, refused, or the watchdog's after timeout_ms from the post */
int guest_cmd_wait(struct run *run, int cpu, uint32_t *result, unsigned int timeout_ms)
{
	struct virq_mailbox *mb = &run->sh->mbox[cpu];
	struct mbox_wait w = { .mb = mb, .seq = mb->seq };
	uint64_t t0 = run->post_ns[cpu], end = t0 + timeout_ms * 1000000ull, t;
	unsigned int kicks = 1;
	uint32_t op = mb->op;
	int r = 0;

	while (r >= 0) {
		t = now_ns();
		r = t >= end ? -ETIMEDOUT :
		    vm_wait(&run->vm, mbox_done, &w, end - t < 1000000000ull ? end - t : 1000000000ull);
		if (r != -ETIMEDOUT || now_ns() >= end)
			break;
		kicks++;
		r = guest_kick(run, cpu);
	}
	if (kicks > 1 && r == 0)
		pr_info("guest CPU %d took command %u after %u mailbox kicks", cpu, op, kicks);
	if (r == -ETIMEDOUT) {
		guest_watchdog(run, cpu, mb, w.seq, run->post_wakeups[cpu], now_ns() - t0, kicks);
		return r;
	}
	if (r < 0)
		return r;
	if (mb->status != VIRQ_ST_OK) {
		pr_err("guest CPU %d refused command %u: status %u", cpu, op, mb->status);
		return -EINVAL;
	}
	if (result)
		*result = mb->result;
	return 0;
}

uint32_t guest_count(struct run *run, int vcpu, int vector)
{
	return __atomic_load_n(&run->sh->counts[vcpu][vector], __ATOMIC_ACQUIRE);
}

uint32_t guest_total(struct run *run)
{
	return __atomic_load_n(&run->sh->seq, __ATOMIC_ACQUIRE);
}

/*
 * run_poll - interrupts and device threads do not wake the runner: check
 * done(), 200 us apart, until it holds, a vCPU failed or timeout_ms passed.
 * Returns 0, -EIO or -ETIMEDOUT.
 */
int run_poll(struct run *run, bool (*done)(struct run *, void *), void *arg,
	     unsigned int timeout_ms)
{
	uint64_t end = now_ns() + timeout_ms * 1000000ull;

	while (!done(run, arg)) {
		if (run->vm.fatal || run->vm.guest_exited)
			return -EIO;
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_ns(200000);
	}
	return 0;
}

struct count_wait {
	int vcpu, vector;
	uint32_t want;
};

static bool count_reached(struct run *run, void *arg)
{
	struct count_wait *w = arg;

	return guest_count(run, w->vcpu, w->vector) >= w->want;
}

int guest_wait_count(struct run *run, int vcpu, int vector, uint32_t want, unsigned int timeout_ms)
{
	struct count_wait w = { vcpu, vector, want };

	return run_poll(run, count_reached, &w, timeout_ms);
}
