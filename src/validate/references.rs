//! Ids and references: duplicates, unknown products, categories, steps and procedures, step
//! shapes, and output paths that would collide.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Site, Step, Target};
use crate::paths::resolve_md_link;
use crate::paths::{CONTENTS_PATH, CONTENTS_SCRIPT_PATH, INDEX_PATH, RESERVED_PATHS, TEMPLATE_IDS};
use crate::source::{FileId, Located};

pub(super) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    if let Some(file) = site.products_file {
        unique_ids(site.products.iter().map(|p| &p.id), file, "product", out);
    }
    if let Some(file) = site.categories_file {
        unique_ids(site.categories.iter().map(|c| &c.id), file, "category", out);
    }
    output_paths(site, out);
    let product_ids: Vec<&str> = site.products.iter().map(|p| p.id.as_str()).collect();
    let category_ids: Vec<&str> = site.categories.iter().map(|c| c.id.as_str()).collect();
    let procedure_paths: Vec<String> = site
        .procedures
        .iter()
        .map(|p| format!("{}.md", p.path))
        .collect();
    for procedure in &site.procedures {
        let file = procedure.file;
        for product in &procedure.applies_to {
            if !product_ids.contains(&product.as_str()) && !site.unreadable.contains("products") {
                out.push(
                    Diagnostic::error(
                        "unknown-product",
                        format!("unknown product `{}`", product.value),
                    )
                    .at(product.span(file, 0))
                    .suggest(product, product_ids.iter().copied())
                    .or_help("products are defined in content/products.yaml"),
                );
            }
        }
        if procedure.steps.is_empty() {
            out.push(
                Diagnostic::error(
                    "no-steps",
                    format!("procedure `{}` has no steps", procedure.path),
                )
                .at(procedure.title.span(file, 0))
                .help("add at least one step under `steps:`"),
            );
        }
        let step_ids: Vec<&str> = procedure.steps.iter().map(|s| s.id.as_str()).collect();
        unique_ids(procedure.steps.iter().map(|s| &s.id), file, "step", out);
        for step in &procedure.steps {
            step_shape(step, file, out);
            for category in step.escalation.iter().flat_map(|e| &e.categories) {
                if !category_ids.contains(&category.as_str())
                    && !site.unreadable.contains("categories")
                {
                    out.push(
                        Diagnostic::error(
                            "unknown-category",
                            format!("unknown escalation category `{}`", category.value),
                        )
                        .at(category.span(file, 0))
                        .suggest(category, category_ids.iter().copied())
                        .or_help("categories are defined in content/categories.yaml"),
                    );
                }
            }
            let targets = step.next.iter().chain(
                step.decision
                    .iter()
                    .flat_map(|d| d.branches.iter().map(|b| &b.goto)),
            );
            for target in targets {
                check_target(
                    site,
                    &procedure.path,
                    target,
                    file,
                    &step_ids,
                    &procedure_paths,
                    out,
                );
            }
        }
    }
}

fn check_target(
    site: &Site,
    from: &str,
    target: &Located<Target>,
    file: FileId,
    step_ids: &[&str],
    procedure_paths: &[String],
    out: &mut Vec<Diagnostic>,
) {
    match &target.value {
        Target::End => {}
        Target::Step(id) => {
            if !step_ids.contains(&id.as_str()) {
                out.push(
                    Diagnostic::error("unknown-step", format!("no step `{id}` in this procedure"))
                        .at(target.span(file, 0))
                        .suggest(id, step_ids.iter().copied())
                        .or_help("a target is a step id, `end`, or another procedure as `id.md`"),
                );
            }
        }
        Target::Procedure(link) => {
            let path = link.split('#').next().unwrap_or(link);
            let resolved = resolve_md_link(from, path);
            let unreadable = resolved
                .as_ref()
                .is_some_and(|p| site.unreadable.contains(p));
            let found = resolved.and_then(|p| site.procedure(&p));
            if found.is_none() && !unreadable {
                out.push(
                    Diagnostic::error("unknown-procedure", format!("no procedure `{link}`"))
                        .at(target.span(file, 0))
                        .suggest(path, procedure_paths.iter().map(String::as_str)),
                );
            }
        }
    }
}

