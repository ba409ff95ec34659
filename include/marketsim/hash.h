/* hash.h - 64-bit FNV-1a, the one checksum of the project.
 *
 * Used where bytes must be recognised again, not defended against an
 * adversary: a manifest's scenario_hash, a sweep journal's records and
 * identity, a shard's part-file proof, PHOLD's final state, and the
 * summary table's key hash. Values are stable across platforms and
 * releases (outputs record them), so the constants never change.
 */
#ifndef MARKETSIM_HASH_H
#define MARKETSIM_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The offset basis: the hash of no bytes, and the start of a running hash. */
#define MS_HASH_FNV1A_INIT UINT64_C(0xcbf29ce484222325)

/* Continues a running hash h over n bytes of data (n = 0 returns h). */
uint64_t ms_hash_fnv1a_add(uint64_t h, const void *data, size_t n);
/* The hash of n bytes: ms_hash_fnv1a_add(MS_HASH_FNV1A_INIT, data, n). */
uint64_t ms_hash_fnv1a(const void *data, size_t n);

#endif
