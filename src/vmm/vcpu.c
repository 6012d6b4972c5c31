// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - vCPU threads and the KVM_RUN loop (QEMU's kvm_cpu_exec, much
 * reduced): one thread per vCPU named "CPU N/KVM" so ftrace shows the same
 * comm as under QEMU; PIO and MMIO exits go to the bus.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "vm.h"
#include "cpuid.h"
#include "util.h"

static const char *const exit_kind_names[VM_EXIT_MAX] = {
	[VM_EXIT_IO] = "io", [VM_EXIT_MMIO] = "mmio", [VM_EXIT_INTR] = "intr",
	[VM_EXIT_HLT] = "hlt", [VM_EXIT_SHUTDOWN] = "shutdown", [VM_EXIT_OTHER] = "other",
};

const char *vm_exit_kind_name(enum vm_exit_kind k)
{
	return exit_kind_names[k];
}

int vcpu_create(struct vm *vm, struct vcpu *v, int id)
{
	KVMState *s = &vm->kvm;
	void *run;
	long r;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->fd = -1;
	snprintf(v->name, sizeof(v->name), "CPU %d/KVM", id);
	r = kvm_vm_ioctl(s, KVM_CREATE_VCPU, (void *)(long)id, "id=%d", id);
	if (r < 0)
		return (int)r;
	v->fd = (int)r;
	r = s->sys->mmap(s->sys->priv, &run, s->vcpu_mmap_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, v->fd, 0);
	if (r < 0) {
		pr_err("mmap of vCPU %d's kvm_run (%d bytes): %s", id, s->vcpu_mmap_size,
		       strerror((int)-r));
		s->sys->close(s->sys->priv, v->fd);
		v->fd = -1;
		return (int)r;
	}
	v->run = run;
	/* the vCPU id is its APIC id; CPUID before the first KVM_RUN */
	r = kvm_arch_init_vcpu_cpuid(s, vm->supported_cpuid, v->fd, (uint32_t)id,
				     vm->tsc_deadline);
	if (r < 0)
		goto err_run;
	vcpu_sync_regs_enable(v);
	return 0;

err_run:
	s->sys->munmap(s->sys->priv, v->run, s->vcpu_mmap_size);
	v->run = NULL;
	s->sys->close(s->sys->priv, v->fd);
	v->fd = -1;
	return (int)r;
}

static void vcpu_handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	/* a rep ins/outs exits once for up to io.count elements */
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		bus_access(&v->vm->bus, BUS_PIO, run->io.port, data, run->io.size, is_write);
}

static void vcpu_handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	bus_access(&v->vm->bus, BUS_MMIO, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
		   run->mmio.is_write);
}

/* for error reports only: where the guest was */
static unsigned long long vcpu_rip(struct vcpu *v)
{
	KVMState *s = &v->vm->kvm;
	struct kvm_regs regs;

	if (s->sys->ioctl(s->sys->priv, v->fd, KVM_GET_REGS, &regs) < 0)
		return ~0ull;
	return regs.rip;
}

/* returns 0 to go on, < 0 to leave the loop */
static int vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	vcpu_exit_state_save(v);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		v->exits[VM_EXIT_IO]++;
		vcpu_handle_io(v);
		return 0;
	case KVM_EXIT_MMIO:
		v->exits[VM_EXIT_MMIO]++;
		vcpu_handle_mmio(v);
		return 0;
	case KVM_EXIT_INTR:
		v->exits[VM_EXIT_INTR]++;
		return 0;
	case KVM_EXIT_HLT:
		/* only without an in-kernel LAPIC; ours has one */
		v->exits[VM_EXIT_HLT]++;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		v->exits[VM_EXIT_SHUTDOWN]++;
		vcpu_report_shutdown(v);
		return -1;
	case KVM_EXIT_FAIL_ENTRY:
		v->exits[VM_EXIT_OTHER]++;
		vm_fatal(v->vm, "%s: KVM_EXIT_FAIL_ENTRY hardware_entry_failure_reason=0x%llx",
			 v->name, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		v->exits[VM_EXIT_OTHER]++;
		vm_fatal(v->vm, "%s: KVM_EXIT_INTERNAL_ERROR suberror=%u at rip 0x%llx", v->name,
			 run->internal.suberror, vcpu_rip(v));
		return -1;
	default:
		v->exits[VM_EXIT_OTHER]++;
		vm_fatal(v->vm, "%s: unexpected exit_reason %u", v->name, run->exit_reason);
		return -1;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	KVMState *s = &v->vm->kvm;
	long r;

	pthread_setname_np(pthread_self(), v->name);
	while (!v->vm->stopping) {
		r = s->sys->ioctl(s->sys->priv, v->fd, KVM_RUN, NULL);
		if (r == -EINTR) {
			v->exits[VM_EXIT_INTR]++;
			continue;	/* kicked: re-check stopping */
		}
		if (r == -EAGAIN) {
			/* an AP left UNINITIALIZED by INIT: run again for the SIPI */
			v->eagain++;
			continue;
		}
		if (r < 0) {
			vm_fatal(v->vm, "%s: KVM_RUN: %s", v->name, strerror((int)-r));
			break;
		}
		if (vcpu_handle_exit(v) < 0)
			break;
	}
	return NULL;
}

static void vcpu_sig_kick(int sig)
{
	(void)sig;
}

int vcpu_start(struct vcpu *v)
{
	struct sigaction sa = { .sa_handler = vcpu_sig_kick };	/* no SA_RESTART: EINTR */
	int r;

	sigaction(SIGUSR1, &sa, NULL);
	r = pthread_create(&v->thread, NULL, vcpu_thread, v);
	if (r) {
		pr_err("%s: pthread_create: %s", v->name, strerror(r));
		return -r;
	}
	v->started = true;
	return 0;
}

/*
 * vcpu_kick_stop - immediate_exit catches a thread about to enter KVM_RUN,
 * the signal one that sleeps inside it (the AP in UNINITIALIZED, a halted
 * CPU); both make KVM_RUN return -EINTR.
 */
void vcpu_kick_stop(struct vcpu *v)
{
	if (!v->started)
		return;
	v->run->immediate_exit = 1;
	pthread_kill(v->thread, SIGUSR1);
}
