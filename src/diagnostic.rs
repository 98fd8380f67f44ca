//! Diagnostics: what is wrong, where, and how to fix it; and their rustc-style terminal form.
//!
//! Every stage reports problems in the content as [`Diagnostic`]s; nothing here decides whether a
//! run fails (the caller counts [`Severity::Error`]s). Positions are [`Span`]s, turned into
//! `file:line:column` and a marked source line only by [`render`].

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{SourceMap, Span, floor_char_boundary};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The output would be wrong: `build` refuses and `check` exits 1.
    Error,
    /// The output is usable but probably not what the author meant.
    Warning,
    /// Information: what runbook did on its own (files it left out).
    Note,
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

    /// A note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
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

/// The known name closest to `wrong`, if any is close enough to be a likely typo: at most one
/// edit (insertion, deletion, substitution or swap of neighbours) per five characters, and
/// never more than three. A wrong hint costs more than none, so names that merely share a long
/// prefix (`guides/escalate` and `guides/evaluate`) are not offered, and neither is a name
/// whose numbers differ: `2021-may` and `2023-may` are two months' pages, `step-2` and `step-3`
/// two steps, never a typo of each other.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = wrong.chars().count();
    let allowed = (length / 5).clamp(1, 3);
    let numbers = numbers_of(wrong);
    known
        .into_iter()
        .filter(|candidate| *candidate != wrong)
        // Each edit changes the length by at most one: a cheap bound before the distance, which
        // is quadratic, so that a link checked against a docset's thousands of pages is fast.
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= allowed)
        .filter(|candidate| numbers_of(candidate) == numbers)
        .map(|candidate| (strsim::damerau_levenshtein(wrong, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= allowed && *distance < length.min(candidate.chars().count())
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
}

/// The runs of digits in a name, in order (`2021-may-v2` → `["2021", "2"]`).
fn numbers_of(name: &str) -> Vec<&str> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect()
}

/// How many diagnostics have this severity.
fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

#[cfg(test)]
mod hint_tests {
    use super::did_you_mean;

    #[test]
    fn hints_come_only_from_near_misses() {
        let steps = ["escalate", "evaluate", "check-status", "tell-customer"];
        assert_eq!(did_you_mean("escalte", steps), Some("escalate"));
        assert_eq!(did_you_mean("chekc-status", steps), Some("check-status"));
        // Far misses get no hint, even with a shared prefix or suffix.
        assert_eq!(did_you_mean("escape", steps), None);
        assert_eq!(did_you_mean("tell-partner", steps), None);
        assert_eq!(
            did_you_mean("guides/escalate-billing", ["guides/escalate-outage"]),
            None
        );
        // A hint never changes a number: another month's page is not a typo.
        assert_eq!(did_you_mean("2021-may", ["2023-may"]), None);
        assert_eq!(did_you_mean("step-2", ["step-3"]), None);
        assert_eq!(did_you_mean("v2-setup", ["v2-set-up"]), Some("v2-set-up"));
        assert_eq!(
            did_you_mean("csp-on-premise-software", ["csp-on-premises-software"]),
            Some("csp-on-premises-software")
        );
        // Short names allow one edit, no more.
        assert_eq!(did_you_mean("jp", ["ja", "en"]), Some("ja"));
        assert_eq!(did_you_mean("de", ["ja"]), None);
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Renders diagnostics rustc-style: `error[code]: message`, `--> file:line:column`, the source
/// line with the span marked, and `help:`; then a summary line with the counts.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    render_limited(diagnostics, sources, color, None)
}

/// The same message in more places than this is shown once, with the other places listed.
const GROUP_AFTER: usize = 3;

/// [`render`], showing at most `limit` problems (errors first) and saying how many were left
/// out. A message repeated in more than three places (the same link broken on every page) is
/// shown in full once, followed by the list of its other places.
pub fn render_limited(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    color: bool,
    limit: Option<usize>,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let ordered = ordered(diagnostics);
    // Identical problems, by (severity, code, message, help), in order of first appearance.
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut index: std::collections::HashMap<(Severity, &str, &str, Option<&str>), usize> =
        std::collections::HashMap::new();
    for diagnostic in ordered {
        let key = (
            diagnostic.severity,
            diagnostic.code,
            diagnostic.message.as_str(),
            diagnostic.help.as_deref(),
        );
        match index.get(&key) {
            Some(&i) => groups[i].push(diagnostic),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![diagnostic]);
            }
        }
    }
    let mut shown = 0;
    let mut left_out = 0;
    for group in &groups {
        let grouped = group.len() > GROUP_AFTER;
        if grouped {
            if limit.is_some_and(|limit| shown >= limit) {
                left_out += group.len();
                continue;
            }
            shown += 1;
            out.push_str(&render_one(group[0], sources, &renderer));
            let places: Vec<String> = group[1..]
                .iter()
                .map(|d| d.location(sources).unwrap_or_else(|| "(no place)".into()))
                .collect();
            const LISTED: usize = 20;
            let mut list = places
                .iter()
                .take(LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if places.len() > LISTED {
                list.push_str(&format!(", and {} more", places.len() - LISTED));
            }
            out.push_str(&format!(
                "   = the same in {} more places: {list}\n\n",
                places.len()
            ));
            continue;
        }
        for diagnostic in group {
            if limit.is_some_and(|limit| shown >= limit) {
                left_out += 1;
                continue;
            }
            shown += 1;
            out.push_str(&render_one(diagnostic, sources, &renderer));
        }
    }
    if left_out > 0 {
        out.push_str(&format!(
            "… {left_out} more not shown (`--max-errors`); `runbook check --summary` counts them all\n"
        ));
    }
    out.push_str(&summary(diagnostics));
    out.push('\n');
    out
}

/// Counts per code and per file: what `runbook check --summary` prints.
pub fn summary_table(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    use std::collections::BTreeMap;
    let mut by_code: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for diagnostic in diagnostics {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        *by_code.entry((severity, diagnostic.code)).or_default() += 1;
        let file = diagnostic
            .span
            .as_ref()
            .map_or("(no file)", |span| sources.file(span.file).path.as_str());
        let counts = by_file.entry(file).or_default();
        match diagnostic.severity {
            Severity::Error => counts.0 += 1,
            Severity::Warning => counts.1 += 1,
            Severity::Note => {}
        }
    }
    let mut out = String::from("| count | kind | code |\n| ---: | --- | --- |\n");
    let mut codes: Vec<_> = by_code.into_iter().collect();
    codes.sort_by(|a, b| a.0.0.cmp(b.0.0).then(b.1.cmp(&a.1)).then(a.0.1.cmp(b.0.1)));
    for ((severity, code), n) in codes {
        out.push_str(&format!("| {n} | {severity} | `{code}` |\n"));
    }
    out.push_str("\n| errors | warnings | file |\n| ---: | ---: | --- |\n");
    let mut files: Vec<_> = by_file.into_iter().filter(|(_, c)| c.0 + c.1 > 0).collect();
    files.sort_by(|a, b| (b.1.0, b.1.1).cmp(&(a.1.0, a.1.1)).then(a.0.cmp(b.0)));
    for (file, (errors, warnings)) in files {
        out.push_str(&format!("| {errors} | {warnings} | {file} |\n"));
    }
    out.push('\n');
    out.push_str(&summary(diagnostics));
    out.push('\n');
    out
}

/// One diagnostic, rustc-style, followed by a blank line.
fn render_one(diagnostic: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let mut out = String::new();
    {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
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
                let mut start = floor_char_boundary(text, span.range.start.min(end));
                let mut end = end;
                // A span at the very end of a file that ends with a line break is shown at the
                // end of the last line, not on an empty line after it.
                if start == text.len() && text.ends_with('\n') {
                    start = text.trim_end_matches(['\n', '\r']).len();
                    end = start;
                }
                // Only the lines holding the span, so that a diagnostic costs the length of
                // its lines, not of its file.
                let lines = file.lines_around(start..end);
                let marked_start = start.clamp(lines.start, lines.end);
                let marked = marked_start..end.clamp(marked_start, lines.end);
                let (line, _) = file.line_of(lines.start);
                title.element(
                    Snippet::source(&text[lines.clone()])
                        .line_start(line + 1)
                        .path(file.path.as_str())
                        .fold(true)
                        .annotation(
                            AnnotationKind::Primary
                                .span(marked.start - lines.start..marked.end - lines.start),
                        ),
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
    out
}

/// The machine-readable form of diagnostics (`runbook check --format json`); the schema is
/// documented in docs/diagnostics.md and versioned by `version`.
#[derive(Debug, serde::Serialize)]
pub struct JsonReport<'a> {
    /// Schema version; changes only when a field changes meaning or disappears.
    pub version: u32,
    /// Counts.
    pub summary: JsonSummary,
    /// Every diagnostic, errors first, then by file and position.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Counts of a [`JsonReport`].
#[derive(Debug, serde::Serialize)]
pub struct JsonSummary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of findings the project's baseline tolerates (not in `diagnostics`).
    pub baselined: usize,
}

/// One diagnostic in a [`JsonReport`].
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The kind of problem, e.g. `broken-link`.
    pub code: &'a str,
    /// One line.
    pub message: &'a str,
    /// A likely fix, or null.
    pub help: Option<&'a str>,
    /// Where, or null for a problem with no place in a file.
    pub location: Option<JsonLocation<'a>>,
}

/// A place in a [`JsonDiagnostic`]: 1-based lines and columns (columns count characters); the end
/// is exclusive.
#[derive(Debug, serde::Serialize)]
pub struct JsonLocation<'a> {
    /// Path relative to the project root, `/`-separated.
    pub file: &'a str,
    /// Line of the start.
    pub line: usize,
    /// Column of the start.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just after the end.
    pub end_column: usize,
}

