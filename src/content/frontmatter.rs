//! Front matter: the YAML (`---`), TOML (`+++`) or JSON (`{ ... }`) block at
//! the top of a Hugo page.
//!
//! As lenient as Hugo: every format is read into one generic value, keys are
//! matched in any case, scalars are cast the way Hugo casts them (`draft:
//! "true"`, `weight: "3"`), null list items are dropped and unknown keys are
//! ignored. Only a block that does not parse at all makes a page unusable.

use serde_json::{Map, Value};

/// The front matter keys Frontdesk reads.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrontMatter {
    /// Hugo's `title`; a further name of the service (may carry typos).
    pub title: Option<String>,
    /// `draft` as Hugo casts it (`true`, `"true"`, `1`, `"t"` ...).
    pub draft: bool,
    /// Hugo's ordering weight; lower is more prominent. Breaks ties between
    /// equally likely services so the clinic's featured ones are offered first.
    pub weight: Option<i64>,
    /// What clients call the service ("tox", "lips done").
    pub synonyms: Vec<String>,
    /// Hugo tags: weak hints, never names (sites tag everything for SEO).
    pub tags: Vec<String>,
    /// Page summary.
    pub description: Option<String>,
    /// `date`, `publishDate` (or `pubDate`, `published`), `expiryDate` (or
    /// `unpublishDate`) as written; [`super::dates`] reads them.
    pub date: Option<String>,
    pub publish_date: Option<String>,
    pub expiry_date: Option<String>,
    /// `headless: true`: Hugo renders no page for it.
    pub headless: bool,
    /// `build.render` (or the older `_build.render`): `never`/`false` means
    /// Hugo publishes no page.
    pub render: Option<String>,
    /// `slug` and `url` change the published address, not the identity.
    pub slug: Option<String>,
    pub url: Option<String>,
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

/// Splits `text` into front matter and body. A page without front matter is
/// allowed (empty front matter); an unterminated or malformed block is an error.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let (value, body_start) = match first {
        "---" | "+++" => delimited(text, first)?,
        // `{{< shortcode >}}` opens some bodies; a JSON object never starts so.
        _ if text.starts_with('{') && !text.starts_with("{{") => json_block(text)?,
        _ => {
            return Ok(Split {
                front: FrontMatter::default(),
                body: text,
                body_line: 1,
            })
        }
    };
    let body_line = text[..body_start].matches('\n').count() + 1;
    Ok(Split {
        front: read(value),
        body: &text[body_start..],
        body_line,
    })
}

/// A `---` or `+++` block: its parsed value and where the body starts.
fn delimited(text: &str, delim: &str) -> Result<(Value, usize), FrontMatterError> {
    let open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = open;
    let mut close = None;
    for line in text[open..].split_inclusive('\n') {
        if line.trim_end() == delim {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (block_end, body_start) = close.ok_or_else(|| FrontMatterError {
        line: 1,
        message: format!("front matter opened with `{delim}` is never closed"),
    })?;
    let block = &text[open..block_end];
    let format = if delim == "---" {
        Format::Yaml
    } else {
        Format::Toml
    };
    let value = parse_value(format, block).map_err(|e| FrontMatterError {
        line: e.line + 1,
        message: e.message.replacen(':', " front matter:", 1),
    })?;
    Ok((value, body_start))
}

/// A structured-text format Hugo reads (front matter, site config, data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(name: &str) -> Option<Format> {
        match name.rsplit_once('.')?.1.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Parses `text` into one generic value; `line` of an error is 1-based
/// within `text`.
pub fn parse_value(format: Format, text: &str) -> Result<Value, FrontMatterError> {
    match format {
        Format::Yaml if text.trim().is_empty() => Ok(Value::Null),
        Format::Yaml => serde_yaml::from_str::<serde_yaml::Value>(text)
            .map(from_yaml)
            .map_err(|e| FrontMatterError {
                line: e.location().map_or(1, |l| l.line()),
                message: format!("YAML: {e}"),
            }),
        Format::Toml => toml::from_str::<toml::Table>(text)
            .map(|t| from_toml(toml::Value::Table(t)))
            .map_err(|e| FrontMatterError {
                line: e
                    .span()
                    .map_or(1, |s| text[..s.start].matches('\n').count() + 1),
                message: format!("TOML: {}", e.message()),
            }),
        Format::Json => serde_json::from_str(text).map_err(|e| FrontMatterError {
            line: e.line().max(1),
            message: format!("JSON: {e}"),
        }),
    }
}

/// A JSON object at the very top of the file (Hugo's JSON front matter).
fn json_block(text: &str) -> Result<(Value, usize), FrontMatterError> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Ok((v, stream.byte_offset())),
        Some(Err(e)) => Err(FrontMatterError {
            line: e.line().max(1),
            message: format!("JSON front matter: {e}"),
        }),
        None => Err(FrontMatterError {
            line: 1,
            message: "JSON front matter is empty".into(),
        }),
    }
}

