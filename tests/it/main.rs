//! Integration tests: the `runbook` binary run as a user runs it, on fixture projects.

mod adoption; // lint levels, the baseline, and check ≡ build on real page constructs
mod architecture; // the module graph: layers only point down, no loops
mod bad_input; // broken, hostile and oversized input: a place and exit 1, bounded memory
mod cli; // commands, options, exit codes, determinism, atomic output
mod docfx; // DocFX-flavoured content: every construct rendered, real defects reported, no false alarms
mod errors; // one broken fixture per error kind: file, line, column, message, exit 1
mod flowchart; // every edge followed from its label to its step; legible on paper, in Markdown
mod fuzz_corpus; // the fuzz targets' seeds and crash inputs, replayed on stable
mod i18n; // translation status, staleness, PO export and import, bilingual pages, review view
mod incremental; // builds that keep what is unchanged equal clean builds after random edits
mod print;
mod procedure_pages; // how-to pages whose numbered lists are checklists, runs and records
mod publishing; // sitemap, canonical and hreflang links, 404 pages, descriptions, dates, icons // checklists, runbooks, flowcharts, PDFs and their printed pages
mod record; // run records: checked against the flow with pointers and lines, rendered
mod render; // snapshots of rendered HTML, Markdown and manifest; sidebar; unchanged files kept
mod safety; // injection payloads escaped or refused; the output carries no script
mod serve; // `runbook serve`: pages, live-reload events, errors shown and the last good site kept
mod shard; // `build --locale` shards and `build --merge`: the full build byte for byte
mod tools; // the Nu HTML Checker and mdBook on the built sample
mod util;
