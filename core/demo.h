/*
 * demo.h - a fictional meeting to try mdtchair on (demo.c).
 */
#ifndef MDT_DEMO_H
#define MDT_DEMO_H

#include <stdint.h>

#include "model.h"

/* Creates, once per database, the demo venue, ten people, twelve patients
 * and a demo meeting scheduled today, each row with a fresh UUID; returns
 * the demo meeting's id (the one made before, writing nothing, when called
 * again).  The demo is fictional and not queued in the outbox. */
enum mdt_status mdt_demo_create(struct mdt_store *s, int64_t *meeting_id);

#endif
