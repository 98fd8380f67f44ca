//! The content as one locale shows it: text resolved with the fallback policy, steps numbered, and
//! every branch and `next` turned into where it leads. Shared by all renderers, so HTML, Markdown
//! and later formats agree on numbering and flow. Text stays Markdown here; each renderer converts
//! it.

use crate::config::Config;
use crate::i18n::status::Marks;
use crate::markup::{self, Anchors};
use crate::model::{Page, PageVersion, Procedure, Site, Target, Text};
use crate::paths::resolve_md_link;
use crate::paths::{CATEGORIES_PATH, INDEX_PATH, TEMPLATE_IDS};
use crate::ui::{UiKey, UiStrings};

/// Markdown text in a locale, or in the source locale when not translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown<'a> {
    /// The Markdown.
    pub markdown: &'a str,
    /// The locale the text is in, when it is not the page's locale (a fallback).
    pub fallback_locale: Option<&'a str>,
    /// A translation made from an earlier source text, or never confirmed.
    pub stale: bool,
}

impl<'a> Shown<'a> {
    /// Text in the page's own locale.
    pub fn own(markdown: &'a str) -> Self {
        Self {
            markdown,
            fallback_locale: None,
            stale: false,
        }
    }

    /// Text in `locale`, another one than the page's (`None`: the page's own).
    pub fn in_locale(markdown: &'a str, fallback_locale: Option<&'a str>) -> Self {
        Self {
            markdown,
            fallback_locale,
            stale: false,
        }
    }
}

/// One locale's view of the site.
pub struct LocaleView<'a> {
    /// The content.
    pub site: &'a Site,
    /// The configuration.
    pub config: &'a Config,
    /// The locale shown.
    pub locale: &'a str,
    /// The locale's UI strings.
    pub ui: UiStrings,
    /// Translations needing review, when rendering marks them.
    pub marks: Option<&'a Marks>,
    /// Pages' texts with their links to nothing shown as text, when rendering tolerates such
    /// findings (`render::unlinked_texts`).
    pub unlinked: Option<&'a UnlinkedTexts>,
}

/// Texts with the links and images that lead nowhere shown as text: pages by (locale, content
/// path), and YAML text fields by (locale, the address of the text the site holds, which stays
/// put while the site is borrowed).
#[derive(Debug, Default)]
pub struct UnlinkedTexts {
    /// Page texts by (locale, content path).
    pub pages: std::collections::HashMap<(String, String), String>,
    /// YAML texts by (locale, address of the `str` shown).
    pub texts: std::collections::HashMap<(String, usize), String>,
}

impl UnlinkedTexts {
    /// Whether no text needed changing.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.texts.is_empty()
    }

    /// A fingerprint of every changed text, whatever the addresses.
    pub fn fingerprint(&self) -> String {
        let mut all: Vec<(&str, &str)> = self
            .pages
            .iter()
            .map(|((locale, _), text)| (locale.as_str(), text.as_str()))
            .chain(
                self.texts
                    .iter()
                    .map(|((locale, _), text)| (locale.as_str(), text.as_str())),
            )
            .collect();
        all.sort_unstable();
        crate::fingerprint::of_text(&format!("{all:?}"))
    }
}

/// An entry of the navigation.
#[derive(Clone, Debug)]
pub struct NavEntry<'a> {
    /// Content path (`check-service-health`), also the output path without extension.
    pub path: &'a str,
    /// Title in this locale.
    pub title: Shown<'a>,
    /// Whether the title is inline Markdown (procedures) or plain text (page front matter).
    pub markdown: bool,
}

/// A procedure in one locale.
pub struct ProcedureView<'a> {
    /// The procedure.
    pub procedure: &'a Procedure,
    /// Title (inline).
    pub title: Shown<'a>,
    /// Product names (inline).
    pub applies_to: Vec<Shown<'a>>,
    /// Introduction (block).
    pub introduction: Option<Shown<'a>>,
    /// Steps in order.
    pub steps: Vec<StepView<'a>>,
}

