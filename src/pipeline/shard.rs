//! A build split by locale across machines (CI sharding): `build --locale L` writes one
//! locale's files with the files of no locale, and notes in its manifest what it is and which
//! of its links lead into other shards ([`ShardInfo`]); [`merge`] joins the shards' output
//! directories into the output a full build writes, byte for byte, manifest included.
//!
//! Merging trusts no shard: the shards must come from the same project and runbook version,
//! hold every locale once, agree on every file they share, list only plain relative paths, and
//! every link one shard left unchecked must lead to a file (and element id) of another.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use super::Error;
use super::manifest::{Manifest, ShardInfo};
use crate::output::{MANIFEST, OutputFile};
use crate::source::SourceMap;
use crate::{config, verify, write};

/// What `build --merge` is asked to do.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    /// The project root (holding `book.toml`).
    pub root: PathBuf,
    /// The shards' output directories, inside the root.
    pub shards: Vec<PathBuf>,
    /// The output directory; default: `[output.runbook] output-dir` under the root.
    pub out: Option<PathBuf>,
    /// Replace an output directory holding files runbook did not write.
    pub force: bool,
}

/// What a merge did.
#[derive(Clone, Debug)]
pub struct MergeReport {
    /// The output directory written.
    pub out: PathBuf,
    /// The locales joined, in the project's order.
    pub locales: Vec<String>,
    /// Shards joined.
    pub shards: usize,
    /// Files in the output in all, the manifest included.
    pub files: usize,
    /// Of those, files identical to the previous output and left as they were.
    pub unchanged: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl MergeReport {
    /// One line: what was joined, and where.
    pub fn summary(&self) -> String {
        let unchanged = if self.unchanged == 0 {
            String::new()
        } else {
            format!(" ({} unchanged)", self.unchanged)
        };
        format!(
            "merged {} shard(s) ({}) into {}: {} files{unchanged} in {:.2} s",
            self.shards,
            self.locales.join(", "),
            self.out.display(),
            self.files,
            self.elapsed.as_secs_f64()
        )
    }
}

/// One shard as read from its directory.
struct Shard {
    dir: PathBuf,
    manifest: Manifest,
    info: ShardInfo,
}

/// Joins the output directories of `build --locale` runs into the project's output directory,
/// replaced all at once as a build replaces it.
///
/// # Errors
/// A configuration that cannot be read, shards that do not belong together or do not cover the
/// project's locales (nothing written), a link between shards that leads nowhere (nothing
/// written), or a read or write failure.
pub fn merge(options: &MergeOptions) -> Result<MergeReport, Error> {
    let started = Instant::now();
    let mut sources = SourceMap::new();
    let config = match config::load(&options.root, &mut sources) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(Error::Content {
                sources,
                diagnostics,
            });
        }
    };
    let shards = options
        .shards
        .iter()
        .map(|dir| read_shard(&config.root, dir))
        .collect::<Result<Vec<_>, _>>()?;
    agree(&shards, &config.locales)?;
    let owners = owners(&shards)?;
    let paths: HashSet<String> = owners.keys().cloned().collect();
    let links: Vec<verify::DeferredLink> = shards
        .iter()
        .flat_map(|shard| shard.info.links.iter().cloned())
        .collect();
    let broken = verify::check_deferred(&links, &paths, |target| {
        owners
            .get(target)
            .and_then(|&(shard, _)| read_file(&shards[shard].dir, target).ok())
            .map(|bytes| verify::element_ids(&String::from_utf8_lossy(&bytes)))
            .unwrap_or_default()
    });
    if !broken.is_empty() {
        return Err(Error::Verify(broken));
    }
    let out = match &options.out {
        Some(out) => out.clone(),
        None => config.root.join(&config.output_dir),
    };
    write::check_output_dir(&config.root, &out, options.force)?;
    let staging = write::Staging::new(&out)?;
    let mut entries = Vec::with_capacity(owners.len() + 1);
    for (path, (shard, entry)) in owners {
        let bytes = read_file(&shards[shard].dir, &path)?;
        staging.write(&OutputFile {
            copy_of: None,
            bytes,
            ..entry.clone()
        })?;
        entries.push(entry);
    }
    let pages = shards
        .first()
        .map(|shard| shard.manifest.pages.clone())
        .unwrap_or_default();
    let manifest = Manifest::new(entries, pages);
    staging.write(&manifest.to_file())?;
    let stats = staging.finish()?;
    Ok(MergeReport {
        out,
        locales: config.locales.clone(),
        shards: shards.len(),
        files: manifest.files.len(),
        unchanged: stats.unchanged,
        elapsed: started.elapsed(),
    })
}

