//! Markdown output: per locale, a complete mdBook source (`book.toml`, `src/SUMMARY.md`, one
//! chapter per home page, procedure, page and the categories), so `mdbook build
//! build/markdown/LOCALE` works. Cross-links stay `x.md`, which mdBook itself turns into pages;
//! step and category anchors are explicit heading ids (`{#id}`), which mdBook supports.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::markup;
use crate::model::{PageVersion, Procedure};
use crate::output::{OutputFile, OutputKind, Sink};
use crate::paths::to_locale_root;
use crate::paths::{CATEGORIES_PATH, INDEX_PATH};
use crate::render::flowchart;
use crate::render::{RenderContext, RenderError, Renderer};
use crate::source::SourceMap;
use crate::ui::UiKey;
use crate::view::{Destination, LocaleView, Shown, TocNode, TocTarget};

/// Directory of the Markdown output inside the output directory.
const DIR: &str = "markdown";

/// Renders one mdBook source per locale.
pub struct MarkdownRenderer<'t> {
    sources: &'t SourceMap,
}

impl<'t> MarkdownRenderer<'t> {
    /// A renderer; `sources` names the files chapters came from.
    pub fn new(sources: &'t SourceMap) -> Self {
        Self { sources }
    }
}

impl Renderer for MarkdownRenderer<'_> {
    fn name(&self) -> &'static str {
        DIR
    }

    fn render(&self, cx: &RenderContext<'_>, sink: &dyn Sink) -> Result<(), RenderError> {
        for locale in &cx.locales {
            let view = cx.view(locale);
            let book = Book {
                view: &view,
                sources: self.sources,
            };
            sink.put(book.book_toml())?;
            sink.put(book.summary())?;
            sink.put(book.home())?;
            cx.site.procedures.par_iter().try_for_each(|procedure| {
                cx.procedure_unit(sink, "markdown", locale, procedure, |sink| {
                    let (chapter, chart) = book.procedure(procedure);
                    sink.put(chapter)?;
                    sink.put(chart)?;
                    Ok(sink.put(book.checklist(procedure))?)
                })
            })?;
            // A page's procedures have the page as their chapter; their checklists are theirs.
            cx.site
                .page_procedures
                .par_iter()
                .try_for_each(|procedure| {
                    cx.procedure_unit(sink, "markdown", locale, procedure, |sink| {
                        Ok(sink.put(book.checklist(procedure))?)
                    })
                })?;
            cx.site
                .pages
                .par_iter()
                .filter(|p| p.path != INDEX_PATH)
                .try_for_each(|page| {
                    cx.page_unit(sink, "markdown", locale, page, |sink| {
                        match view.page_version(page) {
                            Some(version) => {
                                Ok(sink.put(book.page(&page.path, version, OutputKind::Page))?)
                            }
                            None => Ok(()),
                        }
                    })
                })?;
            if !cx.site.categories.is_empty() {
                sink.put(book.categories())?;
            }
            for asset in super::copy_assets(cx.site, &format!("{locale}/src"), locale) {
                sink.put(asset)?;
            }
        }
        Ok(())
    }
}

/// One locale's book.
struct Book<'v, 'a> {
    view: &'v LocaleView<'a>,
    sources: &'v SourceMap,
}

#[derive(Serialize)]
struct BookToml<'a> {
    book: BookTable<'a>,
    build: BuildTable,
}

#[derive(Serialize)]
struct BookTable<'a> {
    title: &'a str,
    authors: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    language: &'a str,
    src: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct BuildTable {
    create_missing: bool,
}

impl Book<'_, '_> {
    fn locale(&self) -> &str {
        self.view.locale
    }

    fn chapter(
        &self,
        content_path: &str,
        kind: OutputKind,
        source: Option<String>,
        text: String,
    ) -> OutputFile {
        OutputFile {
            copy_of: None,
            path: format!("{}/src/{content_path}.md", self.locale()),
            locale: Some(self.locale().to_string()),
            kind,
            source,
            bytes: text.into_bytes(),
        }
    }