/// Where a block text of a procedure page or the categories page goes: the key by which a
/// renderer finds a block it converted in [`ProcedureView::blocks`] or
/// [`LocaleView::categories_blocks`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BlockPlace {
    /// The procedure's introduction.
    Introduction,
    /// The text of the step at this index (0-based).
    Text(usize),
    /// Note `.1` of step `.0`.
    Note(usize, usize),
    /// Warning `.1` of step `.0`.
    Warning(usize, usize),
    /// What to submit at the escalation of step `.0`.
    Submit(usize),
    /// The description of the category at this index.
    Description(usize),
    /// Where to escalate the category at this index.
    EscalateTo(usize),
}

impl<'a> ProcedureView<'a> {
    /// The page's block texts in page order (introduction, then each step's text, notes,
    /// warnings and what to submit), each with its place. Headings take their ids in this
    /// order, one order for every reader: [`LocaleView::page_ids`] and the HTML renderer.
    pub fn blocks(&self) -> Vec<(BlockPlace, Shown<'a>)> {
        let mut blocks: Vec<(BlockPlace, Shown<'a>)> = self
            .introduction
            .iter()
            .map(|text| (BlockPlace::Introduction, *text))
            .collect();
        for (i, step) in self.steps.iter().enumerate() {
            blocks.extend(step.text.map(|text| (BlockPlace::Text(i), text)));
            let notes = step.notes.iter().enumerate();
            blocks.extend(notes.map(|(j, text)| (BlockPlace::Note(i, j), *text)));
            let warnings = step.warnings.iter().enumerate();
            blocks.extend(warnings.map(|(j, text)| (BlockPlace::Warning(i, j), *text)));
            let submit = step.escalation.as_ref().and_then(|e| e.submit);
            blocks.extend(submit.map(|text| (BlockPlace::Submit(i), text)));
        }
        blocks
    }
}

/// A step in one locale.
pub struct StepView<'a> {
    /// 1-based position.
    pub number: usize,
    /// Id, also the anchor.
    pub id: &'a str,
    /// Title (inline).
    pub title: Shown<'a>,
    /// Details (block).
    pub text: Option<Shown<'a>>,
    /// Notes (block).
    pub notes: Vec<Shown<'a>>,
    /// Warnings (block).
    pub warnings: Vec<Shown<'a>>,
    /// The answers of a decision.
    pub branches: Vec<BranchView<'a>>,
    /// The escalation, for an escalation step.
    pub escalation: Option<EscalationView<'a>>,
    /// Where the step leads when it is not a decision: `None` for the plain flow to the next step.
    pub then: Option<Destination<'a>>,
}

/// A decision's answer.
pub struct BranchView<'a> {
    /// The answer (inline).
    pub label: Shown<'a>,
    /// Where it leads.
    pub to: Destination<'a>,
}

/// Where a branch or step leads.
#[derive(Clone, Debug)]
pub enum Destination<'a> {
    /// A step of the same procedure.
    Step {
        /// 1-based number.
        number: usize,
        /// Anchor.
        id: &'a str,
        /// Title (inline).
        title: Shown<'a>,
    },
    /// Another procedure.
    Procedure {
        /// The link as written (`other.md`, `other.md#step`).
        link: &'a str,
        /// Its title (inline).
        title: Shown<'a>,
    },
    /// The end of the procedure.
    End,
}

/// An entry of the table of contents in one locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocNode {
    /// The title, plain text.
    pub title: String,
    /// The locale of the title, when it is not the page's (a page shown untranslated).
    pub fallback_locale: Option<String>,
    /// Where the entry leads, if anywhere (a group has no target).
    pub target: Option<TocTarget>,
    /// Nested entries.
    pub children: Vec<TocNode>,
}

/// Where an entry of the table of contents leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TocTarget {
    /// A page or procedure, by content path.
    Content(String),
    /// A web address.
    External(String),
}

