// SPDX-License-Identifier: GPL-2.0
/*
 * test_msix.c - MSI-X (src/hw/pci/msix.c) against QEMU's hw/pci/msix.c,
 * driven only through what the guest and the device model see: Message
 * Control writes through pci_config_write, table and PBA accesses, and
 * msix_notify. No VM: dev->msi_send and the vector notifiers are fakes
 * that log every call, in order, so a test can say exactly which
 * notifier fired, with which message, and before or after which send.
 *
 * The device: 4 vectors, table in BAR 1 at 0, PBA in BAR 1 at 0x800.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hw/pci/msix.h"

#define NVEC		4
#define MSIX_BAR	1
#define PBA_OFFSET	0x800
#define CTRL_ENABLE	PCI_MSIX_FLAGS_ENABLE	/* Message Control bit 15 */
#define CTRL_MASKALL	PCI_MSIX_FLAGS_MASKALL	/* Message Control bit 14 */

/* each vector's message as the test guest programs it */
#define MSG_ADDR(v)	(0xfee00000u | (unsigned int)(v) << 12)	/* dest APIC id v */
#define MSG_DATA(v)	(0x4040u + (unsigned int)(v))

/* compare as integers, saying "wanted X, got Y" */
#define want_int(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) \
		fail_msg("%s: wanted %lld (%#llx), got %lld (%#llx)", #got, w_, \
			 (unsigned long long)w_, g_, (unsigned long long)g_); \
} while (0)

/* the fakes' log: every notifier call and every message sent, in order */
enum ev_kind { EV_USE, EV_RELEASE, EV_POLL, EV_SEND };

static const char *const ev_names[] = {
	[EV_USE] = "use", [EV_RELEASE] = "release", [EV_POLL] = "poll", [EV_SEND] = "send",
};

struct ev {
	enum ev_kind kind;
	unsigned int vector;		/* use, release; poll: vector_start */
	unsigned int end;		/* poll: vector_end */
	uint64_t address;		/* use, send */
	uint32_t data;			/* use, send */
};

static struct {
	struct ev ev[64];
	unsigned int n;
	int use_fail_vector;		/* use returns use_err for it; -1 = never */
	int use_err;
	int poll_sets_pending;		/* poll sets this vector's PBA bit; -1 = none */
} rec;

static struct ev *rec_add(enum ev_kind kind)
{
	struct ev *e;

