// SPDX-License-Identifier: GPL-2.0
/*
 * nvme.c - an NVMe controller after QEMU's hw/nvme/ctrl.c: registers and
 * doorbells in BAR 0, MSI-X in BAR 4 (virq's layout: QEMU since 6.0 puts
 * table and PBA in BAR 0 too), the admin queue pair, one I/O queue
 * pair created by admin commands (nvme-cmd.c), Read from a 64-block RAM
 * namespace.
 *
 * An SQ tail doorbell processes the SQ at once on the writing vCPU (QEMU
 * defers nvme_process_sq to a bottom half; the MMIO exit is the same), its
 * completions queue on the CQ, then nvme_post_cqes posts every one it can
 * and asserts the interrupt once for the batch, as QEMU 11.1 does:
 * nvme_irq_assert -> msix_notify, which sends with KVM_SIGNAL_MSI or sets
 * the PBA bit. Everything runs with vm->bql held. The host is
 * little-endian, as the guest.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nvme-internal.h"
#include "../pci/msix.h"
#include "../../vmm/vm.h"
#include "../../vmm/util.h"
#include "../../trace/trace.h"

#define PCI_VENDOR_ID_REDHAT	0x1b36
#define PCI_DEVICE_ID_NVME	0x0010
#define NVME_CLASS_REV		0x01080202	/* NVM Express, revision 2 as QEMU's */
#define NVME_REG_BAR		0
#define NVME_MSIX_SIZE		0x1000
#define NVME_MSIX_BAR		4
#define NVME_PBA_OFF		0x800

/* MQES, CQR, TO = 500 ms, DSTRD 0, CSS NVM, MPSMIN = MPSMAX = 4 KiB */
#define NVME_CAP_VALUE		(NVME_MQES | 1ull << 16 | 1ull << 24 | 1ull << 37)
#define NVME_VS_VALUE		0x00010400
#define NVME_CC_MPS(cc)		((cc) >> 7 & 0xf)
#define NVME_CC_SHN(cc)		((cc) >> 14 & 0x3)
#define NVME_CSTS_RDY		0x1u
#define NVME_CSTS_CFS		0x2u
#define NVME_CSTS_SHST_DONE	(0x2u << 2)
#define NVME_AQA_ASQS(aqa)	((aqa) & 0xfff)
#define NVME_AQA_ACQS(aqa)	((aqa) >> 16 & 0xfff)

#define REG(n, r)	((n)->bar[(r) / 4])

static uint64_t reg64(NvmeCtrl *n, unsigned int r)
{
	return REG(n, r) | (uint64_t)REG(n, r + 4) << 32;
}

void *nvme_dma(NvmeCtrl *n, uint64_t gpa, uint64_t len)
{
	if (gpa >= n->vm->ram_size || len > n->vm->ram_size - gpa)
		return NULL;
	return vm_gpa(n->vm, gpa);
}

static bool nvme_cq_full(NvmeCQueue *cq)
{
	return (cq->tail + 1) % cq->size == cq->head;
}

/* ---- completions: nvme_post_cqes, nvme_irq_assert ---- */

/*
 * nvme_irq_assert (QEMU 11.1): with MSI-X on, msix_notify, which does
 * nothing for a vector the CQ never marked used; without, INTx, which virq
 * does not emulate (counted in the trace only).
 */
static void nvme_irq_assert(NvmeCtrl *n, NvmeCQueue *cq)
{
	PCIDevice *pci = &n->parent_obj;

	if (!cq->ien) {
		trace_event("nvme_irq_masked", "%s vector=%u", pci->name, cq->vector);
		return;
	}
	n->interrupts++;
	if (msix_enabled(pci)) {
		trace_event("nvme_irq_msix", "%s raising MSI-X IRQ vector %u", pci->name, cq->vector);
		msix_notify(pci, cq->vector);
	} else {
		trace_event("nvme_irq_pin", "%s INTx (not emulated): no interrupt", pci->name);
	}
}

/*
 * one CQE: the entry with the current phase, DW3 last, tail advanced (a
 * wrap flips the phase). False if the CQ is full: try again later.
 */