impl TocNode {
    /// The content paths this entry and its children lead to, in order.
    pub fn content_paths<'n>(&'n self, out: &mut Vec<&'n str>) {
        if let Some(TocTarget::Content(path)) = &self.target {
            out.push(path);
        }
        for child in &self.children {
            child.content_paths(out);
        }
    }
}

/// Whether a link names a table of contents (`toc.yml`, `toc.yaml`, any case).
pub fn is_toc_file(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.ends_with("toc.yml") || lower.ends_with("toc.yaml")
}

/// How deep tables of contents may include one another (`href: folder/toc.yml`).
const MAX_TOC_DEPTH: usize = 8;

/// An escalation step's categories and what to submit.
pub struct EscalationView<'a> {
    /// Category ids and titles (inline).
    pub categories: Vec<(&'a str, Shown<'a>)>,
    /// What to submit (block).
    pub submit: Option<Shown<'a>>,
}

impl ProcedureView<'_> {
    /// Whether any text shown is a translation needing review (made from an earlier source).
    pub fn has_stale(&self) -> bool {
        let steps = self.steps.iter().flat_map(|s| {
            std::iter::once(s.title)
                .chain(s.text)
                .chain(s.notes.iter().copied())
                .chain(s.warnings.iter().copied())
                .chain(s.branches.iter().map(|b| b.label))
                .chain(
                    s.escalation
                        .iter()
                        .flat_map(|e| e.categories.iter().map(|(_, title)| *title).chain(e.submit)),
                )
        });
        std::iter::once(self.title)
            .chain(self.applies_to.iter().copied())
            .chain(self.introduction)
            .chain(steps)
            .any(|shown| shown.stale)
    }
}

impl<'a> LocaleView<'a> {
    /// The view of `site` in `locale`.
    pub fn new(site: &'a Site, config: &'a Config, locale: &'a str) -> Self {
        Self {
            site,
            config,
            locale,
            ui: UiStrings::resolve(locale, &site.ui),
            marks: None,
            unlinked: None,
        }
    }

    /// This view, showing pages with the texts of `unlinked` where it has one.
    pub fn with_unlinked(mut self, unlinked: &'a UnlinkedTexts) -> Self {
        self.unlinked = Some(unlinked).filter(|texts| !texts.is_empty());
        self
    }