    /// The note under a chapter's title when parts of its translation were made from an earlier
    /// source text (the site's notice, in a form every Markdown viewer shows).
    fn needs_review_note(&self, content_path: &str, text: &mut String) {
        if self.view.needs_review(content_path) {
            let _ = writeln!(text, "> {}\n", plain(&self.view.needs_review_notice()));
        }
    }

    fn book_toml(&self) -> OutputFile {
        let config = self.view.config;
        let toml = BookToml {
            book: BookTable {
                title: config.title_in(self.locale()),
                authors: &config.authors,
                description: config.description.as_deref(),
                language: self.locale(),
                src: "src",
            },
            build: BuildTable {
                create_missing: false,
            },
        };
        OutputFile {
            copy_of: None,
            path: format!("{}/book.toml", self.locale()),
            locale: Some(self.locale().to_string()),
            kind: OutputKind::BookConfig,
            source: Some("book.toml".to_string()),
            bytes: toml::to_string(&toml).unwrap_or_default().into_bytes(),
        }
    }

    fn summary(&self) -> OutputFile {
        let view = self.view;
        let home_title = view
            .home()
            .and_then(|p| view.page_version(p))
            .map_or(view.config.title_in(view.locale), |(v, _)| v.title());
        let mut text = String::from("# Summary\n\n");
        let _ = writeln!(text, "[{}]({INDEX_PATH}.md)\n", plain(home_title));
        if let Some(toc) = view.toc() {
            self.summary_from_toc(&mut text, &toc);
            return self.summary_file(text);
        }
        let procedures = view.nav_procedures();
        if !procedures.is_empty() {
            let _ = writeln!(text, "# {}\n", plain(view.ui.get(UiKey::Procedures)));
            for entry in procedures {
                let title = markup::plain_text(entry.title.markdown);
                let _ = writeln!(text, "- [{}]({}.md)", plain(&title), entry.path);
            }
            text.push('\n');
        }
        let pages = view.nav_pages();
        if !pages.is_empty() || !view.site.categories.is_empty() {
            let _ = writeln!(text, "# {}\n", plain(view.ui.get(UiKey::Pages)));
            for entry in pages {
                let _ = writeln!(
                    text,
                    "- [{}]({}.md)",
                    plain(entry.title.markdown),
                    entry.path
                );
            }
            if !view.site.categories.is_empty() {
                let _ = writeln!(
                    text,
                    "- [{}]({CATEGORIES_PATH}.md)",
                    plain(view.ui.get(UiKey::Categories))
                );
            }
        }
        self.summary_file(text)
    }

    /// `SUMMARY.md` holding `text`.
    fn summary_file(&self, text: String) -> OutputFile {
        OutputFile {
            copy_of: None,
            path: format!("{}/src/SUMMARY.md", self.locale()),
            locale: Some(self.locale().to_string()),
            kind: OutputKind::BookConfig,
            source: None,
            bytes: text.into_bytes(),
        }
    }

    /// The chapters in the order and nesting of the table of contents, then what it leaves out.
    /// A page is listed once (mdBook builds each file once); an entry without a page of its own
    /// is a draft chapter holding its children; web addresses are left out (mdBook's summary
    /// lists files only).
    fn summary_from_toc(&self, text: &mut String, toc: &[TocNode]) {
        fn walk(
            nodes: &[TocNode],
            depth: usize,
            seen: &mut std::collections::HashSet<String>,
            text: &mut String,
        ) {
            for node in nodes {
                let indent = "  ".repeat(depth);
                match &node.target {
                    Some(TocTarget::Content(path))
                        if path != INDEX_PATH && !seen.contains(path) =>
                    {
                        seen.insert(path.clone());
                        let _ = writeln!(text, "{indent}- [{}]({path}.md)", plain(&node.title));
                    }
                    Some(TocTarget::External(_)) => continue,
                    _ if node.children.is_empty() => continue,
                    _ => {
                        let _ = writeln!(text, "{indent}- [{}]()", plain(&node.title));
                    }
                }
                walk(&node.children, depth + 1, seen, text);
            }
        }
        let view = self.view;
        let mut seen = std::collections::HashSet::from([INDEX_PATH.to_string()]);
        walk(toc, 0, &mut seen, text);
        let mut left_out: Vec<(String, &str)> = view
            .nav_procedures()
            .into_iter()
            .chain(view.nav_pages())
            .filter(|entry| !seen.contains(entry.path))
            .map(|entry| (markup::plain_text(entry.title.markdown), entry.path))
            .collect();
        if !view.site.categories.is_empty() && !seen.contains(CATEGORIES_PATH) {
            left_out.push((view.ui.get(UiKey::Categories).to_string(), CATEGORIES_PATH));
        }
        if !left_out.is_empty() {
            let _ = writeln!(text, "\n# {}\n", plain(view.ui.get(UiKey::Pages)));
            for (title, path) in left_out {
                let _ = writeln!(text, "- [{}]({path}.md)", plain(&title));
            }
        }
    }