	if (rec.n >= sizeof(rec.ev) / sizeof(rec.ev[0]))
		fail_msg("event log full: wanted at most %zu events",
			 sizeof(rec.ev) / sizeof(rec.ev[0]));
	e = &rec.ev[rec.n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

static void rec_clear(void)
{
	rec.n = 0;
}

static int fake_send(PCIDevice *dev, MSIMessage msg)
{
	struct ev *e = rec_add(EV_SEND);

	(void)dev;
	e->address = msg.address;
	e->data = msg.data;
	return 0;
}

static int fake_use(PCIDevice *dev, unsigned int vector, MSIMessage msg)
{
	struct ev *e = rec_add(EV_USE);

	(void)dev;
	e->vector = vector;
	e->address = msg.address;
	e->data = msg.data;
	return (int)vector == rec.use_fail_vector ? rec.use_err : 0;
}

static void fake_release(PCIDevice *dev, unsigned int vector)
{
	(void)dev;
	rec_add(EV_RELEASE)->vector = vector;
}

static void fake_poll(PCIDevice *dev, unsigned int vector_start, unsigned int vector_end)
{
	struct ev *e = rec_add(EV_POLL);

	e->vector = vector_start;
	e->end = vector_end;
	/* as a device whose masked irqfd fired: the poll reports it pending */
	if (rec.poll_sets_pending >= 0)
		msix_set_pending(dev, (unsigned int)rec.poll_sets_pending);
}

/* a device's own accounting (dev->vector_stats), as virtio and vfio have */
static void fake_vector_stats(PCIDevice *dev, unsigned int vector, struct msix_vector_stats *st)
{
	(void)dev; (void)vector;
	*st = (struct msix_vector_stats){ .gsi = -1, .host_irq = -1, .path = "fake", .raised = 7 };
}

/* the log holds exactly n events */
static void want_events(unsigned int n)
{
	if (rec.n != n) {
		for (unsigned int i = 0; i < rec.n; i++)
			print_message("  event %u: %s vector=%u\n", i, ev_names[rec.ev[i].kind],
				      rec.ev[i].vector);
		fail_msg("events: wanted %u, got %u", n, rec.n);
	}
}

static void want_event(unsigned int i, enum ev_kind kind, unsigned int vector)
{
	if (i >= rec.n)
		fail_msg("event %u: wanted %s of vector %u, got none (%u events)", i,
			 ev_names[kind], vector, rec.n);
	assert_string_equal(ev_names[rec.ev[i].kind], ev_names[kind]);
	if (kind != EV_SEND)
		want_int(rec.ev[i].vector, vector);
}

/* use or send of vector's message as programmed by program_vector() */
static void want_msg_event(unsigned int i, enum ev_kind kind, unsigned int vector)
{
	want_event(i, kind, vector);
	want_int(rec.ev[i].address, MSG_ADDR(vector));
	want_int(rec.ev[i].data, MSG_DATA(vector));
}

static void want_poll(unsigned int i, unsigned int start, unsigned int end)
{
	want_event(i, EV_POLL, start);
	want_int(rec.ev[i].end, end);
}

/* the guest's side */

static void write_control(PCIDevice *dev, uint16_t flags)
{
	pci_config_write(dev, dev->msix_cap + PCI_MSIX_FLAGS, flags, 2);
}

static uint16_t read_control(PCIDevice *dev)
{
	return (uint16_t)pci_config_read(dev, dev->msix_cap + PCI_MSIX_FLAGS, 2);
}

static void table_write(PCIDevice *dev, unsigned int vector, unsigned int reg, uint32_t val)
{
	msix_table_mmio_write(dev, vector * PCI_MSIX_ENTRY_SIZE + reg, val, 4);
}

static uint32_t table_read(PCIDevice *dev, unsigned int vector, unsigned int reg)
{
	return msix_table_mmio_read(dev, vector * PCI_MSIX_ENTRY_SIZE + reg, 4);
}

static void program_vector(PCIDevice *dev, unsigned int vector)
{
	table_write(dev, vector, PCI_MSIX_ENTRY_LOWER_ADDR, MSG_ADDR(vector));
	table_write(dev, vector, PCI_MSIX_ENTRY_UPPER_ADDR, 0);
	table_write(dev, vector, PCI_MSIX_ENTRY_DATA, MSG_DATA(vector));
}

static void mask_vector(PCIDevice *dev, unsigned int vector, bool mask)
{
	table_write(dev, vector, PCI_MSIX_ENTRY_VECTOR_CTRL, mask ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
}

/* the PBA as a 4-byte read at 0 sees it: bit v = vector v pending */
static uint32_t pba_read(PCIDevice *dev)
{
	return msix_pba_mmio_read(dev, 0, 4);
}

/* fixtures */

static PCIDevice *new_device(void)
{
	PCIDevice *dev = calloc(1, sizeof(*dev));

	assert_non_null(dev);
	pci_device_init(dev, "msix0", "test-msix", 0x1af4, 0x10f0, 0xff000000);
	return dev;
}

/* 4 vectors, each programmed while masked and disabled; no notifiers */
static int setup_bare(void **state)
{
	PCIDevice *dev = new_device();

	memset(&rec, 0, sizeof(rec));
	rec.use_fail_vector = -1;
	rec.poll_sets_pending = -1;
	assert_int_equal(msix_init(dev, NVEC, MSIX_BAR, 0, MSIX_BAR, PBA_OFFSET, 0), 0);
	dev->msi_send = fake_send;
	for (unsigned int v = 0; v < NVEC; v++) {
		program_vector(dev, v);
		/* a device that declares every vector used, as QEMU lets devices do */
		msix_vector_use(dev, v);
	}
	*state = dev;
	return 0;
}

/* setup_bare, then the fake notifiers installed and the log cleared */
static int setup(void **state)
{
	PCIDevice *dev;

	setup_bare(state);
	dev = *state;
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll), 0);
	rec_clear();
	return 0;
}

static int teardown(void **state)
{
	PCIDevice *dev = *state;

	msix_uninit(dev);
	free(dev);
	return 0;
}

/* enabled, function unmasked, the vectors in unmask_bits unmasked; log cleared */
static void enable_with(PCIDevice *dev, unsigned int unmask_bits)
{
	write_control(dev, CTRL_ENABLE);
	for (unsigned int v = 0; v < NVEC; v++)
		if (unmask_bits & 1u << v)
			mask_vector(dev, v, false);
	rec_clear();
}

/*
 * QEMU's msix_init: the capability with Table Size N-1, BIR/offset for
 * table and PBA, msix_mask_all (every Mask bit set), function disabled and
 * msix_function_masked = true, PBA clear.
 */
static void test_msix_init_masks_every_vector_and_disables_function(void **state)
{
	PCIDevice *dev = *state;
	uint8_t cap = dev->msix_cap;

	assert_true(cap >= PCI_STD_HEADER_SIZEOF);
	want_int(dev->config[PCI_CAPABILITY_LIST], cap);
	want_int(dev->config[cap + PCI_CAP_LIST_ID], PCI_CAP_ID_MSIX);
	want_int(pci_config_read(dev, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
	want_int(read_control(dev), NVEC - 1);
	want_int(pci_config_read(dev, cap + PCI_MSIX_TABLE, 4), 0 | MSIX_BAR);
	want_int(pci_config_read(dev, cap + PCI_MSIX_PBA, 4), PBA_OFFSET | MSIX_BAR);
	assert_false(msix_enabled(dev));
	assert_true(dev->msix_function_masked);
	for (unsigned int v = 0; v < NVEC; v++) {
		want_int(table_read(dev, v, PCI_MSIX_ENTRY_VECTOR_CTRL), PCI_MSIX_ENTRY_CTRL_MASKBIT);
		assert_true(msix_is_masked(dev, v));
		assert_false(msix_is_pending(dev, v));
	}
	want_int(pba_read(dev), 0);
	want_poll(0, 0, NVEC);	/* the read polled; nothing else happened */
	want_events(1);
}

/* QEMU: Table Size is read-only; only Enable and Function Mask take writes (wmask) */
static void test_msix_control_table_size_is_read_only(void **state)
{
	PCIDevice *dev = *state;

	write_control(dev, 0x07ff);
	want_int(read_control(dev), NVEC - 1);
	write_control(dev, 0xffff);
	want_int(read_control(dev), CTRL_ENABLE | CTRL_MASKALL | (NVEC - 1));
	assert_true(msix_enabled(dev));
	assert_true(dev->msix_function_masked);
	want_events(0);		/* enabled straight into function-masked: no flip */
}

/*
 * QEMU's msix_notify: msix_function_masked is true while disabled, so the
 * vector counts as masked: the PBA bit is set and nothing is sent, even
 * with the vector's own Mask bit clear.
 */
static void test_msix_notify_while_disabled_sets_pba_and_sends_nothing(void **state)
{
	PCIDevice *dev = *state;

	mask_vector(dev, 1, false);	/* own bit clear, function still disabled */
	want_events(0);
	msix_notify(dev, 0);
	msix_notify(dev, 1);
	want_events(0);
	assert_true(msix_is_pending(dev, 0));
	assert_true(msix_is_pending(dev, 1));
	want_int(dev->msix_stats[0].pended, 1);
	want_int(dev->msix_stats[1].pended, 1);
	want_int(dev->msix_stats[1].sent, 0);
	want_int(pba_read(dev), 0x3);
}

/*
 * QEMU's msix_write_config: enabling flips msix_function_masked, then
 * msix_handle_mask_update per vector sees each still masked by its own
 * bit: no use notifier.
 */
static void test_msix_enable_with_vectors_masked_fires_no_use(void **state)
{
	PCIDevice *dev = *state;

	write_control(dev, CTRL_ENABLE);
	assert_true(msix_enabled(dev));
	assert_false(dev->msix_function_masked);
	for (unsigned int v = 0; v < NVEC; v++)
		assert_true(msix_is_masked(dev, v));
	want_events(0);
}

/*
 * QEMU's msix_table_mmio_write + msix_handle_mask_update: clearing the Mask
 * bit fires use once with the entry's message; clearing it again finds
 * is_masked == was_masked and returns: re-unmask is a no-op.
 */
static void test_msix_unmask_fires_use_once_and_reunmask_is_noop(void **state)
{
	PCIDevice *dev = *state;

	write_control(dev, CTRL_ENABLE);
	mask_vector(dev, 2, false);
	want_msg_event(0, EV_USE, 2);
	want_events(1);
	assert_false(msix_is_masked(dev, 2));

	rec_clear();
	mask_vector(dev, 2, false);
	want_events(0);		/* no use, no send */
	want_int(dev->msix_stats[2].sent, 0);
}

/* QEMU: setting the Mask bit fires release once; setting it again, nothing */
static void test_msix_mask_fires_release_once_and_remask_is_noop(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 3);
	mask_vector(dev, 3, true);
	want_event(0, EV_RELEASE, 3);
	want_events(1);
	assert_true(msix_is_masked(dev, 3));

	rec_clear();
	mask_vector(dev, 3, true);
	want_events(0);
}

/*
 * QEMU: Message Address/Data writes go through msix_handle_mask_update too,
 * but the mask did not flip, so no notifier fires, masked or unmasked,
 * enabled or not. The next send reads the entry as it is then.
 */
static void test_msix_address_data_writes_never_fire_notifiers(void **state)
{
	PCIDevice *dev = *state;

	/* disabled */
	table_write(dev, 0, PCI_MSIX_ENTRY_DATA, 0x1234);
	/* enabled, vector 0 unmasked, vector 1 masked */
	enable_with(dev, 1u << 0);
	table_write(dev, 0, PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee0f000);
	table_write(dev, 0, PCI_MSIX_ENTRY_UPPER_ADDR, 0);
	table_write(dev, 0, PCI_MSIX_ENTRY_DATA, 0x4099);
	table_write(dev, 1, PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee0e000);
	table_write(dev, 1, PCI_MSIX_ENTRY_DATA, 0x4098);
	want_events(0);

	msix_notify(dev, 0);
	want_event(0, EV_SEND, 0);
	want_int(rec.ev[0].address, 0xfee0f000);
	want_int(rec.ev[0].data, 0x4099);
	want_events(1);
}

/*
 * QEMU's msix_notify on an unmasked vector: msix_get_message (Upper
 * Address << 32 | Lower Address, Data) sent once, PBA untouched.
 */
static void test_msix_notify_unmasked_sends_current_message_once(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 1);
	msix_notify(dev, 1);
	want_msg_event(0, EV_SEND, 1);
	want_events(1);
	want_int(dev->msix_stats[1].sent, 1);
	want_int(dev->msix_stats[1].pended, 0);
	want_int(pba_read(dev) & 0x2, 0);

	/* a 64-bit address: the upper dword is the high half */
	table_write(dev, 1, PCI_MSIX_ENTRY_UPPER_ADDR, 0x1);
	rec_clear();
	msix_notify(dev, 1);
	want_event(0, EV_SEND, 1);
	want_int(rec.ev[0].address, 0x100000000ull | MSG_ADDR(1));
	want_events(1);
}

/*
 * QEMU's msix_notify on a masked vector sets the PBA bit (a second notify
 * leaves it set: edges coalesce); msix_handle_mask_update on unmask fires
 * use, then msix_clr_pending + msix_notify: exactly one message, after use.
 */
static void test_msix_unmask_replays_pending_once(void **state)
{
	PCIDevice *dev = *state;

	write_control(dev, CTRL_ENABLE);
	msix_notify(dev, 2);
	want_events(0);
	assert_true(msix_is_pending(dev, 2));
	msix_notify(dev, 2);
	want_events(0);
	assert_true(msix_is_pending(dev, 2));
	want_int(dev->msix_stats[2].pended, 1);
	want_int(dev->msix_stats[2].coalesced, 1);

	mask_vector(dev, 2, false);
	want_msg_event(0, EV_USE, 2);
	want_msg_event(1, EV_SEND, 2);		/* use before send */
	want_events(2);
	assert_false(msix_is_pending(dev, 2));
	want_int(dev->msix_stats[2].replayed, 1);
	want_int(dev->msix_stats[2].sent, 1);

	/* the bit was consumed: mask and unmask again replay nothing */
	rec_clear();
	mask_vector(dev, 2, true);
	mask_vector(dev, 2, false);
	want_event(0, EV_RELEASE, 2);
	want_event(1, EV_USE, 2);
	want_events(2);
	want_int(dev->msix_stats[2].replayed, 1);
	want_int(dev->msix_stats[2].sent, 1);
}

/*
 * A use notifier that fails (the kernel refused the device's irqfd or
 * commit): QEMU's msix_fire_vector_notifier asserts. virq counts it on the
 * vector, where the runner shows it and fails the scenario, and the
 * pending bit still goes out through msix_notify, the userspace path: the
 * guest's unmask stands, whatever the device could not set up.
 */
static void test_msix_use_failure_is_counted_and_pending_still_sent(void **state)
{
	PCIDevice *dev = *state;
	struct msix_vector_stats st;

	write_control(dev, CTRL_ENABLE);
	msix_notify(dev, 2);
	rec.use_fail_vector = 2;
	rec.use_err = -EINVAL;
	mask_vector(dev, 2, false);
	want_msg_event(0, EV_USE, 2);
	want_msg_event(1, EV_SEND, 2);
	want_events(2);
	msix_vector_stats(dev, 2, &st);
	want_int(st.notifier_errors, 1);
	msix_vector_stats(dev, 1, &st);
	want_int(st.notifier_errors, 0);
	/* a device with its own accounting gets the count too */
	dev->vector_stats = fake_vector_stats;
	msix_vector_stats(dev, 2, &st);
	want_int(st.notifier_errors, 1);
	want_int(st.raised, 7);
}

/* QEMU: with no notifiers installed, unmask still replays the pending bit */
static void test_msix_unmask_without_notifiers_replays_pending(void **state)
{
	PCIDevice *dev = *state;

	write_control(dev, CTRL_ENABLE);
	msix_notify(dev, 0);
	want_events(0);
	mask_vector(dev, 0, false);
	want_msg_event(0, EV_SEND, 0);
	want_events(1);
	assert_false(msix_is_pending(dev, 0));
	want_int(dev->msix_stats[0].replayed, 1);
}

/*
 * QEMU's msix_write_config: Function Mask set on an enabled function fires
 * release for each vector whose effective mask flipped (the unmasked
 * ones), in vector order; notifies then pend; Function Mask cleared fires
 * use for each, each followed at once by the replay of its pending bit.
 * A vector masked by its own bit neither releases nor uses, and keeps its
 * pending bit.
 */
static void test_msix_function_mask_releases_and_unmask_uses_then_replays(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 0 | 1u << 1 | 1u << 3);	/* vector 2 masked */
	write_control(dev, CTRL_ENABLE | CTRL_MASKALL);
	assert_true(dev->msix_function_masked);
	want_event(0, EV_RELEASE, 0);
	want_event(1, EV_RELEASE, 1);
	want_event(2, EV_RELEASE, 3);
	want_events(3);

