// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-parse.c - the scenario parser (src/scenario/parse.c) on any text:
 * it either fills a scenario, which scenario_free releases whole, or
 * refuses with one "FILE:LINE: message"; never both, never neither.
 * The corpus is every scenario file the tree ships (scenarios/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario sc;
	char err[512] = "";
	char *text = malloc(size + 1);
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';		/* the parser reads C strings */
	memset(&sc, 0, sizeof(sc));
	r = scenario_parse_string("f.virq", text, &sc, err, sizeof(err));
	if (r == 0) {
		fuzz_check(err[0] == '\0', "parse succeeded with an error: %s", err);
		fuzz_check(sc.nr_steps >= 0 && (sc.nr_steps == 0 || sc.steps),
			   "nr_steps %d steps %p", sc.nr_steps, (void *)sc.steps);
		fuzz_check(sc.nr_names >= 0 && sc.nr_names <= SC_MAX_NAMES, "nr_names %d",
			   sc.nr_names);
		fuzz_check(sc.vcpus >= 1, "vcpus %d after a successful parse", sc.vcpus);
		scenario_free(&sc);
	} else {
		fuzz_check(r == -1, "parse returned %d", r);
		fuzz_check(strncmp(err, "f.virq:", 7) == 0, "error without FILE:LINE: '%s'", err);
		fuzz_check(memchr(err, '\0', sizeof(err)) != NULL, "error not terminated");
	}
	free(text);
	return 0;
}