fn step_shape(step: &Step, file: FileId, out: &mut Vec<Diagnostic>) {
    if step.id.as_str() == "end" {
        out.push(
            Diagnostic::error(
                "reserved-id",
                "`end` is reserved for the end of a procedure",
            )
            .at(step.id.span(file, 0))
            .help("give the step another id"),
        );
    }
    reserved_anchor(&step.id, file, out);
    if !is_id(&step.id) {
        out.push(invalid_id(&step.id, file));
    }
    if step.decision.is_some() && step.escalation.is_some() {
        out.push(
            Diagnostic::error(
                "invalid-step",
                format!(
                    "step `{}` is both a decision and an escalation",
                    step.id.value
                ),
            )
            .at(step.id.span(file, 0))
            .help("split it into two steps"),
        );
    }
    if let Some(decision) = &step.decision {
        if decision.branches.len() < 2 {
            out.push(
                Diagnostic::error(
                    "invalid-step",
                    format!("decision `{}` needs at least two branches", step.id.value),
                )
                .at(step.id.span(file, 0))
                .help("a decision with one answer is an ordinary step: use `next:` instead"),
            );
        }
        if step.next.is_some() {
            out.push(
                Diagnostic::error(
                    "invalid-step",
                    format!(
                        "decision `{}` has `next`; its branches say where to go",
                        step.id.value
                    ),
                )
                .at(step.id.span(file, 0))
                .help("remove `next`"),
            );
        }
    }
}

fn unique_ids<'a>(
    ids: impl Iterator<Item = &'a Located<String>>,
    file: FileId,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, &Located<String>> = BTreeMap::new();
    for id in ids {
        if id.is_empty() {
            out.push(
                Diagnostic::error("missing-id", format!("{what} has an empty id"))
                    .at(id.span(file, 0))
                    .help("ids are lowercase words joined by `-`, e.g. `check-service-health`"),
            );
            continue;
        }
        if what != "step" && !is_id(id) {
            out.push(invalid_id(id, file));
        }
        if what == "category" {
            reserved_anchor(id, file, out);
        }
        if seen.insert(id.as_str(), id).is_some() {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("{what} id `{}` is used twice", id.value),
                )
                .at(id.span(file, 0))
                .help("ids must be unique: rename one"),
            );
        }
    }
}

/// Step and category ids are anchors on pages whose templates use some ids themselves.
fn reserved_anchor(id: &Located<String>, file: FileId, out: &mut Vec<Diagnostic>) {
    if TEMPLATE_IDS.contains(&id.as_str()) {
        out.push(
            Diagnostic::error(
                "reserved-id",
                format!("`{}` is an id the page templates use", id.value),
            )
            .at(id.span(file, 0))
            .help(format!(
                "choose another id; reserved: {}",
                TEMPLATE_IDS.join(", ")
            )),
        );
    }
}

/// Whether an id is lowercase ASCII letters, digits, `-` and `_` (safe as a file name and anchor).
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn invalid_id(id: &Located<String>, file: FileId) -> Diagnostic {
    Diagnostic::error("invalid-id", format!("`{}` is not a valid id", id.value))
        .at(id.span(file, 0))
        .help("use lowercase letters, digits and `-`, e.g. `check-service-health`")
}

/// Two sources rendering to the same output file, or a source taking a generated file's name.
fn output_paths(site: &Site, out: &mut Vec<Diagnostic>) {
    for procedure in &site.procedures {
        let span = procedure.title.span(procedure.file, 0);
        if site.page(&procedure.path).is_some() {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("procedure and page both use the path `{}`", procedure.path),
                )
                .at(span.clone())
                .help("rename the procedure file or the page"),
            );
        }
        if is_reserved(site, &procedure.path) || procedure.path == INDEX_PATH {
            out.push(reserved_path(&procedure.path).at(span));
        }
    }
    for page in &site.pages {
        if is_reserved(site, &page.path)
            && let Some(version) = page.versions.values().next()
        {
            out.push(
                reserved_path(&page.path)
                    .at(version.front.title.span(version.file, version.front_offset)),
            );
        }
    }
    for asset in &site.assets {
        if asset.path == CONTENTS_SCRIPT_PATH && site.has_root_toc() {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!(
                        "`content/{}` would overwrite the generated script of the table of contents",
                        asset.path
                    ),
                )
                .help("rename or remove the file"),
            );
        }
        if let Some(stem) = asset.path.strip_suffix(".html")
            && (site.page(stem).is_some()
                || site.procedure(stem).is_some()
                || stem == INDEX_PATH
                || is_reserved(site, stem))
        {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!(
                        "`content/{}` would overwrite the generated page of `{stem}`",
                        asset.path
                    ),
                )
                .help("rename or remove the file"),
            );
        }
    }
}

/// Whether `path` is the name of a generated file of this site.
fn is_reserved(site: &Site, path: &str) -> bool {
    RESERVED_PATHS.contains(&path) || path == CONTENTS_PATH && site.has_root_toc()
}

fn reserved_path(path: &str) -> Diagnostic {
    Diagnostic::error(
        "reserved-id",
        format!("`{path}` is the name of a generated file"),
    )
    .help(format!(
        "rename the file; reserved names: index (procedures only), {}, {CONTENTS_PATH} (with a toc.yml)",
        RESERVED_PATHS.join(", ")
    ))
}
