//! Content: the clinic's Hugo pages turned into answerable facts.
//!
//! Loading never fails as a whole: a page that cannot be read is reported as a
//! [`Diagnostic`] with its path and line and skipped, and the others load.
//! Repairs (mojibake) are applied here, once, and reported as warnings.

mod body;
pub mod frontmatter;
pub mod mojibake;

use std::path::{Path, PathBuf};

pub use body::strip_inline;

/// What a unit is on its page; the answer module treats each kind differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// An attribute table row: `| **Downtime** | Minimal |`.
    Row,
    /// A `### question` heading with its answer paragraphs.
    Faq,
    /// A free paragraph of the page body (or the front matter description).
    Paragraph,
}

/// One answerable fact of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub kind: UnitKind,
    /// The row name as the page writes it (markdown removed) or the FAQ heading
    /// text; `None` for paragraphs.
    pub field: Option<String>,
    /// The row value, FAQ answer or paragraph text, markdown removed.
    pub text: String,
    /// 1-based line of the page where the unit starts.
    pub line: usize,
}

/// A parsed page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file stem: the page's identity in answers (`rf-microneedling`).
    pub slug: String,
    /// Path relative to the content directory, with `/` separators.
    pub path: String,
    /// The title as the page writes it (typos included).
    pub title: String,
    /// What clients are shown: the table's `Name` row when present, else the title.
    pub display_name: String,
    /// Every name clients may use: display name, its parts outside and inside
    /// parentheses, title, synonyms and the slug, de-duplicated.
    pub names: Vec<String>,
    pub draft: bool,
    /// Hugo weight (lower = more prominent); `i64::MAX` when absent.
    pub weight: i64,
    pub description: Option<String>,
    /// Hugo tags (categories; not trusted as names: sites carry stale tags).
    pub tags: Vec<String>,
    pub units: Vec<Unit>,
}

/// Severity of a content problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found while loading content, with the place to fix it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev}: {}:{}: {}", self.path, self.line, self.message)
    }
}

/// All pages of a content directory and what was wrong with them.
#[derive(Debug, Default)]
pub struct Site {
    /// Every page that parsed, drafts included (callers filter on `draft`).
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Site {
    /// Pages that may be answered from.
    pub fn live_pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| !p.draft)
    }

    /// Number of error diagnostics (pages skipped).
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// Loads every `*.md` below `dir`, in path order.
///
/// Fails only when `dir` itself cannot be read; per-page problems become
/// diagnostics.
pub fn load_dir(dir: &Path) -> crate::Result<Site> {
    let files = markdown_files(dir).map_err(|e| crate::Error::Io {
        path: dir.to_path_buf(),
        action: "read the content directory",
        source: e,
    })?;
    let mut site = Site::default();
    for file in files {
        let rel = file
            .strip_prefix(dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(&file) {
            Err(e) => site.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: rel,
                line: 1,
                message: format!("cannot read the file ({e}); page skipped"),
            }),
            Ok(bytes) => {
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        site.diagnostics.push(Diagnostic {
                            severity: Severity::Warning,
                            path: rel.clone(),
                            line: 1,
                            message: "the file is not valid UTF-8; invalid bytes were replaced"
                                .into(),
                        });
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    }
                };
                match parse_page(&rel, &text) {
                    Ok((page, diags)) => {
                        site.diagnostics.extend(diags);
                        site.pages.push(page);
                    }
                    Err(d) => site.diagnostics.push(d),
                }
            }
        }
    }
    Ok(site)
}

