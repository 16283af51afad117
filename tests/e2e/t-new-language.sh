#!/bin/sh
# A runtime in a new language is one Markdown file.  In a copy of the
# knowledge folder, knowledge/runtime-elixir.md makes team.skills.elixir and
# exclude: [elixir] valid for check and recommend, and ranks Elixir
# candidates; without the file, both are errors at their line and column.
set -u
fail=0
cp -R "$ADVISOR_SRCDIR/knowledge" kb
cat >kb/runtime-elixir.md <<'EOF'
---
kind: runtime
id: elixir
name: Elixir
language: elixir
velocity: 4
cpu_factor: 2.5
baseline_memory_mb: 60
cold_start_ms: 400
gc_pause_ms: 1
ecosystem:
  ml: 1
  data-science: 1
  web: 4
  enterprise: 2
  systems: 1
  wasm: 1
models:
  - model: m-n
    name: BEAM processes (M:N, preemptive)
    task_memory_kib: 3
    default: true
sources:
  velocity: test of a runtime added as one file
---

# Elixir

## Execution model

Lightweight BEAM processes scheduled preemptively on every core.

## Strengths

- Many connections per node, supervision trees.

## Weaknesses

- Slow on CPU-heavy code.
EOF
cat >skills.yaml <<'EOF'
version: 1
workload: {kind: io, peak_concurrency: 5000}
team:
  skills: {elixir: 5}
EOF
cat >exclude.yaml <<'EOF'
version: 1
workload: {kind: io, peak_concurrency: 5000}
constraints:
  exclude: [elixir]
EOF

# With the file: both profiles are valid, and Elixir is ranked.
for p in skills.yaml exclude.yaml; do
	if ! $ADVISOR check --knowledge kb "$p" >out.txt 2>err.txt; then
		echo "FAIL check --knowledge kb $p: $(cat err.txt)"
		fail=1
	fi
done
if ! $ADVISOR recommend skills.yaml --knowledge kb --no-probes --format json -o rec.json 2>err.txt; then
	echo "FAIL recommend with runtime-elixir.md: $(cat err.txt)"
	fail=1
elif ! grep -q '"runtime": "elixir"' rec.json; then
	echo "FAIL recommend with runtime-elixir.md: no Elixir candidate in the ranking"
	fail=1
elif ! grep -q '"elixir": 5' rec.json; then
	echo "FAIL recommend with runtime-elixir.md: team.skills.elixir not in the profile digest"
	fail=1
fi
if ! $ADVISOR recommend exclude.yaml --knowledge kb --no-probes --format json -o ex.json 2>err.txt; then
	echo "FAIL recommend exclude: [elixir]: $(cat err.txt)"
	fail=1
elif grep -q '"runtime": "elixir"' ex.json; then
	echo "FAIL recommend exclude: [elixir]: Elixir is still ranked"
	fail=1
fi

# Without it: errors at the key's and the word's line and column, exit 2.
rm kb/runtime-elixir.md
expect() {	# expect CMD... : exit 2 and stderr holding $want
	"$@" >out.txt 2>err.txt
	rc=$?
	if [ $rc != 2 ] || ! grep -qF "$want" err.txt; then
		echo "FAIL $*: exit $rc, expected 2 and '$want'; got:"
		sed 's/^/    /' err.txt
		fail=1
	fi
}
want="skills.yaml:4:12: error: unknown key 'elixir' in team.skills"
expect $ADVISOR check --knowledge kb skills.yaml
expect $ADVISOR recommend skills.yaml --knowledge kb --no-probes -o r.md
want="exclude.yaml:4:13: error: unknown runtime 'elixir'"
expect $ADVISOR check --knowledge kb exclude.yaml
expect $ADVISOR recommend exclude.yaml --knowledge kb --no-probes -o r.md
exit $fail
