// SPDX-License-Identifier: GPL-2.0
/*
 * intx-lines.c - the scenarios' INTx lines (intx-lines.h): the device
 * side of a level-triggered interrupt, the guest's ack port, and the
 * resampler thread that re-asserts a line still up after an EOI.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>

#include "intx-lines.h"
#include "../../vmm/util.h"
#include "../../guest/virq-guest.h"
#include "../../trace/trace.h"

static const struct sys_ops *intx_sys(struct intx_lines *x)
{
	return x->vm->kvm.sys;
}

const char *intx_path_name(enum intx_path p)
{
	static const char *const names[] = {
		[INTX_PATH_IRQ_LINE] = "irq-line", [INTX_PATH_IRQFD] = "irqfd",
		[INTX_PATH_IRQFD_RESAMPLE] = "irqfd+resample",
	};

	return names[p];
}

static enum intx_path line_path(const struct intx_line *l)
{
	if (l->trigger_fd < 0)
		return INTX_PATH_IRQ_LINE;
	return l->resample_fd < 0 ? INTX_PATH_IRQFD : INTX_PATH_IRQFD_RESAMPLE;
}

/* an irqfd's assert: one count on the eventfd; caller holds x->lock */
static int line_trigger(struct intx_lines *x, struct intx_line *l, int gsi)
{
	uint64_t one = 1;
	ssize_t r;

	/* the mark first: the kernel's inject may run before write() returns */
	trace_event("event_notifier_set", "fd=%d gsi=%d", l->trigger_fd, gsi);
	r = intx_sys(x)->write(intx_sys(x)->priv, l->trigger_fd, &one, sizeof(one));
	if (r < 0)
		return (int)r;
	l->st.triggers++;
	return 0;
}

/*
 * The device's output changed to level: tell the kernel as the path
 * wants. With an irqfd a de-assertion is the kernel's own business: a
 * plain irqfd already pulsed, a resampler de-asserts at the EOI (and the
 * resampler below then finds the line low). Caller holds x->lock.
 */
static int line_signal(struct intx_lines *x, int gsi, int level)
{
	struct intx_line *l = &x->line[gsi];
	int r;

	if (line_path(l) != INTX_PATH_IRQ_LINE)
		return level ? line_trigger(x, l, gsi) : 0;
	r = gsi_handler(&x->vm->kvm, gsi, level, &l->last);
	if (r == 0)
		l->st.ioctls += (uint64_t)l->last.calls;
	return r;
}

static int line_update(struct intx_lines *x, int gsi, int level)
{
	x->line[gsi].level = level;
	return line_signal(x, gsi, level);
}

/* GSI gsi's line with x->lock held, NULL (not locked) for a GSI out of range */
static struct intx_line *line_lock(struct intx_lines *x, int gsi)
{
	if (gsi < 0 || gsi >= GSI_NUM_PINS)
		return NULL;
	pthread_mutex_lock(&x->lock);
	return &x->line[gsi];
}

int intx_line_set(struct intx_lines *x, int gsi, int level, struct gsi_status *st)
{
	struct intx_line *l;
	int r = 0;

	l = line_lock(x, gsi);
	if (!l)
		return -EINVAL;
	trace_event("intx_line_set", "gsi=%d level=%d was=%d path=%s", gsi, level, l->level,
		    intx_path_name(line_path(l)));
	/* a level source: only a change is news to the kernel */
	if (level != l->level) {
		if (level)
			l->st.raised++;
		else
			l->st.lowered++;
		r = line_update(x, gsi, level);
		r = r < 0 ? r : 1;
	}
	if (st)
		*st = l->last;
	pthread_mutex_unlock(&x->lock);
	return r;
}

