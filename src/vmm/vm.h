/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - one virtual machine: KVMState, guest RAM, the bus, vCPU threads,
 * and the condition the runner waits on for vCPU events.
 */
#ifndef VIRQ_VM_H
#define VIRQ_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "bus.h"
#include "kvm.h"

#define VM_MAX_VCPUS	8

/* exit reasons counted for results.json "exits" */
enum vm_exit_kind {
	VM_EXIT_IO, VM_EXIT_MMIO, VM_EXIT_INTR, VM_EXIT_HLT, VM_EXIT_SHUTDOWN,
	VM_EXIT_OTHER, VM_EXIT_MAX,
};

struct vm;

struct vcpu {
	struct vm *vm;
	int id;				/* KVM vcpu id = APIC id */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	char name[16];			/* "CPU N/KVM", as QEMU names the thread */
	uint64_t exits[VM_EXIT_MAX];	/* this vCPU's thread only */
	unsigned int eagain;		/* KVM_RUN -EAGAIN: an AP waiting for INIT/SIPI */

	/* the state at the last exit to userspace, for a triple fault's report
	 * (vcpu-state.c); vCPU thread only */
	bool sync_regs;			/* KVM_CAP_SYNC_REGS: kvm_run has regs and sregs */
	uint64_t nr_exits;		/* KVM_RUN returns with an exit */
	uint64_t exit_seq;		/* which of them exit_regs/exit_sregs are from (0: none) */
	uint32_t exit_reason_saved;
	uint64_t exit_addr_saved;	/* its port or MMIO address */
	struct kvm_regs exit_regs;
	struct kvm_sregs exit_sregs;
};

struct vm {
	KVMState kvm;
	struct kvm_cpuid2 *supported_cpuid;	/* KVM_GET_SUPPORTED_CPUID, for each vCPU */
	bool tsc_deadline;		/* KVM_CAP_TSC_DEADLINE_TIMER: CPUID.1:ECX[24] */
	uint8_t *ram;
	uint64_t ram_size;
	struct bus bus;
	int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];

	/*
	 * The big VMM lock, as QEMU's BQL: device state (PCI config, BARs,
	 * MSI-X) and KVMState's route table, whichever thread touches them.
	 */
	pthread_mutex_t bql;

	/*
	 * vCPU threads -> runner: events under lock, signalled on cond. The
	 * guest's own (online, exit) are posted by board devices from their
	 * port writes; the VM only carries them to the runner.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* CLOCK_MONOTONIC */
	volatile bool stopping;
	int online;			/* CPUs that wrote VIRQ_PORT_ONLINE */
	uint32_t online_mask;
	int fatal;			/* a vCPU hit an error: -errno or 1 */
	char fatal_msg[256];
	bool triple_fault;		/* a vCPU saw KVM_EXIT_SHUTDOWN (with fatal set) */
	bool guest_exited;		/* the guest wrote the exit port */
	int guest_exit_code;		/* (code << 1) | 1, as isa-debug-exit */
	FILE *serial_out;		/* the guest's COM1 lines, as QEMU's -serial file: (or NULL) */
};

int vm_create(struct vm *vm, const struct sys_ops *sys, int nr_vcpus, uint64_t ram_size);
void vm_destroy(struct vm *vm);
int vm_start(struct vm *vm);		/* creates vCPUs, starts threads */
void vm_stop(struct vm *vm);		/* stops and joins every vCPU thread */

/* vm_fatal - a vCPU thread reports an unrecoverable error, wakes the runner */
void vm_fatal(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vm_notify(struct vm *vm);		/* wake the runner (lock not held) */

/*
 * vm_wait - wait on vm->cond until done(vm, arg) is true, a vCPU failed or
 * timeout_ns passed. Returns 0, -EIO (vCPU fatal) or -ETIMEDOUT.
 */
int vm_wait(struct vm *vm, bool (*done)(struct vm *, void *), void *arg, uint64_t timeout_ns);

static inline void *vm_gpa(struct vm *vm, uint64_t gpa) { return vm->ram + gpa; }

/* vcpu.c */
int vcpu_create(struct vm *vm, struct vcpu *v, int id);
int vcpu_start(struct vcpu *v);
void vcpu_kick_stop(struct vcpu *v);
const char *vm_exit_kind_name(enum vm_exit_kind k);

/* vcpu-state.c: the state a triple fault is reported with */
void vcpu_sync_regs_enable(struct vcpu *v);	/* at creation, if the kernel can */
void vcpu_exit_state_save(struct vcpu *v);	/* each exit, before it is handled */
/* KVM_EXIT_SHUTDOWN: vm_fatal with the state before the fault, as far as it is known */
void vcpu_report_shutdown(struct vcpu *v);

#endif /* VIRQ_VM_H */
