/*
 * agenda.h - the agenda of a meeting printed for circulation
 * (agenda.c).  A patient is masked as mdt_patient_mask (rules.h).
 */
#ifndef MDT_AGENDA_H
#define MDT_AGENDA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

enum mdt_agenda_format { MDT_AGENDA_MD, MDT_AGENDA_TXT };

/*
 * Prints the agenda (title, date, time, venue; per slot: order, planned
 * minutes and clock time, presenter, patient, lists, reason) and the
 * deferred candidates with their reasons.  Patients are masked (see
 * mdt_patient_mask) unless unmask is true.
 */
enum mdt_status mdt_agenda_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_agenda_format fmt, bool unmask, FILE *out);

#endif