fn from_yaml(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_f64().map(Value::from))
            .unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .filter_map(|(k, v)| Some((scalar_text(&from_yaml(k))?, from_yaml(v))))
                .collect(),
        ),
        Y::Tagged(t) => from_yaml(t.value),
    }
}

fn from_toml(v: toml::Value) -> Value {
    use toml::Value as T;
    match v {
        T::String(s) => Value::String(s),
        T::Integer(i) => Value::from(i),
        T::Float(f) => Value::from(f),
        T::Boolean(b) => Value::Bool(b),
        T::Datetime(d) => Value::String(d.to_string()),
        T::Array(items) => Value::Array(items.into_iter().map(from_toml).collect()),
        T::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

/// A scalar as text (Hugo's `cast.ToString`); `None` for null, lists and maps.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Hugo's `cast.ToBool`: booleans, non-zero numbers and the strings Go's
/// `strconv.ParseBool` accepts (plus `yes`/`on`, which YAML 1.1 reads as true).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "1" | "t" | "true" | "yes" | "on"
        ),
        _ => false,
    }
}

/// A list of texts from a list, or from one comma-separated string.
fn list(v: &Value) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Array(items) => items.iter().filter_map(scalar_text).collect(),
        other => scalar_text(other)
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
    };
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Keys in any case: Hugo lower-cases front matter keys.
pub(crate) fn lower_keys(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect()
}

fn read(value: Value) -> FrontMatter {
    let Value::Object(m) = value else {
        return FrontMatter::default();
    };
    let m = lower_keys(&m);
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| m.get(*k).and_then(scalar_text))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let build = m
        .get("build")
        .or_else(|| m.get("_build"))
        .and_then(Value::as_object)
        .map(lower_keys);
    FrontMatter {
        title: text(&["title"]),
        draft: m.get("draft").is_some_and(truthy),
        weight: text(&["weight"]).and_then(|w| w.parse::<f64>().ok().map(|f| f as i64)),
        synonyms: m.get("synonyms").map(list).unwrap_or_default(),
        tags: m.get("tags").map(list).unwrap_or_default(),
        description: text(&["description"]),
        date: text(&["date"]),
        publish_date: text(&["publishdate", "pubdate", "published"]),
        expiry_date: text(&["expirydate", "unpublishdate"]),
        headless: m.get("headless").is_some_and(truthy),
        render: build
            .as_ref()
            .and_then(|b| b.get("render"))
            .and_then(scalar_text),
        slug: text(&["slug"]),
        url: text(&["url"]),
    }
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
    fn json_front_matter_with_draft_as_string() {
        let s = split("{\n  \"title\": \"B12\",\n  \"draft\" : \"true\",\n  \"tags\": [\"Shots\", null]\n}\n\nBody here.\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("B12"));
        assert!(s.front.draft);
        assert_eq!(s.front.tags, ["Shots"]);
        assert_eq!(s.body.trim(), "Body here.");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn lenient_like_hugo() {
        let s = split("---\nTitle: Cheek Filler\nDRAFT: \"false\"\nweight: \"3\"\ntags:\n  - Telehealth\n  - \nfeatured: yes\nbuild:\n  render: never\n---\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Cheek Filler"));
        assert!(!s.front.draft);
        assert_eq!(s.front.weight, Some(3));
        assert_eq!(s.front.tags, ["Telehealth"]);
        assert_eq!(s.front.render.as_deref(), Some("never"));
        for t in ["true", "\"True\"", "1", "\"t\""] {
            let page = format!("---\ndraft: {t}\n---\n");
            assert!(split(&page).unwrap().front.draft, "{t}");
        }
        let s = split("+++\nheadless = true\n[_build]\nrender = false\n+++\n").unwrap();
        assert!(s.front.headless);
        assert_eq!(s.front.render.as_deref(), Some("false"));
    }

    #[test]
    fn dates_slug_and_url_keys() {
        let s = split("---\npublishDate: 2027-04-01\nExpiryDate: \"2026-01-05\"\nslug: Fancy Slug\nurl: /special/\n---\n").unwrap();
        assert_eq!(s.front.publish_date.as_deref(), Some("2027-04-01"));
        assert_eq!(s.front.expiry_date.as_deref(), Some("2026-01-05"));
        assert_eq!(s.front.slug.as_deref(), Some("Fancy Slug"));
        assert_eq!(s.front.url.as_deref(), Some("/special/"));
    }

    #[test]
    fn broken_yaml_reports_the_page_line() {
        let e = split("---\ntitle: ok\nsynonyms: [unclosed\n---\nbody")
            .err()
            .unwrap();
        assert!(e.line >= 3, "line {}", e.line);
        let e = split("---\ntitle: never closed\n").err().unwrap();
        assert!(e.message.contains("never closed"));
        let e = split("{\n \"title\": \"x\",\n oops\n}\n").err().unwrap();
        assert!(e.message.contains("JSON"), "{}", e.message);
    }

    #[test]
    fn no_front_matter_is_fine() {
        let s = split("just text").unwrap();
        assert_eq!(s.front, FrontMatter::default());
    }
}
