//! The content model: inert data read from `content/`.
//!
//! [`Site`] holds every product, escalation category, procedure and page. The YAML file kinds
//! ([`ProductsFile`], [`CategoriesFile`], [`ProcedureFile`], [`UiFile`]) and page front matter
//! ([`FrontMatter`]) deserialize straight into these types, which also generate the JSON Schemas of
//! `runbook schema`, so the schema can never disagree with what the loader accepts. Values that
//! diagnostics point at are [`Located`]. Nothing here does IO or knows about output formats.

pub mod fields;
pub mod lock;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::{FileId, Located};
use crate::ui::UiOverrides;

/// Localized text: a plain string (the source locale's text) or a map from locale to text.
///
/// Text is Markdown; whether inline or block depends on the field.
#[derive(Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum Text {
    /// Text in the source locale only.
    Source(String),
    /// Text per locale, keyed by locale; each text keeps its position.
    Localized(BTreeMap<String, Located<String>>),
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

/// Reads a [`Text`] from a string or a map, with errors that say what to write instead.
struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("text: a string, or a map from locale to string such as `en: ...`")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text::Source(text.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Text, E> {
        Err(E::custom(format!(
            "this text was read as the boolean `{value}`; put it in quotes, e.g. \"Yes\""
        )))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Text, E> {
        Ok(Text::Source(value.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Text, E> {
        Ok(Text::Source(value.to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        let mut texts = BTreeMap::new();
        while let Some((locale, text)) = map.next_entry::<String, Located<String>>()? {
            texts.insert(locale, text);
        }
        Ok(Text::Localized(texts))
    }
}

/// A [`Text`] with the position of its YAML node.
pub type LocalizedText = Located<Text>;

/// The fallback rule, written once: what `locale` shows of something written per locale is its
/// own version, else the `source` locale's, which is then a fallback (`true`).
pub fn shown_in<'a, V>(
    versions: &'a BTreeMap<String, V>,
    locale: &str,
    source: &str,
) -> Option<(&'a V, bool)> {
    match versions.get(locale) {
        Some(version) => Some((version, false)),
        None => versions.get(source).map(|version| (version, true)),
    }
}

impl Located<Text> {
    /// The text `locale` shows (by [`shown_in`]'s rule), the byte offset in its file after which
    /// it is written, and whether it is a fallback.
    pub fn shown_in(&self, locale: &str, source: &str) -> Option<(&str, usize, bool)> {
        match &self.value {
            Text::Source(text) => Some((text.as_str(), self.range.start, locale != source)),
            Text::Localized(map) => shown_in(map, locale, source)
                .map(|(text, fallback)| (text.value.as_str(), text.range.start, fallback)),
        }
    }
}

impl Text {
    /// The text `locale` shows (by [`shown_in`]'s rule), and whether it is a fallback.
    pub fn shown_in(&self, locale: &str, source: &str) -> Option<(&str, bool)> {
        match self {
            Text::Source(text) => Some((text.as_str(), locale != source)),
            Text::Localized(map) => shown_in(map, locale, source)
                .map(|(text, fallback)| (text.value.as_str(), fallback)),
        }
    }

    /// The text in `locale`, if written. A plain string counts as the `source` locale's text.
    pub fn get<'a>(&'a self, locale: &str, source: &str) -> Option<&'a str> {
        match self {
            Text::Source(text) => (locale == source).then_some(text.as_str()),
            Text::Localized(map) => map.get(locale).map(|text| text.value.as_str()),
        }
    }
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Site {
    /// Products and services procedures apply to, in file order.
    pub products: Vec<Product>,
    /// Escalation categories, in file order.
    pub categories: Vec<Category>,
    /// The file `content/categories.yaml`, when present.
    pub categories_file: Option<FileId>,
    /// The file `content/products.yaml`, when present.
    pub products_file: Option<FileId>,
    /// Procedures, sorted by path.
    pub procedures: Vec<Procedure>,
    /// Pages, sorted by path; `index` is the home page when present.
    pub pages: Vec<Page>,
    /// Procedures read from the ordered lists of procedure pages, sorted by path (the page's
    /// path, or `PAGE#ANCHOR` on a page with several); shown on their page, never a page of
    /// their own.
    pub page_procedures: Vec<Procedure>,
    /// UI string overrides from `content/ui.yaml`, by locale.
    pub ui: BTreeMap<String, UiOverrides>,
    /// Other files (images, downloads); copied into every locale of every output as they are.
    pub assets: Vec<Asset>,
    /// Include files, sorted by path.
    pub includes: Vec<Include>,
    /// Tables of contents (`toc.yml`), sorted by path then locale.
    pub tocs: Vec<Toc>,
    /// Content paths of files that could not be read or parsed: links to them are not reported
    /// again.
    pub unreadable: std::collections::BTreeSet<String>,
    /// Content paths (with extension, locale folder removed) of files left out as not content
    /// (landing pages, `docfx.json`, `[output.runbook] exclude`): they exist, so links to them are not
    /// broken, but the build has no page for them.
    pub skipped: std::collections::BTreeSet<String>,
    /// Font files named by `[output.runbook] fonts`, for PDFs (path relative to the root).
    pub fonts: Vec<Asset>,
    /// `translations.lock`, when the project has one: what each translation was confirmed
    /// against.
    pub lock: Option<lock::Lock>,
    /// The lock file, when read.
    pub lock_file: Option<FileId>,
    /// The date (`YYYY-MM-DD`) each page or procedure file was last changed, as
    /// `[output.runbook] dates` says (`load::dates`); files without one are absent.
    pub updated: BTreeMap<FileId, String>,
}

/// A Markdown body as written in its file.
#[derive(Clone, Copy, Debug)]
pub struct MarkdownBody<'a> {
    /// The file.
    pub file: FileId,
    /// Byte offset of the body in the file.
    pub offset: usize,
    /// The content path links in it are resolved from, without extension.
    pub from: &'a str,
    /// The Markdown.
    pub body: &'a str,
}

/// A content file that is neither YAML nor Markdown (an image, a download), or a font.
#[derive(Debug)]
pub struct Asset {
    /// Content path, `/`-separated, with extension.
    pub path: String,
    /// Where the file is, to copy it into the output.
    pub file: std::path::PathBuf,
    /// The fingerprint of its bytes, taken when it was read.
    pub fingerprint: [u8; 32],
    /// Its bytes, held only when runbook reads them itself (markup checked for script, fonts):
    /// an image is copied from `file` when the output is written, never held in memory.
    pub bytes: Option<Vec<u8>>,
}

impl Asset {
    /// Its bytes: those held, else read from its file again (`None` when it cannot be read).
    pub fn read(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match &self.bytes {
            Some(bytes) => Some(std::borrow::Cow::Borrowed(bytes)),
            None => std::fs::read(&self.file).ok().map(std::borrow::Cow::Owned),
        }
    }

    /// Whether runbook reads a content file of this path itself, and so holds its bytes: markup
    /// that may hold script (SVG, XML).
    pub fn is_read(path: &str) -> bool {
        let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        matches!(extension.as_deref(), Some("svg" | "svgz" | "xml"))
    }
}

impl Site {
    /// Whether a table of contents (`toc.yml`) sits at the content root, in any locale: the
    /// site then has a contents page and a `toc.js` per locale.
    pub fn has_root_toc(&self) -> bool {
        self.tocs.iter().any(|toc| !toc.path.contains('/'))
    }

    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id.value == id)
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id.value == id)
    }

    /// The procedure at this content path.
    pub fn procedure(&self, path: &str) -> Option<&Procedure> {
        // `procedures` is sorted by path (the loader's invariant).
        let index = self
            .procedures
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()?;
        self.procedures.get(index)
    }

    /// Every procedure, YAML then page procedures: what checklists, runbooks and runs cover.
    pub fn all_procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.procedures.iter().chain(&self.page_procedures)
    }

    /// The procedure a run record or checklist names: a YAML procedure or a page procedure.
    pub fn runnable(&self, id: &str) -> Option<&Procedure> {
        self.procedure(id).or_else(|| {
            let index = self
                .page_procedures
                .binary_search_by(|p| p.path.as_str().cmp(id))
                .ok()?;
            self.page_procedures.get(index)
        })
    }

    /// The procedures read from the page at this content path, in page order.
    pub fn procedures_of_page(&self, path: &str) -> Vec<&Procedure> {
        let start = self
            .page_procedures
            .partition_point(|p| p.path.as_str() < path);
        let mut found: Vec<&Procedure> = self.page_procedures[start..]
            .iter()
            .take_while(|p| p.path.starts_with(path))
            .filter(|p| p.page.as_ref().is_some_and(|o| o.page == path))
            .collect();
        found.sort_by_key(|p| p.page.as_ref().map_or(0, |o| o.index));
        found
    }

    /// Every Markdown body as written, of every page and include file in every locale: what
    /// checks of written text (raw HTML, directives) go through.
    pub fn markdown_bodies(&self) -> impl Iterator<Item = MarkdownBody<'_>> {
        let pages = self.pages.iter().flat_map(|page| {
            page.versions.values().map(move |v| MarkdownBody {
                file: v.file,
                offset: v.body_offset,
                from: &page.path,
                body: &v.body,
            })
        });
        let includes = self.includes.iter().flat_map(|include| {
            let from = include.path.strip_suffix(".md").unwrap_or(&include.path);
            include.versions.values().map(move |v| MarkdownBody {
                file: v.file,
                offset: v.body_offset,
                from,
                body: &v.body,
            })
        });
        pages.chain(includes)
    }

    /// The include file at this content path (with extension).
    pub fn include(&self, path: &str) -> Option<&Include> {
        let index = self
            .includes
            .binary_search_by(|i| i.path.as_str().cmp(path))
            .ok()?;
        self.includes.get(index)
    }

    /// The page at this content path.
    pub fn page(&self, path: &str) -> Option<&Page> {
        // `pages` is sorted by path (the loader's invariant).
        let index = self
            .pages
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()?;
        self.pages.get(index)
    }
}

