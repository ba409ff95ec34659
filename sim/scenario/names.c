/* names.c - the table of entity kinds, id lookups and enum names of
 * ms_scenario (see scenario.h).
 *
 * The enum names are the ones config files use; they come from the schema's
 * choice tables, so files, CSVs and the reference agree.
 */
#include <stddef.h>
#include <string.h>

#include "scenario_internal.h"

#define KIND(name, path, arr, n, max, scope)                                                       \
    {                                                                                              \
        name, path, offsetof(ms_scenario, arr), sizeof(((ms_scenario *)0)->arr[0]),                \
            offsetof(ms_scenario, n), max, scope                                                   \
    }

static const ms_kind_info kinds[MS_KIND_COUNT] = {
    [MS_KIND_CLOUD] = KIND("cloud", "clouds", clouds, n_clouds, MS_MAX_CLOUDS, MS_SCOPE_CLOUD),
    [MS_KIND_VENDOR] =
        KIND("vendor", "vendors", vendors, n_vendors, MS_MAX_VENDORS, MS_SCOPE_VENDOR),
    [MS_KIND_PRODUCT] =
        KIND("product", "products", products, n_products, MS_MAX_PRODUCTS, MS_SCOPE_PRODUCT),
    [MS_KIND_SEGMENT] =
        KIND("segment", "buyers.segments", segments, n_segments, MS_MAX_SEGMENTS, MS_SCOPE_SEGMENT),
    [MS_KIND_REGIME] = KIND("regime", "regimes", regimes, n_regimes, MS_MAX_REGIMES, MS_SCOPE_NONE),
};

/* ms_kind_id reads an entity's id at the start of its struct */
_Static_assert(offsetof(ms_cloud, id) == 0 && offsetof(ms_vendor, id) == 0 &&
                   offsetof(ms_product, id) == 0 && offsetof(ms_segment, id) == 0 &&
                   offsetof(ms_regime, id) == 0,
               "an entity's id comes first");

const ms_kind_info *ms_kind(int kind)
{
    return &kinds[kind];
}

const char *ms_kind_name(int kind)
{
    return kind >= 0 && kind < MS_KIND_COUNT ? kinds[kind].name : "entity";
}

int *ms_kind_count(ms_scenario *sc, int kind)
{
    return (int *)((char *)sc + kinds[kind].count);
}

void *ms_kind_entity(ms_scenario *sc, int kind, int i)
{
    return (char *)sc + kinds[kind].array + (size_t)i * kinds[kind].size;
}

const char *ms_kind_id(const ms_scenario *sc, int kind, int i)
{
    return (const char *)sc + kinds[kind].array + (size_t)i * kinds[kind].size;
}

int ms_kind_find(const ms_scenario *sc, int kind, const char *id)
{
    if (!sc || !id)
        return -1;
    int n = *(const int *)((const char *)sc + kinds[kind].count);
    for (int i = 0; i < n; i++)
        if (strcmp(ms_kind_id(sc, kind, i), id) == 0)
            return i;
    return -1;
}

int ms_scenario_cloud(const ms_scenario *sc, const char *id)
{
    return ms_kind_find(sc, MS_KIND_CLOUD, id);
}

int ms_scenario_vendor(const ms_scenario *sc, const char *id)
{
    return ms_kind_find(sc, MS_KIND_VENDOR, id);
}

int ms_scenario_product(const ms_scenario *sc, const char *id)
{
    return ms_kind_find(sc, MS_KIND_PRODUCT, id);
}

int ms_scenario_segment(const ms_scenario *sc, const char *id)
{
    return ms_kind_find(sc, MS_KIND_SEGMENT, id);
}

int ms_scenario_regime(const ms_scenario *sc, const char *id)
{
    return ms_kind_find(sc, MS_KIND_REGIME, id);
}

static const char *choice(int table, int value, int count)
{
    if (value < 0 || value >= count)
        return "unknown";
    return ms_schema_choices(table)[value];
}

const char *ms_product_class_name(ms_product_class c)
{
    return choice(MS_CHOICE_CLASS, (int)c, MS_CLASS_COUNT);
}

const char *ms_offer_state_name(ms_offer_state s)
{
    return choice(MS_CHOICE_STATE, (int)s, MS_OFFER_STATE_COUNT);
}

const char *ms_outcome_name(ms_outcome o)
{
    return choice(MS_CHOICE_OUTCOME, (int)o, MS_OUTCOME_COUNT);
}

const char *ms_exo_type_name(ms_exo_type t)
{
    return choice(MS_CHOICE_EXO, (int)t, MS_EXO_COUNT);
}

const char *ms_dispute_event_name(ms_dispute_event e)
{
    return choice(MS_CHOICE_DISPUTE_EVENT, (int)e, MS_DEV_COUNT);
}