	rec_clear();
	msix_notify(dev, 0);
	msix_notify(dev, 2);
	msix_notify(dev, 3);
	want_events(0);
	want_int(pba_read(dev), 0xd);
	rec_clear();

	write_control(dev, CTRL_ENABLE);
	assert_false(dev->msix_function_masked);
	want_msg_event(0, EV_USE, 0);
	want_msg_event(1, EV_SEND, 0);
	want_msg_event(2, EV_USE, 1);
	want_msg_event(3, EV_USE, 3);
	want_msg_event(4, EV_SEND, 3);
	want_events(5);
	want_int(pba_read(dev), 0x4);	/* vector 2 still masked by its own bit */
	want_int(dev->msix_stats[0].replayed, 1);
	want_int(dev->msix_stats[3].replayed, 1);
	want_int(dev->msix_stats[2].replayed, 0);
}

/*
 * QEMU's msix_write_config acts only when the byte holding Enable and
 * Function Mask is in the written range (range_covers_byte): a 1-byte
 * write there or a dword write of the whole capability header both count;
 * a write of the Table Size byte alone does nothing.
 */
static void test_msix_control_byte_write_of_any_width_is_seen(void **state)
{
	PCIDevice *dev = *state;
	uint8_t cap = dev->msix_cap;

	mask_vector(dev, 0, false);	/* disabled: no use yet */
	want_events(0);
	pci_config_write(dev, cap + PCI_MSIX_FLAGS + 1, CTRL_ENABLE >> 8, 1);
	want_msg_event(0, EV_USE, 0);
	want_events(1);

	rec_clear();
	pci_config_write(dev, cap, (uint32_t)(CTRL_ENABLE | CTRL_MASKALL) << 16, 4);
	want_event(0, EV_RELEASE, 0);
	want_events(1);

	rec_clear();
	pci_config_write(dev, cap + PCI_MSIX_FLAGS, 0, 1);	/* Table Size byte only */
	want_events(0);
	assert_true(dev->msix_function_masked);
}

