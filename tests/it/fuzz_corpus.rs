//! The fuzz targets' seeds and every input that ever crashed one (`fuzz/seeds/TARGET/`,
//! `fuzz/regressions/TARGET/`), replayed on stable Rust through the same entry points the fuzz
//! targets call (`runbook::fuzz`). Fuzzing itself needs nightly: see docs/fuzzing.md.

use std::path::Path;

/// A fuzz entry point.
type Entry = fn(&[u8]);

/// Each target with its entry point.
const TARGETS: &[(&str, Entry)] = &[
    ("load", runbook::fuzz::load),
    ("markdown", runbook::fuzz::markdown),
    ("po_import", runbook::fuzz::po_import),
    ("bilingual", runbook::fuzz::bilingual),
];

#[test]
fn fuzz_seeds_and_regressions_run_clean() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (target, entry) in TARGETS {
        let mut replayed = 0;
        for kind in ["seeds", "regressions"] {
            let dir = fuzz.join(kind).join(target);
            let mut inputs: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.file_name().is_some_and(|n| n != ".gitkeep"))
                .collect();
            inputs.sort();
            for input in inputs {
                let bytes = std::fs::read(&input).unwrap();
                let outcome = std::panic::catch_unwind(|| entry(&bytes));
                assert!(outcome.is_ok(), "{target} panicked on {}", input.display());
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no inputs for {target}");
    }
}
