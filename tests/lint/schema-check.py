"""Validate advisor's JSON documents against docs/schema/ (JSON Schema 2020-12).

usage: schema-check.py SCHEMA_DIR report=FILE... probes=FILE...

Every FILE is checked against report.schema.json or probes.schema.json
(the report's "probes" object refers to the probe schema).  Then the
check checks itself: documents broken on purpose (a wrong type, a missing
contract key, an unknown key, a newer schema_version, a skipped replay
candidate with a figure) must fail, so that a schema that accepts
anything cannot pass.  One line per failure, then
"schema: N passed, N failed"; exit 1 when any failed.

Run with Debian's python3-jsonschema (4.10 or later: Draft202012Validator).
"""
import copy
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validators(schema_dir):
    schemas = {}
    for kind in ("report", "probes"):
        s = load(os.path.join(schema_dir, kind + ".schema.json"))
        Draft202012Validator.check_schema(s)
        schemas[kind] = s
    store = {s["$id"]: s for s in schemas.values()}
    out = {}
    for kind, s in schemas.items():
        resolver = jsonschema.RefResolver.from_schema(s, store=store)
        out[kind] = Draft202012Validator(s, resolver=resolver)
    return out


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/" + "/".join(str(p) for p in e.absolute_path)


def broken_reports(report):
    """(what, document) pairs that must not validate."""
    out = []
    d = copy.deepcopy(report)
    d["recommendation"]["confidence"] = "high"
    out.append(("confidence as a string", d))
    d = copy.deepcopy(report)
    del d["recommendation"]
    out.append(("no recommendation", d))
    d = copy.deepcopy(report)
    del d["capacity"][0]["basis"]
    out.append(("a capacity entry without basis", d))
    d = copy.deepcopy(report)
    d["ranking"][0]["total"] = 11
    out.append(("a total above 10", d))
    d = copy.deepcopy(report)
    d["method"]["probe_origin"] = "guessed"
    out.append(("an unknown probe_origin", d))
    d = copy.deepcopy(report)
    d["capacity"][0]["cores_neded"] = 1
    out.append(("an unknown capacity key", d))
    d = copy.deepcopy(report)
    d["schema_version"] = 2
    out.append(("a newer schema_version", d))
    return out


def broken_probes(probes):
    out = []
    d = copy.deepcopy(probes)
    d["fingerprint"]["cores"] = "two"
    out.append(("cores as a string", d))
    d = copy.deepcopy(probes)
    del d["results"]
    out.append(("no results", d))
    d = copy.deepcopy(probes)
    d["results"][0]["unit"] = "event/s"
    out.append(("an unknown unit", d))
    d = copy.deepcopy(probes)
    d["schema_version"] = 2
    out.append(("a newer schema_version", d))
    return out


def broken_replay(probes):
    out = []
    cands = probes["replay"]["candidates"]
    skipped = [i for i, c in enumerate(cands) if c["status"] == "skipped"]
    measured = [i for i, c in enumerate(cands) if c["status"] == "measured"]
    if skipped:
        d = copy.deepcopy(probes)
        d["replay"]["candidates"][skipped[0]]["max_rps"] = 12
        out.append(("a skipped replay candidate with a figure", d))
    if measured:
        d = copy.deepcopy(probes)
        d["replay"]["candidates"][measured[0]]["max_rps"] = None
        out.append(("a measured replay candidate without max_rps", d))
    d = copy.deepcopy(probes)
    d["replay"]["candidates"][0]["model"] = "event-lop"
    out.append(("an unknown replay model", d))
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    v = validators(argv[1])
    passed = failed = 0
    sample = {}
    for arg in argv[2:]:
        kind, _, path = arg.partition("=")
        if kind not in v or not path:
            sys.stderr.write("schema: expected report=FILE or probes=FILE, not %s\n" % arg)
            return 2
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print("schema: %s: %s" % (path, e))
            failed += 1
            continue
        errs = errors(v[kind], doc)
        if errs:
            failed += 1
            for e in errs[:5]:
                print("schema: %s: %s: %s" % (path, where(e), e.message))
        else:
            passed += 1
            sample.setdefault(kind, doc)
            # the replay to break: best one with a measured and a skipped candidate
            if kind == "probes" and "replay" in doc:
                statuses = {c.get("status") for c in doc["replay"]["candidates"]}
                if "replay" not in sample or len(statuses) == 2:
                    sample["replay"] = doc
    # the check can fail: each broken document must be refused
    cases = []
    if "report" in sample:
        cases += [("report", w, d) for w, d in broken_reports(sample["report"])]
    if "probes" in sample:
        cases += [("probes", w, d) for w, d in broken_probes(sample["probes"])]
    if "replay" in sample:
        cases += [("probes", w, d) for w, d in broken_replay(sample["replay"])]
    if not cases:
        print("schema: no valid document to break")
        failed += 1
    refused = 0
    for kind, what, doc in cases:
        if errors(v[kind], doc):
            refused += 1
        else:
            failed += 1
            print("schema: %s with %s validates; the schema must refuse it" % (kind, what))
    passed += refused
    print("schema: %d passed, %d failed (%d of them broken on purpose and refused)"
          % (passed, failed, refused))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
