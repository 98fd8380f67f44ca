#!/usr/bin/env bash
# Side-by-side benchmark of full builds: runbook against Hugo and mdBook on the same text.
#
#   benches/compare.sh [N ...]        N procedures per corpus (default: 1000 5000 20000)
#   benches/compare.sh docset:N       N pages shaped like a real DocFX docset (docset:1036 is the
#                                     public Partner Center docset's size)
#
# For each N: generates the synthetic project (examples/corpus.rs: N procedures and N pages in
# en and ja; with `docset:`, `--docset`: how-to pages with numbered steps, images in media/
# folders, includes, tables, toc.yml, a third translated), builds it once to get runbook's
# Markdown (an mdBook source per locale, with the images), and turns
# that into a Hugo site and two mdBook books (benches/peers.py), so the three tools render the
# same text. Then, with hyperfine, RUNS runs each (default 5; 3 when N > 5000):
#   clean build   output directory removed before every run (all three tools);
#   rebuild       nothing changed since the last build (runbook and Hugo; mdBook always starts
#                 over), which is what an author's second build costs;
#   check         `runbook check` on the project;
#   edit rebuild  runbook after one edit, each run a new one: a line added to a page (which the
#                 bound runbooks print as an appendix), or a word added to a step's text; the
#                 target is at most 0.1 of a clean build.
# and, once each, peak RSS (GNU time). Prints median wall times, RSS, ms per page and the
# ratios runbook/Hugo and runbook/mdBook. PDF is off (the peers write none).
#
# Needs: hugo and hyperfine (apt-get install hugo hyperfine), mdbook (cargo install mdbook
# --version 0.5.4 --locked), python3. Nothing here uses the network. WORK=DIR keeps the corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 20000)
for tool in hugo mdbook hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "compare.sh: needs $tool (see the comment at the top)" >&2; exit 2; }
done
if [ -n "${WORK:-}" ]; then work=$WORK; mkdir -p "$work"; else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
# Outputs are moved aside, never deleted, while measuring: on ext4 without a journal (this
# machine's disk), creating files within 30 s of deleting many costs several times more (the
# allocator skips recently freed inodes), which would charge each tool for the previous run.
trash=$work/trash
mkdir -p "$trash"
aside() { for d in "$@"; do [ -e "$d" ] && mv "$d" "$trash/$(date +%s%N)-${d##*/}"; done; true; }

# CARGO_FLAGS=--no-default-features skips compiling typst (PDF_N=0 then skips the PDF section).
cargo build --release --quiet ${CARGO_FLAGS:-} --bin runbook --example corpus
runbook=$PWD/target/release/runbook
corpus=$PWD/target/release/examples/corpus
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "versions: $("$runbook" --version), $(hugo version | cut -d' ' -f1-2), $(mdbook --version), $(hyperfine --version), $(rustc --version)"
echo

median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$@"; }
rss_mb() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1; echo $(( $(tail -1 "$work/rss") / 1024 )); }