/*
 * QEMU's msix_write_config returns as soon as the function is disabled,
 * before the per-vector loop: Enable 1 -> 0 fires no release, even for
 * unmasked vectors (a quirk; users must not rely on release at disable).
 * Notifies then pend; Enable 0 -> 1 fires use again (with no release in
 * between) and replays.
 */
static void test_msix_disable_fires_no_release(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 1);
	write_control(dev, 0);
	assert_false(msix_enabled(dev));
	assert_true(msix_is_masked(dev, 1));
	want_events(0);

	msix_notify(dev, 1);
	want_events(0);
	assert_true(msix_is_pending(dev, 1));

	write_control(dev, CTRL_ENABLE);
	want_msg_event(0, EV_USE, 1);
	want_msg_event(1, EV_SEND, 1);
	want_events(2);
	assert_false(msix_is_pending(dev, 1));
}

/* QEMU: disabling a function-masked function, or masking a disabled one, fires nothing */
static void test_msix_disable_or_mask_while_masked_fires_nothing(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 0);
	write_control(dev, CTRL_ENABLE | CTRL_MASKALL);
	rec_clear();
	write_control(dev, CTRL_MASKALL);	/* disable while function-masked */
	write_control(dev, 0);
	write_control(dev, CTRL_MASKALL);
	want_events(0);
	write_control(dev, CTRL_ENABLE | CTRL_MASKALL);	/* enable straight into mask-all */
	want_events(0);
	write_control(dev, CTRL_ENABLE);
	want_msg_event(0, EV_USE, 0);
	want_events(1);
}

