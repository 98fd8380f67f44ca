#!/usr/bin/env bash
# Benchmark of `runbook check` on a synthetic site, against an independent link checker.
#
#   benches/check.sh [N]        N procedures (default 5000: 10,000 pages per locale, en and ja)
#
# Prints median wall time and peak memory of `runbook check` at N, and, as a peer in the same
# run, `runbook check` and `linkchecker` (Debian; checks the built HTML's links and anchors) at
# N/100, where the Python peer still finishes in reasonable time (every page links every page
# in its navigation, so its work grows with the square of N). Needs hyperfine and linkchecker
# (apt-get install hyperfine linkchecker). Nothing here uses the network.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
small=$(( n / 100 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin runbook --example corpus
runbook=$PWD/target/release/runbook
corpus=$PWD/target/release/examples/corpus

"$corpus" "$n" "$work/big"
"$corpus" "$small" "$work/small"
pages=$(( n * 2 ))
echo "corpus: $n procedures + $n pages = $pages pages per locale, 2 locales ($(find "$work/big/content" -type f | wc -l) files)"

echo
echo "== runbook check, N=$n"
hyperfine --warmup 1 --runs 5 --export-json "$work/big.json" "$runbook check --root $work/big" >/dev/null
check_big=$(python3 -c "import json,sys; print(json.load(open('$work/big.json'))['results'][0]['median'])")
/usr/bin/time -f %M -o "$work/rss" "$runbook" check --root "$work/big" >/dev/null 2>&1
rss_big=$(tail -1 "$work/rss")
printf 'median %.3f s, peak RSS %d MB\n' "$check_big" "$(( rss_big / 1024 ))"

echo
echo "== peer: linkchecker (anchors on) vs runbook check, N=$small"
"$runbook" build --quiet --root "$work/small"
chmod -R a+rX "$work"
printf '[filtering]\ncheckextern=0\n[AnchorCheck]\n' > "$work/linkcheckerrc"
hyperfine --runs 3 --export-json "$work/small.json" \
  "$runbook check --root $work/small" \
  "linkchecker --config $work/linkcheckerrc --no-status --quiet $work/small/build/html/index.html" >/dev/null
python3 - "$work/small.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
ours, peer = results[0]["median"], results[1]["median"]
print(f"runbook check {ours:.4f} s, linkchecker {peer:.3f} s: ratio runbook/linkchecker = {ours / peer:.5f} (linkchecker takes {peer / ours:.0f}x as long)")
PY
