#!/usr/bin/env python3
"""Run every scenario of tests/scenarios under four probe conditions.

Called by t-scenarios.sh with $ADVISOR (the command, possibly behind a
wrapper such as valgrind) and $ADVISOR_SRCDIR set.

A scenario is NAME.yaml, a project profile, and NAME.expect, the answer the
articles give for it: lines starting with # are comments (one line of
justification), then

    RUNTIME MODEL                the service, or the front tier
    workers RUNTIME MODEL        optional: the worker tier of a split

Each profile is run without probes and with the three caches of
tests/fixtures/probes (quiet, busy, spread).  Under every condition the
recommendation must name the expected runtime and model and the expected
tiers, and, when the JSON report's capacity[] entries carry a `feasible`
key, the recommended designs must be feasible.

tests/scenarios/KNOWN-FAILURES lists the pairs that fail today, one line
`SCENARIO CONDITION GOT...`.  A listed pair that fails is an expected
failure; a listed pair that passes is an error, so the list only shrinks.
The scenarios that predate the four conditions (BASELINE below) pass
without probes and may not be listed for `none`.

Prints one line per scenario and condition that fails (FAIL, or `known`
for a listed pair) and ends with `scenarios: N passed, N failed, ...`.
"""
import json
import os
import shlex
import subprocess
import sys

ROOT = os.environ["ADVISOR_SRCDIR"]
ADVISOR = shlex.split(os.environ["ADVISOR"])
SCEN = os.path.join(ROOT, "tests", "scenarios")
PROBES = os.path.join(ROOT, "tests", "fixtures", "probes")
KNOWN = os.path.join(SCEN, "KNOWN-FAILURES")
MIN_SCENARIOS = 25

CONDITIONS = [
    ("none", ["--no-probes"]),
    ("quiet", ["--probes-from", os.path.join(PROBES, "quiet.json")]),
    ("busy", ["--probes-from", os.path.join(PROBES, "busy.json")]),
    ("spread", ["--probes-from", os.path.join(PROBES, "spread.json")]),
]

# The sixteen scenarios that came before the probe conditions: they pass
# without probes and must keep passing there.
BASELINE = {
    "chat-server-cores-js", "csv-pdf-batch", "dotnet-enterprise-api",
    "enterprise-java-experts", "image-resize-queue", "infra-cli-tool",
    "iot-telemetry-ingest", "java-50k-connections", "ml-feature-api-python",
    "ml-inference-python", "rest-api-js-team", "serverless-api-cold-start",
    "startup-prototype-python", "streaming-mixed-team",
    "wasm-edge-component-rust", "websocket-dashboard-js",
}

# A copy of a shipped example holds its header, this line, then the example
# byte for byte.
COPY_MARK = "# ---- docs/examples/%s.yaml, copied unchanged below this line ----\n"

errors = []		# problems of the test data and contract breaches: always fatal


