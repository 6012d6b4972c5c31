// SPDX-License-Identifier: GPL-2.0
/* vm.c - create a VM with the in-kernel irqchip and RAM; start/stop vCPUs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vm.h"
#include "cpuid.h"
#include "util.h"

int vm_create(struct vm *vm, const struct sys_ops *sys, int nr_vcpus, uint64_t ram_size)
{
	pthread_condattr_t ca;
	void *ram;
	int r;

	memset(vm, 0, sizeof(*vm));
	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->bql, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->cond, &ca);
	pthread_condattr_destroy(&ca);
	bus_init(&vm->bus);

	r = kvm_init(&vm->kvm, sys);
	if (r < 0)
		return r;
	if (nr_vcpus > vm->kvm.max_vcpus || nr_vcpus > VM_MAX_VCPUS) {
		pr_err("%d vCPUs asked, KVM_CAP_MAX_VCPUS is %d (virq: at most %d)", nr_vcpus,
		       vm->kvm.max_vcpus, VM_MAX_VCPUS);
		r = -EINVAL;
		goto err_kvm;
	}
	r = kvm_irqchip_create(&vm->kvm);
	if (r < 0)
		goto err_kvm;
	/* every vCPU gets CPUID before it runs, as QEMU's kvm_arch_init_vcpu */
	r = kvm_get_supported_cpuid(&vm->kvm, &vm->supported_cpuid);
	if (r < 0)
		goto err_kvm;
	vm->tsc_deadline = kvm_check_extension(&vm->kvm, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	r = sys->mmap(sys->priv, &ram, ram_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r < 0) {
		pr_err("mmap of %llu MiB guest RAM: %s", (unsigned long long)(ram_size >> 20),
		       strerror(-r));
		goto err_kvm;
	}
	vm->ram = ram;
	vm->ram_size = ram_size;
	r = kvm_set_user_memory_region(&vm->kvm, 0, 0, ram_size, ram);
	if (r < 0)
		goto err_ram;
	for (int i = 0; i < nr_vcpus; i++) {
		r = vcpu_create(vm, &vm->vcpus[i], i);
		if (r < 0)
			goto err_vcpus;
		vm->nr_vcpus++;
	}
	return 0;

err_vcpus:
	vm_destroy(vm);
	return r;
err_ram:
	sys->munmap(sys->priv, ram, ram_size);
	vm->ram = NULL;
err_kvm:
	free(vm->supported_cpuid);
	vm->supported_cpuid = NULL;
	kvm_destroy(&vm->kvm);
	return r;
}

int vm_start(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		int r = vcpu_start(&vm->vcpus[i]);

		if (r < 0) {
			vm_stop(vm);
			return r;
		}
	}
	return 0;
}

void vm_stop(struct vm *vm)
{
	vm->stopping = true;
	for (int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick_stop(&vm->vcpus[i]);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = false;
	}
}

void vm_destroy(struct vm *vm)
{
	const struct sys_ops *sys = vm->kvm.sys;

	vm_stop(vm);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			sys->munmap(sys->priv, v->run, vm->kvm.vcpu_mmap_size);
		if (v->fd >= 0)
			sys->close(sys->priv, v->fd);
	}
	vm->nr_vcpus = 0;
	if (vm->ram)
		sys->munmap(sys->priv, vm->ram, vm->ram_size);
	vm->ram = NULL;
	free(vm->supported_cpuid);
	vm->supported_cpuid = NULL;
	kvm_destroy(&vm->kvm);
}

void vm_notify(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

void vm_fatal(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&vm->lock);
	if (!vm->fatal) {
		va_start(ap, fmt);
		vsnprintf(vm->fatal_msg, sizeof(vm->fatal_msg), fmt, ap);
		va_end(ap);
		vm->fatal = 1;
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	pr_err("%s", vm->fatal_msg);
}

int vm_wait(struct vm *vm, bool (*done)(struct vm *, void *), void *arg, uint64_t timeout_ns)
{
	uint64_t end = now_ns() + timeout_ns;
	struct timespec ts = { .tv_sec = end / 1000000000ull, .tv_nsec = end % 1000000000ull };
	int r = 0;

	pthread_mutex_lock(&vm->lock);
	while (!done(vm, arg)) {
		if (vm->fatal || vm->guest_exited) {
			r = -EIO;
			break;
		}
		if (pthread_cond_timedwait(&vm->cond, &vm->lock, &ts) == ETIMEDOUT) {
			r = done(vm, arg) ? 0 : -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return r;
}
