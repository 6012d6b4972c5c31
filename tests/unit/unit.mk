# tests/unit/unit.mk - the cmocka unit tests. Included by the top Makefile,
# or alone: make -f tests/unit/unit.mk BUILD=/tmp/ub /tmp/ub/tests/test_parse
UNIT_SRCDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)

CC ?= gcc
CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror
BUILD ?= build

UNIT_TESTS := $(BUILD)/tests/test_parse

# SRCDIR lets the tests find scenarios/ wherever they run from
$(BUILD)/tests/test_parse: $(UNIT_SRCDIR)/tests/unit/test_parse.c \
		$(UNIT_SRCDIR)/src/scenario/parse.c $(UNIT_SRCDIR)/src/scenario/scenario.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(UNIT_SRCDIR)/src -DSRCDIR='"$(UNIT_SRCDIR)"' -o $@ \
		$(filter %.c,$^) $(LDFLAGS) -lcmocka

.PHONY: check-unit
check-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do $$t; done