/*
 * QEMU's msix_pba_mmio_read: the poll notifier first, with vectors
 * addr * 8 to MIN((addr + size) * 8, nentries), then the PBA is read, so
 * what the poll set pending shows in the same read.
 */
static void test_msix_pba_read_polls_vector_range_first(void **state)
{
	PCIDevice *dev = *state;

	rec.poll_sets_pending = 3;
	want_int(msix_pba_mmio_read(dev, 0, 4), 0x8);
	want_poll(0, 0, NVEC);
	want_events(1);

	rec_clear();
	rec.poll_sets_pending = -1;
	want_int(msix_pba_mmio_read(dev, 0, 1), 0x8);
	want_poll(0, 0, NVEC);	/* MIN(8, 4) */
	want_events(1);
}

/*
 * QEMU's msix_pba_mmio_read polls vectors addr * 8 to
 * MIN((addr + size) * 8, nentries) (the form since QEMU fixed its old
 * MIN(addr + size * 8, ...)): with 72 vectors the PBA is two qwords, and
 * each read polls just the vectors whose bits it returns.
 */
static void test_msix_pba_read_polls_only_the_vectors_it_covers(void **state)
{
	PCIDevice *dev = new_device();

	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.poll_sets_pending = -1;
	assert_int_equal(msix_init(dev, 72, MSIX_BAR, 0, MSIX_BAR, 0x800, 0), 0);
	dev->msi_send = fake_send;
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll), 0);
	rec_clear();

	msix_vector_use(dev, 65);
	msix_notify(dev, 65);		/* disabled: pends */
	want_int(msix_pba_mmio_read(dev, 0, 1), 0);
	want_poll(0, 0, 8);
	want_int(msix_pba_mmio_read(dev, 4, 4), 0);
	want_poll(1, 32, 64);
	want_int(msix_pba_mmio_read(dev, 8, 4), 0x2);
	want_poll(2, 64, 72);
	want_int(msix_pba_mmio_read(dev, 12, 4), 0);	/* the PBA's unused tail */
	want_events(4);
	msix_unset_vector_notifiers(dev);
	msix_uninit(dev);
	free(dev);
}

/* QEMU's msix_pba_mmio_write is empty: the PBA is read-only */
static void test_msix_pba_writes_are_ignored(void **state)
{
	PCIDevice *dev = *state;

	msix_notify(dev, 1);
	msix_pba_mmio_write(dev, 0, 0, 4);
	assert_true(msix_is_pending(dev, 1));
	msix_pba_mmio_write(dev, 0, 0xffffffff, 4);
	assert_false(msix_is_pending(dev, 0));
	assert_false(msix_is_pending(dev, 2));
	want_int(pba_read(dev), 0x2);
	want_events(1);		/* the poll of that read */
}