/// `content/products.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductsFile {
    /// The products and services procedures apply to.
    pub products: Vec<Product>,
}

/// A product or service that procedures apply to (the "Applies to" list).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Unique id, referred to by procedures' `applies-to`.
    pub id: Located<String>,
    /// Localized name (inline Markdown).
    pub name: LocalizedText,
}

/// `content/categories.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoriesFile {
    /// The escalation categories.
    pub categories: Vec<Category>,
}

/// A kind of problem that must be escalated, with whom to escalate it to.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Category {
    /// Unique id; also the anchor of the category on the categories page.
    pub id: Located<String>,
    /// Localized title (inline Markdown).
    pub title: LocalizedText,
    /// What the category covers (block Markdown).
    pub description: Option<LocalizedText>,
    /// Typical cases (inline Markdown each).
    #[serde(default)]
    pub examples: Vec<LocalizedText>,
    /// Whom to escalate to and how (block Markdown).
    pub escalate_to: LocalizedText,
    /// How urgent problems of this category are.
    pub severity: Option<Severity>,
}

/// How urgent an escalation category is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Service down or widespread impact.
    Critical,
    /// Major impact on one customer.
    High,
    /// Degraded but usable.
    Moderate,
    /// Minor.
    Low,
}

impl Severity {
    /// The kebab-case name, as written in YAML and used as UI string key.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Moderate => "moderate",
            Severity::Low => "low",
        }
    }

    /// The key of its name among the UI strings.
    pub fn ui_key(self) -> crate::ui::UiKey {
        use crate::ui::UiKey;
        match self {
            Severity::Critical => UiKey::SeverityCritical,
            Severity::High => UiKey::SeverityHigh,
            Severity::Moderate => UiKey::SeverityModerate,
            Severity::Low => UiKey::SeverityLow,
        }
    }
}

