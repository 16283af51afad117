/*
 * A string-keyed hash map with open addressing (linear probing), for
 * duplicate checks and look-ups that must stay linear in the input.
 *
 * Keys are not copied: each key must stay alive, unchanged, as long as the
 * map holds it.  Values are size_t (an index into the caller's array, a
 * line number, a count).  Entries are never removed.  Embedded in other
 * structs: strmap_init/strmap_release; a zeroed struct is an empty map.
 */
#ifndef ADVISOR_STRMAP_H
#define ADVISOR_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap_slot {
	const char *key;	/* NULL: empty slot */
	size_t hash;
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;		/* 0 or a power of two */
	size_t n;
};

#define STRMAP_INIT { NULL, 0, 0 }

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);

/*
 * Add key with value unless the map already holds an equal key.  Returns a
 * pointer to the value stored for key (the old one when it was there, so
 * the caller can read or update it); *added says which.  The pointer is
 * valid until the next strmap_put.
 */
size_t *strmap_put(struct strmap *m, const char *key, size_t value, bool *added);

/* The value stored for key, or NULL when key is absent. */
size_t *strmap_get(const struct strmap *m, const char *key);

#endif
