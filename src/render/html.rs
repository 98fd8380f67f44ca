//! The HTML site: per locale a home page, a page per procedure and per Markdown page, and the
//! escalation categories; a root page offering the languages; the stylesheet. Readable without
//! JavaScript. Text is converted here (markup) and laid out by the Tera templates.

use serde_json::{Value, json};

use crate::markup::{self, Anchors, Flavor};
use crate::model::{Page, PageVersion, Procedure};
use crate::render::flowchart;
use crate::render::view::{
    Destination, LocaleView, NavEntry, Shown, new_page_anchors, to_locale_root,
};
use crate::render::{
    CATEGORIES_PATH, INDEX_PATH, OutputFile, OutputKind, RenderContext, RenderError, Renderer,
    Templates, relative_url,
};
use crate::source::SourceMap;
use crate::ui::UiKey;

/// Directory of the HTML output inside the output directory.
pub const DIR: &str = "html";
/// The stylesheet's path inside the HTML output.
const STYLESHEET_PATH: &str = "assets/runbook.css";

/// Renders the static HTML site.
pub struct HtmlRenderer<'t> {
    templates: &'t Templates,
    sources: &'t SourceMap,
}

impl<'t> HtmlRenderer<'t> {
    /// A renderer using `templates`; `sources` names the files pages came from.
    pub fn new(templates: &'t Templates, sources: &'t SourceMap) -> Self {
        Self { templates, sources }
    }
}

impl Renderer for HtmlRenderer<'_> {
    fn name(&self) -> &'static str {
        DIR
    }

    fn render(&self, cx: &RenderContext<'_>) -> Result<Vec<OutputFile>, RenderError> {
        let mut files = Vec::new();
        let views: Vec<LocaleView<'_>> = cx
            .config
            .locales
            .iter()
            .map(|locale| cx.view(locale))
            .collect();
        files.push(self.languages(&views)?);
        files.push(OutputFile {
            path: STYLESHEET_PATH.to_string(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: self.templates.stylesheet().as_bytes().to_vec(),
        });
        for view in &views {
            let locale_pages = LocalePages {
                renderer: self,
                view,
                all: &views,
            };
            files.push(locale_pages.home()?);
            for procedure in &cx.site.procedures {
                files.push(locale_pages.procedure(procedure)?);
            }
            for page in cx.site.pages.iter().filter(|p| p.path != INDEX_PATH) {
                if let Some(file) = locale_pages.page(page)? {
                    files.push(file);
                }
            }
            if !cx.site.categories.is_empty() {
                files.push(locale_pages.categories()?);
            }
            files.extend(super::copy_assets(cx.site, view.locale, view.locale));
        }
        Ok(files)
    }
}

impl HtmlRenderer<'_> {
    /// The root `index.html`: one link per locale, each in its own language.
    fn languages(&self, views: &[LocaleView<'_>]) -> Result<OutputFile, RenderError> {
        let path = "index.html";
        let source = &views[0];
        let languages: Vec<Value> = views
            .iter()
            .map(|v| {
                json!({
                    "lang": v.locale,
                    "name": v.ui.get(UiKey::LanguageName),
                    "title": v.config.title_in(v.locale),
                    "choose": v.ui.get(UiKey::ChooseLanguage),
                    "url": format!("{}/index.html", v.locale),
                })
            })
            .collect();
        let context = json!({
            "lang": source.locale,
            "site_title": source.config.title_in(source.locale),
            "stylesheet_url": STYLESHEET_PATH,
            "languages": languages,
        });
        let html = self.templates.render("languages.html", &context, path)?;
        Ok(OutputFile {
            path: path.to_string(),
            locale: None,
            kind: OutputKind::Languages,
            source: None,
            bytes: html.into_bytes(),
        })
    }
}

/// Renders the files of one locale.
struct LocalePages<'r, 'a> {
    renderer: &'r HtmlRenderer<'r>,
    view: &'r LocaleView<'a>,
    all: &'r [LocaleView<'a>],
}

