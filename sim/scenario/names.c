/* names.c - id lookups and enum names of ms_scenario (see scenario.h).
 *
 * The enum names are the ones config files use; they come from the schema's
 * choice tables, so files, CSVs and the reference agree.
 */
#include <string.h>

#include "scenario_internal.h"

#define FIND_BY_ID(arr, n, id)                                                                     \
    do {                                                                                           \
        if (!sc || !(id))                                                                          \
            return -1;                                                                             \
        for (int i_ = 0; i_ < (n); i_++)                                                           \
            if (strcmp((arr)[i_].id, (id)) == 0)                                                   \
                return i_;                                                                         \
        return -1;                                                                                 \
    } while (0)

int ms_scenario_cloud(const ms_scenario *sc, const char *id)
{
    FIND_BY_ID(sc->clouds, sc->n_clouds, id);
}

int ms_scenario_vendor(const ms_scenario *sc, const char *id)
{
    FIND_BY_ID(sc->vendors, sc->n_vendors, id);
}

int ms_scenario_product(const ms_scenario *sc, const char *id)
{
    FIND_BY_ID(sc->products, sc->n_products, id);
}

int ms_scenario_segment(const ms_scenario *sc, const char *id)
{
    FIND_BY_ID(sc->segments, sc->n_segments, id);
}

int ms_scenario_regime(const ms_scenario *sc, const char *id)
{
    FIND_BY_ID(sc->regimes, sc->n_regimes, id);
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