    fn home(&self) -> OutputFile {
        let view = self.view;
        match view.home().and_then(|p| view.page_version(p)) {
            Some(version) => self.page(INDEX_PATH, version, OutputKind::Index),
            None => {
                let text = format!("# {}\n", plain(view.config.title_in(view.locale)));
                self.chapter(INDEX_PATH, OutputKind::Index, None, text)
            }
        }
    }

    /// A chapter from a Markdown page: its title as heading, a notice when it is shown in the
    /// source locale, and its body as written.
    fn page(
        &self,
        content_path: &str,
        (version, fallback): (&PageVersion, Option<&str>),
        kind: OutputKind,
    ) -> OutputFile {
        let mut text = format!("# {}\n\n", plain(version.title()));
        if let Some(source) = fallback {
            text.push_str(&format!(
                "> {}\n\n",
                plain(&self.view.fallback_notice(source))
            ));
        }
        self.needs_review_note(content_path, &mut text);
        text.push_str(self.view.page_text(content_path, version));
        let source = Some(self.sources.file(version.file).path.clone());
        self.chapter(content_path, kind, source, text)
    }

    /// A procedure's chapter, and its flowchart as an SVG file beside it (shown as an image, so
    /// mdBook and any Markdown viewer draw it).
    fn procedure(&self, procedure: &Procedure) -> (OutputFile, OutputFile) {
        let view = self.view;
        let shown = view.procedure(procedure);
        let chart = flowchart::Chart::of(view, &shown, "", "");
        let chart_name = format!(
            "{}.flowchart.svg",
            procedure.path.rsplit('/').next().unwrap_or(&procedure.path)
        );
        let chart_file = OutputFile {
            copy_of: None,
            path: format!("{}/src/{}.flowchart.svg", self.locale(), procedure.path),
            locale: Some(self.locale().to_string()),
            kind: OutputKind::Asset,
            source: None,
            bytes: flowchart::standalone_svg(&chart, &flowchart::layout(&chart)).into_bytes(),
        };
        let categories_link = format!("{}{CATEGORIES_PATH}.md", to_locale_root(&procedure.path));
        let mut text = format!("# {}\n\n", shown.title.markdown);
        self.needs_review_note(&procedure.path, &mut text);
        if !shown.applies_to.is_empty() {
            let names: Vec<&str> = shown.applies_to.iter().map(|p| p.markdown).collect();
            let _ = writeln!(
                text,
                "**{}:** {}\n",
                plain(view.ui.get(UiKey::AppliesTo)),
                names.join(&plain(view.ui.get(UiKey::ListSeparator)))
            );
        }
        if let Some(introduction) = shown.introduction {
            push_block(&mut text, introduction.markdown);
        }
        let _ = writeln!(
            text,
            "![{}]({chart_name})\n",
            plain(&one_line(&chart.title))
        );
        if let Some(first) = shown.steps.first() {
            let _ = writeln!(
                text,
                "[{}](#{})\n",
                plain(view.ui.get(UiKey::FlowchartAsText)),
                first.id
            );
        }
        for step in &shown.steps {
            let _ = writeln!(
                text,
                "## {} {}. {} {{#{}}}\n",
                plain(view.ui.get(UiKey::Step)),
                step.number,
                one_line(step.title.markdown),
                step.id
            );
            if let Some(body) = step.text {
                push_block(&mut text, body.markdown);
            }
            for (label, notes) in [(UiKey::Note, &step.notes), (UiKey::Warning, &step.warnings)] {
                for note in notes.iter() {
                    let _ = writeln!(
                        text,
                        "> **{}:**\n>\n> {}\n",
                        plain(view.ui.get(label)),
                        quote(note.markdown)
                    );
                }
            }
            for branch in &step.branches {
                let _ = writeln!(
                    text,
                    "- **{}** → {}",
                    one_line(branch.label.markdown),
                    self.destination(&branch.to)
                );
            }
            if !step.branches.is_empty() {
                text.push('\n');
            }
            if let Some(escalation) = &step.escalation {
                let _ = writeln!(text, "**{}:**\n", plain(view.ui.get(UiKey::EscalateWhen)));
                for (id, title) in &escalation.categories {
                    let _ = writeln!(
                        text,
                        "- [{}]({categories_link}#{id})",
                        one_line(title.markdown)
                    );
                }
                text.push('\n');
                if let Some(submit) = escalation.submit {
                    let _ = writeln!(text, "**{}:**\n", plain(view.ui.get(UiKey::WhatToSubmit)));
                    push_block(&mut text, submit.markdown);
                }
            }
            if let Some(then) = &step.then {
                let _ = writeln!(text, "{}\n", self.destination(then));
            }
        }
        let source = Some(self.sources.file(procedure.file).path.clone());
        let chapter = self.chapter(
            &procedure.path,
            OutputKind::Procedure,
            source,
            trim_end(text),
        );
        (chapter, chart_file)
    }

