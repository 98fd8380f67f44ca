//! Write: rendered files → the output directory, all or nothing.
//!
//! The only module that writes (the cargo-fuzz harness in `fuzz` aside). Files go into a fresh temporary directory beside the output
//! directory as they are rendered ([`Staging`]); only when every file is written and verified is
//! the old output swapped out and the new one renamed into place, so a failed build leaves the
//! previous output as it was. It refuses output
//! directories that would destroy the project or someone else's files.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::output::{MANIFEST, OutputFile, OutputKind, Sink, WriteError};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks that `out` may be replaced: not the project root, a parent of it, `content/`,
/// `templates/`, `src/` or `.git/`, and, when it exists, a directory runbook wrote (it holds a
/// manifest) or empty, unless `force`.
///
/// # Errors
/// [`WriteError::Refused`] naming the reason.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<(), WriteError> {
    let refuse = |reason: &str| {
        Err(WriteError::Refused {
            path: out.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    let root = std::fs::canonicalize(root).map_err(io(root))?;
    let resolved = resolve(out);
    if root.starts_with(&resolved) {
        return refuse("it is the project root or contains it");
    }
    for protected in ["content", "templates", "src", ".git"] {
        if resolved.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the project's `{protected}/`"));
        }
    }
    if resolved.is_file() {
        return refuse("it is a file");
    }
    if !force && resolved.is_dir() && !resolved.join(MANIFEST).is_file() {
        let mut entries = std::fs::read_dir(&resolved).map_err(io(&resolved))?;
        if entries.next().is_some() {
            return refuse(
                "it holds files runbook did not write (no manifest.json); choose another `--out`, or pass `--force` to replace them",
            );
        }
    }
    Ok(())
}

/// `path` made absolute with its existing ancestors' symlinks resolved.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let mut resolved = canonical;
            for part in rest.iter().rev() {
                resolved.push(part);
            }
            return resolved;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// What a [`Staging`] directory wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files identical to the previous output, kept as they were (same inode, same modification
    /// time), so an upload that compares times sends only what changed.
    pub unchanged: usize,
    /// Copies of a content file (an image in another locale or in a Markdown book) linked to its
    /// first copy in this output rather than stored again.
    pub shared: usize,
}

/// A new output directory being written beside the old one: a [`Sink`] that writes each file
/// as it arrives, from any thread. [`finish`](Self::finish) swaps it into place; dropped
/// unfinished (a failed build), it is removed and the old output stays as it was.
///
/// A file whose bytes equal the previous output's is hard-linked from it rather than written
/// again, so it keeps its inode and modification time. A content file copied to several places
/// (each locale, each Markdown book) is stored once: the other copies are hard links to the first.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: PathBuf,
    previous: Option<PathBuf>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    shared: AtomicUsize,
    /// Where the first copy of each content file (by its content path) was staged.
    stored: std::sync::Mutex<std::collections::HashMap<String, PathBuf>>,
    finished: bool,
}

