//! Content: a clinic's Hugo site turned into answerable facts, read the way
//! Hugo reads it.
//!
//! [`walk`] finds the pages (bundles, sections, links), [`frontmatter`] reads
//! YAML/TOML/JSON front matter as leniently as Hugo, [`publish`] applies
//! Hugo's publishing rules at a pinned clock, [`markdown`] turns the body into
//! units and [`site`] reads the site's config and schema.org data.
//!
//! Loading never fails as a whole: a page that cannot be read is reported as a
//! [`Diagnostic`] with its path and line and skipped, and the others load.
//! Repairs (mojibake) are applied here, once, and reported as warnings.

pub mod dates;
pub mod frontmatter;
pub mod markdown;
pub mod mojibake;
pub mod page;
pub mod publish;
pub mod site;
pub mod walk;

use std::path::{Path, PathBuf};

pub use markdown::inline_text;
pub use page::{parse_page, Page, PageKind};
pub use publish::Status;
pub use site::SiteFacts;
pub use walk::markdown_files;

/// What a unit is on its page; the answer module treats each kind differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A labelled fact: an attribute table row (`| **Downtime** | Minimal |`),
    /// a `## Cost` section, a `**Session length:** 45 minutes` line.
    Row,
    /// The site answering a question in its own words: a `### Does it hurt?`
    /// section, an FAQ-table row, a `Q:`/`A:` pair.
    Faq,
    /// A free paragraph of the page body (or the front matter description).
    Paragraph,
}

/// One answerable fact of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub kind: UnitKind,
    /// The row name, heading or label as the page writes it (markup
    /// removed); `None` for paragraphs.
    pub field: Option<String>,
    /// The text as a client reads it: markup removed, one line per `<br>`
    /// or list item.
    pub text: String,
    /// 1-based line of the page where the unit starts.
    pub line: usize,
    /// The label is only the question a plain paragraph answers (a `Q:`/`A:`
    /// pair, which Hugo renders as paragraphs): matched like a FAQ heading,
    /// but the unit's identity on the page is a paragraph's (no field).
    pub plain: bool,
}

/// Severity of a content problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something staff may want to know (a page Hugo does not publish).
    Note,
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
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev}: {}:{}: {}", self.path, self.line, self.message)
    }
}

/// Where to read a site from, and how to judge what it publishes.
#[derive(Debug, Clone)]
pub struct Source {
    /// The content directory.
    pub content: PathBuf,
    /// The Hugo site root (config and `data/`), when known.
    pub site: Option<PathBuf>,
    /// The language answered in; pages in others are reported, not read.
    pub language: String,
    /// The clock (Unix seconds) publishing rules are judged at.
    pub now: i64,
    /// Questions staff taught, indexed with the content.
    pub learned: Option<PathBuf>,
}

impl Source {
    /// The source a configuration describes: `[paths]`, `[site]` and the clock
    /// (`FRONTDESK_NOW`, else `[site] now`, else the system clock).
    pub fn from_config(config: &crate::Config) -> crate::Result<Source> {
        let now = dates::now(&config.site.now).map_err(|message| crate::Error::Config {
            path: PathBuf::from("config.toml"),
            message,
        })?;
        Ok(Source {
            content: config.paths.content.clone(),
            site: config.paths.site.clone(),
            language: config.site.language.to_ascii_lowercase(),
            now,
            learned: Some(config.paths.learned.clone()),
        })
    }

    /// A source for a bare content directory, at the system clock.
    pub fn content_dir(dir: &Path) -> Source {
        Source {
            content: dir.to_path_buf(),
            site: None,
            language: "en".into(),
            now: dates::now("").unwrap_or(0),
            learned: None,
        }
    }
}

/// All pages of a site and what was wrong with them.
#[derive(Debug, Default)]
pub struct Site {
    /// Every page that parsed, unpublished ones included (with their status).
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
    /// The site's own facts (config, schema.org data).
    pub facts: SiteFacts,
}

impl Site {
    /// Pages that may be answered from: the ones Hugo publishes.
    pub fn live_pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.status == Status::Live)
    }

    /// Number of error diagnostics (pages skipped).
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of diagnostics of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Loads the site `source` describes: every page below the content
/// directory in path order, and the site's facts when the site root is known.
///
/// Fails only when the content directory itself cannot be read; per-page
/// problems become diagnostics.
pub fn load(source: &Source) -> crate::Result<Site> {
    let (files, mut diagnostics) = walk::pages(&source.content).map_err(|e| crate::Error::Io {
        path: source.content.clone(),
        action: "read the content directory",
        source: e,
    })?;
    let mut site = Site::default();
    for file in files {
        let bytes = match std::fs::read(&file.path) {
            Ok(b) => b,
            Err(e) => {
                diagnostics.push(error(
                    &file.rel,
                    format!("cannot read the file ({e}); page skipped"),
                ));
                continue;
            }
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            diagnostics.push(error(
                &file.rel,
                "not a text file (it holds NUL bytes); page skipped".into(),
            ));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    path: file.rel.clone(),
                    line: 1,
                    message: "the file is not valid UTF-8; invalid bytes were replaced".into(),
                });
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        match parse_page(&file.rel, &text, source) {
            Ok((page, diags)) => {
                diagnostics.extend(diags);
                if let Some(reason) = page.status.reason() {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Note,
                        path: file.rel.clone(),
                        line: 1,
                        message: format!("{reason}; not published by Hugo, never answered from"),
                    });
                }
                site.pages.push(page);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    if let Some(root) = &source.site {
        let (facts, card) = site::read(root, &mut diagnostics);
        site.facts = facts;
        if let Some(page) = page::business_page(&card) {
            site.pages.push(page);
        }
    }
    site.diagnostics = diagnostics;
    Ok(site)
}

/// Loads a bare content directory at the system clock (no site root).
pub fn load_dir(dir: &Path) -> crate::Result<Site> {
    load(&Source::content_dir(dir))
}

fn error(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        path: path.to_string(),
        line: 1,
        message,
    }
}