def read_expect(name):
    """The expected answer as one string, e.g. 'node event-loop + workers
    python process-pool'; None (and an error) when the file is malformed."""
    lines = []
    with open(os.path.join(SCEN, name + ".expect"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line.split())
    ok = (1 <= len(lines) <= 2 and len(lines[0]) == 2
          and (len(lines) == 1 or (len(lines[1]) == 3 and lines[1][0] == "workers")))
    if not ok:
        errors.append("%s.expect: want 'RUNTIME MODEL' and optionally "
                      "'workers RUNTIME MODEL'" % name)
        return None
    want = " ".join(lines[0])
    if len(lines) == 2:
        want += " + workers " + " ".join(lines[1][1:])
    return want


def check_copy(name, path):
    """A scenario that says it copies a shipped example must still match it."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for example in (n[:-5] for n in os.listdir(os.path.join(ROOT, "docs", "examples"))
                    if n.endswith(".yaml")):
        mark = COPY_MARK % example
        if mark in text:
            with open(os.path.join(ROOT, "docs", "examples", example + ".yaml"),
                      encoding="utf-8") as f:
                if text.split(mark, 1)[1] != f.read():
                    errors.append("%s: differs from docs/examples/%s.yaml; copy it "
                                  "again below the marker line" % (name, example))


def read_known(names):
    known = {}
    conds = {c for c, _ in CONDITIONS}
    with open(KNOWN, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            where = "KNOWN-FAILURES:%d" % lineno
            if len(parts) < 3:
                errors.append("%s: want 'SCENARIO CONDITION GOT'" % where)
            elif parts[0] not in names:
                errors.append("%s: no scenario '%s'" % (where, parts[0]))
            elif parts[1] not in conds:
                errors.append("%s: no condition '%s' (%s)" % (where, parts[1],
                              ", ".join(c for c, _ in CONDITIONS)))
            elif (parts[0], parts[1]) in known:
                errors.append("%s: '%s %s' listed twice" % (where, parts[0], parts[1]))
            elif parts[1] == "none" and parts[0] in BASELINE:
                errors.append("%s: %s must pass without probes; it may not be listed"
                              % (where, parts[0]))
            else:
                known[(parts[0], parts[1])] = parts[2]
    return known


def tier(t):
    return "%s %s" % (t.get("runtime"), t.get("model"))


def answer(report):
    """The recommended design as one string, from recommendation.tiers when
    the report has them, else from recommendation.hybrid, else the winner;
    and the designs it names, to look up in capacity[].  Issue 10 makes a
    non-null hybrid mean "two tiers"; a report that still offers it as an
    aside to a single winner is read the same way, so a split the articles
    do not advise (a PyTorch service a Python team should build in one
    piece) counts against it."""
    rec = report["recommendation"]
    tiers = rec.get("tiers")
    hybrid = rec.get("hybrid")
    if isinstance(tiers, list) and tiers:
        front = [t for t in tiers if t.get("role") in ("service", "front")]
        workers = [t for t in tiers if t.get("role") == "workers"]
        named = front + workers
        got = " + ".join(tier(t) for t in front) or "no front tier"
        for w in workers:
            got += " + workers " + tier(w)
    elif hybrid:
        named = [hybrid["gateway"], hybrid["workers"]]
        got = "%s + workers %s" % (tier(named[0]), tier(named[1]))
    else:
        named = [rec]
        got = tier(rec)
    return got, named


def infeasible(report, named):
    """The named designs that capacity[] marks infeasible (none when the
    entries have no `feasible` key yet)."""
    bad = []
    for t in named:
        rows = [c for c in report.get("capacity", [])
                if c.get("runtime") == t.get("runtime") and c.get("model") == t.get("model")
                and "feasible" in c]
        if rows and not any(c["feasible"] is True for c in rows):
            bad.append(tier(t))
    return bad


def contract(name, cond, report):
    """What every report must hold, whatever it recommends."""
    for key in ("ranking", "rules_fired", "sensitivity", "capacity"):
        if not isinstance(report.get(key), list):
            errors.append("%s %s: no '%s' list" % (name, cond, key))
    if report.get("rules_fired") == []:
        errors.append("%s %s: no rule fired" % (name, cond))
    if report.get("capacity") == []:
        errors.append("%s %s: empty capacity" % (name, cond))


def run(name, cond, args):
    profile = os.path.join(SCEN, name + ".yaml")
    try:
        p = subprocess.run(ADVISOR + ["recommend", profile] + args + ["--format", "json"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "timeout"
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return "exit %d: %s" % (p.returncode, err[0] if err else "")
    try:
        report = json.loads(p.stdout)
    except ValueError as e:
        return "bad JSON: %s" % e
    contract(name, cond, report)
    got, named = answer(report)
    bad = infeasible(report, named)
    if bad:
        got += " (infeasible: %s)" % ", ".join(bad)
    return got


def main():
    names = sorted(n[:-5] for n in os.listdir(SCEN) if n.endswith(".yaml"))
    for n in names:
        if not os.path.exists(os.path.join(SCEN, n + ".expect")):
            errors.append("%s.yaml has no %s.expect" % (n, n))
    for n in sorted(BASELINE - set(names)):
        errors.append("baseline scenario %s is gone" % n)
    if len(names) < MIN_SCENARIOS:
        errors.append("only %d scenarios, want at least %d" % (len(names), MIN_SCENARIOS))
    known = read_known(set(names))

    passed = failed = expected = 0
    for name in names:
        if not os.path.exists(os.path.join(SCEN, name + ".expect")):
            continue
        want = read_expect(name)
        check_copy(name, os.path.join(SCEN, name + ".yaml"))
        if want is None:
            continue
        for cond, args in CONDITIONS:
            got = run(name, cond, args)
            listed = known.get((name, cond))
            if got == want and listed is None:
                passed += 1
            elif got == want:
                failed += 1
                print("FAIL %s %s: passes now; remove it from KNOWN-FAILURES" % (name, cond))
            elif listed is not None:
                expected += 1
                note = "" if listed == got else " (listed as '%s')" % listed
                print("known %s %s: got '%s', expected '%s'%s" % (name, cond, got, want, note))
            else:
                failed += 1
                print("FAIL %s %s: got '%s', expected '%s'" % (name, cond, got, want))

    for e in errors:
        print("FAIL %s" % e)
    print("scenarios: %d passed, %d failed, %d known failures (KNOWN-FAILURES), %d errors"
          % (passed, failed, expected, len(errors)))
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
