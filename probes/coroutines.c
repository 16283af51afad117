/*
 * Coroutines family (M:N): a small real scheduler, one worker thread per
 * core, user-space tasks on their own stacks, per-worker run queues with
 * stealing, and a register-only context switch.
 *
 * The switch saves only the callee-saved registers and the stack pointer
 * (x86-64 and aarch64, inline assembly below), as Go's runtime or Boost
 * context do; elsewhere, or with ADVISOR_CORO_UCONTEXT defined at build
 * time, glibc's swapcontext is used, which also saves the signal mask with
 * a system call and costs far more.  One mutex guards all the queues: the
 * probes measure the switch and the create path, not queue contention.
 * Under AddressSanitizer a recycled stack is unpoisoned first and switches
 * are announced; under valgrind each stack is registered.
 */
#include "probes.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define CORO_ASAN 1
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CORO_VALGRIND 1
#endif
#endif

#if !defined(ADVISOR_CORO_UCONTEXT) && !defined(__x86_64__) && !defined(__aarch64__)
#define ADVISOR_CORO_UCONTEXT 1
#endif
#ifdef ADVISOR_CORO_UCONTEXT
#include <ucontext.h>
#endif

#define CORO_STACK (64u * 1024)
#define CORO_TOUCH 8192
#define CORO_MAX_WORKERS 64
#define CORO_MAX_PARKED 1000

/* ---- the context switch --------------------------------------------------- */

struct coro_ctx {
#ifdef ADVISOR_CORO_UCONTEXT
	ucontext_t uc;
	void (*entry)(void *);
	void *arg;
#else
	void *sp;
#endif
};

#if !defined(ADVISOR_CORO_UCONTEXT) && defined(__x86_64__)
/* coro_switch_asm(void **save_sp, void *new_sp): rdi, rsi. */
__asm__(".text\n"
	".p2align 4\n"
	".type coro_switch_asm, @function\n"
	"coro_switch_asm:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size coro_switch_asm, .-coro_switch_asm\n"
	".p2align 4\n"
	".type coro_boot_asm, @function\n"
	"coro_boot_asm:\n"
	"	movq %r13, %rdi\n"
	"	callq *%r12\n"
	"	ud2\n"
	".size coro_boot_asm, .-coro_boot_asm\n");
#define CORO_FRAME_BYTES 72
#elif !defined(ADVISOR_CORO_UCONTEXT) && defined(__aarch64__)
/* coro_switch_asm(void **save_sp, void *new_sp): x0, x1. */
__asm__(".text\n"
	".p2align 4\n"
	".type coro_switch_asm, %function\n"
	"coro_switch_asm:\n"
	"	sub sp, sp, #160\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"	mov sp, x1\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #160\n"
	"	ret\n"
	".size coro_switch_asm, .-coro_switch_asm\n"
	".p2align 4\n"
	".type coro_boot_asm, %function\n"
	"coro_boot_asm:\n"
	"	mov x0, x20\n"
	"	blr x19\n"
	"	brk #0\n"
	".size coro_boot_asm, .-coro_boot_asm\n");
#define CORO_FRAME_BYTES 160
#endif

#ifndef ADVISOR_CORO_UCONTEXT
void coro_switch_asm(void **save_sp, void *new_sp);
void coro_boot_asm(void);
#endif

#ifdef ADVISOR_CORO_UCONTEXT
/* makecontext passes ints: the context pointer comes in two halves. */
static void coro_uc_tramp(unsigned lo, unsigned hi)
{
	struct coro_ctx *ctx = (struct coro_ctx *)(uintptr_t)((uint64_t)hi << 32 | lo);

	ctx->entry(ctx->arg);
}
#endif

