//! The build cache: what a build into a directory rendered and read, kept under
//! `.runbook/cache/` so that the next build renders again only what its inputs changed
//! ([`crate::render::memo`]).
//!
//! A cache belongs to one output directory and one runbook binary. It is read only when it
//! matches both: its format, the binary that wrote it (version, size and modification time of
//! the executable), and the output's `manifest.json` byte for byte (a SHA-256 of it is in the
//! cache). Anything else (an unreadable, foreign, older or corrupt file, an output edited or
//! replaced since) is ignored and the build runs in full. The cache is removed before a build
//! swaps its output in and written after, so a build stopped in between leaves none.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::fingerprint::{self, Hasher};
use crate::model::Site;
use crate::output::{MANIFEST, WriteError};
use crate::render::memo::{Key, Units};
use crate::render::search::PageRecords;
use crate::source::SourceMap;
use crate::verify::Remembered;
use crate::write;

/// The cache's layout version: a cache of another layout is ignored.
const FORMAT: u32 = 2;

/// The directory of build caches, under the project root (`.gitignore` it).
pub const CACHE_DIR: &str = ".runbook/cache";

/// What one build leaves for the next.
#[derive(Default, Serialize, Deserialize)]
pub struct Cache {
    /// The files of each unit, by key.
    pub units: Units,
    /// What the verifier read in each HTML file.
    pub links: Remembered,
    /// What search read in each guide page.
    pub pages: PageRecords,
}

/// The cache as stored: what it must match ([`Header`]), then [`Cache`].
#[derive(Serialize)]
struct Stored<'a> {
    header: Header,
    cache: &'a Cache,
}

/// What a stored cache must match, read before the rest so that a cache that does not match is
/// never decoded.
#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    format: u32,
    binary: String,
    out: String,
    manifest: [u8; 32],
}

/// Where the cache of the output directory `out` of the project at `root` is.
pub fn path(root: &Path, out: &Path) -> PathBuf {
    let name = fingerprint::of_text(&out.to_string_lossy());
    root.join(CACHE_DIR).join(format!("build-{name}.bin"))
}

/// What identifies the running binary: its version and its executable's size and time.
fn binary() -> String {
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|meta| {
            let time = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |t| t.as_nanos());
            format!("{} {time}", meta.len())
        })
        .unwrap_or_default();
    format!("{} {executable}", env!("CARGO_PKG_VERSION"))
}

/// The cache of `out`, if there is one that matches the binary and the output as it is now.
pub fn read(root: &Path, out: &Path) -> Option<Cache> {
    let manifest = std::fs::read(out.join(MANIFEST)).ok()?;
    let bytes = std::fs::read(path(root, out)).ok()?;
    let (header, rest) = postcard::take_from_bytes::<Header>(&bytes).ok()?;
    let expected = Header {
        format: FORMAT,
        binary: binary(),
        out: out.to_string_lossy().into_owned(),
        manifest: Sha256::digest(&manifest).into(),
    };
    if header != expected {
        return None;
    }
    postcard::from_bytes(rest).ok()
}

/// Removes the cache of `out` (before the output changes).
///
/// # Errors
/// The cache exists and cannot be removed.
pub fn forget(root: &Path, out: &Path) -> Result<(), WriteError> {
    write::remove_file(&path(root, out))
}

/// Stores `cache` for the output `out` whose manifest is `manifest`.
///
/// # Errors
/// The cache cannot be written.
pub fn save(root: &Path, out: &Path, manifest: &[u8], cache: Cache) -> Result<(), WriteError> {
    let stored = Stored {
        header: Header {
            format: FORMAT,
            binary: binary(),
            out: out.to_string_lossy().into_owned(),
            manifest: Sha256::digest(manifest).into(),
        },
        cache: &cache,
    };
    write::write_file_with(&path(root, out), |writer| {
        postcard::to_io(&stored, writer)
            .map(|_| ())
            .map_err(std::io::Error::other)
    })
}

/// The fingerprint of everything every unit may read: the binary, what the build was asked
/// for (`flags`: locales, PDF, target), the configuration and every content file that is not one
/// procedure's or one page's (categories, products, UI words, tables of contents, includes, the
/// lock file), the templates, assets and fonts, and the site's outline
/// ([`fingerprint::outline`]).
pub fn global_key(config: &Config, site: &Site, sources: &SourceMap, flags: &str) -> Key {
    let mut hasher = Hasher::default();
    hasher.add(binary()).add(flags);
    let mut own: std::collections::HashSet<&str> = site
        .procedures
        .iter()
        .map(|p| sources.file(p.file).path.as_str())
        .collect();
    own.extend(site.pages.iter().flat_map(|page| {
        page.versions
            .values()
            .map(|v| sources.file(v.file).path.as_str())
    }));
    let mut shared: Vec<(&str, &str)> = sources
        .files()
        .filter(|file| !own.contains(file.path.as_str()))
        .map(|file| (file.path.as_str(), file.text.as_str()))
        .collect();
    shared.sort_unstable();
    for (path, text) in shared {
        hasher.add(path).add(text);
    }
    let templates = config.templates_dir();
    let mut entries: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&templates)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = entry.path().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap_or_default())
        })
        .collect();
    entries.sort();
    for (name, bytes) in entries {
        hasher.add("template").add(name).add(bytes);
    }
    for asset in site.assets.iter().chain(&site.fonts) {
        hasher.add("asset").add(&asset.path).add(asset.fingerprint);
    }
    hasher.add(fingerprint::outline(site, sources));
    hasher.finish()
}