impl Staging {
    /// Starts a fresh staging directory for `out`.
    ///
    /// # Errors
    /// The directory cannot be created.
    pub fn new(out: &Path) -> Result<Self, WriteError> {
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("build")
            .to_string();
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        recover(out, &parent, &name)?;
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Self {
            out: out.to_path_buf(),
            previous: out.is_dir().then(|| out.to_path_buf()),
            parent,
            name,
            dir,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            shared: AtomicUsize::new(0),
            stored: std::sync::Mutex::default(),
            finished: false,
        })
    }

    /// Links `file` to the first staged copy of the same content file, when one was staged
    /// already; otherwise records `path` as that copy. Whether it was linked.
    fn link_copy(&self, file: &OutputFile, path: &Path) -> bool {
        let Some(source) = file
            .source
            .as_ref()
            .filter(|_| file.kind == OutputKind::Asset)
        else {
            return false;
        };
        let first = {
            let mut stored = self
                .stored
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match stored.get(source) {
                Some(first) => first.clone(),
                None => {
                    stored.insert(source.clone(), path.to_path_buf());
                    return false;
                }
            }
        };
        // A copy being written by another thread at this moment is not there yet: then this one
        // is written in full.
        let linked = std::fs::hard_link(&first, path).is_ok()
            || path.parent().is_some_and(|parent| {
                std::fs::create_dir_all(parent).is_ok() && std::fs::hard_link(&first, path).is_ok()
            });
        if linked {
            self.shared.fetch_add(1, Ordering::Relaxed);
        }
        linked
    }

    /// Writes one file (or links it from the previous output when unchanged).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        if self.link_copy(file, &path) {
            return Ok(());
        }
        if let Some(old) = self.previous.as_ref().map(|p| p.join(&file.path))
            && match &file.copy_of {
                Some(original) => same_file(&old, original),
                None => same_bytes(&old, &file.bytes),
            }
            && (std::fs::hard_link(&old, &path).is_ok()
                || path.parent().is_some_and(|parent| {
                    std::fs::create_dir_all(parent).is_ok()
                        && std::fs::hard_link(&old, &path).is_ok()
                }))
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // A copy of a content file is copied by the system (without passing through memory; a
        // new file, so with the output's permissions, not the content file's); a rendered file
        // is written.
        let put = |path: &Path| match &file.copy_of {
            Some(original) => {
                let mut from = std::fs::File::open(original)?;
                let mut to = std::fs::File::create(path)?;
                std::io::copy(&mut from, &mut to).map(drop)
            }
            None => std::fs::write(path, &file.bytes),
        };
        if let Err(error) = put(&path) {
            // The first file of a directory creates it.
            let parent = path.parent().unwrap_or(&self.dir);
            if error.kind() != std::io::ErrorKind::NotFound {
                return Err(io(&path)(error));
            }
            std::fs::create_dir_all(parent).map_err(io(parent))?;
            put(&path).map_err(io(&path))?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Puts the new output in place of the old one.
    ///
    /// # Errors
    /// A rename fails; the old output is put back.
    pub fn finish(mut self) -> Result<WriteStats, WriteError> {
        swap(&self.dir, &self.out, &self.parent, &self.name)?;
        self.finished = true;
        Ok(WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            shared: self.shared.load(Ordering::Relaxed),
        })
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        self.write(&file)
    }

    /// Links the file from the previous output, which holds it unchanged.
    fn keep(&self, file: OutputFile) -> Result<(), WriteError> {
        let forgotten = || WriteError::Forgotten {
            path: file.path.clone(),
        };
        let old = self
            .previous
            .as_ref()
            .ok_or_else(forgotten)?
            .join(&file.path);
        let path = self.dir.join(&file.path);
        if std::fs::hard_link(&old, &path).is_err() {
            let parent = path.parent().unwrap_or(&self.dir);
            std::fs::create_dir_all(parent).map_err(io(parent))?;
            std::fs::hard_link(&old, &path).map_err(|_| forgotten())?;
        }
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether the file at `path` exists and holds exactly `bytes`.
/// Whether files `a` and `b` hold the same bytes.
fn same_file(a: &Path, b: &Path) -> bool {
    let length = |path: &Path| {
        fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    };
    matches!((length(a), length(b)), (Some(x), Some(y)) if x == y)
        && fs::read(b).is_ok_and(|bytes| same_bytes(a, &bytes))
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let same_length =
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_length && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Cleans up after builds of `out` that were killed (SIGKILL, power loss) and so could not clean
/// up themselves: a previous output moved aside (`.NAME.old-PID`) while the output is missing is
/// put back, and the staging and old directories of processes no longer running are removed.
/// Those of running builds are left alone.
fn recover(out: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut stale: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (is_old, pid) = match (rest.strip_prefix("old-"), rest.strip_prefix("tmp-")) {
            (Some(pid), _) => (true, pid),
            (_, Some(pid)) => (false, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !process_is_running(pid) {
            stale.push((entry.path(), is_old));
        }
    }
    stale.sort();
    for (path, is_old) in stale {
        if is_old && !out.exists() {
            std::fs::rename(&path, out).map_err(io(out))?;
        } else {
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
        }
    }
    Ok(())
}

/// Whether a process with this id runs (on Linux, by `/proc`; elsewhere assumed, so another
/// build's directories are never removed).
fn process_is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

fn swap(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if !out.exists() {
        return std::fs::rename(staging, out).map_err(io(out));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    std::fs::rename(out, &old).map_err(io(out))?;
    if let Err(source) = std::fs::rename(staging, out) {
        // Put the previous output back before reporting.
        let _ = std::fs::rename(&old, out);
        return Err(WriteError::Io {
            path: out.to_path_buf(),
            source,
        });
    }
    // The new output is in place: a leftover old copy is untidy, not a failed build.
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Writes content files in place (translations imported into the project): every file goes to a
/// temporary sibling first and is renamed over the original only when all were written, so a
/// failure leaves every file as it was. `files` maps paths relative to `root` to their new text.
///
/// # Errors
/// A file that cannot be written; temporary files are removed.
pub fn write_in_place(
    root: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(), WriteError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (temporary, _) in staged {
            let _ = fs::remove_file(temporary);
        }
    };
    for (relative, text) in files {
        let target = root.join(relative);
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".runbook-tmp");
        let temporary = target.with_file_name(name);
        if let Err(error) = fs::write(&temporary, text) {
            cleanup(&staged);
            return Err(io(&temporary)(error));
        }
        staged.push((temporary, target));
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(io(target))?;
    }
    Ok(())
}

/// Writes one file whole or not at all: to a temporary sibling first, renamed over `path` once
/// written (what `runbook record render --out` writes).
///
/// # Errors
/// The file cannot be written; the temporary file is removed.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".runbook-tmp");
    let temporary = path.with_file_name(name);
    if let Err(error) = fs::write(&temporary, bytes) {
        let _ = fs::remove_file(&temporary);
        return Err(io(&temporary)(error));
    }
    fs::rename(&temporary, path).map_err(|error| {
        let _ = fs::remove_file(&temporary);
        io(path)(error)
    })
}

/// [`write_file_creating_dirs`] for a file made piece by piece by `fill` (the build cache), so
/// that it is never whole in memory.
///
/// # Errors
/// A directory or the file cannot be written, or `fill` fails; the temporary file is removed.
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    use std::io::Write;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".runbook-tmp");
    let temporary = path.with_file_name(name);
    let written = fs::File::create(&temporary).and_then(|file| {
        let mut writer = std::io::BufWriter::new(file);
        fill(&mut writer)?;
        writer.flush()
    });
    if let Err(error) = written.and_then(|()| fs::rename(&temporary, path)) {
        let _ = fs::remove_file(&temporary);
        return Err(io(path)(error));
    }
    Ok(())
}