/*
 * QEMU's msix_table_mmio_ops take aligned dword accesses only (valid
 * min_access_size 4): byte and word accesses, misaligned dwords and
 * accesses past the last entry change nothing and read 0. Not pinned here:
 * aligned qwords, which QEMU takes (valid.max_access_size 8) and splits
 * into two dwords (impl.max_access_size 4); msix_table_mmio_write takes a
 * 32-bit value, so a qword must be split by the BAR's caller.
 */
static void test_msix_table_access_other_than_aligned_dword_is_ignored(void **state)
{
	PCIDevice *dev = *state;
	uint64_t ctrl0 = PCI_MSIX_ENTRY_VECTOR_CTRL;

	write_control(dev, CTRL_ENABLE);
	msix_table_mmio_write(dev, ctrl0, 0, 1);
	msix_table_mmio_write(dev, ctrl0, 0, 2);
	assert_true(msix_is_masked(dev, 0));
	msix_table_mmio_write(dev, PCI_MSIX_ENTRY_DATA, 0xffff, 2);
	msix_table_mmio_write(dev, PCI_MSIX_ENTRY_DATA + 1, 0xffffffff, 4);
	want_int(table_read(dev, 0, PCI_MSIX_ENTRY_DATA), MSG_DATA(0));
	msix_table_mmio_write(dev, NVEC * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	want_events(0);

	want_int(msix_table_mmio_read(dev, ctrl0, 1), 0);
	want_int(msix_table_mmio_read(dev, ctrl0, 2), 0);
	want_int(msix_table_mmio_read(dev, PCI_MSIX_ENTRY_DATA + 2, 4), 0);
	want_int(msix_table_mmio_read(dev, NVEC * PCI_MSIX_ENTRY_SIZE, 4), 0);
	want_int(table_read(dev, 0, PCI_MSIX_ENTRY_VECTOR_CTRL), PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/* QEMU's msix_table_mmio_read: the entry's dwords as the guest wrote them */
static void test_msix_table_reads_back_entry(void **state)
{
	PCIDevice *dev = *state;

	for (unsigned int v = 0; v < NVEC; v++) {
		want_int(table_read(dev, v, PCI_MSIX_ENTRY_LOWER_ADDR), MSG_ADDR(v));
		want_int(table_read(dev, v, PCI_MSIX_ENTRY_UPPER_ADDR), 0);
		want_int(table_read(dev, v, PCI_MSIX_ENTRY_DATA), MSG_DATA(v));
	}
	mask_vector(dev, 1, false);
	want_int(table_read(dev, 1, PCI_MSIX_ENTRY_VECTOR_CTRL), 0);
	want_events(0);
}

/* QEMU asserts vector < nentries in msix_notify; virq ignores it: nothing happens */
static void test_msix_notify_out_of_range_vector_does_nothing(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 0xf);
	msix_notify(dev, NVEC);
	msix_notify(dev, ~0u);
	want_events(0);
	want_int(pba_read(dev), 0);
}

/*
 * QEMU's msix_set_vector_notifiers: when Enable is set and Function Mask
 * clear, use for every vector unmasked now, in order; then poll over all
 * vectors; returns 0.
 */
static void test_msix_set_notifiers_replays_use_for_unmasked_vectors(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 0 | 1u << 2);
	want_events(0);		/* no notifiers yet */
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll), 0);
	want_msg_event(0, EV_USE, 0);
	want_msg_event(1, EV_USE, 2);
	want_poll(2, 0, NVEC);
	want_events(3);
}

/* QEMU: disabled or function-masked, msix_set_vector_notifiers fires no use (only the poll) */
static void test_msix_set_notifiers_when_disabled_or_masked_fires_no_use(void **state)
{
	PCIDevice *dev = *state;

	mask_vector(dev, 0, false);	/* unmasked by its own bit, function disabled */
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll), 0);
	want_poll(0, 0, NVEC);
	want_events(1);
	msix_unset_vector_notifiers(dev);
	want_events(1);

	rec_clear();
	write_control(dev, CTRL_ENABLE | CTRL_MASKALL);
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll), 0);
	want_poll(0, 0, NVEC);
	want_events(1);
	msix_unset_vector_notifiers(dev);
	want_events(1);
}

/*
 * QEMU's msix_set_vector_notifiers undo path: use fails on vector 2, so
 * release 1 then 0 (those used, in reverse), no poll, notifiers unset,
 * the error returned. Later mask flips fire nothing.
 */
