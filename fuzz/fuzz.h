/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the libFuzzer targets share: an invariant check that names
 * what broke and aborts (libFuzzer saves the input as a crash), and a
 * reader that turns the input into small integers, 0 once it is used up.
 */
#ifndef VIRQ_FUZZ_H
#define VIRQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define fuzz_check(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline int fuzz_more(const struct fuzz_in *in) { return in->n > 0; }

static inline uint32_t fuzz_u(struct fuzz_in *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint32_t)*in->p << (8 * i);
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in) { return (uint8_t)fuzz_u(in, 1); }

/* 1, 2 or 4: a config access length */
static inline int fuzz_len(struct fuzz_in *in) { return 1 << (fuzz_u8(in) % 3); }

#endif /* VIRQ_FUZZ_H */
