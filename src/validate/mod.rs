//! Validate: [`Site`] → `Vec<Diagnostic>`.
//!
//! Checks what no single file can know: that ids are unique, that references (products,
//! categories, steps, procedures) point at something, that output paths do not collide, and that
//! localized text is written in known locales. Validation reports; it never fails and does no IO.

mod dialect;
mod flow;
mod html;
pub mod links;
mod references;
pub mod texts;
mod translations;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::source::{FileId, SourceMap, Span};

/// Every problem in `site` under `config`, in a stable order (by check, then by file order).
/// `sources` holds the files' text, to place links written inside YAML scalars.
pub fn validate(site: &Site, config: &Config, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    references::check(site, &mut diagnostics);
    texts::check(site, config, &mut diagnostics);
    flow::check(site, &mut diagnostics);
    links::check(site, config, sources, &mut diagnostics);
    html::check(site, config, sources, &mut diagnostics);
    dialect::check(site, config, &mut diagnostics);
    let segments = crate::i18n::segments::segments(site, config);
    translations::check(site, config, segments, &mut diagnostics);
    diagnostics
}

/// Where a Markdown text is in its file: exactly at an offset (page bodies), or somewhere after
/// one (YAML scalars, whose escapes and folding move characters).
#[derive(Clone, Copy)]
enum Base {
    Exact(usize),
    After(usize),
}

impl Base {
    /// The span of `needle`, written at `range` of `markdown`, in the file `file`.
    fn span(
        self,
        file: FileId,
        sources: &SourceMap,
        markdown: &str,
        range: std::ops::Range<usize>,
        needle: &str,
    ) -> Span {
        match self {
            Base::Exact(offset) => {
                let written = markdown.get(range.clone()).unwrap_or_default();
                let start = offset + range.start + written.find(needle).unwrap_or(0);
                Span::new(file, start..start + needle.len())
            }
            Base::After(offset) => {
                let text = &sources.file(file).text;
                let start = text
                    .get(offset..)
                    .and_then(|rest| rest.find(needle))
                    .map_or(offset, |i| offset + i);
                Span::new(file, start..start + needle.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod properties {
        use proptest::prelude::*;

        use crate::paths::resolve;

        fn path() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof!["a", "b", "c-d", "日本", "..", ".", ""], 0..8)
                .prop_map(|parts| parts.join("/"))
        }

        fn file() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof!["a", "b", "g"], 1..4)
                .prop_map(|parts| parts.join("/"))
        }

        proptest! {
            /// A resolved link is a clean content path: no `.`, `..` or empty segment, so it
            /// can never name anything outside `content/`.
            #[test]
            fn resolved_links_are_clean_and_inside(from in file(), link in path()) {
                if let Some(resolved) = resolve(&from, &link) {
                    prop_assert!(resolved.split('/').all(|p| p.is_empty() || (p != ".." && p != ".")));
                    prop_assert!(!resolved.starts_with('/') && !resolved.contains("//"));
                }
            }

            /// A link that climbs more levels than the file is deep is refused.
            #[test]
            fn climbing_above_the_root_is_refused(from in file(), extra in 1_usize..4) {
                let depth = from.matches('/').count();
                let link = "../".repeat(depth + extra) + "x.md";
                prop_assert_eq!(resolve(&from, &link), None);
            }

            /// Resolving is relative to the file's directory and stable: the resolved path,
            /// linked from a file at the root, resolves to itself.
            #[test]
            fn resolving_twice_changes_nothing(from in file(), link in path()) {
                if let Some(resolved) = resolve(&from, &link) {
                    prop_assert_eq!(resolve("index", &resolved), Some(resolved.clone()));
                    if !link.split('/').any(|p| p == "..") {
                        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
                        prop_assert!(resolved.starts_with(dir));
                    }
                }
            }
        }
    }
}
