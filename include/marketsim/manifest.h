/* manifest.h - manifest.csv, the provenance and commit record of every
 * command that writes a set of files (run, sweep and its shards, merge,
 * compare and its sides, calibrate): one writer and one reader.
 *
 * `key,value` rows (RFC 4180), first the keys every manifest shares, in
 * this order:
 *
 *   version          marketsim version
 *   git              git commit of the build (`unknown` outside a checkout)
 *   scenario         the scenario's name                     } left out where
 *   scenario_hash    FNV-1a of the resolved config's bytes   } the command has
 *   seed             master seed                             } no one scenario
 *   replications     replications run                          (compare's top
 *   generator        philox4x32-10                              directory has
 *   resolved_config  the file holding the resolved config       no scenario rows)
 *
 * then the command's own keys, and last `command`, the command line. Every
 * row before `command` is a function of the inputs and the binary, never
 * of -j, the output directory or timing: that prefix is the manifest's
 * identity (--resume and merge compare it), and two runs with the same
 * identity wrote the same bytes.
 *
 * The writer appends to an ms_buf (sticky errors: check ms_buf_ok once);
 * the commit (atomic.h) writes the manifest last, so its presence marks a
 * complete set.
 */
#ifndef MARKETSIM_MANIFEST_H
#define MARKETSIM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "marketsim/csv.h"
#include "marketsim/error.h"

/* The shared keys. Value type; the strings are the caller's. */
typedef struct {
    const char *scenario;    /* the scenario's name; NULL leaves out the scenario rows */
    const char *config_name; /* the resolved config's file name (scenario.resolved.cfg) */
    const char *config;      /* its bytes, hashed into scenario_hash */
    size_t config_len;
    uint64_t seed;
    uint64_t replications;
} ms_manifest_head;

/* Starts a manifest in b: the header row and the shared keys. */
void ms_manifest_begin(ms_buf *b, const ms_manifest_head *h);
/* One row of the command's own keys (quoted as RFC 4180 needs). */
void ms_manifest_str(ms_buf *b, const char *key, const char *value);
void ms_manifest_u64(ms_buf *b, const char *key, uint64_t value);
/* 16 lowercase hex digits (hashes, fingerprints). */
void ms_manifest_hex(ms_buf *b, const char *key, uint64_t value);
/* 17 significant digits: reads back as the same double. */
void ms_manifest_num(ms_buf *b, const char *key, double value);
/* Ends the manifest with the command row (NULL writes an empty value). */
void ms_manifest_end(ms_buf *b, const char *command);

/* A manifest read back: rows in file order. */
typedef struct {
    char *text; /* the file's bytes, NUL-terminated */
    size_t len;
    size_t n;
    char **key, **value; /* n each, into the caller-owned copy below */
    char *store;
} ms_manifest;

/* Reads and parses path. MS_OK; MS_EIO when it cannot be read (errno
 * set, err names the path and the reason); MS_EINVAL when it is not a
 * `key,value` file; MS_ENOMEM. On failure *m is empty (fini is safe). */
ms_status ms_manifest_read(const char *path, ms_manifest *m, ms_error *err);
/* The value of the first row named key, or NULL. */
const char *ms_manifest_get(const ms_manifest *m, const char *key);
void ms_manifest_fini(ms_manifest *m);

#endif
