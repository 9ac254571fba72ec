//! The content tree as Hugo sees it: which files are pages.
//!
//! - A folder holding `index.md` is a leaf bundle: that file is the page and
//!   everything else inside (images, other files, sub-folders) is a resource.
//! - `_index.md` is a section's list page; the other files beside it are pages.
//! - A linked content root is followed; links to folders inside it are not
//!   (Hugo does not follow them either), and a file is never read twice.
//! - Hidden and editor files (`.x`, `#x#`, `x~`) are not content.

use super::{Diagnostic, Severity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A Markdown file that is a page, with its path relative to the content root.
#[derive(Debug, Clone)]
pub struct PageFile {
    pub path: PathBuf,
    /// Relative to the content directory, `/`-separated.
    pub rel: String,
}

/// Extensions Hugo reads as Markdown.
const MARKDOWN: &[&str] = &["md", "markdown", "mdown"];

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MARKDOWN.iter().any(|m| e.eq_ignore_ascii_case(m)))
}

/// Leaf bundles are folders with `index.md` (or `index.<lang>.md`).
fn is_leaf_index(name: &str) -> bool {
    let Some(stem) = name.rsplit_once('.').map(|(s, _)| s) else {
        return false;
    };
    stem == "index"
        || stem
            .strip_prefix("index.")
            .is_some_and(|l| !l.contains('.'))
}

fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~')
}

/// Every page file below `root` in path order, and what was passed over.
/// Fails only when `root` itself cannot be read.
pub fn pages(root: &Path) -> std::io::Result<(Vec<PageFile>, Vec<Diagnostic>)> {
    let root = root.canonicalize()?;
    let mut walk = Walk {
        root: root.clone(),
        files: Vec::new(),
        links: Vec::new(),
        diags: Vec::new(),
    };
    walk.dir(&root)?;
    // Real files first, then file links to anything not read yet.
    let mut seen: HashSet<PathBuf> = walk.files.iter().map(|f| f.path.clone()).collect();
    let mut files = walk.files;
    for link in walk.links {
        match link.path.canonicalize() {
            Ok(target) if seen.insert(target.clone()) => files.push(link),
            Ok(_) => walk.diags.push(note(
                &link.rel,
                "file link to a page already read; not read twice",
            )),
            Err(_) => walk
                .diags
                .push(note(&link.rel, "broken file link; skipped")),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((files, walk.diags))
}

fn note(rel: &str, message: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        path: rel.to_string(),
        line: 1,
        message: message.to_string(),
    }
}

struct Walk {
    root: PathBuf,
    files: Vec<PageFile>,
    links: Vec<PageFile>,
    diags: Vec<Diagnostic>,
}

impl Walk {
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn dir(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.flatten().collect();
        entries.sort_by_cached_key(|e| e.file_name());
        let names: Vec<String> = entries
            .iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let leaf = dir != self.root
            && names
                .iter()
                .any(|n| is_leaf_index(n) && is_markdown(Path::new(n)));
        for (entry, name) in entries.iter().zip(&names) {
            if is_ignored(name) {
                continue;
            }
            let path = entry.path();
            // The entry's type comes with the directory listing: no stat.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let rel = self.rel(&path);
            if leaf && !(is_leaf_index(name) && is_markdown(&path)) {
                continue; // a bundle's resource
            }
            if kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(t) if t.is_dir() => self.diags.push(note(
                        &rel,
                        &format!(
                            "folder link to {} not followed (Hugo follows only a linked content root)",
                            std::fs::read_link(&path)
                                .map(|t| t.display().to_string())
                                .unwrap_or_default()
                        ),
                    )),
                    Ok(_) if is_markdown(&path) => self.links.push(PageFile { path, rel }),
                    Ok(_) => {}
                    Err(_) => self.diags.push(note(&rel, "broken link; skipped")),
                }
            } else if kind.is_dir() {
                if let Err(e) = self.dir(&path) {
                    self.diags.push(Diagnostic {
                        severity: Severity::Error,
                        path: rel,
                        line: 1,
                        message: format!("cannot read the folder ({e}); its pages are skipped"),
                    });
                }
            } else if is_markdown(&path) {
                self.files.push(PageFile { path, rel });
            }
        }
        Ok(())
    }
}

/// Calls `each` with the size and modification time of every file below
/// `root` that is not hidden (pages, and also bundle resources and files
/// Hugo ignores: a change to one of those costs a rebuild, never a stale
/// answer). Unsorted, with no per-page bookkeeping: a staleness check on a
/// 10k-page site does little more than the listing and a stat per file.
/// Links are followed to files; folder links are not (as [`pages`]).
pub fn file_stats(root: &Path, each: &mut dyn FnMut(&std::fs::Metadata)) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        if is_ignored(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            file_stats(&entry.path(), each);
        } else if kind.is_symlink() {
            if let Ok(meta) = std::fs::metadata(entry.path()) {
                if !meta.is_dir() {
                    each(&meta);
                }
            }
        } else if let Ok(meta) = entry.metadata() {
            each(&meta);
        }
    }
}

/// Every page file's path below `dir` (empty when it is missing): for the
/// benchmark corpus generator.
pub fn markdown_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    pages(dir).map(|(files, _)| files.into_iter().map(|f| f.path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stats_sees_every_file_but_hidden_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (rel, body) in [
            ("_index.md", "a"),
            ("services/botox.md", "bb"),
            ("services/peel/index.md", "ccc"),
            ("services/peel/before.jpg", "dddd"),
            (".git/objects/x", "never"),
            ("services/#botox.md#", "never"),
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        let (mut files, mut bytes) = (0, 0);
        file_stats(root, &mut |m| {
            files += 1;
            bytes += m.len();
        });
        assert_eq!((files, bytes), (4, 10));
    }

    #[test]
    fn bundles_resources_links_and_hidden_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |rel: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "---\ntitle: x\n---\ntext\n").unwrap();
        };
        write("_index.md");
        write("services/_index.md");
        write("services/botox.md");
        write("services/.draft.md");
        write("promotions/promo_iv/index.md");
        write("promotions/promo_iv/notes.md");
        write("promotions/promo_iv/img/readme.md");
        write("products/Some Name/index.md");
        std::os::unix::fs::symlink("..", root.join("services/loop")).unwrap();
        std::os::unix::fs::symlink("botox.md", root.join("services/tox.md")).unwrap();
        let (files, diags) = pages(root).unwrap();
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "_index.md",
                "products/Some Name/index.md",
                "promotions/promo_iv/index.md",
                "services/_index.md",
                "services/botox.md"
            ]
        );
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags
            .iter()
            .any(|d| d.path == "services/loop" && d.message.contains("not followed")));
        assert!(diags
            .iter()
            .any(|d| d.path == "services/tox.md" && d.message.contains("already read")));
    }

    #[test]
    fn a_linked_content_root_is_followed() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("real/services")).unwrap();
        std::fs::write(tmp.path().join("real/services/a.md"), "text").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("real"), tmp.path().join("content")).unwrap();
        let (files, _) = pages(&tmp.path().join("content")).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].rel, "services/a.md");
    }
}