    /// A procedure as a task list to paste into a ticket (GitHub, GitLab, Azure DevOps):
    /// `{locale}/checklists/{path}.md`, outside the book. Relative links would break in a ticket:
    /// they become full URLs with `[output.runbook] site-url`, or plain text without it.
    fn checklist(&self, procedure: &Procedure) -> OutputFile {
        let view = self.view;
        let shown = view.procedure(procedure);
        let locale = view.locale;
        let absolute = |destination: &str| -> Option<String> {
            if !crate::paths::is_relative(destination) {
                return Some(destination.to_string());
            }
            let site = view.config.site_url.as_ref()?;
            let (path, fragment) = destination.split_once('#').unwrap_or((destination, ""));
            let target = crate::paths::resolve_md_link(&procedure.path, path)?;
            let fragment = if fragment.is_empty() {
                String::new()
            } else {
                format!("#{fragment}")
            };
            Some(format!("{site}{locale}/{target}.html{fragment}"))
        };
        let inline = |text: &str| one_line(&markup::rewrite_links(text, &absolute));
        let to_words = |to: &Destination<'_>| plain(&view.destination_words(to));
        let mut text = format!(
            "### {}: {}\n\n",
            plain(view.ui.get(UiKey::Checklist)),
            inline(shown.title.markdown)
        );
        if !shown.applies_to.is_empty() {
            let names: Vec<String> = shown
                .applies_to
                .iter()
                .map(|p| plain(&markup::plain_text(p.markdown)))
                .collect();
            let _ = writeln!(
                text,
                "**{}:** {}\n",
                plain(view.ui.get(UiKey::AppliesTo)),
                names.join(&plain(view.ui.get(UiKey::ListSeparator)))
            );
        }
        for field in &view.config.record_fields {
            let label = plain(view.record_field_label(field));
            let _ = writeln!(text, "- {label}: ");
        }
        text.push('\n');
        for step in &shown.steps {
            let _ = writeln!(
                text,
                "- [ ] **{}.** {}",
                step.number,
                inline(step.title.markdown)
            );
            for branch in &step.branches {
                let _ = writeln!(
                    text,
                    "  - [ ] {} → {}",
                    inline(branch.label.markdown),
                    to_words(&branch.to)
                );
            }
            if let Some(escalation) = &step.escalation {
                for (_, title) in &escalation.categories {
                    let _ = writeln!(
                        text,
                        "  - [ ] {}",
                        plain(&markup::plain_text(title.markdown))
                    );
                }
            }
            if let Some(then) = &step.then {
                let _ = writeln!(text, "  - → {}", to_words(then));
            }
        }
        let _ = writeln!(text, "- [ ] {}: ", plain(view.ui.get(UiKey::SignOff)));
        let version = crate::fingerprint::of_text(&self.sources.file(procedure.file).text);
        let _ = write!(
            text,
            "\n<sub>{} · {} {version}",
            procedure.path,
            plain(view.ui.get(UiKey::Version))
        );
        if let Some(date) = &view.config.build_date {
            let _ = write!(text, " · {} {date}", plain(view.ui.get(UiKey::Built)));
        }
        text.push_str("</sub>\n");
        OutputFile {
            copy_of: None,
            path: format!(
                "{locale}/checklists/{}.md",
                crate::paths::procedure_stem(&procedure.path)
            ),
            locale: Some(locale.to_string()),
            kind: OutputKind::Checklist,
            source: Some(self.sources.file(procedure.file).path.clone()),
            bytes: text.into_bytes(),
        }
    }