    /// The Markdown a page shows in this locale: its expanded text, or that text with links
    /// that lead nowhere shown as text.
    pub fn page_text(&self, path: &str, version: &'a PageVersion) -> &'a str {
        self.unlinked
            .and_then(|texts| {
                texts
                    .pages
                    .get(&(self.locale.to_string(), path.to_string()))
            })
            .map_or(version.expanded.as_str(), String::as_str)
    }

    /// This view, marking the translations `marks` names as needing review.
    pub fn with_marks(mut self, marks: &'a Marks) -> Self {
        self.marks = Some(marks);
        self
    }

    /// A text in this locale, else in the source locale (validation guarantees one of the two).
    pub fn text(&self, text: &'a Text) -> Shown<'a> {
        let source = self.config.source_locale();
        let shown = text
            .shown_in(self.locale, source)
            .map(|(markdown, fallback)| {
                let unlinked = self.unlinked.and_then(|texts| {
                    texts
                        .texts
                        .get(&(self.locale.to_string(), markdown.as_ptr() as usize))
                });
                (unlinked.map_or(markdown, String::as_str), fallback)
            });
        match shown {
            Some((markdown, false)) => Shown {
                markdown,
                fallback_locale: None,
                stale: self.locale != source
                    && self
                        .marks
                        .is_some_and(|m| m.is_stale_text(self.locale, text)),
            },
            Some((markdown, true)) => Shown::in_locale(markdown, Some(source)),
            None => Shown::in_locale("", Some(source)),
        }
    }

    /// The build date (`[output.runbook] build-date` or `SOURCE_DATE_EPOCH`) written the locale's way.
    pub fn build_date(&self) -> Option<String> {
        self.config.build_date.as_deref().map(|d| self.ui.date(d))
    }

    /// The notice on a page whose translation has parts needing review.
    pub fn needs_review_notice(&self) -> String {
        let source = UiStrings::resolve(self.config.source_locale(), &self.site.ui);
        self.ui.fill(
            UiKey::NeedsReview,
            &[("language", source.get(UiKey::LanguageName))],
        )
    }

    /// Whether the content at `path` has a translation into this locale that needs review.
    pub fn needs_review(&self, path: &str) -> bool {
        self.marks
            .is_some_and(|m| m.is_stale_path(self.locale, path))
    }

    /// The notice on a page shown in `source` because this locale has no translation.
    pub fn fallback_notice(&self, source: &str) -> String {
        let name = UiStrings::resolve(source, &self.site.ui);
        self.ui.fill(
            UiKey::Untranslated,
            &[("language", name.get(UiKey::LanguageName))],
        )
    }

    /// The version of `page` shown in this locale, and whether it is a fallback.
    pub fn page_version(&self, page: &'a Page) -> Option<(&'a PageVersion, Option<&'a str>)> {
        let source = self.config.source_locale();
        crate::model::shown_in(&page.versions, self.locale, source)
            .map(|(version, fallback)| (version, fallback.then_some(source)))
    }

    /// The table of contents in this locale: the content root's `toc.yml` in this locale, else
    /// the source locale's with each page's title in this locale. `None` without one.
    pub fn toc(&self) -> Option<Vec<TocNode>> {
        let source = self.config.source_locale();
        let root = |locale: &str| {
            self.site
                .tocs
                .iter()
                .find(|t| !t.path.contains('/') && t.locale == locale)
        };
        let (toc, own) = match root(self.locale) {
            Some(toc) => (toc, true),
            None => (root(source)?, self.locale == source),
        };
        let mut open = vec![toc.path.as_str()];
        Some(self.toc_nodes(toc, &toc.items, own, 0, &mut open))
    }

    /// The nodes of `items` (of `toc`); `open` holds the tables of contents being read, so one
    /// that includes itself, directly or not, is not followed again.
    fn toc_nodes(
        &self,
        toc: &'a crate::model::Toc,
        items: &'a [crate::model::TocItem],
        own: bool,
        depth: usize,
        open: &mut Vec<&'a str>,
    ) -> Vec<TocNode> {
        items
            .iter()
            .map(|item| {
                let href = item.href.as_ref().map(|h| h.value.trim());
                let name = item.name.as_ref().map(|n| n.value.trim().to_string());
                let mut children = if depth < MAX_TOC_DEPTH {
                    self.toc_nodes(toc, &item.items, own, depth + 1, open)
                } else {
                    Vec::new()
                };
                let mut target = None;
                match href {
                    Some(href) if is_toc_file(href) => {
                        // Another table of contents: its entries become this entry's.
                        let nested = crate::paths::resolve(&toc.path, href).and_then(|path| {
                            self.site
                                .tocs
                                .iter()
                                .filter(|t| t.path == path)
                                .find(|t| t.locale == self.locale)
                                .or_else(|| {
                                    self.site
                                        .tocs
                                        .iter()
                                        .filter(|t| t.path == path)
                                        .find(|t| t.locale == self.config.source_locale())
                                })
                        });
                        if let Some(nested) = nested
                            && depth < MAX_TOC_DEPTH
                            && !open.contains(&nested.path.as_str())
                        {
                            // Names are the reader's only when this table is in their locale.
                            let own = nested.locale == self.locale;
                            open.push(&nested.path);
                            children.extend(self.toc_nodes(
                                nested,
                                &nested.items,
                                own,
                                depth + 1,
                                open,
                            ));
                            open.pop();
                        }
                    }
                    Some(href) if crate::paths::is_relative(href) => {
                        let path = href.split(['#', '?']).next().unwrap_or(href);
                        target = crate::paths::resolve(&toc.path, path)
                            .map(|p| {
                                let p = p.trim_end_matches('/').to_string();
                                p.strip_suffix(".md")
                                    .map_or_else(|| format!("{p}/{INDEX_PATH}"), str::to_string)
                            })
                            .filter(|p| {
                                self.site.page(p).is_some() || self.site.procedure(p).is_some()
                            })
                            .map(TocTarget::Content);
                    }
                    Some(href) if href.starts_with("http://") || href.starts_with("https://") => {
                        target = Some(TocTarget::External(href.to_string()));
                    }
                    _ => {}
                }
                let (title, fallback_locale) = match (&target, own, name) {
                    (Some(TocTarget::Content(path)), false, _)
                    | (Some(TocTarget::Content(path)), _, None) => self.title_and_locale(path),
                    // A name from another locale's table of contents is marked as such.
                    (_, _, Some(name)) => (name, (!own).then(|| toc.locale.clone())),
                    (_, _, None) => (href.unwrap_or_default().to_string(), None),
                };
                TocNode {
                    title,
                    fallback_locale,
                    target,
                    children,
                }
            })
            .collect()
    }

    /// The plain title of a content path in this locale, and the locale it is written in when
    /// that is another one.
    fn title_and_locale(&self, path: &str) -> (String, Option<String>) {
        if let Some(procedure) = self.site.procedure(path) {
            let shown = self.text(&procedure.title);
            return (
                markup::plain_text(shown.markdown),
                shown.fallback_locale.map(str::to_string),
            );
        }
        match self.site.page(path).and_then(|p| self.page_version(p)) {
            Some((version, fallback)) => {
                (version.title().to_string(), fallback.map(str::to_string))
            }
            None => (path.to_string(), None),
        }
    }

    /// The home page (`content/index.md`), if any.
    pub fn home(&self) -> Option<&'a Page> {
        self.site.page(INDEX_PATH)
    }

    /// Procedures, in navigation order.
    pub fn nav_procedures(&self) -> Vec<NavEntry<'a>> {
        self.site
            .procedures
            .iter()
            .map(|p| NavEntry {
                path: &p.path,
                title: self.text(&p.title),
                markdown: true,
            })
            .collect()
    }

