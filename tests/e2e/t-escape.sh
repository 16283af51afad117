# Text from a profile shows literally in every report: no raw HTML, no
# Markdown made from a project name, a shell-safe reproduce command.
set -eu
src="$ADVISOR_SRCDIR"
fail() { echo "FAIL: $*"; exit 1; }
# Scripts share one scratch folder: work in a folder of our own.
mkdir -p t-escape && cd t-escape
name='Orders *API* <script>alert(1)</script>'
desc='Uses | pipes, [links](http://x), `code`, _under_ & <b>bold</b>, # not a heading, - not a list, 1. not a list, ~~strike~~ and $math$ &amp; more.'
cat >hostile.yaml <<YAML
version: 1
project:
  name: "$name"
  description: >
    Uses | pipes, [links](http://x), \`code\`, _under_ & <b>bold</b>,
    # not a heading,
    - not a list,
    1. not a list, ~~strike~~ and \$math\$ &amp; more.
workload:
  kind: mixed
  peak_concurrency: 200
  cpu_ms_per_request: 30
accept:
  - rule: gil-limits-cpu-threads
    because: "it is <img src=x onerror=alert(1)> *fine* | really"
YAML
for f in md html madr; do
	$ADVISOR recommend hostile.yaml --no-probes --format $f -o out.$f
done
# No raw HTML in the Markdown; the title is escaped, not emphasised.
raw='(^|[^\\])<(script|img|b)'
! grep -qE "$raw" out.md || fail "raw HTML in the Markdown: $(grep -E "$raw" out.md)"
# The record's front matter is YAML, its values double-quoted strings: only
# the Markdown after it is checked for raw HTML.
awk 'n >= 2; /^---$/ && n < 2 { n++ }' out.madr >out.madr-body
! grep -qE "$raw" out.madr-body || fail "raw HTML in the decision record"
grep -qF 'advisor-project: "Orders *API* <script>alert(1)</script>"' out.madr ||
	fail "decision record front matter: $(grep -m1 '^advisor-project' out.madr)"
grep -qxF '# Design note: Orders \*API\* \<script\>alert(1)\</script\>' out.md ||
	fail "Markdown title not escaped: $(grep -m1 '^# ' out.md)"
grep -qxF '# Build Orders \*API\* \<script\>alert(1)\</script\> on Go goroutines (M:N)' out.madr ||
	grep -q '^# Build Orders \\\*API\\\* \\<script\\>' out.madr ||
	fail "decision record title not escaped: $(grep -m1 '^# ' out.madr)"
# The profile table keeps three cells in the name's row.
grep -F '| `project.name` |' out.md | grep -qF ' | Orders \*API\* \<script\>alert(1)\</script\> |  |' ||
	grep -F '| `project.name` |' out.md | grep -qE '^\| `project.name` \| .* \| \|$' ||
	fail "profile table row broken: $(grep -F '| `project.name`' out.md)"
# cmark-gfm (the HTML report) renders the text literally.
! grep -qF '<script>' out.html || fail "raw <script> in the HTML"
! grep -qF '<img' out.html || fail "raw <img> in the HTML"
grep -qF '<h1>Design note: Orders *API* &lt;script&gt;alert(1)&lt;/script&gt;</h1>' out.html ||
	fail "HTML title not literal: $(grep -m1 '<h1>' out.html)"
grep -qF '<title>Design note: Orders *API* &lt;script&gt;' out.html || fail "HTML <title> not escaped"
flat=$(tr '\n' ' ' <out.html)
want='Uses | pipes, [links](http://x), <code>code</code>'
case $flat in
*'Uses | pipes, [links](http://x), `code`, _under_ &amp; &lt;b&gt;bold&lt;/b&gt;, # not a heading, - not a list, 1. not a list, ~~strike~~ and $math$ &amp;amp; more.'*) ;;
*) fail "description not literal in HTML: $(printf '%s' "$flat" | grep -o 'Uses |[^<]*' | head -1)" ;;
esac
: "$want"
case $flat in
*'it is &lt;img src=x onerror=alert(1)&gt; *fine* | really'*) ;;
*) fail "accept reason not literal in HTML" ;;
esac
# No emphasis, links, headings or lists made from the profile's text.
! printf '%s' "$flat" | grep -qE '<em>API|<a href="http://x"|<h1># not|<del>strike' ||
	fail "profile text became markup in the HTML"
# Lines stay within 80 columns and markdownlint (when present) is clean.
! grep -qE '^.{81,}$' out.md || fail "a Markdown line passes 80 columns"
lint="$src/build/tools/node_modules/.bin/markdownlint"
if [ -x "$lint" ]; then
	"$lint" out.md out.madr || fail "markdownlint"
fi

# The reproduce command quotes each word for a POSIX shell.
dir="it's  here"
mkdir -p "$dir"
cp hostile.yaml "$dir/p.yaml"
$ADVISOR recommend "$dir/p.yaml" --no-probes -o repro.md
cmd=$(sed -n '/^```sh$/,/^```$/p' repro.md | sed '1d;$d' | sed 's/ \\$//' | tr '\n' ' ')
case $cmd in
"advisor recommend 'it'\\''s  here/p.yaml' --no-probes -o repro.md"*) ;;
*) fail "reproduce command not quoted: $cmd" ;;
esac
eval "set -- ${cmd#advisor }"
[ "$2" = "$dir/p.yaml" ] || fail "reproduce command does not give back the path: '$2'"
[ $# -eq 5 ] || fail "reproduce command has $# words, expected 5"
# The decision record carries the same command, quoted.
$ADVISOR recommend "$dir/p.yaml" --no-probes --format madr -o repro.madr.md
grep -qF "advisor recommend 'it'\\''s  here/p.yaml' --no-probes --format madr" repro.madr.md ||
	fail "decision record command not quoted"