/* VIRQ_PORT_INTX_ACK, on a vCPU thread: the driver acked the device of GSI v */
static void intx_ack_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	struct intx_lines *x = opaque;
	uint32_t gsi = bus_data_get(data, size);
	struct intx_line *l;

	(void)off;
	if (gsi >= GSI_NUM_PINS)
		return;
	l = &x->line[gsi];
	pthread_mutex_lock(&x->lock);
	trace_event("intx_ack", "gsi=%u level=%d", gsi, l->level);
	if (!l->level) {
		l->st.stale_acks++;
	} else {
		l->st.acked++;
		if (line_update(x, (int)gsi, 0) < 0)
			vm_fatal(x->vm, "INTx ack of GSI %u: lowering the line failed", gsi);
	}
	pthread_mutex_unlock(&x->lock);
}

static const struct bus_ops intx_ack_ops = { .write = intx_ack_write };

/*
 * A resamplefd fired: the kernel de-asserted the GSI at an EOI. A line
 * still up is asserted again (QEMU: the resample notifier's handler, as
 * vfio_intx_eoi unmasks and the device re-fires). Caller holds x->lock.
 */
static void line_resample(struct intx_lines *x, int gsi)
{
	struct intx_line *l = &x->line[gsi];
	const struct sys_ops *sys = intx_sys(x);
	uint64_t n = 0;

	if (l->resample_fd < 0 ||
	    sys->read(sys->priv, l->resample_fd, &n, sizeof(n)) != sizeof(n))
		return;
	l->st.resamples += n;
	trace_event("intx_resample", "gsi=%d count=%llu level=%d", gsi, (unsigned long long)n,
		    l->level);
	if (!l->level)
		return;
	l->st.reasserts++;
	if (line_trigger(x, l, gsi) < 0)
		pr_err("INTx resample of GSI %d: the irqfd write failed", gsi);
}

/* the poll set: wake_fd, then every bound resamplefd; caller holds x->lock */
static int resampler_fds(struct intx_lines *x, struct pollfd *fds, int *gsis)
{
	int n = 1;

	fds[0] = (struct pollfd){ .fd = x->wake_fd, .events = POLLIN };
	for (int g = 0; g < GSI_NUM_PINS; g++) {
		if (x->line[g].resample_fd < 0)
			continue;
		gsis[n] = g;
		fds[n++] = (struct pollfd){ .fd = x->line[g].resample_fd, .events = POLLIN };
	}
	return n;
}

