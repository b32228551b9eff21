/*
 * trace.h - patients held under a local identifier (trace.c).  Anyone
 * can refer, including a resident with no GP or an out-of-area GP whose
 * NHS number is not yet known: such a patient is held as "L" and nine
 * digits (mdt_nhs_local) so that nothing is lost, flagged "not traced"
 * wherever shown, put on no agenda and sent nowhere until traced.  Once
 * the number is traced it replaces the local identifier, or, when the
 * record already knows that number, the local patient's referral,
 * candidates, rising-risk entries, actions and death join that patient.
 */
#ifndef MDT_TRACE_H
#define MDT_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct mdt_store;

/*
 * Traces the patient held under local (as typed: "L17" or "L000000017")
 * to the NHS number nhs (spaces allowed), in one act with its audit row.
 * MDT_ENHS for a number with a wrong check digit; MDT_EINVAL for a local
 * identifier not well formed; MDT_ENOTFOUND when no patient is held
 * under it; MDT_ESTATE when both are dead with different dates, or both
 * are on the same meeting's agenda.  *merged (may be NULL): the number
 * was known, and the local patient joined that one.
 */
enum mdt_status mdt_patient_trace(struct mdt_store *s, const char *local,
    const char *nhs, bool *merged);

/* Within an act: a new patient held under the next local identifier,
 * named name (required), born dob (NULL: unknown); *id and local[11]
 * get it. */
enum mdt_status mdt_patient_local_add_tx(struct mdt_store *s,
    const char *name, const char *dob, int64_t *id, char local[11]);

/*
 * Within an act: the patient of a number as an act was given it (nhs,
 * checked), into *id.  "" is a patient new and not traced, held under the
 * next local identifier (written into nhs); a local identifier must be
 * held (with unpurged, by a patient not purged), else MDT_ENOTFOUND said
 * as "<unknown> L000000017"; an NHS number new to the record is a new
 * patient.  A new patient is named name, born dob ("": unknown).
 */
enum mdt_status mdt_patient_typed_tx(struct mdt_store *s, char nhs[11],
    const char *name, const char *dob, bool unpurged, const char *unknown,
    int64_t *id);

#endif
