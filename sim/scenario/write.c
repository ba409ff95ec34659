/* write.c - ms_scenario_write: the resolved scenario as libconfig text.
 *
 * Walks the schema table in tree order and prints every key, defaults
 * included, so the file is complete and needs no @include. Doubles are
 * printed with the fewest digits that read back bit-identical, and 64-bit
 * integers with an L suffix; loading the output yields a scenario equal to
 * the input field by field.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

typedef struct {
    FILE *out;
    const ms_scenario *sc;
} writer;

static void indent(writer *w, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", w->out);
}

static void write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void write_value(writer *w, const ms_schema_key *k, const void *base)
{
    const char *p = (const char *)base + k->offset;
    int iv;
    int64_t lv;
    double dv;
    char buf[64];
    switch (k->type) {
    case MS_SCHEMA_INT:
        memcpy(&iv, p, sizeof iv);
        fprintf(w->out, "%d", iv);
        break;
    case MS_SCHEMA_INT64:
        memcpy(&lv, p, sizeof lv);
        fprintf(w->out, "%" PRId64 "L", lv);
        break;
    case MS_SCHEMA_FLOAT:
        memcpy(&dv, p, sizeof dv);
        ms_schema_format_double(dv, buf, sizeof buf);
        fputs(buf, w->out);
        break;
    case MS_SCHEMA_BOOL:
        memcpy(&iv, p, sizeof iv);
        fputs(iv ? "true" : "false", w->out);
        break;
    case MS_SCHEMA_STRING:
        write_string(w->out, p);
        break;
    case MS_SCHEMA_ENUM:
    case MS_SCHEMA_REF:
        memcpy(&iv, p, sizeof iv);
        if (iv == MS_ANY)
            write_string(w->out, (k->flags & MS_SCHEMA_WILD) ? "*" : "");
        else
            write_string(w->out, k->type == MS_SCHEMA_ENUM ? ms_schema_choices(k->aux)[iv]
                                                           : ms_kind_id(w->sc, k->aux, iv));
        break;
    case MS_SCHEMA_REFSET: {
        uint32_t mask;
        int first = 1;
        memcpy(&mask, p, sizeof mask);
        fputc('[', w->out);
        for (int i = 0; i < w->sc->n_clouds; i++) {
            if (!(mask & (1u << i)))
                continue;
            fputs(first ? "" : ", ", w->out);
            write_string(w->out, w->sc->clouds[i].id);
            first = 0;
        }
        fputc(']', w->out);
        break;
    }
    default:
        break;
    }
}

static void write_children(writer *w, const char *norm, const void *base, int regime, int depth);

static void write_named(writer *w, const ms_schema_key *k, int depth)
{
    char norm[256];
    snprintf(norm, sizeof norm, "%s.<id>", k->path);
    ms_scenario *sc = (ms_scenario *)w->sc; /* read only */
    for (int i = 0; i < *ms_kind_count(sc, k->aux); i++) {
        indent(w, depth);
        fprintf(w->out, "%s = {\n", ms_kind_id(sc, k->aux, i));
        /* a regime's keys are lists, written from sc with the regime's index */
        const void *base =
            k->aux == MS_KIND_REGIME ? (const void *)sc : ms_kind_entity(sc, k->aux, i);
        write_children(w, norm, base, i, depth + 1);
        indent(w, depth);
        fputs("};\n", w->out);
    }
}

static void write_list(writer *w, const ms_schema_key *k, int regime, int depth)
{
    const ms_scenario *sc = w->sc;
    const char *elems;
    size_t size;
    int n;
    if (strcmp(k->path, "events") == 0) {
        elems = (const char *)sc->events, size = sizeof(ms_exo_event), n = sc->n_events;
    } else if (strcmp(k->path, "regime_schedule") == 0) {
        elems = (const char *)sc->schedule, size = sizeof(ms_schedule_entry), n = sc->n_schedule;
    } else {
        elems = (const char *)sc->regimes[regime].rules, size = sizeof(ms_rule);
        n = sc->regimes[regime].n_rules;
    }
    char norm[256];
    snprintf(norm, sizeof norm, "%s.[]", k->path);
    for (int i = 0; i < n; i++) {
        indent(w, depth);
        fputs("{\n", w->out);
        write_children(w, norm, elems + (size_t)i * size, regime, depth + 1);
        indent(w, depth);
        fputs(i + 1 < n ? "},\n" : "}\n", w->out);
    }
}

/* Writes every key directly under schema path `norm`; `base` is the struct
 * those keys' offsets point into, `regime` the enclosing regime if any. */
static void write_children(writer *w, const char *norm, const void *base, int regime, int depth)
{
    int nk;
    const ms_schema_key *keys = ms_schema_keys(&nk);
    for (int j = 0; j < nk; j++) {
        const ms_schema_key *k = &keys[j];
        const char *name = ms_schema_child_name(k, norm);
        if (!name)
            continue;
        indent(w, depth);
        fprintf(w->out, "%s = ", name);
        if (k->type == MS_SCHEMA_GROUP || k->type == MS_SCHEMA_NAMED) {
            fputs("{\n", w->out);
            if (k->type == MS_SCHEMA_GROUP)
                write_children(w, k->path, base, regime, depth + 1);
            else
                write_named(w, k, depth + 1);
            indent(w, depth);
            fputs("};\n", w->out);
        } else if (k->type == MS_SCHEMA_LIST) {
            fputs("(\n", w->out);
            write_list(w, k, regime, depth + 1);
            indent(w, depth);
            fputs(");\n", w->out);
        } else {
            write_value(w, k, base);
            fputs(";\n", w->out);
        }
    }
}

ms_status ms_scenario_write(const ms_scenario *sc, FILE *out)
{
    if (!sc || !out)
        return MS_EINVAL;
    writer w = {out, sc};
    fprintf(out,
            "# Resolved scenario \"%s\": every key after @include and --set, defaults\n"
            "# included. `marketsim run` on this file reproduces the run.\n\n",
            sc->name);
    write_children(&w, "", sc, -1, 0);
    return ferror(out) ? MS_EIO : MS_OK;
}

ms_status ms_scenario_write_text(const ms_scenario *sc, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = open_memstream(text, len);
    ms_status st = f ? ms_scenario_write(sc, f) : MS_ENOMEM;
    if (f && fclose(f) != 0 && st == MS_OK)
        st = MS_ENOMEM;
    if (st != MS_OK) {
        free(*text);
        *text = NULL;
        *len = 0;
        return st == MS_EINVAL ? st : MS_ENOMEM;
    }
    return MS_OK;
}
