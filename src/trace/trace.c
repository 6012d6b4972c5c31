// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - virq's trace events, written into the kernel's ftrace buffer
 * through trace_marker while the function tracer runs (the lab), so the
 * VMM's steps and the kernel's calls read as one timeline; the kvm_pio
 * event beside them (the guest's port writes, its step marks among them).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

/*
 * The seed's set_ftrace_filter, in its order. An entry "a|b" is one role
 * under several names: vmx_pi_update_irte's SVM twin (arch/x86/kvm/svm/
 * avic.c) is svm_update_pi_irte in Debian 11's 5.10 and avic_pi_update_irte
 * in 6.1 and later; kvm_intel never loads in the lab (TCG has no VMX), and
 * VMX's was pi_update_irte before 5.18.
 */
const char *const trace_seed_functions[] = {
	"irq_bypass_register_consumer", "irq_bypass_unregister_producer",
	"irq_bypass_unregister_consumer", "irq_bypass_register_producer",
	"kvm_set_memory_region", "irqfd_update", "kvm_irqfd_assign", "kvm_irqfd",
	"kvm_irqfd_release", "kvm_irq_routing_update", "kvm_set_irq_routing",
	"kvm_arch_irq_bypass_add_producer", "kvm_arch_irq_bypass_del_producer",
	"kvm_arch_update_irqfd_routing",
	"vmx_pi_update_irte|avic_pi_update_irte|svm_update_pi_irte|pi_update_irte",
	"vfio_msihandler", "vfio_msi_set_vector_signal", "vfio_pci_set_msi_trigger",
	/* not the seed's: the 5.16-6.16 route filter (trace-compare counts it apart) */
	"kvm_arch_irqfd_route_changed",
	/*
	 * not the seed's: the level-triggered path's EOI (docs/intx.md), only
	 * ones that run for a level IOAPIC entry and nothing else, so the
	 * MSI scenarios' traces and QEMU's (its PIT ticking through
	 * kvm_ioapic_set_irq) keep their calls: the broadcast EOI reaching
	 * the IOAPIC, the resampler's ack, and (6.4 on) the unmask that
	 * signals resamplers instead of injecting
	 */
	"kvm_ioapic_update_eoi", "irqfd_resampler_ack", "kvm_notify_irqfd_resampler",
	/*
	 * not the seed's: VFIO's INTx (drivers/vfio/pci/vfio_pci_intrs.c, the
	 * same names 5.10 to 6.12): SET_IRQS on the INTx index by action, the
	 * host interrupt, which masks the line, and the unmask that the
	 * resamplefd (virqfd) or the VMM's ACTION_UNMASK runs
	 */
	"vfio_pci_set_intx_trigger", "vfio_pci_set_intx_mask", "vfio_pci_set_intx_unmask",
	"vfio_intx_handler", "vfio_pci_intx_unmask_handler",
	NULL,
};

/*
 * Tracepoints, which ftrace prints as events rather than calls (no trace
 * reader counts them): kvm_pio shows the test guest's step marks
 * (VIRQ_PORT_STEP) as the kernel saw the exit, as in a trace of QEMU
 * (lab/qemu-l2.sh), so both VMMs' steps are timed from the same kind of
 * line; kvm_set_irq ("gsi level source": source 1 is the resamplers'),
 * kvm_ioapic_set_irq and kvm_ack_irq show a level line's changes and acks.
 */
static const char *const trace_events[] = {
	"kvm/kvm_pio", "kvm/kvm_set_irq", "kvm/kvm_ioapic_set_irq", "kvm/kvm_ack_irq",
};

static char ftrace_missing[512];	/* entries this kernel cannot trace */

static const char *tracefs = "/sys/kernel/tracing";
static int marker_fd = -1;

static int tracefs_write(const char *file, const char *s, bool append)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void trace_events_enable(const char *on)
{
	char file[96];

	for (size_t i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		snprintf(file, sizeof(file), "events/%s/enable", trace_events[i]);
		tracefs_write(file, on, false);
	}
}

int trace_function_count(const char *const *functions)
{
	int n = 0;

	while (functions[n])
		n++;
	return n;
}

/* a function's name (or "a|b"): what set_ftrace_filter takes, and no shell word breaks */
static bool trace_function_name_ok(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.|", s[i]))
			return false;
	return true;
}

int trace_function_list(const char *const *base, const char *add, const char **out)
{
	static char buf[512];
	int n = trace_function_count(base);
	char *p = buf;

	if (n > TRACE_MAX_FUNCTIONS)
		return -EINVAL;
	memcpy(out, base, n * sizeof(*out));
	out[n] = NULL;
	if (!add || !*add)
		return 0;
	if (strlen(add) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", add);
	while (p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (n == TRACE_MAX_FUNCTIONS || !trace_function_name_ok(p, strlen(p)))
			return -EINVAL;
		out[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	out[n] = NULL;
	return 0;
}

bool trace_ftrace_on(void)
{
	return marker_fd >= 0;
}

void trace_event(const char *name, const char *fmt, ...)
{
	char buf[512];
	int n;
	va_list ap;

	/* no tracer and no -v: a step nobody records is not formatted */
	if (marker_fd < 0 && !log_wants(LOG_DEBUG))
		return;
	n = snprintf(buf, sizeof(buf), "virq: %s ", name);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (marker_fd >= 0 && write(marker_fd, buf, strlen(buf)) < 0)
		pr_debug("trace_marker: %s", strerror(errno));
	pr_debug("%s", buf + 6);
}

/* is name fn, or a compiler clone of it (fn.isra.0, fn.constprop.0)? */
static bool ftrace_name_matches(const char *name, const char *fn)
{
	size_t l = strlen(fn);

	return !strncmp(name, fn, l) && (!name[l] || name[l] == '.');
}

/* is name one of entry's '|'-separated alternatives (or a clone of one)? */
static bool ftrace_entry_matches(const char *name, const char *entry)
{
	char alt[200];

	for (const char *p = entry; *p;) {
		size_t l = strcspn(p, "|");

		snprintf(alt, sizeof(alt), "%.*s", (int)l, p);
		if (ftrace_name_matches(name, alt))
			return true;
		p += l + (p[l] == '|');
	}
	return false;
}

/*
 * One pass over available_filter_functions (tens of thousands of lines:
 * slow to generate under TCG), adding every wanted function it lists and
 * noting in found[] which entries it had (an inlined static, a function a
 * kernel era renamed or dropped, or a module that did not load is absent).
 */
static int ftrace_filter_add_all(FILE *avail, const char *const *functions, bool *found)
{
	char line[256], name[200];
	int n = 0;

	while (fgets(line, sizeof(line), avail)) {
		if (sscanf(line, "%198s", name) != 1)
			continue;
		for (int i = 0; functions[i] && i < TRACE_MAX_FUNCTIONS; i++) {
			if (!ftrace_entry_matches(name, functions[i]))
				continue;
			found[i] = true;
			strcat(name, "\n");
			n += tracefs_write("set_ftrace_filter", name, true) == 0;
			break;
		}
	}
	return n;
}

static void ftrace_note_missing(const char *const *functions, const bool *found)
{
	size_t len = 0;

	ftrace_missing[0] = 0;
	for (int i = 0; functions[i] && i < TRACE_MAX_FUNCTIONS; i++)
		if (!found[i] && len < sizeof(ftrace_missing))
			len += snprintf(ftrace_missing + len, sizeof(ftrace_missing) - len, "%s%s",
					len ? " " : "", functions[i]);
}

const char *trace_ftrace_missing(void)
{
	return ftrace_missing;
}

int trace_ftrace_setup(const char *const *functions)
{
	bool found[TRACE_MAX_FUNCTIONS] = { false };
	char path[256];
	FILE *avail;
	int n;

	if (access("/sys/kernel/tracing/available_filter_functions", R_OK))
		tracefs = "/sys/kernel/debug/tracing";
	snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs);
	avail = fopen(path, "r");
	if (!avail)
		return -errno;
	tracefs_write("tracing_on", "0", false);
	tracefs_write("current_tracer", "nop", false);
	tracefs_write("set_ftrace_filter", "", false);
	n = ftrace_filter_add_all(avail, functions, found);
	fclose(avail);
	ftrace_note_missing(functions, found);
	tracefs_write("buffer_size_kb", "16384", false);
	/* an empty set_ftrace_filter is every kernel function: then the events only */
	if (n > 0 && tracefs_write("current_tracer", "function", false))
		return -EIO;
	/* a kernel without them still has virq's own markers */
	trace_events_enable("1");
	snprintf(path, sizeof(path), "%s/trace_marker", tracefs);
	marker_fd = open(path, O_WRONLY | O_CLOEXEC);
	return marker_fd < 0 ? -errno : n;
}

int trace_ftrace_begin(void)
{
	if (marker_fd < 0)
		return -ENODEV;
	tracefs_write("trace", "", false);
	return tracefs_write("tracing_on", "1", false);
}

int trace_ftrace_end(const char *out)
{
	char path[256], buf[65536];
	FILE *in, *o;
	size_t n;
	int r = 0;

	if (marker_fd < 0)
		return -ENODEV;
	tracefs_write("tracing_on", "0", false);
	snprintf(path, sizeof(path), "%s/trace", tracefs);
	in = fopen(path, "r");
	o = fopen(out, "w");
	if (!in || !o)
		r = -errno;
	while (!r && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, o) != n)
			r = -EIO;
	if (in)
		fclose(in);
	if (o)
		fclose(o);
	tracefs_write("trace", "", false);
	return r;
}

void trace_ftrace_teardown(void)
{
	if (marker_fd < 0)
		return;
	close(marker_fd);
	marker_fd = -1;
	trace_events_enable("0");
	tracefs_write("current_tracer", "nop", false);
}