/* Prepare ctx to run entry(arg) on stack [lo, lo + size). */
static void coro_ctx_make(struct coro_ctx *ctx, char *lo, size_t size,
			  void (*entry)(void *), void *arg)
{
#ifdef ADVISOR_CORO_UCONTEXT
	uintptr_t a = (uintptr_t)ctx;

	ctx->entry = entry;
	ctx->arg = arg;
	getcontext(&ctx->uc);
	ctx->uc.uc_stack.ss_sp = lo;
	ctx->uc.uc_stack.ss_size = size;
	ctx->uc.uc_link = NULL;
	makecontext(&ctx->uc, (void (*)(void))coro_uc_tramp, 2, (unsigned)(a & 0xffffffffu),
		    (unsigned)((uint64_t)a >> 32));
#else
	uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
	void **sp = (void **)(top - CORO_FRAME_BYTES);

	memset(sp, 0, CORO_FRAME_BYTES);
#if defined(__x86_64__)
	sp[2] = arg;			/* r13 */
	sp[3] = (void *)entry;		/* r12 */
	sp[6] = (void *)coro_boot_asm;	/* return address */
#else
	sp[0] = (void *)entry;		/* x19 */
	sp[1] = arg;			/* x20 */
	sp[11] = (void *)coro_boot_asm;	/* x30 */
#endif
	ctx->sp = sp;
#endif
}

static inline void coro_ctx_switch(struct coro_ctx *from, struct coro_ctx *to)
{
#ifdef ADVISOR_CORO_UCONTEXT
	swapcontext(&from->uc, &to->uc);
#else
	coro_switch_asm(&from->sp, to->sp);
#endif
}

/* ---- tasks and the scheduler ---------------------------------------------- */

struct coro_sched;
struct coro_worker;

struct coro_task;
typedef void (*coro_fn)(struct coro_task *self, void *arg);

struct coro_task {
	struct coro_ctx ctx;
	char *stack;
	unsigned valgrind_id;
	coro_fn fn;
	void *arg;
	struct coro_worker *w;		/* the worker running it now */
	struct coro_sched *s;
	struct coro_task *next;
	int done;
	int parked;
};

struct coro_worker {
	struct coro_sched *s;
	int id;
	pthread_t thread;
	struct coro_ctx sched_ctx;
	struct coro_task *head, *tail;	/* run queue, guarded by s->mu */
	struct coro_task *cur;
};

struct coro_sched {
	pthread_mutex_t mu;
	pthread_cond_t work;		/* a task was queued, or stop */
	pthread_cond_t idle;		/* outstanding reached zero */
	struct coro_worker w[CORO_MAX_WORKERS];
	int nworkers;
	int started;
	int queued;
	int sleepers;
	long outstanding;		/* spawned and not finished */
	int stop;
	int rr;
	struct coro_task *free_tasks;	/* finished tasks with their stacks */
	struct coro_task *parked;	/* tasks waiting for coro_unpark_all */
	long nparked;
};

static void coro_stack_unpoison(char *stack)
{
#ifdef CORO_ASAN
	ASAN_UNPOISON_MEMORY_REGION(stack, CORO_STACK);
#else
	(void)stack;
#endif
}

static void coro_task_destroy(struct coro_task *t)
{
#ifdef CORO_VALGRIND
	VALGRIND_STACK_DEREGISTER(t->valgrind_id);
#endif
	coro_stack_unpoison(t->stack);
	munmap(t->stack, CORO_STACK);
	free(t);
}

static void coro_entry(void *arg);

/* A task with a stack: recycled when possible; NULL when memory runs out. */
static struct coro_task *coro_task_new(struct coro_sched *s, coro_fn fn, void *arg)
{
	struct coro_task *t = s->free_tasks;

