//! What staff taught: questions that should answer from a given unit.
//!
//! A plain YAML file the clinic owns and can review in git (`[paths]
//! learned`, default `learned.yaml` beside `config.toml`):
//!
//! ```yaml
//! - question: do u do russian lips
//!   page: lip-filler
//!   field: Technique
//!   date: 2026-12-01
//! ```
//!
//! Written by the bot's Teach button and `frontdesk learn`, read by every
//! index build. Invariant: an entry holds the question text, the unit and the
//! date, never who asked or who taught.

use crate::content::{Diagnostic, Severity};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One taught question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taught {
    /// The question as the client asked it.
    pub question: String,
    /// The identity of the page that answers it.
    pub page: String,
    /// The field of that page that answers it (`""` for a paragraph).
    #[serde(default)]
    pub field: String,
    /// When it was taught, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
}

/// Reads the file; a missing file is an empty list. A file that does not
/// parse is one diagnostic (and no entries), so a typo never stops a build.
pub fn load(path: &Path) -> (Vec<Taught>, Vec<Diagnostic>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), Vec::new()),
        Err(e) => {
            return (
                Vec::new(),
                vec![problem(
                    path,
                    1,
                    format!("cannot read it ({e}); taught questions ignored"),
                )],
            )
        }
    };
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    match serde_yaml::from_str::<Vec<Taught>>(&text) {
        Ok(entries) => (entries, Vec::new()),
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line());
            (
                Vec::new(),
                vec![problem(
                    path,
                    line,
                    format!("{e}; taught questions ignored until it is fixed"),
                )],
            )
        }
    }
}

/// Appends one entry (creating the file), keeping what is there.
pub fn append(path: &Path, entry: &Taught) -> crate::Result<()> {
    let (mut entries, diags) = load(path);
    if let Some(d) = diags.first() {
        return Err(crate::Error::Config {
            path: path.to_path_buf(),
            message: format!("line {}: {}", d.line, d.message),
        });
    }
    if !entries.iter().any(|e| {
        crate::text::normalize(&e.question) == crate::text::normalize(&entry.question)
            && e.page == entry.page
            && e.field == entry.field
    }) {
        entries.push(entry.clone());
    }
    let yaml = serde_yaml::to_string(&entries).map_err(|e| crate::Error::Config {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let header = "# Questions staff taught Frontdesk: each answers from the page and field\n# given. Edit or delete entries freely; the next index build reads them.\n";
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, format!("{header}{yaml}"))
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| crate::Error::Io {
            path: path.to_path_buf(),
            action: "write the taught questions",
            source: e,
        })
}

/// The entries whose page and field are still published; each other entry
/// is a warning naming it (a taught unit that is gone is never answered from).
pub fn resolve(
    entries: Vec<Taught>,
    site: &crate::content::Site,
    path: &Path,
) -> (Vec<Taught>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let valid = entries
        .into_iter()
        .enumerate()
        .filter(|(i, e)| {
            let page = site.live_pages().find(|p| p.slug == e.page);
            let ok = page.is_some_and(|p| {
                p.units
                    .iter()
                    .any(|u| u.field.as_deref().unwrap_or("") == e.field)
            });
            if !ok {
                let what = if page.is_none() {
                    format!("page `{}` is not published", e.page)
                } else {
                    format!("page `{}` has no field `{}`", e.page, e.field)
                };
                diags.push(problem(
                    path,
                    1,
                    format!("taught question {} ({:?}): {what}; ignored. Teach it again or remove the entry", i + 1, e.question),
                ));
            }
            ok
        })
        .map(|(_, e)| e)
        .collect();
    (valid, diags)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    crate::content::dates::format_date(secs)
}

fn problem(path: &Path, line: usize, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        path: path.display().to_string(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_keeps_entries_and_skips_repeats() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("learned.yaml");
        let e = Taught {
            question: "do u do russian lips".into(),
            page: "lip-filler".into(),
            field: "Technique".into(),
            date: "2026-12-01".into(),
        };
        append(&path, &e).unwrap();
        append(&path, &e).unwrap();
        let other = Taught {
            question: "parking?".into(),
            ..e.clone()
        };
        append(&path, &other).unwrap();
        let (entries, diags) = load(&path);
        assert!(diags.is_empty());
        assert_eq!(entries, [e, other]);
        std::fs::write(&path, "- question: [oops\n").unwrap();
        let (entries, diags) = load(&path);
        assert!(entries.is_empty());
        assert_eq!(diags.len(), 1);
    }
}
