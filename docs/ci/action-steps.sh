#!/bin/sh
# The steps of the advisor GitHub Action (action.yml at the repository's
# top), one subcommand each, so that CI can run them outside GitHub
# (tests/ci/action-check.sh) exactly as the action does:
#
#   action-steps.sh deps        install the build packages that are missing
#   action-steps.sh build       build advisor and install it under $RUNNER_TEMP
#   action-steps.sh check       advisor check --format github PROFILE
#   action-steps.sh recommend   write the note and its JSON
#   action-steps.sh diff        compare the JSON with the baseline
#
# Inputs arrive as INPUT_* variables that action.yml sets from its inputs
# (a composite action does not set them by itself); never through ${{ }}
# in a script, so no input is ever parsed as shell code.  Outputs go to
# $GITHUB_OUTPUT, the job summary to $GITHUB_STEP_SUMMARY.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
: "${GITHUB_OUTPUT:=/dev/null}"
: "${GITHUB_STEP_SUMMARY:=/dev/null}"
prefix=$RUNNER_TEMP/advisor
advisor=$prefix/bin/advisor
baseline_copy=$RUNNER_TEMP/advisor-baseline.json

error() { echo "::error::$*"; exit "${2:-1}"; }

case ${1:-} in
deps)
	# What `make` needs to build the binary (cmocka is for the tests only).
	missing=""
	for c in make cc pkg-config python3; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	if [ -z "$missing" ]; then
		for p in yaml-0.1 libpcre2-8 libcmark-gfm jansson; do
			pkg-config --exists "$p" || { missing="$missing $p"; break; }
		done
	fi
	if [ -z "$missing" ]; then
		echo "build packages present"
		exit 0
	fi
	echo "missing:$missing; installing Debian packages"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends make gcc libc6-dev \
		pkg-config python3 libyaml-dev libpcre2-dev libcmark-gfm-dev \
		libcmark-gfm-extensions-dev libjansson-dev
	;;

build)
	# From the action's own checkout, so the version is the one the
	# workflow's `uses:` line pins.  CI= keeps -Werror off: warnings from
	# another compiler must not break a user's pipeline.
	jobs=$(nproc 2>/dev/null || echo 2)
	make -C "$src" --no-print-directory -j"$jobs" CI= \
		BUILD="$prefix/build" PREFIX="$prefix" install >"$RUNNER_TEMP/advisor-build.log" 2>&1 ||
		{ tail -n 40 "$RUNNER_TEMP/advisor-build.log"; error "building advisor failed"; }
	got=$("$advisor" --version)
	echo "built $got into $prefix"
	if [ -n "${INPUT_VERSION:-}" ] && [ "$got" != "advisor $INPUT_VERSION" ]; then
		error "the action's checkout builds '$got', the workflow asks for version $INPUT_VERSION"
	fi
	[ -z "${GITHUB_PATH:-}" ] || echo "$prefix/bin" >>"$GITHUB_PATH"
	echo "path=$advisor" >>"$GITHUB_OUTPUT"
	;;

check)
	# Problems become annotations on the profile's lines; exit 2 fails the job.
	"$advisor" check --format github -- "$INPUT_PROFILE"
	;;

recommend)
	# The baseline is kept aside first: it may be the very file about to
	# be regenerated (baseline and json both design/decision.json).
	rm -f "$baseline_copy"
	if [ -n "${INPUT_BASELINE:-}" ]; then
		[ -f "$INPUT_BASELINE" ] || error "baseline '$INPUT_BASELINE' not found" 2
		cp "$INPUT_BASELINE" "$baseline_copy"
	fi
	case $INPUT_JSON in
	*.json) ;;
	*) error "the json input must name a .json file, not '$INPUT_JSON'" ;;
	esac
	for f in "$INPUT_PROFILE" "${INPUT_PROBES:-}" "$INPUT_OUTPUT" "$INPUT_JSON"; do
		case $f in -*) error "'$f' looks like an option: write it as ./$f" ;; esac
	done
	if [ -n "${INPUT_PROBES:-}" ]; then
		set -- --probes-from "$INPUT_PROBES"
	else
		set -- --no-probes
	fi
	mkdir -p "$(dirname "$INPUT_OUTPUT")" "$(dirname "$INPUT_JSON")"
	# The note quotes the command that wrote it, so this is exactly the
	# command docs/ci.md tells users to commit the note with: the same
	# inputs give the same bytes here and on a laptop.
	"$advisor" recommend "$INPUT_PROFILE" "$@" -o "$INPUT_OUTPUT" -o "$INPUT_JSON"
	echo "wrote $INPUT_OUTPUT and $INPUT_JSON"
	python3 - "$INPUT_JSON" >>"$GITHUB_OUTPUT" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["recommendation"]
print("runtime=%s" % r["runtime"])
print("model=%s" % r["model"])
print("confidence=%s" % r["confidence"])
EOF
	python3 - "$INPUT_JSON" "$INPUT_OUTPUT" >>"$GITHUB_STEP_SUMMARY" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["recommendation"]
print("### advisor %s\n" % d.get("advisor_version", ""))
print("Recommended: **%s, %s** (scaling: %s, confidence %s); the note is `%s`.\n"
      % (r["runtime"], r["model"], r.get("scaling", "?"), r["confidence"], sys.argv[2]))
EOF
	;;

diff)
	if [ -z "${INPUT_BASELINE:-}" ]; then
		echo "no baseline given: nothing to compare"
		echo "changed=false" >>"$GITHUB_OUTPUT"
		exit 0
	fi
	status=0
	"$advisor" diff --fail-on "$INPUT_FAIL_ON" -- "$baseline_copy" "$INPUT_JSON" || status=$?
	case $status in
	0) echo "changed=false" >>"$GITHUB_OUTPUT" ;;
	4) echo "changed=true" >>"$GITHUB_OUTPUT" ;;
	*) exit "$status" ;;
	esac
	{
		echo "#### Compared with \`$INPUT_BASELINE\` (fail on: $INPUT_FAIL_ON)"
		echo
		"$advisor" diff --fail-on "$INPUT_FAIL_ON" --format markdown -- "$baseline_copy" "$INPUT_JSON" || :
	} >>"$GITHUB_STEP_SUMMARY"
	[ "$status" -eq 0 ] || echo "::error file=$INPUT_JSON::the recommendation changed (advisor diff --fail-on $INPUT_FAIL_ON exits 4)"
	exit "$status"
	;;

*)
	echo "usage: $0 deps|build|check|recommend|diff" >&2
	exit 1
	;;
esac