/// A procedure file, `content/**/ID.yaml`: one procedure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProcedureFile {
    /// Localized title (inline Markdown).
    pub title: LocalizedText,
    /// Ids of the products this procedure applies to.
    #[serde(default)]
    pub applies_to: Vec<Located<String>>,
    /// Text before the steps (block Markdown).
    pub introduction: Option<LocalizedText>,
    /// The ordered steps; at least one.
    pub steps: Vec<Step>,
}

/// A procedure: ordered steps with decisions and escalations.
#[derive(Clone, Debug)]
pub struct Procedure {
    /// Content path without extension, `/`-separated (`escalate-problems-to-microsoft`); also
    /// its id and output path.
    pub path: String,
    /// The file it was read from.
    pub file: FileId,
    /// Localized title (inline Markdown).
    pub title: LocalizedText,
    /// Ids of the products this procedure applies to.
    pub applies_to: Vec<Located<String>>,
    /// Text before the steps (block Markdown).
    pub introduction: Option<LocalizedText>,
    /// The ordered steps.
    pub steps: Vec<Step>,
    /// Step id → index (the first step with that id), so that following a `goto` takes
    /// constant time however long the procedure.
    pub step_indices: std::collections::HashMap<String, usize>,
    /// Where a procedure read from a page's ordered list stands; `None` for a YAML procedure.
    pub page: Option<PageList>,
}