/// Every `*.md` file below `dir`, sorted: the one definition of "a page" for
/// loading, fingerprinting and the benchmark corpus generator.
pub fn markdown_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect_markdown(dir, &mut files)?;
    files.sort();
    Ok(files)
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses one page. `rel` is its path relative to the content directory.
///
/// Returns the page with its warnings, or the error that makes it unusable.
pub fn parse_page(rel: &str, text: &str) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    let mut diags = Vec::new();
    // Repair mojibake line by line so the warning can name the line.
    let mut repaired = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match mojibake::repair(line) {
            Some(fixed) => {
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    path: rel.to_string(),
                    line: i + 1,
                    message: "mojibake repaired (UTF-8 read as Windows-1252 or Mac Roman); fix the file to silence this".into(),
                });
                repaired.push_str(&fixed);
            }
            None => repaired.push_str(line),
        }
    }
    let split = frontmatter::split(&repaired).map_err(|e| Diagnostic {
        severity: Severity::Error,
        path: rel.to_string(),
        line: e.line,
        message: format!("{}; page skipped", e.message),
    })?;
    let slug = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut units = body::parse(split.body, split.body_line);
    let front = split.front;
    let title = front
        .title
        .clone()
        .map(|t| strip_inline(&t))
        .unwrap_or_else(|| slug.replace('-', " "));
    let display_name = units
        .iter()
        .find(|u| {
            u.kind == UnitKind::Row
                && u.field
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case("name"))
        })
        .map(|u| u.text.clone())
        .unwrap_or_else(|| title.clone());
    if let Some(desc) = &front.description {
        units.insert(
            0,
            Unit {
                kind: UnitKind::Paragraph,
                field: None,
                text: strip_inline(desc),
                line: 1,
            },
        );
    }
    if units.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: rel.to_string(),
            line: 1,
            message:
                "the page has no table rows, FAQ entries or paragraphs; nothing to answer from"
                    .into(),
        });
    }
    let mut names = Vec::new();
    let mut add = |n: &str| {
        let n = n.trim();
        if !n.is_empty()
            && !names
                .iter()
                .any(|x: &String| crate::text::normalize(x) == crate::text::normalize(n))
        {
            names.push(n.to_string());
        }
    };
    for full in [&display_name, &title] {
        add(full);
        // "RF Microneedling (Morpheus8)" is also "RF Microneedling" and "Morpheus8".
        if let (Some(open), Some(close)) = (full.find('('), full.rfind(')')) {
            if open < close {
                add(&full[..open]);
                add(&full[open + 1..close]);
            }
        }
    }
    for s in &front.synonyms {
        add(s);
    }
    add(&slug.replace(['-', '_'], " "));
    let page = Page {
        slug,
        path: rel.to_string(),
        title,
        display_name,
        names,
        draft: front.draft,
        weight: front.weight.unwrap_or(i64::MAX),
        description: front.description,
        tags: front.tags,
        units,
    };
    Ok((page, diags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_name_row_title_synonyms_and_slug() {
        let text = "---\ntitle: \"Micorneedling (Golden Pen)\"\nsynonyms: [needling]\n---\n| A | B |\n|---|---|\n| **Name** | RF Microneedling (Morpheus8) |\n";
        let (page, _) = parse_page("services/rf-microneedling.md", text).unwrap();
        assert_eq!(page.display_name, "RF Microneedling (Morpheus8)");
        for n in [
            "RF Microneedling",
            "Morpheus8",
            "Micorneedling (Golden Pen)",
            "needling",
            "rf microneedling",
        ] {
            assert!(
                page.names.iter().any(|x| x.eq_ignore_ascii_case(n)),
                "{n} in {:?}",
                page.names
            );
        }
    }

    #[test]
    fn mojibake_is_repaired_and_reported_with_its_line() {
        let text =
            "---\ntitle: x\n---\n| A | B |\n|---|---|\n| **Areas** | Neck and d√©colletage |\n";
        let (page, diags) = parse_page("services/x.md", text).unwrap();
        assert_eq!(
            page.units
                .iter()
                .find(|u| u.kind == UnitKind::Row)
                .unwrap()
                .text,
            "Neck and décolletage"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 6);
    }

    #[test]
    fn drafts_are_marked() {
        let (page, _) =
            parse_page("services/t.md", "---\ndraft: true\ntitle: T\n---\ntext\n").unwrap();
        assert!(page.draft);
    }

    #[test]
    fn broken_front_matter_is_an_error_naming_the_path() {
        let d = parse_page("services/bad.md", "---\ntitle: [oops\n---\n").unwrap_err();
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.path, "services/bad.md");
        assert!(d.message.contains("page skipped"));
    }
}
