#!/usr/bin/env python3
"""Run a composite action's steps the way a GitHub runner does, here.

    run-action.py ACTION.yml RESULT.json [INPUT=VALUE]...

Run from the folder that plays the workspace; RUNNER_TEMP must be set.
For each step in order: its `env` with ${{ }} expressions filled in
(inputs.*, github.action_path, runner.temp, steps.ID.outputs.*), then its
`run` script with `bash --noprofile --norc -eo pipefail` (what `shell: bash`
means on GitHub), with GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT
(a fresh file per step), GITHUB_STEP_SUMMARY, GITHUB_PATH and GITHUB_ENV
set. The first failing step stops the run, as on GitHub. RESULT.json gets
{"exit": N, "failed_step": NAME or null, "steps": {ID: outputs},
"outputs": the action's outputs}.

It refuses what it cannot emulate faithfully (an `if:`, another shell, an
unknown expression) and a `run` script holding ${{ }}: inputs must reach
scripts through `env`, never as text spliced into shell code.
"""
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def die(msg):
    sys.exit("run-action: " + msg)


def main():
    action_file, result_file = sys.argv[1], sys.argv[2]
    given = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(action_file) as f:
        action = yaml.safe_load(f)
    action_path = os.path.dirname(os.path.abspath(action_file))
    temp = os.environ["RUNNER_TEMP"]
    workspace = os.getcwd()

    declared = action.get("inputs") or {}
    for name in given:
        if name not in declared:
            die("unknown input '%s'" % name)
    inputs = {}
    for name, spec in declared.items():
        if name in given:
            inputs[name] = given[name]
        elif spec.get("required") and "default" not in spec:
            die("required input '%s' not given" % name)
        else:
            inputs[name] = str(spec.get("default", ""))

    runs = action["runs"]
    if runs.get("using") != "composite":
        die("not a composite action")
    step_outputs = {}

    def fill(text):
        def one(m):
            e = m.group(1)
            parts = e.split(".")
            if parts[0] == "inputs" and len(parts) == 2 and parts[1] in inputs:
                return inputs[parts[1]]
            if e == "github.action_path":
                return action_path
            if e == "runner.temp":
                return temp
            if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
                return step_outputs.get(parts[1], {}).get(parts[3], "")
            die("cannot evaluate ${{ %s }}" % e)
        return EXPR.sub(one, str(text))

    summary = os.path.join(temp, "step-summary.md")
    path_file = os.path.join(temp, "github-path")
    env_file = os.path.join(temp, "github-env")
    for f in (path_file, env_file):
        open(f, "a").close()
    result = {"exit": 0, "failed_step": None}
    for i, step in enumerate(runs["steps"]):
        name = step.get("name", "step %d" % (i + 1))
        sid = step.get("id", "step%d" % (i + 1))
        for key in step:
            if key not in ("name", "id", "shell", "run", "env", "working-directory"):
                die("step '%s': cannot emulate '%s'" % (name, key))
        if step.get("shell") != "bash":
            die("step '%s': shell must be bash" % name)
        if "${{" in step["run"]:
            die("step '%s': ${{ }} in run: pass inputs through env" % name)
        out_file = os.path.join(temp, "output-%s" % sid)
        open(out_file, "w").close()
        env = dict(os.environ)
        with open(path_file) as f:
            extra = [l.strip() for l in f if l.strip()]
        if extra:
            env["PATH"] = os.pathsep.join(reversed(extra)) + os.pathsep + env["PATH"]
        env.update(GITHUB_ACTION_PATH=action_path, GITHUB_WORKSPACE=workspace,
                   GITHUB_OUTPUT=out_file, GITHUB_STEP_SUMMARY=summary,
                   GITHUB_PATH=path_file, GITHUB_ENV=env_file, RUNNER_TEMP=temp)
        for k, v in (step.get("env") or {}).items():
            env[k] = fill(v)
        script = os.path.join(temp, "step-%s.sh" % sid)
        with open(script, "w") as f:
            f.write(step["run"])
        cwd = fill(step.get("working-directory", workspace))
        print("::group::%s" % name, flush=True)
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                             env=env, cwd=cwd)
        print("::endgroup:: exit %d" % rc, flush=True)
        step_outputs[sid] = parse_outputs(out_file)
        if rc != 0:
            result.update(exit=rc, failed_step=name)
            break
    result["steps"] = step_outputs
    result["outputs"] = {k: fill(v["value"]) for k, v in (action.get("outputs") or {}).items()}
    with open(result_file, "w") as f:
        json.dump(result, f, indent=1)
    return 0


def parse_outputs(path):
    """key=value lines and key<<DELIMITER ... DELIMITER blocks."""
    out = {}
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            body = []
            while i < len(lines) and lines[i] != m.group(2):
                body.append(lines[i])
                i += 1
            i += 1
            out[m.group(1)] = "\n".join(body)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        else:
            die("bad line in GITHUB_OUTPUT: %r" % line)
    return out


if __name__ == "__main__":
    sys.exit(main())