/// Removes a file runbook wrote for itself (the build cache), if it is there.
///
/// # Errors
/// The file exists but cannot be removed.
pub fn remove_file(path: &Path) -> Result<(), WriteError> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io(path)(error)),
        _ => Ok(()),
    }
}

/// [`write_file`], creating the directories above `path` first: a command's own file (`--out`),
/// a scaffold's or an import's files.
///
/// # Errors
/// A directory or the file cannot be written.
pub fn write_file_creating_dirs(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    write_file(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputKind;

    /// Replaces `out` with exactly `files`, as a build does.
    fn write(out: &Path, files: &[OutputFile]) -> Result<WriteStats, WriteError> {
        let staging = Staging::new(out)?;
        for file in files {
            staging.write(file)?;
        }
        staging.finish()
    }

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            copy_of: None,
            path: path.into(),
            locale: None,
            kind: OutputKind::Asset,
            source: None,
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_output_and_leaves_no_debris() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("build");
        write(&out, &[file("a/x.txt", "1"), file(MANIFEST, "{}")]).unwrap();
        write(&out, &[file("b.txt", "2"), file(MANIFEST, "{}")]).unwrap();
        assert!(!out.join("a/x.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "2");
        let names: Vec<_> = std::fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["build"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_build_s_debris_is_removed_and_a_moved_output_put_back() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("build");
        // What a build killed between its two renames leaves: the good output moved aside, a
        // staging directory, and no output. Process id 0 is never a build.
        std::fs::create_dir_all(temp.path().join(".build.old-0")).unwrap();
        std::fs::write(temp.path().join(".build.old-0/index.html"), "good").unwrap();
        std::fs::create_dir_all(temp.path().join(".build.tmp-0/half")).unwrap();
        let gone = format!(".build.tmp-{}", u32::MAX);
        std::fs::create_dir_all(temp.path().join(&gone)).unwrap();
        // Another build that is still running (this test's parent process stands in for it).
        let running = format!(".build.tmp-{}", std::os::unix::process::parent_id());
        std::fs::create_dir_all(temp.path().join(&running)).unwrap();
        recover(&out, temp.path(), "build").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "good"
        );
        let mut names: Vec<_> = std::fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [running, "build".to_string()]);
    }

    #[test]
    fn a_content_file_is_copied_and_kept_while_it_is_the_same() {
        let temp = tempfile::tempdir().unwrap();
        let image = temp.path().join("image.png");
        std::fs::write(&image, "pixels").unwrap();
        let copy = OutputFile {
            copy_of: Some(image.clone()),
            source: Some("content/image.png".into()),
            ..file("en/image.png", "")
        };
        let out = temp.path().join("build");
        let stats = write(&out, &[copy.clone(), file(MANIFEST, "{}")]).unwrap();
        assert_eq!(stats.written, 2);
        assert_eq!(std::fs::read(out.join("en/image.png")).unwrap(), b"pixels");
        let stats = write(&out, &[copy.clone(), file(MANIFEST, "{}")]).unwrap();
        assert_eq!((stats.written, stats.unchanged), (0, 2));
        // Changed in the content, with the same length: copied again.
        std::fs::write(&image, "pixelz").unwrap();
        let stats = write(&out, &[copy, file(MANIFEST, "{}")]).unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        assert_eq!(std::fs::read(out.join("en/image.png")).unwrap(), b"pixelz");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_unchanged_files_and_rewrites_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("build");
        let first = [
            file("a.txt", "same"),
            file("b.txt", "old"),
            file(MANIFEST, "{}"),
        ];
        assert_eq!(write(&out, &first).unwrap().written, 3);
        let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
        let (a, b) = (inode("a.txt"), inode("b.txt"));
        let second = [
            file("a.txt", "same"),
            file("b.txt", "new"),
            file(MANIFEST, "{}"),
        ];
        let stats = write(&out, &second).unwrap();
        assert_eq!(
            stats,
            WriteStats {
                written: 1,
                unchanged: 2,
                shared: 0,
            }
        );
        assert_eq!(inode("a.txt"), a, "an unchanged file keeps its inode");
        assert_ne!(inode("b.txt"), b);
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "new");
    }

    #[test]
    fn refuses_the_root_content_and_foreign_directories() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        std::fs::write(root.join("other/keep.txt"), "mine").unwrap();
        for force in [false, true] {
            assert!(check_output_dir(root, root, force).is_err());
            assert!(check_output_dir(root, &root.join("content"), force).is_err());
            assert!(check_output_dir(root, &root.join("content/x"), force).is_err());
            assert!(check_output_dir(root, &root.join("templates"), force).is_err());
            assert!(check_output_dir(root, root.parent().unwrap(), force).is_err());
            assert!(check_output_dir(root, &root.join("build"), force).is_ok());
        }
        assert!(check_output_dir(root, &root.join("other"), false).is_err());
        assert!(check_output_dir(root, &root.join("other"), true).is_ok());
    }
}