/// A procedure read from an ordered list of a procedure page (`load::procedure_pages`).
#[derive(Clone, Debug, Default)]
pub struct PageList {
    /// The page's content path.
    pub page: String,
    /// The list's anchor on the page, the same in every locale: the id of the `<section>` around
    /// it on a page with several lists (`steps-HEADING`).
    pub anchor: String,
    /// Its place among the page's procedures (0-based).
    pub index: usize,
    /// Per locale that writes the page: the ordinal of the list in that locale's expanded text
    /// (`markup::OrderedList::ordinal`) and the ordinals joined to it.
    pub ordinals: BTreeMap<String, (usize, Vec<usize>)>,
    /// The steps of a locale whose list has another number of items than the source's: that
    /// locale shows these, never a mix of two languages.
    pub own_steps: BTreeMap<String, Vec<Step>>,
}

impl Procedure {
    /// The procedure at `path` with these steps, indexed by id.
    pub fn new(
        path: String,
        file: FileId,
        title: LocalizedText,
        applies_to: Vec<Located<String>>,
        introduction: Option<LocalizedText>,
        steps: Vec<Step>,
    ) -> Self {
        let mut step_indices = std::collections::HashMap::with_capacity(steps.len());
        for (index, step) in steps.iter().enumerate() {
            step_indices.entry(step.id.value.clone()).or_insert(index);
        }
        Self {
            path,
            file,
            title,
            applies_to,
            introduction,
            steps,
            step_indices,
            page: None,
        }
    }

    /// Where the procedure is shown in the guide: its own page, or for a page procedure the
    /// page's content path with the list's anchor when the page has several.
    pub fn guide_address(&self) -> (&str, Option<&str>) {
        match &self.page {
            Some(origin) if self.path.contains('#') => (&origin.page, Some(&origin.anchor)),
            Some(origin) => (&origin.page, None),
            None => (&self.path, None),
        }
    }

    /// Whether its checklists draw a flowchart: a page's list is linear and needs none.
    pub fn draws_flowchart(&self) -> bool {
        self.page.is_none()
    }

    /// The procedure as `locale` shows it: itself, or for a translation with its own steps (a
    /// page procedure whose list the translation writes otherwise), a procedure of those steps,
    /// so that step fingerprints and run records follow what that locale's readers ran.
    pub fn as_shown_in(&self, locale: &str) -> std::borrow::Cow<'_, Procedure> {
        let own = self
            .page
            .as_ref()
            .and_then(|page| page.own_steps.get(locale));
        match own {
            Some(steps) => {
                let mut shown = Procedure::new(
                    self.path.clone(),
                    self.file,
                    self.title.clone(),
                    self.applies_to.clone(),
                    self.introduction.clone(),
                    steps.clone(),
                );
                shown.page = self.page.as_ref().map(|page| PageList {
                    page: page.page.clone(),
                    anchor: page.anchor.clone(),
                    index: page.index,
                    ordinals: page.ordinals.clone(),
                    own_steps: BTreeMap::new(),
                });
                std::borrow::Cow::Owned(shown)
            }
            None => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The steps `locale` shows: a translation's own when its list differs from the source's.
    pub fn steps_in(&self, locale: &str) -> &[Step] {
        self.page
            .as_ref()
            .and_then(|page| page.own_steps.get(locale))
            .map_or(self.steps.as_slice(), Vec::as_slice)
    }

    /// The index of the step with this id.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.step_indices.get(id).copied()
    }
}

/// One step of a procedure. A step is ordinary, a decision or an escalation; it flows to the next
/// step unless `next` or a decision says otherwise.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique id within the procedure; the step's anchor. `end` is reserved.
    pub id: Located<String>,
    /// What to do, or the question of a decision (inline Markdown).
    pub title: LocalizedText,
    /// Details (block Markdown).
    pub text: Option<LocalizedText>,
    /// Notes (block Markdown each).
    #[serde(default)]
    pub notes: Vec<LocalizedText>,
    /// Warnings (block Markdown each).
    #[serde(default)]
    pub warnings: Vec<LocalizedText>,
    /// Where to go after this step; default: the next step (the end after the last).
    pub next: Option<Located<Target>>,
    /// Makes the step a decision.
    pub decision: Option<Decision>,
    /// Makes the step an escalation.
    pub escalation: Option<Escalation>,
}

/// The branches of a decision step; the step's title is the question.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The possible answers, each with where it leads.
    pub branches: Vec<Branch>,
}

/// One answer of a decision.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The answer (inline Markdown), e.g. "Yes".
    pub label: LocalizedText,
    /// Where this answer leads.
    pub goto: Located<Target>,
}

