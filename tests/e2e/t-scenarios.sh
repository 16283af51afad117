# Every scenario profile in tests/scenarios gets the runtime, model and tiers
# its .expect file names (the articles' advice) under four probe conditions:
# no probes, and the quiet, busy and spread caches of tests/fixtures/probes.
# A pair may fail on purpose only when listed in
# tests/scenarios/KNOWN-FAILURES (empty today); the list may only shrink.
# tests/e2e/scenarios.py has the details.
set -u
exec python3 "$ADVISOR_SRCDIR/tests/e2e/scenarios.py"