static bool nvme_post_cqe(NvmeCtrl *n, NvmeCQueue *cq, const NvmeRequest *req)
{
	NvmeSQueue *sq = &n->sq[req->sqid];
	uint32_t *e;

	if (nvme_cq_full(cq))
		return false;
	e = nvme_dma(n, cq->dma + (uint64_t)cq->tail * NVME_CQE_SIZE, NVME_CQE_SIZE);
	if (!e) {	/* checked at queue creation: cannot happen */
		pr_err("%s: CQ %u outside RAM, completion dropped", n->parent_obj.name, sq->cqid);
		return true;
	}
	e[0] = e[1] = 0;
	e[2] = (uint32_t)sq->head | (uint32_t)req->sqid << 16;
	/* the phase tag publishes the entry to a polling vCPU: DW3 last */
	__atomic_store_n(&e[3], (uint32_t)req->status << 17 | (uint32_t)cq->phase << 16 | req->cid,
			 __ATOMIC_RELEASE);
	trace_event("nvme_post_cqes", "%s cqid=%u tail=%u cid=%u status=0x%x phase=%d",
		    n->parent_obj.name, sq->cqid, cq->tail, req->cid, req->status, cq->phase);
	if (++cq->tail == cq->size) {
		cq->tail = 0;
		cq->phase = !cq->phase;
	}
	n->completions++;
	return true;
}

/*
 * nvme_post_cqes (QEMU 11.1): post the CQ's waiting completions in order,
 * up to max, stopping at a full CQ; then, if the CQ holds entries the host
 * has not consumed, nvme_irq_assert once for the whole batch. Returns how
 * many were posted. (QEMU 7.2 did the same, one interrupt per batch.)
 */
unsigned int nvme_post_cqes(NvmeCtrl *n, NvmeCQueue *cq, unsigned int max)
{
	unsigned int done = 0;

	while (done < max && cq->req_nr && nvme_post_cqe(n, cq, &cq->req_list[cq->req_head])) {
		cq->req_head = (cq->req_head + 1) % NVME_REQ_MAX;
		cq->req_nr--;
		done++;
	}
	if (cq->tail != cq->head)
		nvme_irq_assert(n, cq);
	return done;
}

/* nvme_enqueue_req_completion: behind any waiting ones; posted by nvme_post_cqes */
static void nvme_enqueue_req_completion(NvmeCtrl *n, NvmeCQueue *cq, const NvmeRequest *req)
{
	if (cq->req_nr == NVME_REQ_MAX) {	/* nvme_process_sq does not let this happen */
		pr_err("%s: completion queue overflow, cid %u dropped", n->parent_obj.name, req->cid);
		return;
	}
	cq->req_list[(cq->req_head + cq->req_nr) % NVME_REQ_MAX] = *req;
	cq->req_nr++;
	if (req->sqid && n->hold)
		trace_event("nvme_hold", "%s sqid=%u cid=%u held=%u", n->parent_obj.name, req->sqid,
			    req->cid, cq->req_nr);
}

/*
 * nvme_process_sq: fetch each SQE from head to tail, execute it, queue its
 * completion on the CQ; then post them as one batch (QEMU's cq->bh), unless
 * I/O completions are held. Fetching stops while the CQ's FIFO is full; a
 * CQ head doorbell or nvme_complete_held resumes.
 */
