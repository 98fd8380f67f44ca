//! Every diagnostic code, its default level, and whether a project may change it
//! (`[output.runbook.lints]`, as Cargo's `[lints]`): the one list `check`, `build`, the baseline
//! and docs/diagnostics.md agree on.
//!
//! A project lowers a code to `warn` or `allow`, or raises it to `deny`. Codes that guard the
//! reader's safety (script in a page, a link or include leaving `content/`) cannot be lowered,
//! nor can the codes of a configuration or a procedure that nothing could be built from: those
//! are [`Class::Fixed`] or [`Class::Safety`], and a lint naming them is an error.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};

/// What a project may do with a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Any level: the build renders around the problem (a missing link target becomes text).
    Lowerable,
    /// Guards safety: never lowered, never baselined.
    Safety,
    /// Nothing could be built with it (a broken configuration, a procedure's flow), or it is
    /// not a `check` finding at all (run records, PO files): never lowered, never baselined.
    Fixed,
}

/// A diagnostic code with its default severity and class.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// The stable kebab-case name (`broken-link`).
    pub name: &'static str,
    /// Its severity unless a lint says otherwise.
    pub default: Severity,
    /// Whether it can be lowered.
    pub class: Class,
}

const fn code(name: &'static str, default: Severity, class: Class) -> Code {
    Code {
        name,
        default,
        class,
    }
}

use Class::{Fixed, Lowerable, Safety};
use Severity::{Error, Note, Warning};

/// Every code a diagnostic of runbook can carry, sorted by name.
pub const CODES: &[Code] = &[
    code("absolute-link", Error, Lowerable),
    code("baseline-fixed", Note, Lowerable),
    code("block-in-inline-text", Error, Fixed),
    code("broken-anchor", Error, Lowerable),
    code("broken-link", Error, Lowerable),
    code("cannot-place", Warning, Fixed),
    code("dropped-html", Warning, Lowerable),
    code("duplicate-anchor", Error, Lowerable),
    code("duplicate-id", Error, Fixed),
    code("duplicate-locale", Error, Fixed),
    code("duplicate-message", Warning, Fixed),
    code("duplicate-page", Error, Fixed),
    code("file-too-large", Error, Lowerable),
    code("image-alt", Warning, Lowerable),
    code("include-cycle", Error, Lowerable),
    code("include-too-deep", Error, Lowerable),
    code("include-too-large", Error, Lowerable),
    code("invalid-baseline", Error, Fixed),
    code("invalid-config", Error, Fixed),
    code("invalid-date", Warning, Lowerable),
    code("invalid-file-name", Error, Fixed),
    code("invalid-id", Error, Fixed),
    code("invalid-locale", Error, Fixed),
    code("invalid-step", Error, Fixed),
    code("invalid-url", Error, Lowerable),
    code("invalid-utf8", Error, Lowerable),
    code("invalid-yaml", Error, Lowerable),
    code("link-case", Error, Lowerable),
    code("link-directory", Error, Lowerable),
    code("link-outside", Error, Safety),
    code("lock-syntax", Error, Fixed),
    code("missing-config", Error, Fixed),
    code("missing-content", Error, Fixed),
    code("missing-front-matter", Error, Lowerable),
    code("missing-glyph", Warning, Lowerable),
    code("missing-id", Error, Fixed),
    code("missing-include", Error, Lowerable),
    code("missing-source", Error, Fixed),
    code("missing-translation", Warning, Lowerable),
    code("moved-config", Error, Fixed),
    code("never-ends", Error, Fixed),
    code("no-git-dates", Warning, Lowerable),
    code("no-site-url", Note, Lowerable),
    code("no-steps", Error, Fixed),
    code("no-way-out", Error, Fixed),
    code("not-bilingual", Error, Fixed),
    code("page-not-created", Warning, Fixed),
    code("po-language", Error, Fixed),
    code("po-syntax", Error, Fixed),
    code("pointless-decision", Warning, Lowerable),
    code("procedure-without-steps", Warning, Lowerable),
    code("reserved-id", Error, Fixed),
    code("run-answer", Error, Fixed),
    code("run-categories", Error, Fixed),
    code("run-not-ended", Error, Fixed),
    code("run-off-path", Error, Fixed),
    code("run-procedure-changed", Warning, Fixed),
    code("run-record", Error, Fixed),
    code("run-record-unreadable", Error, Fixed),
    code("run-time", Error, Fixed),
    code("run-unfinished", Note, Fixed),
    code("run-unknown-locale", Error, Fixed),
    code("run-unknown-procedure", Error, Fixed),
    code("run-unknown-step", Error, Fixed),
    code("skipped-file", Note, Lowerable),
    code("source-changed", Warning, Fixed),
    code("stale-translation", Warning, Lowerable),
    code("template-syntax", Error, Fixed),
    code("translation-structure", Warning, Lowerable),
    code("unconfirmed-translation", Warning, Lowerable),
    code("unknown-category", Error, Fixed),
    code("unknown-field", Warning, Lowerable),
    code("unknown-locale", Error, Fixed),
    code("unknown-procedure", Error, Fixed),
    code("unknown-product", Error, Fixed),
    code("unknown-scheme", Warning, Lowerable),
    code("unknown-segment", Warning, Fixed),
    code("unknown-step", Error, Fixed),
    code("unreachable-step", Error, Fixed),
    code("unreadable-file", Error, Lowerable),
    code("unsafe-asset", Error, Safety),
    code("unsafe-html", Error, Safety),
    code("unsafe-link", Error, Safety),
    code("unsupported-directive", Error, Lowerable),
    code("untranslated-target", Warning, Lowerable),
];

