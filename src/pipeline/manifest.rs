//! `manifest.json`: every output file's path, locale, kind and source, itself included; every
//! page's front matter (title, description and any other metadata, such as DocFX's `ms.date` or
//! `author`), per source file; and, in a shard's output only, what the shard is
//! ([`ShardInfo`]). Written by every build and read back by `build --merge`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model;
use crate::output::{MANIFEST, OutputFile, OutputKind};
use crate::source::SourceMap;
use crate::verify::DeferredLink;

/// What `manifest.json` holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Every output file (without its bytes), the manifest included, sorted by path.
    pub files: Vec<OutputFile>,
    /// Every page's front matter, per source file and locale.
    pub pages: Vec<PageEntry>,
    /// What the build was, when it built some locales only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
}

/// The front matter of one page in one locale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageEntry {
    /// The source file, relative to the project root.
    pub source: String,
    /// The locale.
    pub locale: String,
    /// The page's title.
    pub title: String,
    /// The front matter's `description`.
    pub description: Option<String>,
    /// Every other front matter key, as written.
    pub metadata: BTreeMap<String, serde_json::Value>,
}

/// What a shard (`build --locale`) is, so that `build --merge` joins only shards that belong
/// together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// The locales this shard built.
    pub locales: Vec<String>,
    /// Every locale of the project.
    pub project_locales: Vec<String>,
    /// The fingerprint of every file the build read (configuration, content, lock file).
    pub sources: String,
    /// The version of runbook that built it.
    pub runbook: String,
    /// Links into files that other shards write, checked when the shards are merged.
    pub links: Vec<DeferredLink>,
}

impl Manifest {
    /// The manifest of a build that made `files` (without the manifest itself) from `site`.
    pub fn of_build(files: &[OutputFile], site: &model::Site, sources: &SourceMap) -> Self {
        let pages = site
            .pages
            .iter()
            .flat_map(|page| page.versions.iter())
            .map(|(locale, version)| PageEntry {
                source: sources.file(version.file).path.clone(),
                locale: locale.clone(),
                title: version.title().to_string(),
                description: version.front.description.as_ref().map(|d| d.value.clone()),
                metadata: version.front.metadata.clone(),
            })
            .collect();
        Self::new(files.to_vec(), pages)
    }

    /// A manifest listing `files` (without their bytes) and the manifest itself, sorted by path.
    pub fn new(files: Vec<OutputFile>, pages: Vec<PageEntry>) -> Self {
        let mut files: Vec<OutputFile> = files
            .into_iter()
            .filter(|file| file.path != MANIFEST)
            .map(|file| OutputFile {
                copy_of: None,
                bytes: Vec::new(),
                ..file
            })
            .chain(std::iter::once(Self::entry()))
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Self {
            files,
            pages,
            shard: None,
        }
    }

    /// The manifest's own entry, without bytes.
    pub fn entry() -> OutputFile {
        OutputFile {
            copy_of: None,
            path: MANIFEST.to_string(),
            locale: None,
            kind: OutputKind::Manifest,
            source: None,
            bytes: Vec::new(),
        }
    }

    /// The manifest as an output file: pretty JSON and a final newline.
    pub fn to_file(&self) -> OutputFile {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        OutputFile {
            copy_of: None,
            bytes,
            ..Self::entry()
        }
    }
}

/// The fingerprint of every file in `sources`: shards built from the same project have the same.
pub fn sources_fingerprint(sources: &SourceMap) -> String {
    crate::fingerprint::of_files(
        sources
            .files()
            .map(|file| (file.path.as_str(), file.text.as_str())),
    )
}