static void nvme_process_sq(NvmeCtrl *n, uint16_t sqid)
{
	NvmeSQueue *sq = &n->sq[sqid];
	NvmeCQueue *cq = &n->cq[sq->cqid];
	uint32_t sqe[NVME_SQE_SIZE / 4];
	unsigned int queued = 0;
	NvmeRequest req;
	void *p;

	while (sq->valid && sq->head != sq->tail && cq->req_nr < NVME_REQ_MAX) {
		p = nvme_dma(n, sq->dma + (uint64_t)sq->head * NVME_SQE_SIZE, NVME_SQE_SIZE);
		if (!p) {	/* checked at queue creation: cannot happen */
			pr_err("%s: SQ %u entry outside RAM", n->parent_obj.name, sqid);
			break;
		}
		memcpy(sqe, p, sizeof(sqe));
		sq->head = (sq->head + 1) % sq->size;
		n->commands++;
		req = (NvmeRequest){ .sqid = sqid, .cid = sqe[SQE_CDW0] >> 16 };
		req.status = nvme_exec(n, sqid, sqe);
		trace_event(sqid ? "nvme_io_cmd" : "nvme_admin_cmd",
			    "%s sqid=%u cid=%u opc=0x%x status=0x%x", n->parent_obj.name, sqid,
			    req.cid, sqe[SQE_CDW0] & 0xff, req.status);
		nvme_enqueue_req_completion(n, cq, &req);
		queued++;
	}
	if (queued && !(sqid && n->hold))
		nvme_post_cqes(n, cq, UINT_MAX);
}

/* ---- controller enable and reset ---- */

/* nvme_ctrl_reset: every queue (nvme_free_cq: its vector unused) and waiting completion goes */
static void nvme_ctrl_reset(NvmeCtrl *n)
{
	for (int q = 0; q < NVME_NR_QUEUES; q++)
		nvme_free_cq(n, &n->cq[q]);
	memset(n->sq, 0, sizeof(n->sq));
	trace_event("nvme_ctrl_reset", "%s", n->parent_obj.name);
}

/* nvme_start_ctrl: the admin queue pair from AQA/ASQ/ACQ; -EINVAL if unusable */
static int nvme_start_ctrl(NvmeCtrl *n)
{
	uint16_t asqs = NVME_AQA_ASQS(REG(n, NVME_REG_AQA)) + 1;
	uint16_t acqs = NVME_AQA_ACQS(REG(n, NVME_REG_AQA)) + 1;
	uint64_t asq = reg64(n, NVME_REG_ASQ), acq = reg64(n, NVME_REG_ACQ);
	const char *why = NULL;

	if (!asq || !acq || (asq | acq) & (NVME_PAGE_SIZE - 1))
		why = "ASQ/ACQ zero or not page aligned";
	else if (NVME_CC_MPS(REG(n, NVME_REG_CC)) != 0)
		why = "CC.MPS is not 4 KiB";
	else if (asqs < 2 || acqs < 2)
		why = "AQA: an admin queue of one entry";
	else if (!nvme_dma(n, asq, (uint64_t)asqs * NVME_SQE_SIZE) ||
		 !nvme_dma(n, acq, (uint64_t)acqs * NVME_CQE_SIZE))
		why = "admin queue outside RAM";
	if (why) {
		pr_err("%s: controller enable failed: %s", n->parent_obj.name, why);
		return -EINVAL;
	}
	n->sq[0] = (NvmeSQueue){ .valid = true, .dma = asq, .size = asqs, .cqid = 0 };
	/* the admin CQ always interrupts, on vector 0 */
	nvme_init_cq(n, &n->cq[0], acq, acqs, 0, true);
	trace_event("nvme_start_ctrl", "%s asq=0x%llx/%u acq=0x%llx/%u", n->parent_obj.name,
		    (unsigned long long)asq, asqs, (unsigned long long)acq, acqs);
	return 0;
}

/* nvme_write_bar(CC): EN 0->1 starts, 1->0 resets; SHN completes at once */
static void nvme_write_cc(NvmeCtrl *n, uint32_t val)
{
	bool was_en = REG(n, NVME_REG_CC) & NVME_CC_EN;
	uint32_t *csts = &REG(n, NVME_REG_CSTS);

	REG(n, NVME_REG_CC) = val;
	if ((val & NVME_CC_EN) && !was_en)
		*csts = nvme_start_ctrl(n) ? NVME_CSTS_CFS : NVME_CSTS_RDY;
	else if (!(val & NVME_CC_EN) && was_en) {
		nvme_ctrl_reset(n);
		*csts = 0;
	}
	*csts = (*csts & ~NVME_CSTS_SHST_DONE) | (NVME_CC_SHN(val) ? NVME_CSTS_SHST_DONE : 0);
}