fn ordered(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.span.cmp(&b.span))
    });
    ordered
}

fn location<'a>(diagnostic: &Diagnostic, sources: &'a SourceMap) -> Option<JsonLocation<'a>> {
    let span = diagnostic.span.as_ref()?;
    let (line, column) = sources.line_column(span.file, span.range.start);
    let (end_line, end_column) =
        sources.line_column(span.file, span.range.end.max(span.range.start));
    Some(JsonLocation {
        file: &sources.file(span.file).path,
        line,
        column,
        end_line,
        end_column,
    })
}

/// Diagnostics as JSON ([`JsonReport`]), pretty-printed, with a final newline.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    to_json_with_baseline(diagnostics, sources, 0)
}

/// [`to_json`], saying how many findings the baseline tolerated.
pub fn to_json_with_baseline(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    baselined: usize,
) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            errors,
            warnings: count(diagnostics, Severity::Warning),
            baselined,
        },
        diagnostics: ordered(diagnostics)
            .into_iter()
            .map(|d| JsonDiagnostic {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                },
                code: d.code,
                message: &d.message,
                help: d.help.as_deref(),
                location: location(d, sources),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

/// Diagnostics as GitHub Actions workflow commands (`::error file=…,line=…::message`), one per
/// line, then the count line as a notice.
pub fn to_github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in ordered(diagnostics) {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = vec![format!(
            "title={}",
            github_property(&format!("runbook {}", diagnostic.code))
        )];
        if let Some(place) = location(diagnostic, sources) {
            properties.insert(0, format!("file={}", github_property(place.file)));
            properties.insert(1, format!("line={}", place.line));
            properties.insert(2, format!("col={}", place.column));
            properties.insert(3, format!("endLine={}", place.end_line));
            properties.insert(4, format!("endColumn={}", place.end_column));
        }
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            github_data(&message)
        ));
    }
    out.push_str(&format!(
        "::notice title=runbook check::{}\n",
        summary(diagnostics)
    ));
    out
}

