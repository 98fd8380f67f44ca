//! JSON Schemas of the content file kinds, generated from the model types (schemars), so editors
//! complete and check fields as the author types and the schema never drifts from the loader.

use schemars::{JsonSchema, Schema, schema_for};

use crate::model::{CategoriesFile, FrontMatter, ProcedureFile, ProductsFile, UiFile};
use crate::record::RunRecord;

/// The content file kinds with a schema, in the order `runbook schema` lists them.
pub const KINDS: &[&str] = &[
    "procedure",
    "products",
    "categories",
    "ui",
    "front-matter",
    "run-record",
    "baseline",
];

/// The JSON Schema of one kind, or `None` for an unknown kind.
pub fn schema(kind: &str) -> Option<Schema> {
    Some(match kind {
        "procedure" => titled::<ProcedureFile>("runbook procedure (content/**/ID.yaml)"),
        "products" => titled::<ProductsFile>("runbook products (content/products.yaml)"),
        "categories" => {
            titled::<CategoriesFile>("runbook escalation categories (content/categories.yaml)")
        }
        "ui" => titled::<UiFile>("runbook UI strings (content/ui.yaml)"),
        "front-matter" => titled::<FrontMatter>("runbook page front matter"),
        "baseline" => titled::<crate::baseline::Baseline>(
            "runbook baseline of known findings (runbook-baseline.json, `runbook check --write-baseline`)",
        ),
        "run-record" => titled::<RunRecord>(
            "runbook run record (run mode's \"Download JSON\", `runbook record check`)",
        ),
        _ => return None,
    })
}

fn titled<T: JsonSchema>(title: &str) -> Schema {
    let mut schema = schema_for!(T);
    schema.insert("title".to_string(), title.into());
    schema
}

/// The file name `runbook schema --out DIR` writes for a kind.
pub fn file_name(kind: &str) -> String {
    format!("{kind}.schema.json")
}

/// The schema of a kind as pretty JSON with a final newline.
pub fn to_json(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_schema_with_its_fields() {
        for kind in KINDS {
            assert!(schema(kind).is_some(), "{kind}");
        }
        let procedure = to_json(&schema("procedure").unwrap());
        for field in [
            "\"applies-to\"",
            "\"steps\"",
            "\"decision\"",
            "\"escalation\"",
            "\"goto\"",
        ] {
            assert!(
                procedure.contains(field),
                "{field} missing from {procedure}"
            );
        }
        assert!(to_json(&schema("ui").unwrap()).contains("applies-to"));
        assert!(schema("nope").is_none());
    }
}
