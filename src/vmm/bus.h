/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bus.h - port I/O and MMIO dispatch for KVM_EXIT_IO / KVM_EXIT_MMIO, and
 * the per-address exit counts that scenarios `expect`.
 */
#ifndef VIRQ_BUS_H
#define VIRQ_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum bus_space { BUS_PIO, BUS_MMIO };

struct bus_ops {
	/* called on a vCPU thread; data is little-endian, size 1..8 */
	void (*write)(void *opaque, uint64_t addr, const uint8_t *data, unsigned int size);
	void (*read)(void *opaque, uint64_t addr, uint8_t *data, unsigned int size);
};

#define BUS_MAX_REGIONS	32
#define BUS_MAX_COUNTED	256

struct bus_region {
	enum bus_space space;
	uint64_t base, len;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;
};

struct bus_exit_count {
	enum bus_space space;
	uint64_t addr;
	uint64_t count;
};

struct bus {
	struct bus_region regions[BUS_MAX_REGIONS];	/* set up before vCPUs run */
	int nr_regions;
	pthread_mutex_t lock;				/* guards counts */
	struct bus_exit_count counts[BUS_MAX_COUNTED];
	int nr_counts;
	uint64_t unhandled;
};

/* bus data is little-endian: the value of its first size bytes (at most 4) */
static inline uint32_t bus_data_get(const uint8_t *data, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++)
		v |= (uint32_t)data[i] << (8 * i);
	return v;
}

/* store v in size bytes of data; bytes past the fourth read 0 */
static inline void bus_data_set(uint8_t *data, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		data[i] = i < 4 ? (uint8_t)(v >> (8 * i)) : 0;
}

void bus_init(struct bus *b);
int bus_register(struct bus *b, enum bus_space space, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *opaque, const char *name);
/* one access from a vCPU exit: counted, then handed to its region if any */
void bus_access(struct bus *b, enum bus_space space, uint64_t addr, uint8_t *data,
		unsigned int size, bool is_write);
uint64_t bus_exit_count(struct bus *b, enum bus_space space, uint64_t addr);

#endif /* VIRQ_BUS_H */
