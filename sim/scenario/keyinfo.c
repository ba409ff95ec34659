/* keyinfo.c - one key of the schema looked at from outside the loader:
 * what --fit (calibrate) and --vary (sweep designs) need to know of a key
 * before they vary it.
 *
 * A key's value in a built scenario is read back from the scenario's own
 * libconfig text (ms_scenario_write), so there is one mapping from paths to
 * struct fields (the writer's) rather than a second one here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

ms_status ms_scenario_key_info(const char *key, ms_scenario_keyinfo *info, ms_error *err)
{
    ms_errors errs;
    ms_errors_init(&errs);
    ms_loader ld;
    memset(&ld, 0, sizeof ld);
    ld.errs = &errs;
    const ms_schema_key *k = ms_override_lookup(&ld, key);
    if (!k)
        return ms_error_set(err, MS_EUSAGE, "", 0, key, "%s",
                            errs.count ? errs.items[0].msg : "unknown key");
    memset(info, 0, sizeof *info);
    info->is_float = k->type == MS_SCHEMA_FLOAT;
    info->is_int = k->type == MS_SCHEMA_INT || k->type == MS_SCHEMA_INT64;
    info->min = k->min;
    /* --set reads a seed of 2^63 or more as its two's complement */
    info->max = k->flags & MS_SCHEMA_U64 ? 18446744073709551615.0 : k->max;
    ms_schema_type_text(k, info->type, sizeof info->type);
    char range[360];
    ms_schema_range_text(k, range, sizeof range);
    snprintf(info->expected, sizeof info->expected, "%s, %s", info->type, range);
    return MS_OK;
}

ms_status ms_scenario_key_double(const ms_scenario *sc, const char *key, double *out)
{
    char *text;
    size_t len;
    ms_status st = ms_scenario_write_text(sc, &text, &len);
    if (st != MS_OK)
        return st;
    config_t cfg;
    config_init(&cfg);
    st = MS_EINVAL;
    if (config_read_string(&cfg, text) == CONFIG_TRUE) {
        config_setting_t *s = ms_loader_resolve(config_root_setting(&cfg), key);
        if (s && (config_setting_type(s) == CONFIG_TYPE_FLOAT ||
                  config_setting_type(s) == CONFIG_TYPE_INT ||
                  config_setting_type(s) == CONFIG_TYPE_INT64)) {
            *out = config_setting_type(s) == CONFIG_TYPE_FLOAT
                       ? config_setting_get_float(s)
                       : (double)config_setting_get_int64(s);
            st = MS_OK;
        }
    }
    config_destroy(&cfg);
    free(text);
    return st;
}
