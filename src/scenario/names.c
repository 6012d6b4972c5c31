// SPDX-License-Identifier: GPL-2.0
/*
 * names.c - the names a scenario gives its routes, ioeventfds and devices.
 * A step defines a name; later steps use it, as the step table says
 * (enum name_use). "route NAME release" and "ioeventfd NAME remove" retire
 * one, which may then be defined again; a device or a line never is. An
 * irqfd step takes a route or a line.
 */
#include <ctype.h>
#include <string.h>

#include "parse-internal.h"

static const struct {
	enum sc_kind kind;
	bool define;		/* the step defines the name */
	bool any;		/* released or removed will do */
} uses[] = {
	[N_NEW_ROUTE] = { SC_KIND_ROUTE, true, false },
	[N_ROUTE] = { SC_KIND_ROUTE, false, false },
	[N_NEW_IOEVENTFD] = { SC_KIND_IOEVENTFD, true, false },
	[N_IOEVENTFD] = { SC_KIND_IOEVENTFD, false, false },
	[N_ANY_IOEVENTFD] = { SC_KIND_IOEVENTFD, false, true },
	[N_NEW_DEVICE] = { SC_KIND_DEVICE, true, false },
	[N_DEVICE] = { SC_KIND_DEVICE, false, false },
	[N_NEW_LINE] = { SC_KIND_LINE, true, false },
	[N_LINE] = { SC_KIND_LINE, false, false },
	[N_ROUTE_OR_LINE] = { SC_KIND_ROUTE, false, false },	/* or a line: use_name */
};

static const struct { const char *what, *a, *gone; } kind_info[] = {
	[SC_KIND_ROUTE] = { "route", "a route", "released" },
	[SC_KIND_IOEVENTFD] = { "ioeventfd", "an ioeventfd", "removed" },
	[SC_KIND_DEVICE] = { "device", "a device", "released" },
	[SC_KIND_LINE] = { "line", "a line", "released" },
};

static int find_name(const struct scenario *sc, const char *s)
{
	for (int i = 0; i < sc->nr_names; i++)
		if (!strcmp(sc->names[i].name, s))
			return i;
	return -1;
}

static int check_name_syntax(struct parser *p, const char *s)
{
	size_t n = strlen(s);

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			goto bad;
	if (n > SC_NAME_LEN - 1)
		return parse_err(p, "name '%s' too long: wanted at most %d characters", s,
				 SC_NAME_LEN - 1);
	return 0;
bad:
	return parse_err(p, "bad name '%s': wanted [A-Za-z_][A-Za-z0-9_-]*", s);
}

/* idx: the name's slot if it was used before, else -1 */
static int define_name(struct parser *p, int idx, const char *s, enum sc_kind kind)
{
	struct scenario *sc = p->sc;

	if (idx >= 0 && !p->gone[idx])
		return parse_err(p, "%s '%s' already defined at line %d", kind_info[kind].what, s,
				 sc->names[idx].line);
	if (idx < 0 && sc->nr_names == SC_MAX_NAMES)
		return parse_err(p, "too many names: at most %d", SC_MAX_NAMES);
	if (idx < 0) {
		idx = sc->nr_names++;
		strcpy(sc->names[idx].name, s);	/* length checked */
		sc->names[idx].kind = kind;
	}
	sc->names[idx].line = p->line;
	p->gone[idx] = 0;
	return idx;
}

/* the index of name s in names[], used as use says; -1 on error */
static int use_name(struct parser *p, enum name_use use, const char *s)
{
	enum sc_kind kind = uses[use].kind;
	const char *what = kind_info[kind].what;
	int idx = find_name(p->sc, s);
	const struct sc_name *n = idx >= 0 ? &p->sc->names[idx] : NULL;

	if (check_name_syntax(p, s))
		return -1;
	/* an irqfd binds to a route's GSI or to a line's */
	if (use == N_ROUTE_OR_LINE && n && n->kind == SC_KIND_LINE)
		return idx;
	if (use == N_ROUTE_OR_LINE && n && n->kind != kind)
		return parse_err(p, "'%s' is %s (line %d), wanted a route or a line", s,
				 kind_info[n->kind].a, n->line);
	if (n && n->kind != kind)
		return parse_err(p, "'%s' is %s (line %d), wanted %s", s, kind_info[n->kind].a,
				 n->line, kind_info[kind].a);
	if (uses[use].define)
		return define_name(p, idx, s, kind);
	if (!n)
		return parse_err(p, "%s '%s' is not defined", what, s);
	if (p->gone[idx] && !uses[use].any)
		return parse_err(p, "%s '%s' was %s at line %d", what, s, kind_info[kind].gone,
				 p->gone[idx]);
	return idx;
}

/* dev=NAME */
int names_set_dev(struct parser *p, const char *s, struct sc_step *st)
{
	if (!*s)
		return parse_err(p, "dev has no value");
	st->dev = use_name(p, N_DEVICE, s);
	return st->dev < 0 ? -1 : 0;
}

/* the NAME word */
int names_parse(struct parser *p, const struct step_kind *k, const char *s, struct sc_step *st)
{
	st->name = use_name(p, k->use, s);
	if (st->name < 0)
		return -1;
	if (uses[k->use].kind == SC_KIND_DEVICE)
		st->dev = st->name;
	if (k->op == SC_ROUTE_RELEASE || k->op == SC_IOEVENTFD_REMOVE)
		p->gone[st->name] = p->line;
	return 0;
}
