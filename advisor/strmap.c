/*
 * Open-addressing string map (see strmap.h).  FNV-1a hashes, linear
 * probing, a load factor of at most one half, capacity doubled on growth.
 * The full hash is kept in each slot so that probing compares strings only
 * when the hashes match, and growing never rehashes a key.
 */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static size_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

/* The slot holding key, or the empty slot where it belongs. */
static struct strmap_slot *probe(const struct strmap *m, const char *key, size_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];

		if (s->key == NULL || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;

	m->cap = old.cap ? 2 * old.cap : 16;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key)
			*probe(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	}
	free(old.slots);
}

size_t *strmap_put(struct strmap *m, const char *key, size_t value, bool *added)
{
	size_t h = hash_str(key);
	struct strmap_slot *s;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	s = probe(m, key, h);
	*added = s->key == NULL;
	if (*added) {
		s->key = key;
		s->hash = h;
		s->value = value;
		m->n++;
	}
	return &s->value;
}

size_t *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s;

	if (m->cap == 0)
		return NULL;
	s = probe(m, key, hash_str(key));
	return s->key ? &s->value : NULL;
}
