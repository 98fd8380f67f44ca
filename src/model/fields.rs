//! The list of every localized text field of the YAML content, with a stable key each: what
//! validation checks field by field and what translation cuts into segments.

use crate::markup::Flavor;
use crate::model::{LocalizedText, Site};
use crate::paths::CATEGORIES_PATH;
use crate::source::FileId;

/// One localized text field of the YAML content.
pub struct TextField<'a> {
    /// The file it is written in.
    pub file: FileId,
    /// The content path its relative links are resolved from (the file's, without extension).
    pub from: &'a str,
    /// Its key path in the file, stable across unrelated edits: step and category ids rather
    /// than positions (`steps.documented.title`, `billing.examples.0`).
    pub key: String,
    /// The text.
    pub text: &'a LocalizedText,
    /// Inline (titles, labels, names, examples) or block (everything longer).
    pub flavor: Flavor,
}

/// Every localized text field of the YAML content, in file order.
pub fn text_fields(site: &Site) -> Vec<TextField<'_>> {
    let mut fields = Vec::new();
    let mut add = |file, from, key: String, text, flavor| {
        fields.push(TextField {
            file,
            from,
            key,
            text,
            flavor,
        })
    };
    if let Some(file) = site.products_file {
        for product in &site.products {
            let key = format!("{}.name", product.id.value);
            add(file, "products", key, &product.name, Flavor::Inline);
        }
    }
    if let Some(file) = site.categories_file {
        let from = CATEGORIES_PATH;
        for category in &site.categories {
            let id = &category.id.value;
            add(
                file,
                from,
                format!("{id}.title"),
                &category.title,
                Flavor::Inline,
            );
            if let Some(text) = &category.description {
                add(file, from, format!("{id}.description"), text, Flavor::Block);
            }
            for (i, text) in category.examples.iter().enumerate() {
                add(
                    file,
                    from,
                    format!("{id}.examples.{i}"),
                    text,
                    Flavor::Inline,
                );
            }
            let key = format!("{id}.escalate-to");
            add(file, from, key, &category.escalate_to, Flavor::Block);
        }
    }
    for procedure in &site.procedures {
        let (file, from) = (procedure.file, procedure.path.as_str());
        add(file, from, "title".into(), &procedure.title, Flavor::Inline);
        if let Some(text) = &procedure.introduction {
            add(file, from, "introduction".into(), text, Flavor::Block);
        }
        for step in &procedure.steps {
            let id = format!("steps.{}", step.id.value);
            add(
                file,
                from,
                format!("{id}.title"),
                &step.title,
                Flavor::Inline,
            );
            if let Some(text) = &step.text {
                add(file, from, format!("{id}.text"), text, Flavor::Block);
            }
            for (i, text) in step.notes.iter().enumerate() {
                add(file, from, format!("{id}.notes.{i}"), text, Flavor::Block);
            }
            for (i, text) in step.warnings.iter().enumerate() {
                add(
                    file,
                    from,
                    format!("{id}.warnings.{i}"),
                    text,
                    Flavor::Block,
                );
            }
            for (i, branch) in step.decision.iter().flat_map(|d| &d.branches).enumerate() {
                let key = format!("{id}.decision.branches.{i}.label");
                add(file, from, key, &branch.label, Flavor::Inline);
            }
            for text in step.escalation.iter().flat_map(|e| &e.submit) {
                add(
                    file,
                    from,
                    format!("{id}.escalation.submit"),
                    text,
                    Flavor::Block,
                );
            }
        }
    }
    fields
}