static void test_msix_set_notifiers_use_failure_releases_used_in_reverse(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 0xf);
	rec.use_fail_vector = 2;
	rec.use_err = -EBUSY;
	assert_int_equal(msix_set_vector_notifiers(dev, fake_use, fake_release, fake_poll),
			 -EBUSY);
	want_event(0, EV_USE, 0);
	want_event(1, EV_USE, 1);
	want_event(2, EV_USE, 2);
	want_event(3, EV_RELEASE, 1);
	want_event(4, EV_RELEASE, 0);
	want_events(5);
	/* the failure is counted on the vector that failed, as at an unmask */
	want_int(dev->msix_stats[2].notifier_errors, 1);
	want_int(dev->msix_stats[1].notifier_errors, 0);
	assert_null(dev->msix_vector_use_notifier);
	assert_null(dev->msix_vector_release_notifier);
	assert_null(dev->msix_vector_poll_notifier);

	rec_clear();
	mask_vector(dev, 0, true);
	mask_vector(dev, 0, false);
	want_events(0);
}

/*
 * QEMU's msix_unset_vector_notifiers: when enabled and not function-masked,
 * release every unmasked vector, in order; then the notifiers are gone.
 */
static void test_msix_unset_notifiers_releases_unmasked_vectors(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 0 | 1u << 3);
	msix_unset_vector_notifiers(dev);
	want_event(0, EV_RELEASE, 0);
	want_event(1, EV_RELEASE, 3);
	want_events(2);
	assert_null(dev->msix_vector_use_notifier);
	assert_null(dev->msix_vector_release_notifier);
	assert_null(dev->msix_vector_poll_notifier);

	rec_clear();
	mask_vector(dev, 0, true);
	mask_vector(dev, 1, false);
	want_int(pba_read(dev), 0);
	want_events(0);		/* no use, no release, no poll */
}

/* QEMU's msix_unset_vector_notifiers: function-masked, nothing to release */
static void test_msix_unset_notifiers_when_function_masked_releases_nothing(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 0);
	write_control(dev, CTRL_ENABLE | CTRL_MASKALL);
	rec_clear();
	msix_unset_vector_notifiers(dev);
	want_events(0);
}

/* QEMU's msix_init: nentries < 1 or > PCI_MSIX_FLAGS_QSIZE + 1 is -EINVAL */
static void test_msix_init_rejects_zero_and_too_many_vectors(void **state)
{
	PCIDevice *dev = new_device();

	(void)state;
	assert_int_equal(msix_init(dev, 0, MSIX_BAR, 0, MSIX_BAR, PBA_OFFSET, 0), -EINVAL);
	assert_int_equal(msix_init(dev, PCI_MSIX_FLAGS_QSIZE + 2, MSIX_BAR, 0, MSIX_BAR,
				   PBA_OFFSET, 0), -EINVAL);
	want_int(dev->msix_cap, 0);
	want_int(dev->config[PCI_CAPABILITY_LIST], 0);
	/* the largest table is fine */
	assert_int_equal(msix_init(dev, PCI_MSIX_FLAGS_QSIZE + 1, MSIX_BAR, 0, 2, 0, 0), 0);
	want_int(read_control(dev), PCI_MSIX_FLAGS_QSIZE);
	msix_uninit(dev);
	free(dev);
}

/*
 * QEMU's msix_init sanity test returns -EINVAL when the table and the PBA
 * overlap in one BAR, or when an offset has any of the BIR bits (2:0) set
 * ("table & pba overlap, or they don't fit in BARs, or don't align"):
 * otherwise a table offset of 4 ORed into the BIR reads as BIR 5.
 */
static void test_msix_init_rejects_overlapping_or_misaligned_table_and_pba(void **state)
{
	PCIDevice *dev = new_device();
	uint32_t table_reg = 0;
	int r_overlap, r_misaligned;

	(void)state;
	/* 4 entries are 64 bytes at 0: a PBA at 0x20 is inside the table */
	r_overlap = msix_init(dev, NVEC, MSIX_BAR, 0, MSIX_BAR, 0x20, 0);
	msix_uninit(dev);
	free(dev);

	dev = new_device();
	r_misaligned = msix_init(dev, NVEC, MSIX_BAR, 0x4, MSIX_BAR, PBA_OFFSET, 0);
	if (!r_misaligned)
		table_reg = pci_config_read(dev, dev->msix_cap + PCI_MSIX_TABLE, 4);
	msix_uninit(dev);
	free(dev);

	if (r_overlap != -EINVAL || r_misaligned != -EINVAL)
		fail_msg("msix_init: wanted -EINVAL (%d) for a PBA inside the table and for "
			 "table offset 0x4, got %d and %d (Table BIR/offset register %#x: "
			 "BIR %u, wanted BAR %d)", -EINVAL, r_overlap, r_misaligned,
			 table_reg, table_reg & PCI_MSIX_TABLE_BIR, MSIX_BAR);
}


/*
 * QEMU 11.1 msix_notify returns first thing for a vector whose
 * msix_entry_used count is 0 (msix_vector_use never called, or unused
 * again): no message and no PBA bit, masked or not. virq counts it
 * dropped: the device raised it and nothing will ever deliver it.
 */
