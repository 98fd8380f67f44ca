//! Diagnostics: what is wrong, where, and how to fix it; and their rustc-style terminal form.
//!
//! Every stage reports problems in the content as [`Diagnostic`]s; nothing here decides whether a
//! run fails (the caller counts [`Severity::Error`]s). Positions are [`Span`]s, turned into
//! `file:line:column` and a marked source line only by [`render`].

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{SourceMap, Span, floor_char_boundary};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The output would be wrong: `build` refuses and `check` exits 1.
    Error,
    /// The output is usable but probably not what the author meant.
    Warning,
}

/// One problem found in the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable kebab-case name of the kind of problem, e.g. `unknown-category`.
    pub code: &'static str,
    /// One line, lowercase, the culprit in backticks.
    pub message: String,
    /// Where, when the problem has a place in a file.
    pub span: Option<Span>,
    /// A likely fix (`did you mean ...?`).
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            help: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    /// The same diagnostic, placed at `span`.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// The same diagnostic with a `help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with a `help:` line, unless it already has one.
    pub fn or_help(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.help(help)
        }
    }

    /// The same diagnostic with a `did you mean ...?` help line when one of `known` is close to
    /// `wrong`.
    pub fn suggest<'a>(self, wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Self {
        match did_you_mean(wrong, known) {
            Some(close) => self.help(format!("did you mean `{close}`?")),
            None => self,
        }
    }

    /// `file:line:column` of the diagnostic, when it has a place.
    pub fn location(&self, sources: &SourceMap) -> Option<String> {
        let span = self.span.as_ref()?;
        let (line, column) = sources.line_column(span.file, span.range.start);
        Some(format!("{}:{line}:{column}", sources.file(span.file).path))
    }
}

/// The known name closest to `wrong`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wrong, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Renders diagnostics rustc-style: `error[code]: message`, `--> file:line:column`, the source
/// line with the span marked, and `help:`; then a summary line with the counts.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    // Errors first: they are what stops the build.
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by_key(|d| d.severity);
    for diagnostic in ordered {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code);
        let mut group = match &diagnostic.span {
            Some(span) => {
                let file = sources.file(span.file);
                let text = file.text.as_str();
                let end =
                    floor_char_boundary(text, span.range.end.max(span.range.start).min(text.len()));
                let start = floor_char_boundary(text, span.range.start.min(end));
                title.element(
                    Snippet::source(file.text.as_str())
                        .path(file.path.as_str())
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            None => Group::with_title(title),
        };
        if let Some(help) = &diagnostic.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out.push_str(&summary(diagnostics));
    out.push('\n');
    out
}

/// `2 errors, 1 warning` style count line.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_name() {
        let known = ["unavailable-services", "bugs-and-irregularities"];
        assert_eq!(
            did_you_mean("unavailable-service", known),
            Some("unavailable-services")
        );
        assert_eq!(did_you_mean("zzz", known), None);
    }

    #[test]
    fn renders_file_line_column_and_marks_the_span() {
        let mut sources = SourceMap::new();
        let file = sources.add("content/x.yaml", "title: X\napplies-to: [nope]\n");
        let start = "title: X\napplies-to: [".len();
        let diagnostic = Diagnostic::error("unknown-product", "unknown product `nope`")
            .at(Span::new(file, start..start + 4))
            .help("did you mean `partner-center`?");
        let text = render(&[diagnostic], &sources, false);
        assert!(
            text.contains("error[unknown-product]: unknown product `nope`"),
            "{text}"
        );
        assert!(text.contains("content/x.yaml:2:14"), "{text}");
        assert!(text.contains("^^^^"), "{text}");
        assert!(
            text.contains("help: did you mean `partner-center`?"),
            "{text}"
        );
        assert!(text.ends_with("1 error, 0 warnings\n"), "{text}");
    }
}