    /// Where a step leads, as Markdown (a link when it leads somewhere).
    fn destination(&self, to: &Destination<'_>) -> String {
        let view = self.view;
        // Link text holds the title as plain text: a title may itself hold a link.
        let (title, target) = match to {
            Destination::Step { id, title, .. } => (title, format!("#{id}")),
            Destination::Procedure { link, title } => (title, (*link).to_string()),
            Destination::End => return plain(&view.destination_sentence(to, "")),
        };
        // The sentence around the title is UI words: escaped with it.
        let sentence = view.destination_sentence(to, "\u{0}");
        let (before, after) = sentence.split_once('\u{0}').unwrap_or((&sentence, ""));
        let title = plain(&markup::plain_text(title.markdown));
        format!("[{}{title}{}]({target})", plain(before), plain(after))
    }

    fn categories(&self) -> OutputFile {
        let view = self.view;
        let mut text = format!("# {}\n\n", plain(view.ui.get(UiKey::Categories)));
        for category in &view.site.categories {
            let title: Shown<'_> = view.text(&category.title);
            let _ = writeln!(
                text,
                "## {} {{#{}}}\n",
                one_line(title.markdown),
                category.id.as_str()
            );
            if let Some(severity) = category.severity {
                let key = severity.ui_key();
                let _ = writeln!(
                    text,
                    "**{}:** {}\n",
                    plain(view.ui.get(UiKey::SeverityLabel)),
                    plain(view.ui.get(key))
                );
            }
            if let Some(description) = &category.description {
                push_block(&mut text, view.text(description).markdown);
            }
            if !category.examples.is_empty() {
                let _ = writeln!(text, "**{}:**\n", plain(view.ui.get(UiKey::Examples)));
                for example in &category.examples {
                    let _ = writeln!(text, "- {}", one_line(view.text(example).markdown));
                }
                text.push('\n');
            }
            let _ = writeln!(text, "**{}:**\n", plain(view.ui.get(UiKey::EscalateTo)));
            push_block(&mut text, view.text(&category.escalate_to).markdown);
        }
        let source = view
            .site
            .categories_file
            .map(|f| self.sources.file(f).path.clone());
        self.chapter(
            CATEGORIES_PATH,
            OutputKind::Categories,
            source,
            trim_end(text),
        )
    }
}

/// Appends a block of Markdown followed by one blank line.
fn push_block(text: &mut String, block: &str) {
    text.push_str(block.trim_end());
    text.push_str("\n\n");
}

/// Inline text on one line (a heading or list item cannot span lines).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Block text inside a `>` quote: every line prefixed.
fn quote(text: &str) -> String {
    text.trim_end().replace('\n', "\n> ")
}

/// Plain text (a page title, a UI word) written into Markdown so that it reads back as the same
/// text (square brackets escaped too, which would end a link's text early).
fn plain(text: &str) -> String {
    markup::escape_markdown(text)
}

fn trim_end(mut text: String) -> String {
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}
