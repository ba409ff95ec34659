/* hash.c - 64-bit FNV-1a (see hash.h): xor a byte, multiply by the prime. */
#include "marketsim/hash.h"

#define FNV1A_PRIME UINT64_C(0x100000001b3)

uint64_t ms_hash_fnv1a_add(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV1A_PRIME;
    return h;
}

uint64_t ms_hash_fnv1a(const void *data, size_t n)
{
    return ms_hash_fnv1a_add(MS_HASH_FNV1A_INIT, data, n);
}
