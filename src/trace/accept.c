// SPDX-License-Identifier: GPL-2.0
/* accept.c - lab/accepted-differences.txt, parsed and matched (accept.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accept.h"

/* "*", "N", or with rel "+N" / "-N" (QEMU's count relative to virq's) */
static int accept_count(const char *s, int *v, int *rel)
{
	char *end;
	long l;

	if (!strcmp(s, "*")) {
		*v = -1;
		return 0;
	}
	if (rel && (s[0] == '+' || s[0] == '-'))
		*rel = 1;
	else if (s[0] == '+' || s[0] == '-')
		return -EINVAL;
	l = strtol(s, &end, 10);
	if (*end || end == s || l < -1000000 || l > 1000000 || (l < 0 && !(rel && *rel)))
		return -EINVAL;
	*v = (int)l;
	return 0;
}

static int accept_line(char *line, struct accept_rule *r)
{
	char virq[16], other[16];
	int off = 0;

	if (sscanf(line, "%15s %255s %47s %47s %15s %15s %n", r->qemu, r->scenario, r->step, r->fn,
		   virq, other, &off) != 6 || !off || !line[off])
		return -EINVAL;
	if (accept_count(virq, &r->virq, NULL) || accept_count(other, &r->other, &r->other_rel))
		return -EINVAL;
	line[strcspn(line, "\n")] = 0;
	if (strlen(line + off) >= sizeof(r->why))
		return -E2BIG;
	snprintf(r->why, sizeof(r->why), "%s", line + off);
	return 0;
}

int accept_load(const char *path, struct accept_rules *rules, char *err, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int ln = 0;

	*rules = (struct accept_rules){ 0 };
	if (!f) {
		snprintf(err, n, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct accept_rule r = { .line = ++ln };
		void *p;
		int e;

		if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t\n")] == 0)
			continue;
		e = accept_line(line, &r);
		if (e == -E2BIG)
			snprintf(err, n, "%s:%d: the reason is longer than %zu characters", path, ln,
				 sizeof(r.why) - 1);
		else if (e)
			snprintf(err, n, "%s:%d: want QEMU SCENARIO STEP FUNCTION VIRQ QEMU REASON "
				 "(counts a number, * or +N/-N)", path, ln);
		if (e) {
			fclose(f);
			accept_free(rules);
			return -EINVAL;
		}
		p = realloc(rules->r, (rules->n + 1) * sizeof(r));
		if (!p) {
			fclose(f);
			accept_free(rules);
			return -ENOMEM;
		}
		rules->r = p;
		rules->r[rules->n++] = r;
	}
	fclose(f);
	return 0;
}

void accept_free(struct accept_rules *rules)
{
	free(rules->r);
	*rules = (struct accept_rules){ 0 };
}

void accept_step_key(const char *text, char *key, size_t n)
{
	size_t len = 0;

	for (const char *w = text; *w && len + 1 < n;) {
		size_t l = strcspn(w, " \t");

		if (memchr(w, '=', l) || !l)
			break;
		len += snprintf(key + len, n - len, "%s%.*s", len ? "-" : "", (int)l, w);
		w += l;
		w += strspn(w, " \t");
	}
	if (!len && n)
		key[0] = 0;
}

static int accept_is(const char *pat, const char *s)
{
	return !strcmp(pat, "*") || !strcmp(pat, s);
}

/* a scenario's name, "*", or names joined by ',' */
static int accept_scenario_is(const char *pat, const char *s)
{
	size_t n = strlen(s);

	if (!strcmp(pat, "*"))
		return 1;
	for (const char *p = pat; *p; p += strcspn(p, ","), p += *p == ',')
		if (strcspn(p, ",") == n && !strncmp(p, s, n))
			return 1;
	return 0;
}

const struct accept_rule *accept_match(const struct accept_rules *rules, const char *qemu_version,
				       const char *scenario, const char *step_key, const char *fn,
				       int virq, int other)
{
	for (int i = 0; i < rules->n; i++) {
		const struct accept_rule *r = &rules->r[i];

		if ((strcmp(r->qemu, "*") && strncmp(qemu_version, r->qemu, strlen(r->qemu))) ||
		    !accept_scenario_is(r->scenario, scenario) || !accept_is(r->step, step_key) ||
		    strcmp(r->fn, fn) || (r->virq >= 0 && r->virq != virq) ||
		    (r->other_rel ? other != virq + r->other : r->other >= 0 && r->other != other))
			continue;
		return r;
	}
	return NULL;
}
