/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intx-lines.h - the scenarios' level-triggered interrupt sources: one
 * device INTx line per GSI (0..23), what a PCI device's pin is once the
 * board routed it (hw/isa/lpc_ich9.h). The line is the device's output;
 * how it reaches the kernel is the VMM's choice, as in QEMU:
 *
 *   KVM_IRQ_LINE     each change is gsi_handler (hw/i386/kvm-ioapic.h):
 *                    the kernel's line follows the device's, and KVM's
 *                    IOAPIC re-delivers at EOI while it is up
 *   irqfd            an assertion writes the eventfd: the kernel pulses
 *                    the GSI (1 then 0), so a level entry takes it once
 *                    and never again, whatever the device does
 *   irqfd+resample   an assertion writes the eventfd: the kernel asserts
 *                    and holds the GSI until an EOI, then de-asserts it
 *                    and signals the resamplefd; the resampler thread
 *                    here writes the eventfd again if the line is still
 *                    up (QEMU's resample handlers, vfio_intx_eoi's role)
 *
 * The test guest's level handler acks a line at VIRQ_PORT_INTX_ACK, which
 * lowers it as a driver's status read lowers a device's INTx.
 */
#ifndef VIRQ_INTX_LINES_H
#define VIRQ_INTX_LINES_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../i386/kvm-ioapic.h"
#include "../../vmm/vm.h"

enum intx_path { INTX_PATH_IRQ_LINE, INTX_PATH_IRQFD, INTX_PATH_IRQFD_RESAMPLE };

/* what a line did; under intx_lines.lock */
struct intx_line_stats {
	uint64_t raised;	/* low -> high */
	uint64_t acked;		/* lowered by the guest's ack */
	uint64_t lowered;	/* lowered by the host */
	uint64_t stale_acks;	/* acks of a line already low */
	uint64_t resamples;	/* resamplefd signals read */
	uint64_t reasserts;	/* eventfd writes on a resample of a line still up */
	uint64_t triggers;	/* eventfd writes in all */
	uint64_t ioctls;	/* KVM_IRQ_LINE(_STATUS) issued */
};

struct intx_line {
	bool level;			/* the device's output */
	int trigger_fd, resample_fd;	/* the irqfd's eventfds, -1 if none */
	struct gsi_status last;		/* the last gsi_handler's answers */
	struct intx_line_stats st;
};

struct intx_lines {
	struct vm *vm;
	pthread_mutex_t lock;		/* the lines; not the BQL */
	pthread_cond_t cond;		/* resampler -> binders: it saw gen */
	struct intx_line line[GSI_NUM_PINS];
	int wake_fd;			/* rebuild the poll set, or stop */
	unsigned int gen, seen_gen;	/* poll set edits, and the last the thread took */
	bool stopping;
	pthread_t thread;
	bool started;
};

/* the ack port and the resampler thread; before the vCPUs run. 0 or -errno */
int intx_lines_init(struct intx_lines *x, struct vm *vm);
/* stops the thread; the lines' eventfds are their binders' to close */
void intx_lines_destroy(struct intx_lines *x);

/*
 * intx_line_set - the device's output to level: 1 if that changed it, 0
 * if it already was, or -errno; st gets the kernel's answers to the last
 * KVM_IRQ_LINE of the line
 */
int intx_line_set(struct intx_lines *x, int gsi, int level, struct gsi_status *st);
/*
 * intx_line_bind_irqfd - after KVM_IRQFD of efd (and rfd, -1 for none) on
 * gsi succeeded: assertions go through efd. A line already up is
 * signalled at once, as the kernel would inject a count already pending.
 */
int intx_line_bind_irqfd(struct intx_lines *x, int gsi, int efd, int rfd);
/* back to KVM_IRQ_LINE; returns when the resampler no longer polls rfd */
void intx_line_unbind_irqfd(struct intx_lines *x, int gsi);
enum intx_path intx_line_path(struct intx_lines *x, int gsi);
void intx_line_get(struct intx_lines *x, int gsi, struct intx_line *out);
const char *intx_path_name(enum intx_path p);

#endif /* VIRQ_INTX_LINES_H */
