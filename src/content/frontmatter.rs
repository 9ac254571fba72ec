//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a Hugo page.
//!
//! Only the keys Frontdesk uses are read; anything else a theme adds is ignored,
//! and keys of an unexpected type (a date Hugo accepts in any of its forms, a
//! `synonyms` given as one string) are coerced rather than rejected.

use serde::Deserialize;

/// The front matter keys Frontdesk reads.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrontMatter {
    /// Hugo's `title`; a further name of the service (may carry typos).
    pub title: Option<String>,
    /// `draft: true` pages are parsed and checked but never answered from.
    pub draft: bool,
    /// Hugo's ordering weight; lower is more prominent. Breaks ties between
    /// equally likely services so the clinic's featured ones are offered first.
    pub weight: Option<i64>,
    /// What clients call the service ("tox", "lips done").
    pub synonyms: Vec<String>,
    /// Hugo tags, kept for `check` and display; not trusted for matching
    /// (sites often carry stale tags).
    pub tags: Vec<String>,
    /// Page summary.
    pub description: Option<String>,
    /// The date as written (Hugo accepts many forms; Frontdesk only shows it).
    pub date: Option<String>,
}

/// Why front matter could not be read; `line` is 1-based within the page.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub message: String,
}

/// A split page: its front matter, the body and the line the body starts on.
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    pub body_line: usize,
}

#[derive(Deserialize, Default)]
struct Raw {
    title: Option<Scalar>,
    draft: Option<Scalar>,
    weight: Option<Scalar>,
    synonyms: Option<OneOrMany>,
    tags: Option<OneOrMany>,
    description: Option<Scalar>,
    date: Option<Scalar>,
}

/// Any scalar, kept as text: TOML datetimes, YAML timestamps, numbers, bools.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Toml(toml::value::Datetime),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => s,
            Scalar::Toml(d) => d.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<Scalar>),
    One(Scalar),
}

impl OneOrMany {
    fn list(self) -> Vec<String> {
        match self {
            OneOrMany::Many(v) => v.into_iter().map(Scalar::text).collect::<Vec<_>>(),
            OneOrMany::One(s) => s.text().split(',').map(|x| x.trim().to_string()).collect(),
        }
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
    }
}

/// Splits `text` into front matter and body. A page without front matter is
/// allowed (empty front matter); an unterminated or malformed block is an error.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let delim = match first {
        "---" => "---",
        "+++" => "+++",
        _ => {
            return Ok(Split {
                front: FrontMatter::default(),
                body: text,
                body_line: 1,
            });
        }
    };
    // Find the closing delimiter line.
    let mut offset = first.len() + 1;
    let mut line_no = 2;
    let mut close = None;
    for line in text[offset.min(text.len())..].split_inclusive('\n') {
        if line.trim_end() == delim {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
        line_no += 1;
    }
    let (block_end, body_start) = close.ok_or_else(|| FrontMatterError {
        line: 1,
        message: format!("front matter opened with `{delim}` is never closed"),
    })?;
    let block = &text[(first.len() + 1).min(block_end)..block_end];
    let raw: Raw = if delim == "---" {
        if block.trim().is_empty() {
            Raw::default()
        } else {
            serde_yaml::from_str(block).map_err(|e| FrontMatterError {
                line: e.location().map(|l| l.line() + 1).unwrap_or(1),
                message: format!("YAML front matter: {e}"),
            })?
        }
    } else {
        toml::from_str(block).map_err(|e| FrontMatterError {
            line: e
                .span()
                .map(|s| block[..s.start].lines().count().max(1) + 1)
                .unwrap_or(1),
            message: format!("TOML front matter: {}", e.message()),
        })?
    };
    let front = FrontMatter {
        title: raw.title.map(Scalar::text),
        draft: matches!(raw.draft.map(Scalar::text).as_deref(), Some("true" | "yes")),
        weight: raw.weight.and_then(|w| w.text().parse().ok()),
        synonyms: raw.synonyms.map(OneOrMany::list).unwrap_or_default(),
        tags: raw.tags.map(OneOrMany::list).unwrap_or_default(),
        description: raw.description.map(Scalar::text),
        date: raw.date.map(Scalar::text),
    };
    Ok(Split {
        front,
        body: &text[body_start.min(text.len())..],
        body_line: line_no + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_odd_timezone_and_list_synonyms() {
        let s = split("---\ntitle: \"Botox\"\ndate: \"2023-05-11T22:35:06+05:31\"\ndraft: false\nweight: 2\nsynonyms:\n  - tox\n  - wrinkle relaxer\n---\nbody\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Botox"));
        assert_eq!(s.front.date.as_deref(), Some("2023-05-11T22:35:06+05:31"));
        assert_eq!(s.front.synonyms, ["tox", "wrinkle relaxer"]);
        assert_eq!(s.front.weight, Some(2));
        assert!(!s.front.draft);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 10);
    }

    #[test]
    fn yaml_unquoted_timestamp_and_bare_date() {
        let s = split("---\ndate: 2022-10-05T09:00:00-05:00\n---\n").unwrap();
        assert_eq!(s.front.date.as_deref(), Some("2022-10-05T09:00:00-05:00"));
        let s = split("---\ndate: 2022-09-12\n---\n").unwrap();
        assert_eq!(s.front.date.as_deref(), Some("2022-09-12"));
    }

    #[test]
    fn toml_front_matter_with_datetime_and_array() {
        let s = split("+++\ndraft = true\ndate = 2024-01-30T10:00:00-06:00\ntitle = \"LED\"\nsynonyms = [\"led\", \"red light therapy\"]\n+++\nbody").unwrap();
        assert!(s.front.draft);
        assert_eq!(s.front.title.as_deref(), Some("LED"));
        assert_eq!(s.front.date.as_deref(), Some("2024-01-30T10:00:00-06:00"));
        assert_eq!(s.front.synonyms, ["led", "red light therapy"]);
        assert_eq!(s.body, "body");
    }

    #[test]
    fn broken_yaml_reports_the_page_line() {
        let e = split("---\ntitle: ok\nsynonyms: [unclosed\n---\nbody")
            .err()
            .unwrap();
        assert!(e.line >= 3, "line {}", e.line);
        let e = split("---\ntitle: never closed\n").err().unwrap();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn no_front_matter_is_fine() {
        let s = split("just text").unwrap();
        assert_eq!(s.front, FrontMatter::default());
    }
}