/// Reads the manifest of the shard in `dir`.
fn read_shard(root: &Path, dir: &Path) -> Result<Shard, Error> {
    let shown = dir.display();
    if !config::is_inside(root, dir) {
        return Err(Error::Shard(format!(
            "`{shown}` is not a directory inside the project root; give each shard's output directory, as `runbook build --locale L --out DIR` wrote it"
        )));
    }
    let text = std::fs::read_to_string(dir.join(MANIFEST)).map_err(|error| {
        Error::Shard(format!(
            "cannot read `{shown}/{MANIFEST}`: {error}; a shard is the output directory of `runbook build --locale L --out DIR`"
        ))
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|error| {
        Error::Shard(format!(
            "`{shown}/{MANIFEST}`:{}:{}: {error}; build the shard again with this runbook",
            error.line(),
            error.column()
        ))
    })?;
    let Some(info) = manifest.shard.clone() else {
        return Err(Error::Shard(format!(
            "`{shown}` holds a whole build, not a shard; build each shard with `runbook build --locale L --out DIR`"
        )));
    };
    Ok(Shard {
        dir: dir.to_path_buf(),
        manifest,
        info,
    })
}

/// Checks that the shards come from one project and runbook, and hold each of `locales` once.
fn agree(shards: &[Shard], locales: &[String]) -> Result<(), Error> {
    let version = env!("CARGO_PKG_VERSION");
    let mut holder: HashMap<&str, &Path> = HashMap::new();
    for shard in shards {
        let shown = shard.dir.display();
        if shard.info.runbook != version {
            return Err(Error::Shard(format!(
                "`{shown}` was built by runbook {}, this is {version}; build every shard with the same runbook",
                shard.info.runbook
            )));
        }
        if shard.info.project_locales != locales {
            return Err(Error::Shard(format!(
                "`{shown}` was built for the locales {}, the project's are {}; build the shard again from this project",
                shard.info.project_locales.join(", "),
                locales.join(", ")
            )));
        }
        if let Some(first) = shards.first()
            && (shard.info.sources != first.info.sources
                || shard.manifest.pages != first.manifest.pages)
        {
            return Err(Error::Shard(format!(
                "`{shown}` and `{}` were built from different content (fingerprints {} and {}); build every shard from the same commit",
                first.dir.display(),
                shard.info.sources,
                first.info.sources
            )));
        }
        for locale in &shard.info.locales {
            if let Some(other) = holder.insert(locale, &shard.dir) {
                return Err(Error::Shard(format!(
                    "`{shown}` and `{}` both hold locale `{locale}`; give each locale's shard once",
                    other.display()
                )));
            }
        }
    }
    let missing: Vec<&str> = locales
        .iter()
        .map(String::as_str)
        .filter(|locale| !holder.contains_key(locale))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Shard(format!(
            "no shard holds locale(s) {}; build each with `runbook build --locale L --out DIR` and merge them all",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Every output file with the shard it is read from (files of no locale, which every shard
/// writes, from the first, once all shards are found to agree on their bytes).
fn owners(shards: &[Shard]) -> Result<BTreeMap<String, (usize, OutputFile)>, Error> {
    let mut owners: BTreeMap<String, (usize, OutputFile)> = BTreeMap::new();
    for (index, shard) in shards.iter().enumerate() {
        let shown = shard.dir.display();
        for entry in &shard.manifest.files {
            if entry.path == MANIFEST {
                continue;
            }
            if !is_plain_relative(&entry.path) {
                return Err(Error::Shard(format!(
                    "`{shown}/{MANIFEST}` lists `{}`, which is not a plain relative path; build the shard again",
                    entry.path
                )));
            }
            if let Some(locale) = &entry.locale
                && !shard.info.locales.contains(locale)
            {
                return Err(Error::Shard(format!(
                    "`{shown}` holds `{}` of locale `{locale}`, which it was not built for; build the shard again",
                    entry.path
                )));
            }
            match owners.get(&entry.path) {
                None => {
                    owners.insert(entry.path.clone(), (index, entry.clone()));
                }
                Some((first, kept)) => {
                    let first_dir = &shards[*first].dir;
                    if kept != entry
                        || read_file(first_dir, &entry.path)? != read_file(&shard.dir, &entry.path)?
                    {
                        return Err(Error::Shard(format!(
                            "`{}` differs between `{}` and `{shown}`; build every shard from the same commit with the same runbook",
                            entry.path,
                            first_dir.display()
                        )));
                    }
                }
            }
        }
    }
    Ok(owners)
}

/// Whether `path` is `/`-separated, relative, and climbs nowhere.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

/// The bytes of a shard's file, which must be a regular file (not a link out of the shard).
fn read_file(dir: &Path, path: &str) -> Result<Vec<u8>, Error> {
    let full = dir.join(path);
    let shown = full.display();
    match std::fs::symlink_metadata(&full) {
        Ok(meta) if meta.file_type().is_file() => {}
        Ok(_) => {
            return Err(Error::Shard(format!(
                "`{shown}` is not a regular file; build the shard again"
            )));
        }
        Err(error) => {
            return Err(Error::Shard(format!(
                "cannot read `{shown}`, which the shard's manifest lists: {error}; copy the shard's whole directory"
            )));
        }
    }
    std::fs::read(&full).map_err(|error| Error::Shard(format!("cannot read `{shown}`: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_climb_nowhere() {
        assert!(is_plain_relative("html/en/index.html"));
        for bad in ["", "/etc/passwd", "../x", "html/../../x", "a\\b", "./a"] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