/* ---- BAR 0: registers and doorbells ---- */

/* nvme_process_db: SQ y tail at 0x1000 + 8y, CQ y head at 0x1000 + 8y + 4 */
static void nvme_process_db(NvmeCtrl *n, uint64_t off, uint32_t val)
{
	unsigned int qid = (unsigned int)(off - NVME_REG_DBS) / 8;
	bool is_cq = (off - NVME_REG_DBS) & 4, was_full;
	const char *name = n->parent_obj.name;

	if (qid >= NVME_NR_QUEUES || !(is_cq ? n->cq[qid].valid : n->sq[qid].valid) ||
	    val >= (is_cq ? n->cq[qid].size : n->sq[qid].size)) {
		trace_event("nvme_mmio_doorbell_bad", "%s off=0x%llx val=%u ignored", name,
			    (unsigned long long)off, val);
		return;
	}
	if (!is_cq) {
		trace_event("nvme_mmio_doorbell_sq", "%s sqid=%u tail=%u", name, qid, val);
		n->sq[qid].tail = (uint16_t)val;
		nvme_process_sq(n, (uint16_t)qid);
		return;
	}
	trace_event("nvme_mmio_doorbell_cq", "%s cqid=%u head=%u", name, qid, val);
	/* QEMU 11.1: a CQ that was full gets its waiting completions posted */
	was_full = nvme_cq_full(&n->cq[qid]);
	n->cq[qid].head = (uint16_t)val;
	if (was_full && !(qid && n->hold))
		nvme_post_cqes(n, &n->cq[qid], UINT_MAX);
	for (uint16_t q = 0; q < NVME_NR_QUEUES; q++)
		nvme_process_sq(n, q);
}

/* nvme_mmio_read: the register file; doorbells read 0 */
static uint32_t nvme_reg_read(NvmeCtrl *n, uint64_t off)
{
	return off < sizeof(n->bar) ? n->bar[off / 4] : 0;
}

/* nvme_write_bar: CAP, VS and CSTS are read-only */
static void nvme_reg_write(NvmeCtrl *n, uint64_t off, uint32_t val)
{
	switch (off) {
	case NVME_REG_CC:
		nvme_write_cc(n, val);
		break;
	case NVME_REG_AQA: case NVME_REG_ASQ: case NVME_REG_ASQ + 4:
	case NVME_REG_ACQ: case NVME_REG_ACQ + 4:
		REG(n, off) = val;
		break;
	default:
		if (off >= NVME_REG_DBS)
			nvme_process_db(n, off, val);
	}
}

/* aligned dword accesses; a qword is its two halves, low first */
static void nvme_mmio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	if ((size != 4 && size != 8) || off % size)
		return;
	nvme_reg_write(opaque, off, bus_data_get(data, 4));
	if (size == 8)
		nvme_reg_write(opaque, off + 4, bus_data_get(data + 4, 4));
}

static void nvme_mmio_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	uint64_t v = 0;

	if ((size == 4 || size == 8) && !(off % size)) {
		v = nvme_reg_read(opaque, off);
		if (size == 8)
			v |= (uint64_t)nvme_reg_read(opaque, off + 4) << 32;
	}
	memcpy(data, &v, size);
}

static const struct bus_ops nvme_mmio_ops = { .write = nvme_mmio_write, .read = nvme_mmio_read };

/* ---- BAR 4: the MSI-X table at 0, the PBA at 0x800 ---- */

static void nvme_msix_write(void *opaque, uint64_t off, const uint8_t *data, unsigned int size)
{
	NvmeCtrl *n = opaque;

	msix_bar_write(&n->parent_obj, off, data, size, NVME_PBA_OFF);
}

static void nvme_msix_read(void *opaque, uint64_t off, uint8_t *data, unsigned int size)
{
	NvmeCtrl *n = opaque;

	msix_bar_read(&n->parent_obj, off, data, size, NVME_PBA_OFF);
}

static const struct bus_ops nvme_msix_ops = { .write = nvme_msix_write, .read = nvme_msix_read };