impl<'a> LocalePages<'_, 'a> {
    fn output_path(&self, content_path: &str) -> String {
        format!("{}/{content_path}.html", self.view.locale)
    }

    /// Converts shown text to HTML, marking text in another language with `lang`.
    fn html(&self, shown: Shown<'_>, flavor: Flavor, anchors: &mut Anchors) -> String {
        let html = markup::to_html(shown.markdown, flavor, anchors);
        let html = self.lang_marked(html, shown.fallback_locale, flavor);
        match (shown.stale, flavor) {
            (false, _) => html,
            (true, Flavor::Inline) => format!(r#"<span class="stale">{html}</span>"#),
            (true, Flavor::Block) => format!("<div class=\"stale\">\n{html}</div>\n"),
        }
    }

    /// HTML wrapped in an element with `lang` when it is in another locale than the page.
    fn lang_marked(&self, html: String, fallback_locale: Option<&str>, flavor: Flavor) -> String {
        match (fallback_locale, flavor) {
            (None, _) => html,
            (Some(lang), Flavor::Inline) => format!(r#"<span lang="{lang}">{html}</span>"#),
            (Some(lang), Flavor::Block) => format!("<div lang=\"{lang}\">\n{html}</div>\n"),
        }
    }

    fn inline(&self, shown: Shown<'_>) -> String {
        self.html(shown, Flavor::Inline, &mut Anchors::new())
    }

    /// The context every page template shares: site, languages, navigation.
    fn common(&self, content_path: &str, title: &str, fallback: Option<&str>) -> Value {
        let here = self.output_path(content_path);
        let view = self.view;
        let languages: Vec<Value> = self
            .all
            .iter()
            .map(|other| {
                json!({
                    "lang": other.locale,
                    "name": other.ui.get(UiKey::LanguageName),
                    "url": relative_url(&here, &format!("{}/{content_path}.html", other.locale)),
                    "current": other.locale == view.locale,
                })
            })
            .collect();
        let nav_entry = |entry: NavEntry<'_>| {
            json!({
                "url": relative_url(&here, &self.output_path(entry.path)),
                "title": if entry.markdown {
                    self.inline(entry.title)
                } else {
                    self.lang_marked(markup::escape_html(entry.title.markdown), entry.title.fallback_locale, Flavor::Inline)
                },
                "current": entry.path == content_path,
            })
        };
        let procedures: Vec<Value> = view.nav_procedures().into_iter().map(nav_entry).collect();
        let pages: Vec<Value> = view.nav_pages().into_iter().map(nav_entry).collect();
        let categories = (!view.site.categories.is_empty()).then(|| {
            json!({
                "url": relative_url(&here, &self.output_path(CATEGORIES_PATH)),
                "title": view.ui.get(UiKey::Categories),
                "current": content_path == CATEGORIES_PATH,
            })
        });
        let fallback_notice = fallback.map(|source| view.fallback_notice(source));
        json!({
            "lang": view.locale,
            "site_title": view.config.title_in(view.locale),
            "page_title": title,
            "ui": view.ui.for_templates(),
            "stylesheet_url": relative_url(&here, STYLESHEET_PATH),
            "home_url": relative_url(&here, &self.output_path(INDEX_PATH)),
            "languages": languages,
            "nav": { "procedures": procedures, "pages": pages, "categories": categories },
            "fallback_notice": fallback_notice,
            "review_notice": view.needs_review(content_path).then(|| view.needs_review_notice()),
            "fallback_lang": fallback,
        })
    }

    fn file(
        &self,
        content_path: &str,
        kind: OutputKind,
        source: Option<String>,
        html: String,
    ) -> OutputFile {
        OutputFile {
            path: self.output_path(content_path),
            locale: Some(self.view.locale.to_string()),
            kind,
            source,
            bytes: html.into_bytes(),
        }
    }

    fn render(
        &self,
        template: &str,
        context: &Value,
        content_path: &str,
    ) -> Result<String, RenderError> {
        let page = format!("{DIR}/{}", self.output_path(content_path));
        self.renderer.templates.render(template, context, &page)
    }

    fn home(&self) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let version = view.home().and_then(|p| view.page_version(p));
        self.markdown_page(INDEX_PATH, version, "home.html", OutputKind::Index)
    }

    fn page(&self, page: &Page) -> Result<Option<OutputFile>, RenderError> {
        let Some(version) = self.view.page_version(page) else {
            return Ok(None);
        };
        self.markdown_page(&page.path, Some(version), "page.html", OutputKind::Page)
            .map(Some)
    }

    /// A page written in Markdown (the home page when `version` is `None` has no body and the
    /// site title).
    fn markdown_page(
        &self,
        content_path: &str,
        version: Option<(&PageVersion, Option<&str>)>,
        template: &str,
        kind: OutputKind,
    ) -> Result<OutputFile, RenderError> {
        let (title, description, body, fallback, source) = match version {
            Some((version, fallback)) => {
                let shown = Shown::in_locale(&version.body, fallback);
                (
                    version.front.title.value.as_str(),
                    version.front.description.as_ref().map(|d| d.value.as_str()),
                    self.html(shown, Flavor::Block, &mut new_page_anchors()),
                    fallback,
                    Some(self.renderer.sources.file(version.file).path.clone()),
                )
            }
            None => (
                self.view.config.title_in(self.view.locale),
                None,
                String::new(),
                None,
                None,
            ),
        };
        let mut context = self.common(content_path, title, fallback);
        context["page"] = json!({ "title": title, "description": description, "body": body });
        let html = self.render(template, &context, content_path)?;
        Ok(self.file(content_path, kind, source, html))
    }

    fn procedure(&self, procedure: &Procedure) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let shown = view.procedure(procedure);
        let mut anchors = view.procedure_anchors(procedure);
        // Texts are converted in page order (introduction, then each step's text, notes,
        // warnings and what to submit): the order `LocaleView::page_ids` assigns heading ids in.
        let introduction = shown
            .introduction
            .map(|t| self.html(t, Flavor::Block, &mut anchors));
        let categories_url = format!("{}{CATEGORIES_PATH}.html", to_locale_root(&procedure.path));
        let steps: Vec<Value> = shown
            .steps
            .iter()
            .map(|step| {
                // The sentence is link text, so titles go in as plain text (a title may itself
                // hold a link, and links do not nest); the template escapes it.
                let destination = |to: &Destination<'_>| {
                    let (url, title) = match to {
                        Destination::Step { id, title, .. } => (Some(format!("#{id}")), markup::plain_text(title.markdown)),
                        Destination::Procedure { link, title } => {
                            (Some(markup::md_link_to_html(link)), markup::plain_text(title.markdown))
                        }
                        Destination::End => (None, String::new()),
                    };
                    json!({ "url": url, "text": view.destination_sentence(to, &title) })
                };
                json!({
                    "number": step.number,
                    "id": step.id,
                    "kind": if !step.branches.is_empty() { "decision" } else if step.escalation.is_some() { "escalation" } else { "action" },
                    "title": self.inline(step.title),
                    "text": step.text.map(|t| self.html(t, Flavor::Block, &mut anchors)),
                    "notes": step.notes.iter().map(|t| self.html(*t, Flavor::Block, &mut anchors)).collect::<Vec<_>>(),
                    "warnings": step.warnings.iter().map(|t| self.html(*t, Flavor::Block, &mut anchors)).collect::<Vec<_>>(),
                    "branches": step.branches.iter().map(|b| json!({
                        "label": self.inline(b.label),
                        "to": destination(&b.to),
                    })).collect::<Vec<_>>(),
                    "escalation": step.escalation.as_ref().map(|e| json!({
                        "categories": e.categories.iter().map(|(id, title)| json!({
                            "url": format!("{categories_url}#{id}"),
                            "title": self.inline(*title),
                        })).collect::<Vec<_>>(),
                        "submit": e.submit.map(|t| self.html(t, Flavor::Block, &mut anchors)),
                    })),
                    "then": step.then.as_ref().map(destination),
                })
            })
            .collect();
        let title_text = markup::plain_text(shown.title.markdown);
        let mut context = self.common(&procedure.path, &title_text, None);
        context["procedure"] = json!({
            "title": self.inline(shown.title),
            "applies_to": shown.applies_to.iter().map(|p| self.inline(*p)).collect::<Vec<_>>(),
            "introduction": introduction,
            "checklist_url": relative_url(
                &self.output_path(&procedure.path),
                &crate::render::print::checklist_path(view.locale, &procedure.path),
            ),
            "flowchart": flowchart::for_procedure(view, &shown, "chart-", ""),
            "steps": steps,
        });
        let html = self.render("procedure.html", &context, &procedure.path)?;
        let source = Some(self.renderer.sources.file(procedure.file).path.clone());
        Ok(self.file(&procedure.path, OutputKind::Procedure, source, html))
    }

    fn categories(&self) -> Result<OutputFile, RenderError> {
        let view = self.view;
        let mut anchors = view.categories_anchors();
        let categories: Vec<Value> = view
            .site
            .categories
            .iter()
            .map(|c| {
                let severity = c.severity.map(|s| {
                    let key = UiKey::severity(s);
                    json!({ "level": s.name(), "name": view.ui.get(key) })
                });
                json!({
                    "id": c.id.as_str(),
                    "title": self.inline(view.text(&c.title)),
                    "description": c.description.as_ref().map(|t| self.html(view.text(t), Flavor::Block, &mut anchors)),
                    "examples": c.examples.iter().map(|t| self.inline(view.text(t))).collect::<Vec<_>>(),
                    "escalate_to": self.html(view.text(&c.escalate_to), Flavor::Block, &mut anchors),
                    "severity": severity,
                })
            })
            .collect();
        let title = view.ui.get(UiKey::Categories);
        let mut context = self.common(CATEGORIES_PATH, title, None);
        context["categories"] = json!(categories);
        let html = self.render("categories.html", &context, CATEGORIES_PATH)?;
        let source = view
            .site
            .categories_file
            .map(|f| self.renderer.sources.file(f).path.clone());
        Ok(self.file(CATEGORIES_PATH, OutputKind::Categories, source, html))
    }
}