static void *resampler_thread(void *arg)
{
	struct intx_lines *x = arg;
	const struct sys_ops *sys = intx_sys(x);
	struct pollfd fds[GSI_NUM_PINS + 1];
	int gsis[GSI_NUM_PINS + 1];

	pthread_mutex_lock(&x->lock);
	while (!x->stopping) {
		int n = resampler_fds(x, fds, gsis);
		uint64_t v;

		x->seen_gen = x->gen;
		pthread_cond_broadcast(&x->cond);
		pthread_mutex_unlock(&x->lock);
		if (sys->poll(sys->priv, fds, (nfds_t)n, -1) < 0)
			sleep_ns(1000000);
		if (fds[0].revents & POLLIN)
			sys->read(sys->priv, x->wake_fd, &v, sizeof(v));
		pthread_mutex_lock(&x->lock);
		for (int i = 1; i < n; i++)
			if ((fds[i].revents & POLLIN) && x->line[gsis[i]].resample_fd == fds[i].fd)
				line_resample(x, gsis[i]);
	}
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

static void resampler_wake(struct intx_lines *x)
{
	uint64_t one = 1;

	intx_sys(x)->write(intx_sys(x)->priv, x->wake_fd, &one, sizeof(one));
}

/* the thread took poll set gen (or is gone); caller holds x->lock */
static void resampler_sync(struct intx_lines *x)
{
	unsigned int gen = ++x->gen;

	resampler_wake(x);
	while (x->started && !x->stopping && (int)(x->seen_gen - gen) < 0)
		pthread_cond_wait(&x->cond, &x->lock);
}

int intx_line_bind_irqfd(struct intx_lines *x, int gsi, int efd, int rfd)
{
	struct intx_line *l;
	int r = 0;

	l = line_lock(x, gsi);
	if (!l)
		return -EINVAL;
	if (l->trigger_fd >= 0) {
		pthread_mutex_unlock(&x->lock);
		return -EBUSY;
	}
	/*
	 * As vfio_intx_enable_kvm: a line up through KVM_IRQ_LINE is
	 * de-asserted there first (pci_irq_deassert), then fires into the
	 * eventfd ("let'em rip"), which the kernel holds on its own source.
	 */
	if (l->level)
		r = line_signal(x, gsi, 0);
	l->trigger_fd = efd;
	l->resample_fd = rfd;
	if (rfd >= 0)
		resampler_sync(x);
	if (l->level && r == 0)
		r = line_trigger(x, l, gsi);
	pthread_mutex_unlock(&x->lock);
	return r;
}

void intx_line_unbind_irqfd(struct intx_lines *x, int gsi)
{
	struct intx_line *l;

	l = line_lock(x, gsi);
	if (!l)
		return;
	l->trigger_fd = -1;
	if (l->resample_fd >= 0) {
		l->resample_fd = -1;
		resampler_sync(x);
	}
	/*
	 * The kernel lowered its resample source at the deassign; a line
	 * still up goes on through KVM_IRQ_LINE (vfio_intx_disable_kvm's
	 * unmask: "if we've missed an event, let it re-fire through QEMU")
	 */
	if (l->level && line_signal(x, gsi, 1) < 0)
		pr_err("INTx GSI %d: re-asserting through KVM_IRQ_LINE failed", gsi);
	pthread_mutex_unlock(&x->lock);
}

enum intx_path intx_line_path(struct intx_lines *x, int gsi)
{
	enum intx_path p;

	pthread_mutex_lock(&x->lock);
	p = line_path(&x->line[gsi]);
	pthread_mutex_unlock(&x->lock);
	return p;
}

void intx_line_get(struct intx_lines *x, int gsi, struct intx_line *out)
{
	pthread_mutex_lock(&x->lock);
	*out = x->line[gsi];
	pthread_mutex_unlock(&x->lock);
}

int intx_lines_init(struct intx_lines *x, struct vm *vm)
{
	const struct sys_ops *sys = vm->kvm.sys;
	int r;

	memset(x, 0, sizeof(*x));
	x->vm = vm;
	for (int g = 0; g < GSI_NUM_PINS; g++)
		x->line[g].trigger_fd = x->line[g].resample_fd = -1;
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->cond, NULL);
	x->wake_fd = sys->eventfd(sys->priv, 0, EFD_NONBLOCK);
	if (x->wake_fd < 0)
		return x->wake_fd;
	r = bus_register(&vm->bus, BUS_PIO, VIRQ_PORT_INTX_ACK, 4, &intx_ack_ops, x, "intx-ack");
	if (r < 0)
		goto err_close;
	r = -pthread_create(&x->thread, NULL, resampler_thread, x);
	if (r < 0)
		goto err_close;
	x->started = true;
	return 0;

err_close:
	sys->close(sys->priv, x->wake_fd);
	x->wake_fd = -1;
	return r;
}

void intx_lines_destroy(struct intx_lines *x)
{
	if (!x->vm)
		return;
	if (x->started) {
		pthread_mutex_lock(&x->lock);
		x->stopping = true;
		resampler_wake(x);
		pthread_mutex_unlock(&x->lock);
		pthread_join(x->thread, NULL);
		x->started = false;
	}
	if (x->wake_fd >= 0)
		intx_sys(x)->close(intx_sys(x)->priv, x->wake_fd);
	x->wake_fd = -1;
	pthread_cond_destroy(&x->cond);
	pthread_mutex_destroy(&x->lock);
	x->vm = NULL;
}
