// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-state.c - the guest state to report at a triple fault
 * (KVM_EXIT_SHUTDOWN), and how it is known.
 *
 * VMX leaves the vCPU as it was: KVM_GET_REGS/SREGS at the exit give the
 * state of the fault. SVM does not: the VMCB is undefined after a SHUTDOWN
 * intercept, so shutdown_interception (arch/x86/kvm/svm/svm.c) clears it
 * and INITs the vCPU before the exit reaches userspace (5.10: init_vmcb;
 * 6.1 on: kvm_vcpu_reset(vcpu, true), which also zeroes every GPR but RDX).
 * The vCPU is then at 0xf000:0xfff0 and nothing of the fault is left in
 * KVM. So each vCPU keeps the state of its last exit to userspace: with
 * KVM_CAP_SYNC_REGS (kvm_valid_regs = REGS | SREGS) KVM stores both in
 * kvm_run at every exit (store_regs in arch/x86/kvm/x86.c), no extra ioctl,
 * and the vCPU thread copies them before it handles the exit. At a reset
 * vCPU the report gives that state, saying from which exit it is.
 * KVM's own software triple fault (KVM_REQ_TRIPLE_FAULT, both vendors)
 * leaves the state too. QEMU 7.2/11.1 report none of it: kvm_cpu_exec
 * turns KVM_EXIT_SHUTDOWN into a reset request (with -no-reboot, an exit 0).
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"
#include "util.h"

void vcpu_sync_regs_enable(struct vcpu *v)
{
	unsigned int want = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;

	/* on x86 the capability is the mask of the fields KVM can sync */
	if (((unsigned int)kvm_check_extension(&v->vm->kvm, KVM_CAP_SYNC_REGS) & want) != want)
		return;
	v->run->kvm_valid_regs = want;
	v->sync_regs = true;
}

void vcpu_exit_state_save(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	v->nr_exits++;
	/* SVM's shutdown exit carries the state after its INIT: keep the one before */
	if (!v->sync_regs || run->exit_reason == KVM_EXIT_SHUTDOWN)
		return;
	v->exit_regs = run->s.regs.regs;
	v->exit_sregs = run->s.regs.sregs;
	v->exit_seq = v->nr_exits;
	v->exit_reason_saved = run->exit_reason;
	v->exit_addr_saved = run->exit_reason == KVM_EXIT_IO ? run->io.port :
			     run->exit_reason == KVM_EXIT_MMIO ? run->mmio.phys_addr : 0;
}

/* the saved exit, for the report: "io port 0x3f8", "mmio 0xfee000b0" */
static const char *vcpu_exit_what(struct vcpu *v)
{
	static __thread char buf[48];

	if (v->exit_reason_saved == KVM_EXIT_IO)
		snprintf(buf, sizeof(buf), "io port 0x%llx", (unsigned long long)v->exit_addr_saved);
	else if (v->exit_reason_saved == KVM_EXIT_MMIO)
		snprintf(buf, sizeof(buf), "mmio 0x%llx", (unsigned long long)v->exit_addr_saved);
	else
		snprintf(buf, sizeof(buf), "exit_reason %u", v->exit_reason_saved);
	return buf;
}

/* INIT's state: what SVM's shutdown_interception leaves */
static bool vcpu_state_is_reset(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	return r->rip == 0xfff0 && s->cs.selector == 0xf000 && s->cs.base == 0xffff0000;
}

static void vcpu_state_print(const char *name, const struct kvm_regs *r,
			     const struct kvm_sregs *s)
{
	pr_err("%s:   rip=0x%llx rsp=0x%llx rflags=0x%llx cs=0x%x (base 0x%llx l=%u db=%u) "
	       "ss=0x%x", name, r->rip, r->rsp, r->rflags, s->cs.selector, s->cs.base,
	       s->cs.l, s->cs.db, s->ss.selector);
	pr_err("%s:   cr0=0x%llx cr2=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx", name,
	       s->cr0, s->cr2, s->cr3, s->cr4, s->efer);
	pr_err("%s:   idt=0x%llx/0x%x gdt=0x%llx/0x%x tr=0x%x", name, s->idt.base, s->idt.limit,
	       s->gdt.base, s->gdt.limit, s->tr.selector);
	pr_err("%s:   rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx rsi=0x%llx rdi=0x%llx "
	       "rbp=0x%llx", name, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp);
	pr_err("%s:   r8=0x%llx r9=0x%llx r10=0x%llx r11=0x%llx r12=0x%llx r13=0x%llx "
	       "r14=0x%llx r15=0x%llx", name, r->r8, r->r9, r->r10, r->r11, r->r12, r->r13,
	       r->r14, r->r15);
}

void vcpu_report_shutdown(struct vcpu *v)
{
	KVMState *s = &v->vm->kvm;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	bool got = s->sys->ioctl(s->sys->priv, v->fd, KVM_GET_REGS, &regs) >= 0 &&
		   s->sys->ioctl(s->sys->priv, v->fd, KVM_GET_SREGS, &sregs) >= 0;
	bool reset = got && vcpu_state_is_reset(&regs, &sregs);
	bool saved = v->sync_regs && v->exit_seq;

	pthread_mutex_lock(&v->vm->lock);
	v->vm->triple_fault = true;
	pthread_mutex_unlock(&v->vm->lock);
	if (got && !reset) {
		vm_fatal(v->vm, "%s: triple fault (KVM_EXIT_SHUTDOWN) at rip 0x%llx, exit %llu",
			 v->name, regs.rip, (unsigned long long)v->nr_exits);
		pr_err("%s: the state at the shutdown exit:", v->name);
		vcpu_state_print(v->name, &regs, &sregs);
	} else if (saved) {
		vm_fatal(v->vm, "%s: triple fault (KVM_EXIT_SHUTDOWN), exit %llu; KVM had reset the "
			 "vCPU (SVM); at exit %llu, the last before it, rip was 0x%llx", v->name,
			 (unsigned long long)v->nr_exits, (unsigned long long)v->exit_seq,
			 v->exit_regs.rip);
		pr_err("%s: KVM had already INITed the vCPU (rip 0x%llx, cs.base 0x%llx): SVM's "
		       "shutdown_interception resets it, the fault's state is gone. The state at "
		       "exit %llu (%s), the last exit before the shutdown:", v->name,
		       got ? regs.rip : 0ull, got ? sregs.cs.base : 0ull,
		       (unsigned long long)v->exit_seq, vcpu_exit_what(v));
		vcpu_state_print(v->name, &v->exit_regs, &v->exit_sregs);
	} else {
		vm_fatal(v->vm, "%s: triple fault (KVM_EXIT_SHUTDOWN), exit %llu; the vCPU was reset "
			 "and no earlier state was kept", v->name, (unsigned long long)v->nr_exits);
	}
}