/// An escalation step: the categories it applies to and what to submit.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Ids of the escalation categories this step is for.
    pub categories: Vec<Located<String>>,
    /// What to submit (block Markdown).
    pub submit: Option<LocalizedText>,
}

/// Where a step or branch leads. Written as a string: a step id of the same procedure, `end`, or
/// another procedure as a relative link (`other-procedure.md`).
#[derive(Clone, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub enum Target {
    /// A step of the same procedure, by id.
    Step(String),
    /// Another procedure, as a relative link to its `.md` path.
    Procedure(String),
    /// The end of the procedure.
    End,
}

impl Target {
    /// Parses the written form.
    pub fn parse(text: &str) -> Target {
        let text = text.trim();
        if text == "end" {
            Target::End
        } else if text.ends_with(".md") || text.contains(".md#") {
            Target::Procedure(text.to_string())
        } else {
            Target::Step(text.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Target::parse(&s))
    }
}

/// Front matter of a page (the YAML between `---` lines at the top).
///
/// `title` and `description` are runbook's; every other key is metadata kept as written (DocFX
/// writes `ms.date`, `ms.topic`, `author` and many more), except a key that looks like a typo of
/// `title` or `description`, which is refused.
#[derive(Debug, JsonSchema)]
pub struct FrontMatter {
    /// The page title (plain text). When the body starts with an `h1`, that heading is the title
    /// shown, and this one names the page in the browser's tab.
    pub title: Located<String>,
    /// A one-sentence summary (the page's meta description).
    pub description: Option<Located<String>>,
    /// Whether the page's ordered lists are procedures: `true` or `false` overrides
    /// `[output.runbook.procedure-pages]`.
    pub procedure: Option<Located<bool>>,
    /// Any other key, as written (DocFX metadata such as `ms.date`, `ms.topic`, `author`).
    #[schemars(skip)]
    pub metadata: BTreeMap<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FrontMatterVisitor)
    }
}

/// Reads [`FrontMatter`]: known keys typed, the rest kept (the loader refuses typos of the known
/// keys, at their place).
struct FrontMatterVisitor;

impl<'de> serde::de::Visitor<'de> for FrontMatterVisitor {
    type Value = FrontMatter;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("front matter: a map with `title` and optional `description` and metadata")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
        use serde::de::Error as _;
        let mut title = None;
        let mut description = None;
        let mut procedure = None;
        let mut metadata = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "title" => title = Some(map.next_value::<Located<String>>()?),
                "description" => description = Some(map.next_value::<Located<String>>()?),
                "procedure" => procedure = Some(map.next_value::<Located<bool>>()?),
                _ => {
                    metadata.insert(key, map.next_value::<serde_json::Value>()?);
                }
            }
        }
        let title = title.ok_or_else(|| A::Error::missing_field("title"))?;
        Ok(FrontMatter {
            title,
            description,
            procedure,
            metadata,
        })
    }
}

/// A Markdown page with its translations.
#[derive(Debug)]
pub struct Page {
    /// Content path without extension and locale suffix (`check-service-health`).
    pub path: String,
    /// The page in each locale it is written in.
    pub versions: BTreeMap<String, PageVersion>,
}

/// A page in one locale: one file.
#[derive(Debug)]
pub struct PageVersion {
    /// The file.
    pub file: FileId,
    /// Front matter.
    pub front: FrontMatter,
    /// Byte offset of the front matter's YAML in the file (for positions).
    pub front_offset: usize,
    /// The Markdown body, as written.
    pub body: String,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// The body as every renderer reads it: DocFX directives expanded, includes pulled in, and
    /// a leading `h1` taken out as the title (`dialect`); set by the loader.
    pub expanded: String,
    /// The text of the body's leading `h1`, which is the page's title when present.
    pub heading: Option<String>,
}

impl PageVersion {
    /// The title shown on the page and in navigation: the body's leading `h1`, else the front
    /// matter's.
    pub fn title(&self) -> &str {
        self.heading.as_deref().unwrap_or(&self.front.title.value)
    }
}

/// A table of contents: `toc.yml` in DocFX's shape (a list of items, each with `name`, `href`
/// and nested `items`), at the content root or in a folder, in one locale.
#[derive(Debug)]
pub struct Toc {
    /// Content path of the file, locale folder removed (`toc.yml`, `guides/toc.yml`).
    pub path: String,
    /// The locale it names pages in.
    pub locale: String,
    /// The file.
    pub file: FileId,
    /// Its entries, in order.
    pub items: Vec<TocItem>,
}