/* ---- the API ---- */

void nvme_set_hold(PCIDevice *dev, bool hold)
{
	((NvmeCtrl *)dev->opaque)->hold = hold;
	trace_event("nvme_set_hold", "%s hold=%d", dev->name, hold);
}

/* one batch: up to count CQEs, then one nvme_irq_assert */
int nvme_complete_held(PCIDevice *dev, unsigned int count)
{
	NvmeCtrl *n = dev->opaque;
	unsigned int done = nvme_post_cqes(n, &n->cq[1], count);

	trace_event("nvme_complete_held", "%s posted=%u of %u, held=%u", dev->name, done, count,
		    n->cq[1].req_nr);
	nvme_process_sq(n, 1);	/* resume an SQ that stopped on a full FIFO */
	return (int)done;
}

void nvme_get_stats(PCIDevice *dev, struct nvme_stats *st)
{
	NvmeCtrl *n = dev->opaque;

	*st = (struct nvme_stats){ .commands = n->commands, .completions = n->completions,
				   .held = n->cq[1].req_nr, .interrupts = n->interrupts };
}

PCIDevice *nvme_realize(struct vm *vm, PCIBus *bus, const char *name)
{
	NvmeCtrl *n = calloc(1, sizeof(*n));
	PCIDevice *dev;
	int r;

	if (!n) {
		pr_err("nvme %s: out of memory", name);
		return NULL;
	}
	n->vm = vm;
	dev = &n->parent_obj;
	pci_device_init(dev, name, "nvme", PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_NVME,
			NVME_CLASS_REV);
	dev->opaque = n;
	REG(n, NVME_REG_CAP) = (uint32_t)NVME_CAP_VALUE;
	REG(n, NVME_REG_CAP + 4) = (uint32_t)(NVME_CAP_VALUE >> 32);
	REG(n, NVME_REG_VS) = NVME_VS_VALUE;
	pci_register_bar(dev, NVME_REG_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY, NVME_REG_SIZE,
			 &nvme_mmio_ops, n);
	pci_register_bar(dev, NVME_MSIX_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY, NVME_MSIX_SIZE,
			 &nvme_msix_ops, n);
	r = msix_init(dev, NVME_MSIX_VECTORS, NVME_MSIX_BAR, 0, NVME_MSIX_BAR, NVME_PBA_OFF, 0);
	if (r < 0) {
		pr_err("nvme %s: msix_init: %s", name, strerror(-r));
		goto err;
	}
	/* the namespace pattern: byte = lba ^ offset in the block */
	for (unsigned int i = 0; i < sizeof(n->ns); i++)
		n->ns[i] = (uint8_t)(i / NVME_LBA_SIZE ^ i % NVME_LBA_SIZE);
	if (pci_bus_add_device(bus, dev) < 0) {
		pr_err("nvme %s: no free PCI slot", name);
		goto err;
	}
	return dev;

err:
	msix_uninit(dev);
	free(n);
	return NULL;
}

void nvme_unrealize(PCIDevice *dev)
{
	PCIBus *bus = dev->bus;

	if (bus && bus->devices[dev->devfn >> 3] == dev) {
		pthread_mutex_lock(&bus->vm->bql);
		bus->devices[dev->devfn >> 3] = NULL;
		pthread_mutex_unlock(&bus->vm->bql);
	}
	msix_uninit(dev);
	free(dev->opaque);
}

/* ---- the PCI device type (hw/pci/pci-types.c) ---- */

static PCIDevice *nvme_pci_realize(struct vm *vm, PCIBus *bus, const char *name, const char *arg)
{
	(void)arg;
	return nvme_realize(vm, bus, name);
}

/* CQEs posted, admin ones included */
static uint64_t nvme_pci_completions(PCIDevice *dev)
{
	struct nvme_stats st;

	nvme_get_stats(dev, &st);
	return st.completions;
}

const struct pci_device_type nvme_pci_type = {
	.name = "nvme",
	.realize = nvme_pci_realize,
	.unrealize = nvme_unrealize,
	.completions = nvme_pci_completions,
};
