// SPDX-License-Identifier: GPL-2.0
/*
 * timeline.c - timeline.json: the scenario's ftrace (kernel calls and the
 * VMM's trace_marker lines) in Chrome's trace event format, which Perfetto
 * and chrome://tracing open. One track per thread ("CPU 0/KVM", the
 * runner "virq", "virtio-host", "vfio-msi", kernel workers); the runner's
 * "step" markers are the scenario's steps, guest steps among them, and
 * become slices that last until the next step.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "timeline.h"

struct ftrace_line {
	char task[64];		/* "CPU 0/KVM", "virq" */
	int pid;
	double ts;		/* seconds */
	char what[400];		/* "irqfd_update <-kvm_irqfd", "tracing_mark_write: virq: ..." */
};

/* "  CPU 0/KVM-187  [000] d..1.  17.347706: irqfd_update <-kvm_irq_routing_update" */
static bool parse_line(const char *line, struct ftrace_line *l)
{
	const char *br = strstr(line, " [");
	const char *colon, *dash, *p;

	if (line[0] == '#' || !br)
		return false;
	for (dash = br; dash > line && *dash != '-'; dash--)
		;
	for (p = line; *p == ' '; p++)
		;
	if (dash <= p || sscanf(dash + 1, "%d", &l->pid) != 1)
		return false;
	snprintf(l->task, sizeof(l->task), "%.*s", (int)(dash - p), p);
	colon = strstr(br, ": ");
	if (!colon)
		return false;
	for (p = colon; p > br && p[-1] != ' '; p--)
		;
	if (sscanf(p, "%lf", &l->ts) != 1)
		return false;
	snprintf(l->what, sizeof(l->what), "%s", colon + 2);
	l->what[strcspn(l->what, "\n")] = 0;
	return true;
}

static json_object *event(const char *name, const char *cat, const char *ph, double ts_us,
			  int tid)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "cat", json_object_new_string(cat));
	json_object_object_add(e, "ph", json_object_new_string(ph));
	json_object_object_add(e, "ts", json_object_new_double(ts_us));
	json_object_object_add(e, "pid", json_object_new_int(1));
	json_object_object_add(e, "tid", json_object_new_int(tid));
	if (!strcmp(ph, "i"))
		json_object_object_add(e, "s", json_object_new_string("t"));
	return e;
}

static void thread_name(json_object *a, const struct ftrace_line *l)
{
	json_object *m = event("thread_name", "__metadata", "M", 0, l->pid), *args;

	args = json_object_new_object();
	json_object_object_add(args, "name", json_object_new_string(l->task));
	json_object_object_add(m, "args", args);
	json_object_array_add(a, m);
}

/* a step slice ends where the next one begins (or at the end of the trace) */
static void close_step(json_object *step, double ts_us)
{
	double start;

	if (!step)
		return;
	start = json_object_get_double(json_object_object_get(step, "ts"));
	json_object_object_add(step, "dur", json_object_new_double(ts_us - start));
}

static void add_line(json_object *a, const struct ftrace_line *l, json_object **step)
{
	const char *m = strstr(l->what, "tracing_mark_write: virq: ");
	double us = l->ts * 1e6;
	json_object *e;

	if (!m) {
		char fn[128];

		snprintf(fn, sizeof(fn), "%.*s", (int)strcspn(l->what, " "), l->what);
		json_object_array_add(a, event(fn, "kernel", "i", us, l->pid));
		return;
	}
	m += strlen("tracing_mark_write: virq: ");
	if (!strncmp(m, "step ", 5)) {
		close_step(*step, us);
		e = event(m + 5, strstr(m, " guest ") ? "guest" : "scenario", "X", us, l->pid);
		*step = e;
	} else {
		e = event(m, "vmm", "i", us, l->pid);
	}
	json_object_array_add(a, e);
}

int timeline_write(const char *ftrace_path, const char *out_path)
{
	FILE *f = fopen(ftrace_path, "r");
	json_object *root, *a, *step = NULL;
	struct ftrace_line l;
	char line[600];
	int seen[64], nseen = 0, r = 0;
	double last = 0;

	if (!f)
		return -errno;
	root = json_object_new_object();
	a = json_object_new_array();
	while (fgets(line, sizeof(line), f)) {
		bool known = false;

		if (!parse_line(line, &l))
			continue;
		for (int i = 0; i < nseen; i++)
			known |= seen[i] == l.pid;
		if (!known && nseen < 64) {
			seen[nseen++] = l.pid;
			thread_name(a, &l);
		}
		add_line(a, &l, &step);
		last = l.ts * 1e6;
	}
	fclose(f);
	close_step(step, last);
	json_object_object_add(root, "traceEvents", a);
	json_object_object_add(root, "displayTimeUnit", json_object_new_string("ns"));
	if (json_object_to_file_ext(out_path, root, JSON_C_TO_STRING_PLAIN))
		r = -EIO;
	json_object_put(root);
	return r;
}