printf '%-7s %-8s %-14s %10s %9s %10s %8s\n' N pages tool "median s" "ms/page" "RSS MB" "ratio"
for size in "${sizes[@]}"; do
  shape=(); n=$size
  if [ "${size#docset:}" != "$size" ]; then shape=(--docset); n=${size#docset:}; fi
  dir=$work/${shape:+docset}n$n
  runs=5; [ "$n" -gt 5000 ] && runs=3
  if [ ! -f "$dir/book.toml" ]; then
    "$corpus" "${shape[@]}" "$n" "$dir"
    "$runbook" build --quiet --root "$dir"
    python3 benches/peers.py "$dir"
  fi
  md=$dir/peers/mdbook
  rb_build="$runbook build --quiet --root $dir --out $dir/out-runbook"
  hugo_build="hugo --quiet -s $dir/peers/hugo -d $dir/out-hugo"
  mdbook_build="mdbook build $md/en -d $dir/out-mdbook/en 2>/dev/null && mdbook build $md/ja -d $dir/out-mdbook/ja 2>/dev/null"
  prepare="bash -c 'for d in $dir/out-runbook $dir/out-hugo $dir/out-mdbook; do [ -e \$d ] && mv \$d $trash/\$(date +%s%N)-\${d##*/}; done; true'"
  hyperfine --runs "$runs" --style none --export-json "$work/clean.json" --prepare "$prepare" \
    "$rb_build" "$hugo_build" >/dev/null
  # mdBook takes minutes from N = 5,000 on (its time per page grows with N): fewer runs there,
  # none above MDBOOK_MAX_N (default 5000).
  if [ "$n" -le "${MDBOOK_MAX_N:-5000}" ]; then
    md_runs=$runs; [ "$n" -ge 5000 ] && md_runs=1
    hyperfine --runs "$md_runs" --style none --export-json "$work/mdbook.json" --prepare "$prepare" \
      "$mdbook_build" >/dev/null
  else
    echo '{"results": [{"median": 0}]}' > "$work/mdbook.json"
  fi
  hyperfine --runs "$runs" --warmup 1 --style none --export-json "$work/again.json" \
    "$rb_build" "$hugo_build" "$runbook check --root $dir" >/dev/null
  # One-file edits, each run a new one, rebuilt from the previous output and its cache.
  page=$dir/content/area-0/page-1.md
  procedure=$dir/content/area-0/procedure-2.yaml
  if [ ${#shape[@]} -gt 0 ]; then
    # A docset: a line added to a page, a word added to a how-to page's first step.
    page=$dir/content/section-1/page-1.md
    procedure=$(grep -l -m1 'ms.topic: how-to' "$dir"/content/section-0/*.md | head -1)
  fi
  cp "$page" "$work/page.bak"; cp "$procedure" "$work/procedure.bak"
  edit_page="python3 benches/edit.py page $page"
  edit_step="python3 benches/edit.py step $procedure"
  hyperfine --runs "$runs" --style none --export-json "$work/edit.json" \
    --command-name "edit page" --prepare "$edit_page" "$rb_build" \
    --command-name "edit step" --prepare "$edit_step" "$rb_build" >/dev/null
  cp "$work/page.bak" "$page"; cp "$work/procedure.bak" "$procedure"
  # Pages: the HTML documents each tool wrote (runbook: guide pages, not checklists or assets).
  rb_pages=$(python3 -c "import json,sys; print(sum(f['path'].startswith('html/') and f['kind'] in ('index','page','procedure','categories') for f in json.load(open(sys.argv[1]))['files']))" "$dir/out-runbook/manifest.json")
  hugo_pages=$(find "$dir/out-hugo" -name '*.html' | wc -l)
  mdbook_pages=$( (find "$dir/out-mdbook" -name '*.html' 2>/dev/null || true) | wc -l)
  aside "$dir/out-runbook" "$dir/out-hugo" "$dir/out-mdbook"
  rss_rb=$(rss_mb $rb_build)
  rss_hugo=$(rss_mb $hugo_build)
  rss_md=0
  [ "$n" -le "${MDBOOK_MAX_N:-5000}" ] && rss_md=$(rss_mb mdbook build "$md/en" -d "$dir/out-mdbook/en")
  rss_check=$(rss_mb "$runbook" check --root "$dir")
  aside "$dir/out-runbook" "$dir/out-hugo" "$dir/out-mdbook"
  # Free the disk for the next size, then let the file system forget the deletions.
  rm -rf "${trash:?}"/*
  sleep 35
  python3 - "${shape:+docset }$n" "$work/clean.json" "$work/mdbook.json" "$work/again.json" "$work/edit.json" "$rb_pages" "$hugo_pages" "$mdbook_pages" \
    "$rss_rb" "$rss_hugo" "$rss_md" "$rss_check" <<'PY'
import json, sys
n = sys.argv[1]
clean, mdbook, again, edit = (json.load(open(path))["results"] for path in sys.argv[2:6])
rb_pages, hugo_pages, md_pages, rss_rb, rss_hugo, rss_md, rss_check = map(int, sys.argv[6:])
edit_page, edit_step = (r["median"] for r in edit)
rb, hugo = (r["median"] for r in clean)
md = mdbook[0]["median"]
rb_again, hugo_again, check = (r["median"] for r in again)
rows = [
    ("runbook build", rb_pages, rb, rss_rb, ""),
    ("hugo", hugo_pages, hugo, rss_hugo, ""),
    ("mdbook (en+ja)", md_pages, md, f"{rss_md} (en)", ""),
    ("runbook rebuild", rb_pages, rb_again, "", ""),
    ("hugo rebuild", hugo_pages, hugo_again, "", ""),
    ("runbook check", rb_pages, check, rss_check, ""),
    ("rb edit page", rb_pages, edit_page, "", ""),
    ("rb edit step", rb_pages, edit_step, "", ""),
]
for tool, pages, t, rss, _ in rows:
    if pages == 0:
        print(f"{n:<7} {'-':<8} {tool:<14} {'skipped':>10}")
        continue
    print(f"{n:<7} {pages:<8} {tool:<14} {t:10.3f} {1000 * t / pages:9.4f} {rss!s:>10}")
per = lambda t, p: t / p
ratios = (f"{n:<7} ratios: runbook/Hugo clean {rb / hugo:.2f}, per page "
          f"{per(rb, rb_pages) / per(hugo, hugo_pages):.2f}; rebuild {rb_again / hugo_again:.2f}")
if md_pages:
    ratios += (f"; runbook/mdBook clean {rb / md:.3f}, per page {per(rb, rb_pages) / per(md, md_pages):.3f} "
               f"(mdBook takes {per(md, md_pages) / per(rb, rb_pages):.1f}x as long per page)")
print(ratios)
print(f"{n:<7} incremental: rebuild/clean {rb_again / rb:.2f}, edit page/clean {edit_page / rb:.2f}, "
      f"edit step/clean {edit_step / rb:.2f} (target 0.10)")
PY
done

# PDF, separately (the peers write none): every checklist and runbook of a small corpus
# typeset on both cores, against the same build without PDF.
pdf_n=${PDF_N:-100}
[ "$pdf_n" -gt 0 ] || exit 0
dir=$work/pdf$pdf_n
[ -f "$dir/book.toml" ] || "$corpus" "$pdf_n" "$dir"
hyperfine --runs 3 --style none --export-json "$work/pdf.json" \
  "$runbook build --quiet --root $dir --out $dir/out-plain" \
  "$runbook build --quiet --pdf --root $dir --out $dir/out-pdf" >/dev/null
pdfs=$(find "$dir/out-pdf/pdf" -name '*.pdf' | wc -l)
checklists=$(find "$dir/out-pdf/pdf" -name '*.pdf' ! -name 'runbook*' | wc -l)
python3 - "$work/pdf.json" "$pdfs" "$checklists" "$pdf_n" <<'PY'
import json, sys
plain, pdf = (r["median"] for r in json.load(open(sys.argv[1]))["results"])
pdfs, checklists, n = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
extra = pdf - plain
print(f"\nPDF at N={n}: {pdfs} PDFs ({checklists} checklists, {pdfs - checklists} runbooks) add {extra:.2f} s "
      f"to a {plain:.2f} s build: {checklists / extra:.1f} checklists/s counting the runbooks' time too "
      f"({1000 * extra / pdfs:.0f} ms per PDF, both cores). The engine's own cost for one page: "
      "`cargo bench --bench stages -- typeset_one_page`.")
PY
