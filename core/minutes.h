/*
 * minutes.h - the minutes of a meeting (minutes.c).
 */
#ifndef MDT_MINUTES_H
#define MDT_MINUTES_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* The minutes: venue, register, and per patient consent, notes, outcome,
 * key contact, actions (owner, due) and the time taken against the band.
 * MD for people to edit, TXT for a plain terminal or e-mail, JSON for
 * other programs. */
enum mdt_minutes_format { MDT_MINUTES_MD, MDT_MINUTES_JSON, MDT_MINUTES_TXT };

enum mdt_status mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out);

#endif
