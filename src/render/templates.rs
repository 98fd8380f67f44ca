//! Tera templates: the defaults embedded in the binary, overridden by files of the same name in the
//! project's `templates/` directory (Zola's rule). The only module that knows Tera.

use std::path::Path;

use crate::render::RenderError;

/// The default templates, embedded at compile time from the repository's `templates/`.
const DEFAULTS: &[(&str, &str)] = &[
    ("head.html", include_str!("../../templates/head.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "run-panel.html",
        include_str!("../../templates/run-panel.html"),
    ),
    (
        "procedure.html",
        include_str!("../../templates/procedure.html"),
    ),
    ("page.html", include_str!("../../templates/page.html")),
    (
        "not-found.html",
        include_str!("../../templates/not-found.html"),
    ),
    (
        "categories.html",
        include_str!("../../templates/categories.html"),
    ),
    (
        "languages.html",
        include_str!("../../templates/languages.html"),
    ),
    (
        "checklist-body.html",
        include_str!("../../templates/checklist-body.html"),
    ),
    (
        "checklist.html",
        include_str!("../../templates/checklist.html"),
    ),
    ("runbook.html", include_str!("../../templates/runbook.html")),
    ("print.css", include_str!("../../templates/print.css")),
    ("review.html", include_str!("../../templates/review.html")),
    (
        "review-file.html",
        include_str!("../../templates/review-file.html"),
    ),
    ("review.css", include_str!("../../templates/review.css")),
];

/// The default stylesheet, overridable like a template.
const STYLESHEET: (&str, &str) = ("runbook.css", include_str!("../../templates/runbook.css"));

/// The site's script (search, language links that keep the reader's place), overridable too.
const SCRIPT: (&str, &str) = ("site.js", include_str!("../../templates/site.js"));

/// Template data converted once and placed in many pages' contexts at the cost of a reference
/// count (the UI strings, a directory's navigation).
#[derive(Clone)]
pub struct Shared(tera::Value);

impl Shared {
    /// Converts `value` (anything serde can serialize).
    ///
    /// # Errors
    /// A value Tera cannot represent (not produced by runbook's own data).
    pub fn new(value: &impl serde::Serialize) -> Result<Self, RenderError> {
        tera::Value::try_from_serializable(value)
            .map(Self)
            .map_err(|error| RenderError::TemplateLoad {
                template: "shared template data".to_string(),
                message: tera_message(&error),
            })
    }
}

/// Compiled templates, the stylesheet and the site's script, loaded once per build.
pub struct Templates {
    tera: tera::Tera,
    stylesheet: String,
    script: String,
}

impl Templates {
    /// The embedded defaults, each replaced by `dir/NAME` when that file exists.
    ///
    /// # Errors
    /// An override that cannot be read, or a template that does not parse.
    pub fn load(dir: &Path) -> Result<Self, RenderError> {
        let mut tera = tera::Tera::new();
        // One at a time, base first (the others extend it), so an error names its file; the
        // shared head partial comes before it, included by the pages.
        for (name, default) in DEFAULTS {
            let (text, origin) = match read_override(dir, name)? {
                Some(text) => (text, format!("templates/{name}")),
                None => ((*default).to_string(), format!("built-in {name}")),
            };
            tera.add_raw_template(name, &text)
                .map_err(|error| RenderError::TemplateLoad {
                    template: origin,
                    message: tera_message(&error),
                })?;
        }
        let stylesheet =
            read_override(dir, STYLESHEET.0)?.unwrap_or_else(|| STYLESHEET.1.to_string());
        let script = read_override(dir, SCRIPT.0)?.unwrap_or_else(|| SCRIPT.1.to_string());
        Ok(Self {
            tera,
            stylesheet,
            script,
        })
    }

    /// Renders template `name` with `context` (a JSON object) for the output file `page`.
    ///
    /// # Errors
    /// Tera's error (a missing variable, a failing filter), with template and page named.
    pub fn render(
        &self,
        name: &str,
        context: &serde_json::Value,
        page: &str,
    ) -> Result<String, RenderError> {
        self.render_with(name, context, &[], page)
    }

    /// Like [`render`](Self::render), with `shared` values added to the context under their
    /// names: data many pages have in common, converted once.
    ///
    /// # Errors
    /// Tera's error (a missing variable, a failing filter), with template and page named.
    pub fn render_with(
        &self,
        name: &str,
        context: &serde_json::Value,
        shared: &[(&'static str, &Shared)],
        page: &str,
    ) -> Result<String, RenderError> {
        let error = |error: tera::Error| RenderError::Template {
            template: name.to_string(),
            page: page.to_string(),
            message: tera_message(&error),
        };
        #[cfg(test)]
        contract::record(name, context, shared);
        let mut context = tera::Context::from_serialize(context).map_err(error)?;
        if !context.contains_key("content_security_policy") {
            context.insert(
                "content_security_policy",
                crate::safety::CONTENT_SECURITY_POLICY,
            );
        }
        for (key, value) in shared {
            context.insert_value(*key, value.0.clone());
        }
        self.tera.render(name, &context).map_err(error)
    }

    /// The stylesheet's text.
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    /// The site script's text.
    pub fn script(&self) -> &str {
        &self.script
    }
}

fn read_override(dir: &Path, name: &str) -> Result<Option<String>, RenderError> {
    let path = dir.join(name);
    let root = dir.parent().unwrap_or(dir);
    if (path.exists() || path.is_symlink()) && !crate::config::is_inside(root, &path) {
        return Err(RenderError::TemplateLoad {
            template: format!("templates/{name}"),
            message: "it is a symbolic link to a file outside the project (or to nothing); copy the template into templates/".to_string(),
        });
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(RenderError::TemplateLoad {
            template: format!("templates/{name}"),
            message: error.to_string(),
        }),
    }
}

/// Tera's error with its chain of causes on one line.
fn tera_message(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The template contract (docs/templates.md): each template is given exactly the variables the
/// document lists, and those are enough to render it.
#[cfg(test)]
mod contract {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Mutex;

    /// Per template, every top-level variable any render gave it, and the first full context.
    static SEEN: Mutex<BTreeMap<String, (BTreeSet<String>, serde_json::Value)>> =
        Mutex::new(BTreeMap::new());

    /// Notes the context a template is rendered with (tests only): its own values, the shared
    /// ones, and the security policy added to every context.
    pub(super) fn record(
        name: &str,
        context: &serde_json::Value,
        shared: &[(&'static str, &super::Shared)],
    ) {
        let mut object = context.as_object().cloned().unwrap_or_default();
        object
            .entry("content_security_policy")
            .or_insert(crate::safety::CONTENT_SECURITY_POLICY.into());
        for (key, value) in shared {
            object.insert((*key).to_string(), serde_json::to_value(&value.0).unwrap());
        }
        let keys: BTreeSet<String> = object.keys().cloned().collect();
        let json = serde_json::Value::Object(object);
        let mut seen = SEEN.lock().unwrap();
        let entry = seen
            .entry(name.to_string())
            .or_insert_with(|| (BTreeSet::new(), json));
        entry.0.extend(keys);
    }

    /// docs/templates.md's variables per template: the first column of the table under each
    /// ``## `NAME` `` heading.
    fn documented() -> BTreeMap<String, BTreeSet<String>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md");
        let text = std::fs::read_to_string(path).unwrap();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current = None;
        for line in text.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                current = heading
                    .strip_prefix('`')
                    .and_then(|h| h.strip_suffix('`'))
                    .map(str::to_string);
                if let Some(name) = &current {
                    out.insert(name.clone(), BTreeSet::new());
                }
            } else if let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) {
                let variable = row.split('`').next().unwrap_or_default();
                out.get_mut(name).unwrap().insert(variable.to_string());
            }
        }
        out
    }

    #[test]
    fn every_template_gets_exactly_the_documented_variables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::build_in_memory(root).unwrap();
        // The run panel on its own is rendered for procedure pages only.
        crate::build_in_memory(&root.join("tests/fixtures/procedure-pages")).unwrap();
        let documented = documented();
        let names: BTreeSet<&str> = super::DEFAULTS.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            documented
                .keys()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            names,
            "docs/templates.md has one section per template"
        );
        let seen = SEEN.lock().unwrap().clone();
        let mut rendered = 0;
        for (name, (keys, _)) in &seen {
            let listed = &documented[name];
            assert_eq!(
                keys, listed,
                "`{name}`: the variables given (left) and those docs/templates.md lists (right)"
            );
            rendered += 1;
        }
        // Every template the build renders directly was seen (the head partial and the base
        // layout are rendered within the pages that use them).
        assert!(
            rendered >= names.len() - 2,
            "rendered {rendered} of {names:?}"
        );
        // What the shared parts read, every page that uses them is given.
        for page in [
            "home.html",
            "procedure.html",
            "page.html",
            "categories.html",
        ] {
            let missing: Vec<_> = documented["base.html"]
                .difference(&documented[page])
                .collect();
            assert!(
                missing.is_empty(),
                "`{page}` extends base.html but lacks {missing:?}"
            );
        }
        for page in [
            "base.html",
            "checklist.html",
            "runbook.html",
            "review.html",
            "languages.html",
        ] {
            let missing: Vec<_> = documented["head.html"]
                .difference(&documented[page])
                .collect();
            assert!(
                missing.is_empty(),
                "`{page}` includes head.html but lacks {missing:?}"
            );
        }
    }
}