	if (t) {
		s->free_tasks = t->next;
		coro_stack_unpoison(t->stack);
	} else {
		t = calloc(1, sizeof *t);
		if (t == NULL)
			return NULL;
		t->stack = mmap(NULL, CORO_STACK, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (t->stack == MAP_FAILED) {
			free(t);
			return NULL;
		}
		mprotect(t->stack, 4096, PROT_NONE);	/* guard page */
#ifdef CORO_VALGRIND
		t->valgrind_id = VALGRIND_STACK_REGISTER(t->stack, t->stack + CORO_STACK);
#endif
	}
	t->fn = fn;
	t->arg = arg;
	t->s = s;
	t->done = 0;
	t->parked = 0;
	t->next = NULL;
	coro_ctx_make(&t->ctx, t->stack + 4096, CORO_STACK - 4096, coro_entry, t);
	return t;
}

/* Switch from a task back to its worker's scheduler loop. */
static void coro_to_sched(struct coro_task *t)
{
#ifdef CORO_ASAN
	void *fake = NULL;
	const void *bottom;
	size_t size;

	__sanitizer_start_switch_fiber(t->done ? NULL : &fake, NULL, 0);
	coro_ctx_switch(&t->ctx, &t->w->sched_ctx);
	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
#else
	coro_ctx_switch(&t->ctx, &t->w->sched_ctx);
#endif
}

static void coro_entry(void *arg)
{
	struct coro_task *t = arg;

#ifdef CORO_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	t->fn(t, t->arg);
	t->done = 1;
	coro_to_sched(t);
	abort();		/* a finished task is never resumed */
}

/* Queue t on worker w; the caller holds s->mu. */
static void coro_push_locked(struct coro_sched *s, struct coro_worker *w, struct coro_task *t)
{
	t->next = NULL;
	if (w->tail)
		w->tail->next = t;
	else
		w->head = t;
	w->tail = t;
	s->queued++;
	if (s->sleepers > 0)
		pthread_cond_signal(&s->work);
}

static struct coro_task *coro_pop_locked(struct coro_sched *s, struct coro_worker *w)
{
	struct coro_task *t = NULL;