    /// Pages other than the home page, in navigation order.
    pub fn nav_pages(&self) -> Vec<NavEntry<'a>> {
        self.site
            .pages
            .iter()
            .filter(|p| p.path != INDEX_PATH && p.path != CATEGORIES_PATH)
            .filter_map(|p| {
                let (version, fallback_locale) = self.page_version(p)?;
                Some(NavEntry {
                    path: &p.path,
                    title: Shown::in_locale(version.title(), fallback_locale),
                    markdown: false,
                })
            })
            .collect()
    }

    /// The procedure in this locale.
    pub fn procedure(&self, procedure: &'a Procedure) -> ProcedureView<'a> {
        let shown_steps = procedure.steps_in(self.locale);
        let steps = shown_steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let then = match &step.next {
                    Some(target) => Some(self.destination(procedure, &target.value)),
                    None if index + 1 == shown_steps.len() && step.decision.is_none() => {
                        Some(Destination::End)
                    }
                    None => None,
                };
                StepView {
                    number: index + 1,
                    id: &step.id,
                    title: self.text(&step.title),
                    text: step.text.as_ref().map(|t| self.text(t)),
                    notes: step.notes.iter().map(|t| self.text(t)).collect(),
                    warnings: step.warnings.iter().map(|t| self.text(t)).collect(),
                    branches: step
                        .decision
                        .iter()
                        .flat_map(|d| &d.branches)
                        .map(|b| BranchView {
                            label: self.text(&b.label),
                            to: self.destination(procedure, &b.goto.value),
                        })
                        .collect(),
                    escalation: step.escalation.as_ref().map(|e| EscalationView {
                        categories: e
                            .categories
                            .iter()
                            .filter_map(|id| self.site.category(id))
                            .map(|c| (c.id.as_str(), self.text(&c.title)))
                            .collect(),
                        submit: e.submit.as_ref().map(|t| self.text(t)),
                    }),
                    then,
                }
            })
            .collect();
        ProcedureView {
            procedure,
            title: self.text(&procedure.title),
            applies_to: procedure
                .applies_to
                .iter()
                .filter_map(|id| self.site.product(id))
                .map(|p| self.text(&p.name))
                .collect(),
            introduction: procedure.introduction.as_ref().map(|t| self.text(t)),
            steps,
        }
    }

    fn destination(&self, procedure: &'a Procedure, target: &'a Target) -> Destination<'a> {
        match target {
            Target::End => Destination::End,
            Target::Step(id) => match procedure.step_index(id) {
                Some(index) => Destination::Step {
                    number: index + 1,
                    id,
                    title: self.text(&procedure.steps[index].title),
                },
                None => Destination::End,
            },
            Target::Procedure(link) => {
                let path = link.split('#').next().unwrap_or(link);
                let title = resolve_md_link(&procedure.path, path)
                    .and_then(|p| self.site.procedure(&p))
                    .map_or(Shown::own(link), |p| self.text(&p.title));
                Destination::Procedure { link, title }
            }
        }
    }

    /// The anchors of a procedure's page before its texts are converted: step ids taken.
    pub fn procedure_anchors(&self, procedure: &Procedure) -> Anchors {
        let mut anchors = new_page_anchors();
        for step in &procedure.steps {
            anchors.reserve(&step.id);
        }
        anchors
    }

    /// The anchors of the categories page before its texts are converted: category ids taken.
    pub fn categories_anchors(&self) -> Anchors {
        let mut anchors = new_page_anchors();
        for category in &self.site.categories {
            anchors.reserve(&category.id);
        }
        anchors
    }

    /// The categories page's block texts in page order (each category's description, then where
    /// to escalate it), each with its place: the order their headings take ids in.
    pub fn categories_blocks(&self) -> Vec<(BlockPlace, Shown<'a>)> {
        let mut blocks = Vec::new();
        for (i, category) in self.site.categories.iter().enumerate() {
            let description = category.description.as_ref().map(|t| self.text(t));
            blocks.extend(description.map(|text| (BlockPlace::Description(i), text)));
            blocks.push((BlockPlace::EscalateTo(i), self.text(&category.escalate_to)));
        }
        blocks
    }

    /// Every element id of the output page of `content_path` in this locale (what a `#fragment`
    /// may point at), computed as the HTML renderer assigns them; `None` when there is no such
    /// page. Block texts are taken in page order, as the renderer converts them.
    pub fn page_ids(&self, content_path: &str) -> Option<Vec<String>> {
        let mut ids: Vec<String> = TEMPLATE_IDS.iter().map(|id| id.to_string()).collect();
        let headings = |anchors: &mut Anchors, text: Shown<'_>, ids: &mut Vec<String>| {
            ids.extend(
                markup::headings(text.markdown, anchors)
                    .into_iter()
                    .map(|h| h.id),
            );
        };
        if let Some(procedure) = self.site.procedure(content_path) {
            let shown = self.procedure(procedure);
            let mut anchors = self.procedure_anchors(procedure);
            ids.extend(procedure.steps.iter().map(|s| s.id.value.clone()));
            for (_, block) in shown.blocks() {
                headings(&mut anchors, block, &mut ids);
            }
        } else if content_path == CATEGORIES_PATH && !self.site.categories.is_empty() {
            let mut anchors = self.categories_anchors();
            // Each category's id comes before the headings of its texts.
            let mut listed = 0;
            for (place, block) in self.categories_blocks() {
                if let BlockPlace::Description(i) | BlockPlace::EscalateTo(i) = place {
                    let up_to = self.site.categories.iter().take(i + 1).skip(listed);
                    ids.extend(up_to.map(|c| c.id.value.clone()));
                    listed = listed.max(i + 1);
                }
                headings(&mut anchors, block, &mut ids);
            }
        } else if let Some(page) = self.site.page(content_path) {
            let (version, fallback_locale) = self.page_version(page)?;
            let shown = Shown::in_locale(&version.expanded, fallback_locale);
            let (mut anchors, title_id) = page_anchors(version);
            ids.extend(title_id);
            headings(&mut anchors, shown, &mut ids);
            ids.extend(markup::html_ids(shown.markdown));
            let written_in = fallback_locale.unwrap_or(self.locale);
            for procedure in self.site.procedures_of_page(content_path) {
                // Only the lists this locale's page shows are decorated with ids.
                let shown = procedure
                    .page
                    .as_ref()
                    .is_some_and(|origin| origin.ordinals.contains_key(written_in));
                if !shown {
                    continue;
                }
                let steps = procedure.steps_in(self.locale);
                ids.extend(steps.iter().map(|s| s.id.value.clone()));
                // On a page with several, each list's section has its anchor.
                ids.extend(procedure.guide_address().1.map(str::to_string));
            }
        } else if content_path != INDEX_PATH {
            return None;
        }
        Some(ids)
    }

    /// The title of a content path in this locale, as plain text (a procedure's, a page's, or
    /// the categories page's).
    pub fn title_of(&self, path: &str) -> String {
        if let Some(procedure) = self.site.procedure(path) {
            return markup::plain_text(self.text(&procedure.title).markdown);
        }
        if path == CATEGORIES_PATH {
            return self.ui.get(UiKey::Categories).to_string();
        }
        self.site
            .page(path)
            .and_then(|p| self.page_version(p))
            .map_or_else(|| path.to_string(), |(v, _)| v.title().to_string())
    }

    /// Where a destination leads, in a few words for paper ("step 5", "end", a title).
    pub fn destination_words(&self, to: &Destination<'_>) -> String {
        match to {
            Destination::Step { number, .. } => {
                self.ui.fill(UiKey::ToStep, &[("n", &number.to_string())])
            }
            Destination::Procedure { title, .. } => markup::plain_text(title.markdown),
            Destination::End => self.ui.get(UiKey::ToEnd).to_string(),
        }
    }

    /// The label of a record field of checklists: built-in keys in this locale's words, any
    /// other text as written.
    pub fn record_field_label<'f>(&'f self, field: &'f str) -> &'f str {
        match field {
            "customer" => self.ui.get(UiKey::FieldCustomer),
            "ticket" => self.ui.get(UiKey::FieldTicket),
            "date" => self.ui.get(UiKey::FieldDate),
            "engineer" => self.ui.get(UiKey::FieldEngineer),
            other => other,
        }
    }

    /// The sentence saying where a destination leads, with `{title}` filled by `title` (already
    /// converted to the output format by the caller).
    pub fn destination_sentence(&self, destination: &Destination<'_>, title: &str) -> String {
        match destination {
            Destination::Step { number, .. } => self.ui.fill(
                UiKey::GoToStep,
                &[("n", &number.to_string()), ("title", title)],
            ),
            Destination::Procedure { .. } => {
                self.ui.fill(UiKey::GoToProcedure, &[("title", title)])
            }
            Destination::End => self.ui.get(UiKey::End).to_string(),
        }
    }
}

/// The anchors of a Markdown page's output, and the id of its title when the page opens with
/// an `# h1` (taken before the body's headings, as DocFX does, so `[x](#page-title)` works).
pub fn page_anchors(version: &crate::model::PageVersion) -> (Anchors, Option<String>) {
    let mut anchors = new_page_anchors();
    let title_id = title_id(version, &mut anchors);
    (anchors, title_id)
}

/// The id a page's title takes among `anchors` when the page opens with an `# h1`.
pub fn title_id(version: &crate::model::PageVersion, anchors: &mut Anchors) -> Option<String> {
    version
        .heading
        .as_deref()
        .map(|heading| anchors.unique(&markup::plain_text(heading)))
}

/// The anchors of a new output page: the templates' own ids already taken.
pub fn new_page_anchors() -> Anchors {
    let mut anchors = Anchors::new();
    for id in TEMPLATE_IDS {
        anchors.reserve(id);
    }
    anchors
}
