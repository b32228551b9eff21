#!/bin/sh
# crash-short.sh - the crash campaign (crash-campaign.sh) cut to 20 kills
# for make check; `make crash-campaign` runs the full 200.
KILLS=${CRASH_KILLS:-20} exec bash "$(dirname "$0")/crash-campaign.sh"
