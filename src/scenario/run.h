/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - running a parsed scenario on a VM: the runner's state, shared by
 * run.c (steps), expect.c (checks), guest.c (the test guest's mailbox),
 * driver.c and run-devices.c (the devices); run-results.c copies what the
 * report needs into struct results, and the report reads only that.
 */
#ifndef VIRQ_RUN_H
#define VIRQ_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "../vmm/vm.h"
#include "../guest/virq-guest.h"
#include "../vmm/util.h"
#include "../hw/i386/pc.h"
#include "../hw/pci/pci.h"
#include "../trace/results.h"
#include "../guest/virq-prog.h"
#include "../hw/misc/intx-lines.h"

/* exit codes of virq run / virq lab run */
enum {
	VIRQ_EXIT_OK = 0,	/* every expect held */
	VIRQ_EXIT_FAIL = 1,	/* an expect failed, or a step failed unexpectedly */
	VIRQ_EXIT_USAGE = 2,	/* bad input or usage: nothing started */
	VIRQ_EXIT_ENV = 3,	/* no /dev/kvm, the VM cannot be built, the lab cannot boot */
	VIRQ_EXIT_NA = 4,	/* not applicable on this kernel: it lacks a module a device needs */
};

struct run_opts {
	const char *out_dir;		/* DIR/NAME/ gets the results; NULL: stdout */
	const uint8_t *guest;		/* multiboot image */
	size_t guest_len;
	const char *guest_name;
	bool ftrace;			/* function tracer + trace_marker (the lab) */
	unsigned int scale;		/* timeouts multiplier (the lab is slow) */
	bool skip_unchanged_commits;	/* vfio: do not push an unchanged table on unmask */
	bool program;			/* the guest runs the step program itself (run-program.c) */
	const char *serial_path;	/* --program: the guest's COM1 lines go here */
};

/* what a scenario name stands for while it runs */
struct run_obj {
	bool live;
	/* route */
	int virq;
	int efd;			/* irqfd's eventfd, -1 if none */
	bool irqfd;
	bool efd_closed;		/* 'irqfd NAME close': the kernel dropped the irqfd with
					 * its eventfd, whose number was closed_efd (never
					 * closed again: it may be another file's by now) */
	int closed_efd;
	/* ioeventfd */
	bool mmio;
	uint64_t addr, datamatch;
	uint32_t len;
	bool has_datamatch;
	uint64_t ioev_total;		/* eventfd counts read so far */
	/* a resampling irqfd (route or line) */
	int rfd;			/* its resamplefd, -1 if none */
	uint64_t resamples_total;	/* a route's resamplefd counts read so far */
	/* line: a device INTx line on GSI gsi (run-intx.c) */
	bool is_line;
	int gsi;
	int nr_targets;			/* the (vCPU, vector) pairs its assertions reached */
	int target_vcpu[4], target_vector[4];
	uint32_t assert_base;		/* the target's count when the line went up */
	int assert_target;		/* index in target_*[], -1: none (masked, no pin) */
	bool assert_delivered;		/* the guest took the current assertion */
	uint64_t delivered, dropped;	/* assertions: reached the guest / lowered unseen */
	uint64_t acks_seen;		/* the line's acks already checked for duplicates */
	uint64_t acks_at_raise;		/* its acks and resamples when the current */
	uint64_t resamples_at_raise;	/* ... assertion began */
	uint64_t duplicates;		/* interrupts taken while it was down after an ack */
};

/* one row of the per-vector table: a route (irqfd) or a KVM_SIGNAL_MSI target */
struct run_vector {
	char device[SC_NAME_LEN];
	int index;
	int gsi;			/* -1 for signal-msi */
	int host_irq;			/* passthrough: the host IRQ (/proc/interrupts), else -1 */
	int vcpu, guest_vector;		/* where the last raise went */
	const char *path;		/* "irqfd", "signal-msi" */
	uint64_t raised, delivered, pending, coalesced;
	uint64_t dropped;		/* raised, and nothing will deliver it (vector unused, reset) */
	uint64_t moved;			/* raised, and taken along by a queue to another vector */
	uint64_t notifier_errors;	/* its MSI-X use/release the kernel refused */
	/* the ledger (ledger.c): what the kernel was told, matched to what the guest took */
	struct msi_ledger ledger;
	uint64_t misrouted;		/* taken, but not where the kernel was told */
	uint64_t lost;			/* neither taken nor pending */
	uint64_t stale;			/* told as the kernel's route, not as the guest's entry said */
	uint64_t delivered_masked;	/* told while the guest had the vector masked */
	uint64_t unbooked, overbooked;	/* raises never told (in lost) / told more than raised */
	bool level;			/* an INTx line: the guest may take one assertion more than once */
	uint64_t taken;			/* ... the interrupts it took for this row */
};

#define RUN_MAX_VECTORS	64
#define RUN_MAX_MSIX	8		/* device vectors the runner accounts */

/* an emulated PCI device of the scenario, and the guest driver's state for it */
struct run_device {
	PCIDevice *dev;
	const struct pci_device_type *type;
	int guest;			/* index in shared->pci[] after 'guest pci enum', -1 before */
	uint64_t dma;			/* its slice of VIRQ_DMA_GPA: rings, queues, buffers */
	int intx_vector;		/* guest vector its INTx handler acks (level-ack dev=), 0 */
	uint64_t raised_ns;		/* e1000e: now_ns() at its last ICS write, 0 before one */
	/* NVMe driver state */
	uint16_t asq_tail, iosq_tail, cid;
};

struct run_expect {
	int line;
	char text[SC_TEXT_LEN];
	bool passed;
	bool na;			/* not applicable on this kernel: got says why */
	char got[RESULTS_TEXT_LEN];
};

struct run {
	const struct scenario *sc;
	const struct run_opts *opts;
	struct vm vm;
	struct virq_shared *sh;
	struct run_obj objs[SC_MAX_NAMES];
	struct run_vector vectors[RUN_MAX_VECTORS];
	int nr_vectors;
	struct run_expect *expects;
	int nr_expects;
	uint64_t *step_ns;		/* how long each step took, by step index */
	uint32_t irq_cursor;		/* log seq already accounted by expect irq */
	int last_err;			/* result of the last host step: 0 or -errno */
	const struct sc_step *cur_step;	/* the step running now (run_steps), NULL outside */
	int status;			/* VIRQ_EXIT_* */
	char error[320];		/* why the run stopped early, if it did */
	char kernel[128];		/* uname -r */
	struct pc_board board;		/* the fixed devices */
	PCIBus pci;
	bool has_pci;
	struct run_device devs[SC_MAX_NAMES];	/* by name index */
	int drv_cpu;			/* the guest CPU running the current device step */
	char gv_owner[SC_MAX_VCPUS][256][SC_NAME_LEN + 8];	/* run_claim_guest_vector */
	uint64_t t_start, t_end;
	struct results results;		/* filled by run_scenario at the end */
	/* the level-triggered half (run-intx.c) */
	struct intx_lines intx;
	int posted_line[VIRQ_GUEST_MAX_CPUS];	/* a command posted and not waited for: its line */
	uint32_t post_wakeups[VIRQ_GUEST_MAX_CPUS];	/* at the last post: the CPU's mailbox */
	uint64_t post_ns[VIRQ_GUEST_MAX_CPUS];		/* ... interrupts, and the time */
	uint64_t rte[24];		/* each IOAPIC entry as the guest last wrote it */
	struct gsi_status line_status;	/* the last line step's kernel answers */
	bool has_line_status;
	/* --program: the step program the guest runs, the step it is in */
	struct virq_prog *prog;
	size_t prog_len;
	int prog_cur;			/* index in sc->steps, -1 none */
	uint64_t prog_t;		/* when it began */
};

int run_scenario(struct run *run, const struct scenario *sc, const struct run_opts *opts);
/* run_teardown - the VM and its devices closed (traced under --ftrace); run_cleanup frees the rest */
void run_teardown(struct run *run);
void run_cleanup(struct run *run);

/* run-program.c: the guest runs the steps itself */
int run_program_prepare(struct run *run);
void run_program_wait(struct run *run);
void run_program_results(struct run *run, const char *serial);
void run_program_free(struct run *run);

/* run.c helpers used by expect.c */
void run_fail(struct run *run, const struct sc_step *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
unsigned int run_timeout_ms(const struct run *run, unsigned int ms, unsigned int dflt);

/* expect.c */
void run_expect(struct run *run, const struct sc_step *st);

/* guest.c: the test guest as a driver */
int guest_wait_online(struct run *run, unsigned int timeout_ms);
/* guest_cmd's halves, for a command that runs while the steps go on (guest msix flap) */
int guest_cmd_post(struct run *run, int cpu, uint32_t op, const uint32_t arg[8]);
int guest_cmd_wait(struct run *run, int cpu, uint32_t *result, unsigned int timeout_ms);
int guest_cmd(struct run *run, int cpu, uint32_t op, const uint32_t arg[8], uint32_t *result,
	      unsigned int timeout_ms);
uint32_t guest_count(struct run *run, int vcpu, int vector);
uint32_t guest_total(struct run *run);
int guest_wait_count(struct run *run, int vcpu, int vector, uint32_t want, unsigned int timeout_ms);
int run_poll(struct run *run, bool (*done)(struct run *, void *), void *arg,
	     unsigned int timeout_ms);

/* driver.c: the test guest driving the emulated devices */
int driver_step(struct run *run, const struct sc_step *st);
/* the guest address of the e1000e's ICR, once the guest found it; -ENODEV before */
int driver_e1000e_icr(struct run *run, struct run_device *d, uint32_t *addr);
/* wait out the e1000e's throttle window after a raise before its MSI-X is touched */
void driver_e1000e_settle(struct run_device *d);
int run_devices_create(struct run *run);
void run_devices_destroy(struct run *run);
/*
 * own guest vector gv on vCPU vcpu (-1: on every vCPU) for source who ("R/1",
 * "A"); false if another source has it there (see run-devices.c)
 */
bool run_claim_guest_vector(struct run *run, int vcpu, int gv, const char *who);
/* a source other than who that owns gv on some vCPU, NULL if none */
const char *run_guest_vector_other(struct run *run, int gv, const char *who);
/* fill rows for every device vector that did anything */
void run_device_vectors(struct run *run);
int run_device_rows(struct run *run, struct run_vector *rows, int n, int max);
/* run-ledger.c: the ledger's rows now, matched (expect vector), and the end's checks */
int run_ledger_rows(struct run *run, struct run_vector *rows, int max);
uint64_t run_ledger_match(struct run *run, struct run_vector *rows, int n);
void run_ledger_settle(struct run *run);
void run_check_accounting(struct run *run);
/* after run_device_vectors: a vector notifier's failure fails the scenario */
void run_check_notifiers(struct run *run);
/* device NAME hold / complete */
int run_device_step(struct run *run, const struct sc_step *st);
/* one device vector's accounting now */
void run_device_vector(struct run *run, struct run_device *d, unsigned int v, struct run_vector *row);

/* run-table.c: the host steps that edit KVMState or register eventfds; bql held */
int run_table_step(struct run *run, const struct sc_step *st);
/*
 * st's route was added and not released: 0, else -ENOENT, reported (its
 * add failed, so there is no GSI or eventfd to act on)
 */
int run_route_live(struct run *run, const struct sc_step *st);

/* run-faults.c: faults the VMM must survive (issue 12), their steps and expects */
bool run_faults_handles(enum sc_op op);
bool run_faults_step_is_host(enum sc_op op);
int run_faults_step(struct run *run, const struct sc_step *st);
bool run_faults_expect(struct run *run, const struct sc_step *st, char *got, size_t n);

/* run-intx.c: INTx lines, the guest's IOAPIC, resampling irqfds, probes */
int run_intx_init(struct run *run);
void run_intx_destroy(struct run *run);
bool run_intx_step_is_host(enum sc_op op);
bool run_intx_handles(const struct run *run, const struct sc_step *st);
int run_intx_step(struct run *run, const struct sc_step *st);
bool run_intx_expect(struct run *run, const struct sc_step *st, char *got, size_t n);
void run_intx_vectors(struct run *run, bool check);	/* rows for the lines; check: their rules */

/* run-results.c: copy what the run produced into run->results (the report's input) */
void run_results_fill(struct run *run);

#endif /* VIRQ_RUN_H */
