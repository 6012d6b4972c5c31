/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest-results.h - a scenario's results from a run under another VMM
 * (real QEMU), which virq does not drive: what the test guest printed
 * running the scenario's step program, and the kernel's trace.
 */
#ifndef VIRQ_GUEST_RESULTS_H
#define VIRQ_GUEST_RESULTS_H

#include "scenario.h"
#include "../trace/results.h"

/*
 * guest_results_fill - read DIR/qemu.txt (lab/qemu-l2.sh's key=value
 * lines), DIR/guest-serial.txt and DIR/ftrace.txt into *res: every expect
 * of sc with the guest's verdict, or not applicable if only a VMM's own
 * state can judge it; the interrupts from the guest's log; the kernel's
 * calls per step. Returns the VIRQ_EXIT_* status it also stores.
 */
int guest_results_fill(const struct scenario *sc, const char *dir, struct results *res);

/*
 * guest_results_verdicts - only res->expects, from the guest's serial log
 * (virq running the step program, whose own tables fill the rest), and
 * res->error if the guest stopped before its end; the number of expects
 * that failed, or -errno if the log cannot be read
 */
int guest_results_verdicts(const struct scenario *sc, const char *serial, struct results *res);

#endif