/// The code named `name`, if runbook has one.
pub fn find(name: &str) -> Option<&'static Code> {
    CODES
        .binary_search_by(|code| code.name.cmp(name))
        .ok()
        .map(|i| &CODES[i])
}

/// Whether findings of this code may be lowered by a lint or recorded in a baseline.
pub fn is_lowerable(name: &str) -> bool {
    find(name).is_some_and(|code| code.class == Class::Lowerable)
}

/// What a project says of one code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Not reported at all.
    Allow,
    /// Reported as a warning: `check` passes (unless `--strict`).
    Warn,
    /// Reported as an error: `check` and `build` fail.
    Deny,
}

impl Level {
    /// The level written in `book.toml`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// The project's levels by code (`[output.runbook.lints]`), checked when the configuration is
/// read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lints {
    levels: BTreeMap<&'static str, Level>,
}

/// Why a lint in `book.toml` cannot be taken, and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintError {
    /// One line, the culprit in backticks.
    pub message: String,
    /// A likely fix.
    pub help: Option<String>,
    /// Whether the level is at fault (else the code).
    pub at_level: bool,
}

impl Lints {
    /// Adds the lint `name = level`.
    ///
    /// # Errors
    /// An unknown code (with a hint only when one is close), an unknown level, or a code that
    /// cannot be lowered.
    pub fn set(&mut self, name: &str, level: &str) -> Result<(), LintError> {
        let Some(code) = find(name) else {
            let close = crate::diagnostic::did_you_mean(name, CODES.iter().map(|c| c.name));
            return Err(LintError {
                message: format!("`{name}` is not a diagnostic code"),
                help: Some(match close {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "docs/diagnostics.md lists every code".to_string(),
                }),
                at_level: false,
            });
        };
        let Some(level) = Level::parse(level) else {
            return Err(LintError {
                message: format!("`{level}` is not a lint level"),
                help: Some("write `\"allow\"`, `\"warn\"` or `\"deny\"`".to_string()),
                at_level: true,
            });
        };
        let lowers = match level {
            Level::Allow => true,
            Level::Warn => code.default == Severity::Error,
            Level::Deny => false,
        };
        if lowers && code.class != Class::Lowerable {
            let why = match code.class {
                Class::Safety => "it guards the readers' safety",
                _ => "nothing can be built with such a problem",
            };
            return Err(LintError {
                message: format!("`{name}` cannot be lowered: {why}"),
                help: Some(format!(
                    "remove `{name}` from `[output.runbook.lints]` and fix each finding"
                )),
                at_level: false,
            });
        }
        self.levels.insert(code.name, level);
        Ok(())
    }

    /// Whether no lint is set.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// The diagnostics at the project's levels: allowed codes left out, the others given the
    /// severity their level says.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diagnostics.retain_mut(|diagnostic| match self.levels.get(diagnostic.code) {
            None => true,
            Some(Level::Allow) => false,
            Some(Level::Warn) => {
                diagnostic.severity = Severity::Warning;
                true
            }
            Some(Level::Deny) => {
                diagnostic.severity = Severity::Error;
                true
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_unique() {
        assert!(CODES.windows(2).all(|pair| pair[0].name < pair[1].name));
    }

    #[test]
    fn levels_change_severity_or_drop() {
        let mut lints = Lints::default();
        lints.set("broken-link", "warn").unwrap();
        lints.set("missing-translation", "allow").unwrap();
        lints.set("image-alt", "deny").unwrap();
        let mut diagnostics = vec![
            Diagnostic::error("broken-link", "a"),
            Diagnostic::warning("missing-translation", "b"),
            Diagnostic::warning("image-alt", "c"),
            Diagnostic::error("unknown-step", "d"),
        ];
        lints.apply(&mut diagnostics);
        let seen: Vec<(&str, Severity)> =
            diagnostics.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            seen,
            [
                ("broken-link", Severity::Warning),
                ("image-alt", Severity::Error),
                ("unknown-step", Severity::Error)
            ]
        );
    }

    #[test]
    fn safety_and_fixed_codes_cannot_be_lowered_but_can_be_denied() {
        let mut lints = Lints::default();
        for name in ["unsafe-html", "unsafe-link", "unsafe-asset", "link-outside"] {
            let error = lints.set(name, "allow").unwrap_err();
            assert!(error.message.contains("safety"), "{error:?}");
            assert!(lints.set(name, "warn").is_err());
            assert!(lints.set(name, "deny").is_ok());
        }
        assert!(lints.set("unknown-step", "warn").is_err());
        // A warning code raised and put back to warn is no lowering.
        assert!(lints.set("stale-translation", "warn").is_ok());
    }

    #[test]
    fn unknown_codes_get_a_hint_only_when_close() {
        let mut lints = Lints::default();
        let near = lints.set("broken-links", "allow").unwrap_err();
        assert_eq!(near.help.as_deref(), Some("did you mean `broken-link`?"));
        let far = lints.set("everything", "allow").unwrap_err();
        assert_eq!(
            far.help.as_deref(),
            Some("docs/diagnostics.md lists every code")
        );
        assert!(lints.set("broken-link", "off").is_err());
    }
}