/// Escapes a workflow command's message.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `2 errors, 1 warning` style count line.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = count(diagnostics, Severity::Warning);
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
    fn json_and_github_forms_carry_the_place() {
        let mut sources = SourceMap::new();
        let file = sources.add("content/a, b.md", "x\nsee [y](nope.md)\n");
        let start = "x\nsee [y](".len();
        let diagnostics = [
            Diagnostic::error("broken-link", "no page `nope.md`")
                .at(Span::new(file, start..start + 7)),
            Diagnostic::warning("w", "100% sure"),
        ];
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&diagnostics, &sources)).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["summary"]["errors"], 1);
        let location = &json["diagnostics"][0]["location"];
        assert_eq!(
            (location["line"].as_u64(), location["column"].as_u64()),
            (Some(2), Some(9))
        );
        assert_eq!(location["end_column"], 16);
        assert!(json["diagnostics"][1]["location"].is_null());
        let github = to_github(&diagnostics, &sources);
        assert!(github.starts_with("::error file=content/a%2C b.md,line=2,col=9,endLine=2,endColumn=16,title=runbook broken-link::no page `nope.md`\n"), "{github}");
        assert!(
            github.contains("::warning title=runbook w::100%25 sure\n"),
            "{github}"
        );
    }

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

    #[test]
    fn quotes_only_the_span_s_line_without_its_line_break() {
        let mut sources = SourceMap::new();
        let text = "a: 1\r\nb: [2\r\nc: 3\r\n";
        let file = sources.add("x.yaml", text);
        // A span at the very end of the file is shown at the end of the last line.
        let at_end =
            Diagnostic::error("invalid-yaml", "end").at(Span::new(file, text.len()..text.len()));
        let middle = text.find('[').unwrap_or(0);
        let inside =
            Diagnostic::error("invalid-yaml", "middle").at(Span::new(file, middle..middle + 2));
        let rendered = render(&[at_end, inside], &sources, false);
        assert!(rendered.contains("--> x.yaml:3:5"), "{rendered}");
        assert!(rendered.contains("3 | c: 3\n"), "{rendered}");
        assert!(rendered.contains("--> x.yaml:2:4"), "{rendered}");
        assert!(
            !rendered.contains('\r') && !rendered.contains('␍'),
            "{rendered}"
        );
        assert!(
            !rendered.contains("a: 1"),
            "only the span's line is quoted:\n{rendered}"
        );
    }
}