static void test_msix_notify_unused_vector_sends_nothing_and_sets_no_pba(void **state)
{
	PCIDevice *dev = *state;

	enable_with(dev, 1u << 2);
	msix_vector_unuse(dev, 2);
	msix_vector_unuse(dev, 3);
	msix_notify(dev, 2);		/* unmasked */
	msix_notify(dev, 3);		/* masked */
	want_events(0);
	assert_false(msix_is_pending(dev, 2));
	assert_false(msix_is_pending(dev, 3));
	want_int(dev->msix_stats[2].unused, 1);
	want_int(dev->msix_stats[3].unused, 1);
	want_int(dev->msix_stats[2].sent, 0);
	want_int(dev->msix_stats[3].pended, 0);
	/* used again: delivered as usual */
	msix_vector_use(dev, 2);
	msix_notify(dev, 2);
	want_msg_event(0, EV_SEND, 2);
	want_events(1);
}

/*
 * QEMU 11.1 msix_vector_use/unuse count users; the last unuse clears the
 * vector's pending bit (msix_clr_pending), an unuse at 0 does nothing.
 */
static void test_msix_vector_unuse_clears_pending_at_the_last_user(void **state)
{
	PCIDevice *dev = *state;

	msix_vector_use(dev, 1);	/* two users now */
	write_control(dev, CTRL_ENABLE);
	msix_notify(dev, 1);		/* masked: pends */
	assert_true(msix_is_pending(dev, 1));
	msix_vector_unuse(dev, 1);
	assert_true(msix_is_pending(dev, 1));
	msix_vector_unuse(dev, 1);
	assert_false(msix_is_pending(dev, 1));
	want_int(dev->msix_stats[1].cleared, 1);
	msix_vector_unuse(dev, 1);	/* already 0 */
	want_int(dev->msix_entry_used[1], 0);
	msix_notify(dev, 1);
	assert_false(msix_is_pending(dev, 1));
	want_int(dev->msix_stats[1].unused, 1);
	want_events(0);
}

/*
 * QEMU 11.1 msix_unuse_all_vectors (msix_free_irq_entries): every count to
 * 0 and every pending bit cleared, as virtio-pci's reset does.
 */
static void test_msix_unuse_all_vectors_clears_counts_and_pending(void **state)
{
	PCIDevice *dev = *state;

	msix_vector_use(dev, 0);
	msix_notify(dev, 0);		/* disabled: pends */
	msix_notify(dev, 3);
	want_int(pba_read(dev), 0x9);
	msix_unuse_all_vectors(dev);
	want_int(pba_read(dev), 0);
	for (unsigned int v = 0; v < NVEC; v++)
		want_int(dev->msix_entry_used[v], 0);
	want_int(dev->msix_stats[0].cleared, 1);
	want_int(dev->msix_stats[3].cleared, 1);
	rec_clear();
	write_control(dev, CTRL_ENABLE);
	mask_vector(dev, 0, false);	/* use, but nothing to replay */
	want_msg_event(0, EV_USE, 0);
	want_events(1);
}

#define T(fn)		cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_BARE(fn)	cmocka_unit_test_setup_teardown(fn, setup_bare, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_msix_init_masks_every_vector_and_disables_function),
		T(test_msix_control_table_size_is_read_only),
		T(test_msix_notify_while_disabled_sets_pba_and_sends_nothing),
		T(test_msix_enable_with_vectors_masked_fires_no_use),
		T(test_msix_unmask_fires_use_once_and_reunmask_is_noop),
		T(test_msix_mask_fires_release_once_and_remask_is_noop),
		T(test_msix_address_data_writes_never_fire_notifiers),
		T(test_msix_notify_unmasked_sends_current_message_once),
		T(test_msix_unmask_replays_pending_once),
		T(test_msix_use_failure_is_counted_and_pending_still_sent),
		T_BARE(test_msix_unmask_without_notifiers_replays_pending),
		T(test_msix_function_mask_releases_and_unmask_uses_then_replays),
		T(test_msix_control_byte_write_of_any_width_is_seen),
		T(test_msix_disable_fires_no_release),
		T(test_msix_disable_or_mask_while_masked_fires_nothing),
		T(test_msix_pba_read_polls_vector_range_first),
		cmocka_unit_test(test_msix_pba_read_polls_only_the_vectors_it_covers),
		T(test_msix_pba_writes_are_ignored),
		T(test_msix_table_access_other_than_aligned_dword_is_ignored),
		T(test_msix_table_reads_back_entry),
		T(test_msix_notify_out_of_range_vector_does_nothing),
		T(test_msix_notify_unused_vector_sends_nothing_and_sets_no_pba),
		T(test_msix_vector_unuse_clears_pending_at_the_last_user),
		T(test_msix_unuse_all_vectors_clears_counts_and_pending),
		T_BARE(test_msix_set_notifiers_replays_use_for_unmasked_vectors),
		T_BARE(test_msix_set_notifiers_when_disabled_or_masked_fires_no_use),
		T_BARE(test_msix_set_notifiers_use_failure_releases_used_in_reverse),
		T(test_msix_unset_notifiers_releases_unmasked_vectors),
		T(test_msix_unset_notifiers_when_function_masked_releases_nothing),
		cmocka_unit_test(test_msix_init_rejects_zero_and_too_many_vectors),
		cmocka_unit_test(test_msix_init_rejects_overlapping_or_misaligned_table_and_pba),
	};

	return cmocka_run_group_tests_name("msix (QEMU semantics, fake notifiers)", tests, NULL, NULL);
}