	/* Own queue first, then steal from the others in turn. */
	for (int k = 0; k < s->nworkers && t == NULL; k++) {
		struct coro_worker *v = &s->w[(w->id + k) % s->nworkers];

		t = v->head;
		if (t) {
			v->head = t->next;
			if (v->head == NULL)
				v->tail = NULL;
		}
	}
	if (t)
		s->queued--;
	return t;
}

/*
 * Spawn fn(arg): onto the current worker when called from a task (self),
 * else round-robin.  Returns 0, or -1 when no stack could be mapped.
 */
static int coro_spawn(struct coro_sched *s, struct coro_task *self, coro_fn fn, void *arg)
{
	struct coro_task *t;
	struct coro_worker *w;
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	t = coro_task_new(s, fn, arg);
	if (t) {
		w = self ? self->w : &s->w[s->rr++ % s->nworkers];
		s->outstanding++;
		coro_push_locked(s, w, t);
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* Give the worker to another task; t runs again later. */
static void coro_yield(struct coro_task *t)
{
	coro_to_sched(t);
}

/* Park t until coro_unpark_all. */
static void coro_park(struct coro_task *t)
{
	t->parked = 1;
	coro_to_sched(t);
}

static void coro_unpark_all(struct coro_sched *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->parked) {
		struct coro_task *t = s->parked;

		s->parked = t->next;
		t->parked = 0;
		coro_push_locked(s, t->w, t);
	}
	s->nparked = 0;
	pthread_mutex_unlock(&s->mu);
}

static void *coro_worker_main(void *arg)
{
	struct coro_worker *w = arg;
	struct coro_sched *s = w->s;

	probe_pin(w->id);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct coro_task *t = coro_pop_locked(s, w);

		if (t == NULL) {
			if (s->stop)
				break;
			s->sleepers++;
			pthread_cond_wait(&s->work, &s->mu);
			s->sleepers--;
			continue;
		}
		pthread_mutex_unlock(&s->mu);
		t->w = w;
		w->cur = t;
#ifdef CORO_ASAN
		{
			void *fake = NULL;

			__sanitizer_start_switch_fiber(&fake, t->stack + 4096, CORO_STACK - 4096);
			coro_ctx_switch(&w->sched_ctx, &t->ctx);
			__sanitizer_finish_switch_fiber(fake, NULL, NULL);
		}
#else
		coro_ctx_switch(&w->sched_ctx, &t->ctx);
#endif
		w->cur = NULL;
		pthread_mutex_lock(&s->mu);
		if (t->done) {
			t->next = s->free_tasks;
			s->free_tasks = t;
			if (--s->outstanding == 0)
				pthread_cond_broadcast(&s->idle);
		} else if (t->parked) {
			t->next = s->parked;
			s->parked = t;
			s->nparked++;
			pthread_cond_broadcast(&s->idle);
		} else {
			coro_push_locked(s, w, t);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* A scheduler with n workers (pinned to CPUs 0..n-1), or NULL. */
static struct coro_sched *coro_sched_new(int n)
{
	struct coro_sched *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->nworkers = n > CORO_MAX_WORKERS ? CORO_MAX_WORKERS : n;
	for (int i = 0; i < s->nworkers; i++) {
		s->w[i].s = s;
		s->w[i].id = i;
	}
	for (; s->started < s->nworkers; s->started++)
		if (pthread_create(&s->w[s->started].thread, NULL, coro_worker_main,
				   &s->w[s->started]) != 0)
			break;
	return s;
}

/* Wait until every spawned task finished (or, with parked, is parked). */
static void coro_sched_wait(struct coro_sched *s, long parked)
{
	pthread_mutex_lock(&s->mu);
	while (s->outstanding > 0 && (parked == 0 || s->nparked < parked))
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

static void coro_sched_free(struct coro_sched *s)
{
	if (s == NULL)
		return;
	coro_unpark_all(s);
	coro_sched_wait(s, 0);
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < s->started; i++)
		pthread_join(s->w[i].thread, NULL);
	while (s->free_tasks) {
		struct coro_task *t = s->free_tasks;

		s->free_tasks = t->next;
		coro_task_destroy(t);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	free(s);
}

/* ---- probes ------------------------------------------------------------- */

/* A root task that spawns a batch of children locally and times them. */
struct coro_batch {
	struct coro_sched *s;
	struct coro_task *self;
	long n;
	long finished;
	double per_task_us;
	int failed;
};

static void coro_child(struct coro_task *self, void *arg)
{
	struct coro_batch *b = arg;

	__atomic_add_fetch(&b->finished, 1, __ATOMIC_RELAXED);
}

static void coro_root(struct coro_task *self, void *arg)
{
	struct coro_batch *b = arg;
	double t0 = probe_now();

	b->self = self;
	for (long i = 0; i < b->n; i++)
		if (coro_spawn(b->s, b->self, coro_child, b) < 0) {
			b->failed = 1;
			return;
		}
	while (__atomic_load_n(&b->finished, __ATOMIC_RELAXED) < b->n)
		coro_yield(b->self);
	b->per_task_us = (probe_now() - t0) / (double)b->n * 1e6;
}

static int coro_spawn_probe(struct probe_ctx *c)
{
	struct coro_sched *s = coro_sched_new(1);
	struct coro_batch b;
	int rc = 0;

	if (s == NULL || s->started < 1) {
		coro_sched_free(s);
		return probe_skip(c, "cannot start a worker thread");
	}
	for (int round = 0; probe_more(c) || round == 0; round++) {
		memset(&b, 0, sizeof b);
		b.s = s;
		b.n = 200;
		if (coro_spawn(s, NULL, coro_root, &b) < 0) {
			rc = probe_skip(c, "cannot map a task stack");
			break;
		}
		coro_sched_wait(s, 0);
		if (b.failed) {
			rc = probe_skip(c, "cannot map a task stack");
			break;
		}
		if (round > 0)	/* the first round maps the stacks: warm-up */
			probe_sample(c, b.per_task_us);
	}
	coro_sched_free(s);
	return rc;
}

/* Two contexts ping-pong directly: the cost of one switch. */
struct coro_pp {
	struct coro_ctx main, task;
	long n;
};

static void coro_pp_main(void *arg)
{
	struct coro_pp *p = arg;

	for (;;)
		coro_ctx_switch(&p->task, &p->main);
}

static int coro_switch_probe(struct probe_ctx *c)
{
	struct coro_pp *p = calloc(1, sizeof *p);
	char *stack;
	long n = 10000;

	if (p == NULL)
		return probe_skip(c, "out of memory");
	stack = mmap(NULL, CORO_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED) {
		free(p);
		return probe_skip(c, "cannot map a task stack");
	}
#ifdef CORO_VALGRIND
	unsigned vid = VALGRIND_STACK_REGISTER(stack, stack + CORO_STACK);
#endif
	probe_pin(0);
	coro_ctx_make(&p->task, stack, CORO_STACK, coro_pp_main, p);
	for (int warm = 1; warm >= 0; warm--) {
		double t0 = probe_now(), t;

		for (long i = 0; i < n; i++)
			coro_ctx_switch(&p->main, &p->task);
		t = probe_now() - t0;
		if (warm && t > 0)
			n = (long)(n * 0.0005 / t) + 100;	/* ~0.5 ms per sample */
	}
	while (probe_more(c)) {
		double t0 = probe_now();

		for (long i = 0; i < n; i++)
			coro_ctx_switch(&p->main, &p->task);
		/* each iteration is two switches: there and back */
		probe_sample(c, (probe_now() - t0) / (double)(2 * n) * 1e9);
	}
	/* The task is left suspended forever: its stack simply goes away. */
#ifdef CORO_VALGRIND
	VALGRIND_STACK_DEREGISTER(vid);
#endif
	coro_stack_unpoison(stack);
	munmap(stack, CORO_STACK);
	free(p);
	return 0;
}

static void coro_parker_main(struct coro_task *self, void *arg)
{
	(void)arg;
	probe_touch_stack(CORO_TOUCH);
	coro_park(self);
}

static int coro_mem_probe(struct probe_ctx *c)
{
	int k = CORO_MAX_PARKED;

	for (int round = 0; probe_more(c) || round == 0; round++) {
		struct coro_sched *s = coro_sched_new(c->ncpu);
		long before, after;
		int spawned = 0;

		if (s == NULL || s->started < 1) {
			coro_sched_free(s);
			return probe_skip(c, "cannot start worker threads");
		}
		before = probe_rss_kib();
		for (; spawned < k; spawned++)
			if (coro_spawn(s, NULL, coro_parker_main, s) < 0)
				break;
		coro_sched_wait(s, spawned);
		after = probe_rss_kib();
		coro_sched_free(s);
		if (spawned < k)
			return probe_skip(c, "cannot map %d task stacks (memory)", k);
		if (before < 0 || after < 0)
			return probe_skip(c, "cannot read /proc/self/statm");
		probe_sample(c, (double)(after - before) / k);
	}
	return 0;
}

struct coro_work {
	long iters;
};

static void coro_work_main(struct coro_task *self, void *arg)
{
	const struct coro_work *w = arg;

	probe_work(w->iters);
}

static double coro_run_work(struct coro_sched *s, struct coro_work *w, int tasks)
{
	double t0 = probe_now();

	for (int i = 0; i < tasks; i++)
		if (coro_spawn(s, NULL, coro_work_main, w) < 0)
			return -1;
	coro_sched_wait(s, 0);
	return probe_now() - t0;
}

static int coro_speedup_probe(struct probe_ctx *c)
{
	int n = probe_task_room(c->ncpu);
	struct coro_sched *one = NULL, *all = NULL;
	struct coro_work w;
	int tasks, rc = 0;

	if (n < 1)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for worker threads");
	one = coro_sched_new(1);
	all = coro_sched_new(n);
	if (one == NULL || all == NULL || one->started < 1 || all->started < n) {
		rc = probe_skip(c, "cannot start %d worker threads", n);
		goto out;
	}
	/* 4 tasks per worker, each a quarter of a 5 ms unit (or 2 ms). */
	tasks = 4 * n;
	w.iters = probe_calibrate(probe_left(c) / 12 < 0.005 ? 0.0005 : 0.00125);
	coro_run_work(all, &w, tasks);
	while (probe_more(c)) {
		double t1 = coro_run_work(one, &w, tasks);
		double tn = coro_run_work(all, &w, tasks);

		if (t1 < 0 || tn <= 0) {
			rc = probe_skip(c, "cannot map task stacks");
			goto out;
		}
		probe_sample(c, t1 / tn);
	}
out:
	coro_sched_free(one);
	coro_sched_free(all);
	return rc;
}

const struct probe_def probe_coroutines_table[] = {
	{ "coro.spawn", "coroutines", "us", coro_spawn_probe, 1.0, 0, NULL },
	{ "coro.switch", "coroutines", "ns", coro_switch_probe, 1.0, 0, NULL },
	{ "coro.mem_parked", "coroutines", "KiB", coro_mem_probe, 1.0, 0, NULL },
	{ "coro.speedup", "coroutines", "x", coro_speedup_probe, 2.0, 0, NULL },
};
const size_t probe_coroutines_count = ARRAY_SIZE(probe_coroutines_table);