/// An entry of a table of contents. DocFX's other keys (`uid`, `expanded`, `displayName`...)
/// are accepted and ignored.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TocItem {
    /// The entry's title.
    pub name: Option<Located<String>>,
    /// A page (`page.md`), another table of contents (`folder/toc.yml`) whose entries become
    /// this entry's, or a web address.
    pub href: Option<Located<String>>,
    /// Nested entries; an empty `items:` (null) is none, as DocFX reads it.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub items: Vec<TocItem>,
}

/// `toc.yml` written as a map with `items:` (DocFX accepts both shapes).
#[derive(Debug, Deserialize)]
pub struct TocMap {
    /// The entries.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub items: Vec<TocItem>,
}

/// A list that may be written as nothing at all (`items:`): null reads as empty.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// An include file (`includes/x.md`, or a folder named by `[output.runbook] include-folders`): text
/// pulled into pages by `[!INCLUDE [title](path)]`, never a page of its own.
#[derive(Debug)]
pub struct Include {
    /// Content path with extension (`includes/x.md`).
    pub path: String,
    /// The text in each locale it is written in.
    pub versions: BTreeMap<String, IncludeVersion>,
}

/// An include file in one locale.
#[derive(Debug)]
pub struct IncludeVersion {
    /// The file.
    pub file: FileId,
    /// The Markdown after any front matter.
    pub body: String,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// `content/ui.yaml`: UI string overrides per locale.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct UiFile(pub BTreeMap<String, UiOverrides>);

impl JsonSchema for UiFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UiFile".into()
    }

    /// A map from locale to an object of known UI string keys (unknown keys refused).
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let keys: serde_json::Map<String, serde_json::Value> = crate::ui::UiKey::ALL
            .iter()
            .map(|key| {
                let schema = serde_json::json!({
                    "type": "string",
                    "description": format!("default: \"{}\" / \"{}\"", key.default_text("en"), key.default_text("ja")),
                });
                (key.name().to_string(), schema)
            })
            .collect();
        schemars::json_schema!({
            "description": "UI string overrides: locale → strings",
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": keys,
                "additionalProperties": false,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_belongs_to_the_source_locale() {
        let text = Text::Source("Hello".into());
        assert_eq!(text.get("en", "en"), Some("Hello"));
        assert_eq!(text.get("ja", "en"), None);
        let map = Text::Localized(BTreeMap::from([(
            "ja".into(),
            Located {
                value: "こんにちは".into(),
                range: 0..0,
            },
        )]));
        assert_eq!(map.get("ja", "en"), Some("こんにちは"));
        assert_eq!(map.get("en", "en"), None);
    }

    #[test]
    fn targets_parse_from_their_written_form() {
        assert_eq!(Target::parse("end"), Target::End);
        assert_eq!(Target::parse("check"), Target::Step("check".into()));
        assert_eq!(
            Target::parse("other.md"),
            Target::Procedure("other.md".into())
        );
        assert_eq!(
            Target::parse("../x/other.md#step"),
            Target::Procedure("../x/other.md#step".into())
        );
    }

    #[test]
    fn procedure_files_reject_unknown_fields_with_a_position() {
        let text = "title: X\nsteps:\n  - id: a\n    titel: A\n";
        let error = serde_saphyr::from_str::<ProcedureFile>(text).unwrap_err();
        let location = error.location().unwrap();
        assert_eq!((location.line(), location.column()), (4, 5));
    }

    #[test]
    fn localized_text_reads_both_forms_and_keeps_its_position() {
        let text = "title: Plain\nsteps:\n  - id: a\n    title:\n      en: A\n      ja: エー\n";
        let file: ProcedureFile = serde_saphyr::from_str(text).unwrap();
        assert_eq!(file.title.value, Text::Source("Plain".into()));
        assert_eq!(&text[file.title.range.clone()], "Plain");
        assert_eq!(file.steps[0].title.get("ja", "en"), Some("エー"));
    }

    #[test]
    fn wrong_text_types_say_what_to_write() {
        let error = serde_saphyr::from_str::<ProcedureFile>("title: [a]\nsteps: []\n").unwrap_err();
        assert!(
            error.to_string().contains("a map from locale to string"),
            "{error}"
        );
        let error = serde_saphyr::from_str::<Branch>("label: yes\ngoto: end\n");
        if let Err(error) = error {
            assert!(error.to_string().contains("quotes"), "{error}");
        }
    }
}
