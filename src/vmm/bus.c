// SPDX-License-Identifier: GPL-2.0
/* bus.c - PIO/MMIO dispatch by address range, exits counted per address. */
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "util.h"

void bus_init(struct bus *b)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
}

int bus_register(struct bus *b, enum bus_space space, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *opaque, const char *name)
{
	if (b->nr_regions == BUS_MAX_REGIONS)
		return -ENOSPC;
	for (int i = 0; i < b->nr_regions; i++) {
		struct bus_region *r = &b->regions[i];

		if (r->space == space && base < r->base + r->len && r->base < base + len) {
			pr_err("bus: %s at 0x%llx overlaps %s", name, (unsigned long long)base,
			       r->name);
			return -EEXIST;
		}
	}
	b->regions[b->nr_regions++] = (struct bus_region){ space, base, len, ops, opaque, name };
	return 0;
}

static void bus_count(struct bus *b, enum bus_space space, uint64_t addr)
{
	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < b->nr_counts; i++) {
		if (b->counts[i].space == space && b->counts[i].addr == addr) {
			b->counts[i].count++;
			goto out;
		}
	}
	if (b->nr_counts < BUS_MAX_COUNTED)
		b->counts[b->nr_counts++] = (struct bus_exit_count){ space, addr, 1 };
out:
	pthread_mutex_unlock(&b->lock);
}

uint64_t bus_exit_count(struct bus *b, enum bus_space space, uint64_t addr)
{
	uint64_t n = 0;

	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < b->nr_counts; i++)
		if (b->counts[i].space == space && b->counts[i].addr == addr)
			n = b->counts[i].count;
	pthread_mutex_unlock(&b->lock);
	return n;
}

void bus_access(struct bus *b, enum bus_space space, uint64_t addr, uint8_t *data,
		unsigned int size, bool is_write)
{
	bus_count(b, space, addr);
	for (int i = 0; i < b->nr_regions; i++) {
		struct bus_region *r = &b->regions[i];

		if (r->space != space || addr < r->base || addr - r->base >= r->len)
			continue;
		if (is_write && r->ops->write)
			r->ops->write(r->opaque, addr - r->base, data, size);
		else if (!is_write && r->ops->read)
			r->ops->read(r->opaque, addr - r->base, data, size);
		return;
	}
	/* unclaimed: writes are dropped, reads float high, as on a PC */
	if (!is_write)
		memset(data, 0xff, size);
	pthread_mutex_lock(&b->lock);
	b->unhandled++;
	pthread_mutex_unlock(&b->lock);
}
