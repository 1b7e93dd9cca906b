// SPDX-License-Identifier: MIT
/*
 * Reading a trace ahead on a thread of its own: while the replay issues one
 * record, the next ones are parsed (and decompressed) on another CPU.  On a
 * real device at queue depth 1 the parse is otherwise part of every I/O's
 * turn, where fio --read_iolog parses its whole log before its job starts.
 *
 * The reader thread fills batches of records; the replay takes them in the
 * same order, so what is replayed, and every output, is what trace_next()
 * alone gives.  A few batches are in flight at most: memory stays
 * independent of the trace's length.  The thread's end (the end of the
 * trace, an error, or trace_ahead_stop()) comes with the last batch, so
 * the reader's counters (trace_skipped(), trace_zone_ops()) are final once
 * the replay has seen it or has stopped the thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trace_ahead.h"

#define AHEAD_BATCH 512		/* records a batch: 48 KiB */
#define AHEAD_BATCHES 4		/* batches in flight */

struct ahead_batch {
	struct trace_rec rec[AHEAD_BATCH];
	unsigned int nr;
	int end;		/* after the records: 0 more to come, else trace_next()'s 0 or -1 */
};

struct trace_ahead {
	struct trace_reader *r;
	pthread_t thread;
	pthread_mutex_t lock;		/* head, tail and stop */
	pthread_cond_t filled, emptied;
	struct ahead_batch b[AHEAD_BATCHES];
	unsigned int head, tail;	/* batches filled / given back so far (mod AHEAD_BATCHES: the slot) */
	bool stop;			/* trace_ahead_stop(): the thread ends before its next batch */
	struct trace_err err;		/* the reader's error (the batch with end -1) */
	/* the replay's side */
	struct ahead_batch *cur;	/* the batch being taken, NULL between batches */
	unsigned int pos;		/* its next record */
	bool ended;			/* the replay took the end */
};

static void *ahead_main(void *arg)
{
	struct trace_ahead *a = arg;
	int end = 0;

	while (!end) {
		struct ahead_batch *b;

		pthread_mutex_lock(&a->lock);
		while (!a->stop && a->head - a->tail == AHEAD_BATCHES)
			pthread_cond_wait(&a->emptied, &a->lock);
		if (a->stop) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		/* the slot at head is this thread's until head moves on */
		b = &a->b[a->head % AHEAD_BATCHES];
		pthread_mutex_unlock(&a->lock);
		b->nr = 0;
		b->end = 0;
		while (b->nr < AHEAD_BATCH) {
			int rc = trace_next(a->r, &b->rec[b->nr], &a->err);

			if (rc == 1) {
				b->nr++;
				continue;
			}
			end = b->end = rc ? -1 : 1;
			break;
		}
		pthread_mutex_lock(&a->lock);
		a->head++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

struct trace_ahead *trace_ahead_start(struct trace_reader *r)
{
	struct trace_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->r = r;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->emptied, NULL);
	if (pthread_create(&a->thread, NULL, ahead_main, a)) {
		pthread_cond_destroy(&a->filled);
		pthread_cond_destroy(&a->emptied);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	return a;
}

int trace_ahead_next(struct trace_ahead *a, struct trace_rec *rec, struct trace_err *err)
{
	err->msg[0] = 0;
	for (;;) {
		struct ahead_batch *b = a->cur;

		if (a->ended)
			return 0;
		if (!b) {
			pthread_mutex_lock(&a->lock);
			while (a->tail == a->head)
				pthread_cond_wait(&a->filled, &a->lock);
			b = a->cur = &a->b[a->tail % AHEAD_BATCHES];
			pthread_mutex_unlock(&a->lock);
			a->pos = 0;
		}
		if (a->pos < b->nr) {
			*rec = b->rec[a->pos++];
			return 1;
		}
		if (b->end) {
			/* the thread has ended or is ending: nothing is filled after this */
			a->ended = true;
			if (b->end < 0) {
				*err = a->err;
				return -1;
			}
			return 0;
		}
		/* this batch is taken: its slot goes back */
		pthread_mutex_lock(&a->lock);
		a->tail++;
		a->cur = NULL;
		pthread_cond_signal(&a->emptied);
		pthread_mutex_unlock(&a->lock);
	}
}

void trace_ahead_stop(struct trace_ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->emptied);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
