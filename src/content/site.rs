//! What a Hugo site says outside `content/`: its configuration (`hugo.toml`
//! and the other names Hugo reads) and schema.org business data in `data/`.
//!
//! Real clinic sites keep their phone, address and opening hours there, not
//! on a page, so these become the `business` page and fill `[clinic]` where
//! the clinic's config leaves it empty.

use super::frontmatter::{self, Format};
use super::{Diagnostic, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The site's own facts, from its config and data files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteFacts {
    /// Hugo's `baseURL`: answers link to pages under it.
    pub base_url: Option<String>,
    /// Hugo's `title`.
    pub title: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Opening hours, one line per group of days.
    pub hours: Option<String>,
    /// The file the business facts came from, relative to the site root.
    pub source: Option<String>,
}

/// Config file names Hugo reads, in its order of preference.
const CONFIG_NAMES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/hugo.yaml",
    "config/_default/config.toml",
    "config/_default/config.yaml",
];

/// The site's parsed configuration with lower-cased top-level keys, and the
/// file it came from.
fn config(root: &Path) -> Option<(String, serde_json::Map<String, Value>)> {
    CONFIG_NAMES.iter().find_map(|name| {
        let text = std::fs::read_to_string(root.join(name)).ok()?;
        let value = frontmatter::parse_value(Format::of(name)?, &text).ok()?;
        let map = value.as_object()?;
        Some((name.to_string(), frontmatter::lower_keys(map)))
    })
}

/// The files outside `content/` a build reads: the config and data files.
pub fn inputs(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = CONFIG_NAMES
        .iter()
        .map(|n| root.join(n))
        .filter(|p| p.is_file())
        .collect();
    collect(&root.join("data"), &mut files);
    files
}

/// The content directory of the site at `root` (Hugo's `contentDir`).
pub fn content_dir(root: &Path) -> PathBuf {
    let dir = config(root).and_then(|(_, c)| {
        c.get("contentdir")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    root.join(dir.unwrap_or_else(|| "content".into()))
}

/// The site's default content language, when its config says.
pub fn language(root: &Path) -> Option<String> {
    config(root).and_then(|(_, c)| {
        c.get("defaultcontentlanguage")
            .and_then(Value::as_str)
            .map(|s| s.to_ascii_lowercase())
    })
}

/// Reads the site's facts: all of them (to fill `[clinic]`), and the ones
/// the `business` page answers from (the schema.org data when the site has
/// it, which is what the site itself publishes as its business card; else
/// the config's `[params]`). Unreadable data files are warnings, never fatal.
pub fn read(root: &Path, diags: &mut Vec<Diagnostic>) -> (SiteFacts, SiteFacts) {
    let mut facts = SiteFacts::default();
    let mut params = SiteFacts::default();
    if let Some((file, c)) = config(root) {
        facts.base_url = c.get("baseurl").and_then(Value::as_str).map(str::to_string);
        facts.title = c.get("title").and_then(Value::as_str).map(str::to_string);
        if let Some(p) = c.get("params") {
            params = contact_from(p, &file);
            facts = merge(facts, params.clone());
        }
    }
    let data = data_files(root, diags)
        .iter()
        .find_map(|(rel, value)| find_business(value).map(|b| business_facts(b, rel)));
    match data {
        Some(found) => (merge(found.clone(), facts), found),
        None => (facts, params),
    }
}

/// `a`'s fields, with `b` filling those `a` lacks.
fn merge(a: SiteFacts, b: SiteFacts) -> SiteFacts {
    SiteFacts {
        base_url: a.base_url.or(b.base_url),
        title: a.title.or(b.title),
        name: a.name.or(b.name),
        phone: a.phone.or(b.phone),
        email: a.email.or(b.email),
        address: a.address.or(b.address),
        hours: a.hours.or(b.hours),
        source: a.source.or(b.source),
    }
}

/// Contact details in `[params]`, under the names themes use.
fn contact_from(params: &Value, file: &str) -> SiteFacts {
    let get = |keys: &[&str]| find_key(params, keys).map(value_text);
    let facts = SiteFacts {
        name: get(&["businessname", "business_name", "clinicname", "company"]),
        phone: get(&["phone", "telephone", "tel", "phone_number", "phonenumber"]),
        email: get(&["email", "mail", "contact_email"]),
        address: get(&["address", "street_address", "location"]),
        hours: get(&["hours", "opening_hours", "openinghours"]),
        ..SiteFacts::default()
    };
    let any = facts.phone.is_some() || facts.address.is_some() || facts.hours.is_some();
    SiteFacts {
        source: any.then(|| file.to_string()),
        ..facts
    }
}

/// The first value under one of `keys` (any case), searching nested tables.
fn find_key<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let map = v.as_object()?;
    for (k, val) in map {
        if keys.iter().any(|x| k.eq_ignore_ascii_case(x)) && !value_text(val).is_empty() {
            return Some(val);
        }
    }
    map.values().find_map(|val| find_key(val, keys))
}

fn data_files(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, Value)> {
    let mut files = Vec::new();
    collect(&root.join("data"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let format = Format::of(&rel)?;
            let text = std::fs::read_to_string(&path).ok()?;
            match frontmatter::parse_value(format, &text) {
                Ok(v) => Some((rel, v)),
                Err(e) => {
                    diags.push(Diagnostic {
                        severity: Severity::Warning,
                        path: rel,
                        line: e.line,
                        message: format!("{}; site data file skipped", e.message),
                    });
                    None
                }
            }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// schema.org types that describe the clinic itself.
fn is_business_type(t: &str) -> bool {
    let t = t.rsplit('/').next().unwrap_or(t);
    t.ends_with("Business")
        || t.ends_with("Clinic")
        || [
            "Dentist",
            "Physician",
            "Hospital",
            "Pharmacy",
            "Optician",
            "DaySpa",
            "BeautySalon",
            "HealthClub",
            "Physiotherapy",
            "MedicalOrganization",
            "Organization",
        ]
        .contains(&t)
}

/// Types with a name and an address that are not the clinic.
const NOT_A_BUSINESS: &[&str] = &[
    "Person",
    "WebSite",
    "WebPage",
    "PostalAddress",
    "Place",
    "Event",
    "Offer",
    "Product",
    "Service",
    "Review",
];

/// The first object whose `@type` is a business, anywhere in `v` (`@graph`).
fn find_business(v: &Value) -> Option<&Value> {
    match v {
        Value::Object(m) => {
            let types: Vec<&str> = match m.get("@type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            // A type schema.org lists as a business, or any other named
            // thing that has a phone, an address or opening hours (sites
            // use types schema.org lacks: "Chiropractor", "MedSpa").
            let contactable = m.contains_key("name")
                && [
                    "telephone",
                    "address",
                    "openingHoursSpecification",
                    "openingHours",
                ]
                .iter()
                .any(|k| m.contains_key(*k))
                && !types.iter().any(|t| NOT_A_BUSINESS.contains(t));
            if types.iter().any(|t| is_business_type(t)) || (!types.is_empty() && contactable) {
                return Some(v);
            }
            m.values().find_map(find_business)
        }
        Value::Array(items) => items.iter().find_map(find_business),
        _ => None,
    }
}

fn business_facts(b: &Value, rel: &str) -> SiteFacts {
    let text = |k: &str| b.get(k).map(value_text).filter(|s| !s.is_empty());
    let hours = b
        .get("openingHoursSpecification")
        .map(hours_from_spec)
        .filter(|s| !s.is_empty())
        .or_else(|| b.get("openingHours").map(hours_from_strings))
        .filter(|s| !s.is_empty());
    SiteFacts {
        name: text("name"),
        phone: text("telephone"),
        email: text("email").map(|e| e.trim_start_matches("mailto:").to_string()),
        address: b.get("address").map(address_text).filter(|s| !s.is_empty()),
        hours,
        base_url: text("url"),
        title: None,
        source: Some(rel.to_string()),
    }
}

/// A scalar (or list of scalars) as text.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(value_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn address_text(v: &Value) -> String {
    let Some(m) = v.as_object() else {
        return value_text(v);
    };
    let part = |k: &str| m.get(k).map(value_text).unwrap_or_default();
    let region = [part("addressRegion"), part("postalCode")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [
        part("streetAddress"),
        part("addressLocality"),
        region,
        part("addressCountry"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `Monday`, `https://schema.org/Monday`, `Mo` -> 0..7.
fn day_index(s: &str) -> Option<usize> {
    let s = s.rsplit('/').next().unwrap_or(s).trim();
    if s.len() < 2 {
        return None;
    }
    DAYS.iter()
        .position(|d| d.len() >= s.len() && d[..s.len()].eq_ignore_ascii_case(s))
}

/// `09:00` -> `9:00 am`, `17:30` -> `5:30 pm`.
fn clock(t: &str) -> String {
    let mut parts = t.trim().split(':');
    let (Some(h), Some(m)) = (
        parts.next().and_then(|h| h.parse::<u32>().ok()),
        parts
            .next()
            .and_then(|m| m.get(..2))
            .and_then(|m| m.parse::<u32>().ok()),
    ) else {
        return t.trim().to_string();
    };
    let (h12, half) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    format!("{h12}:{m:02} {half}")
}

/// Days with the same hours grouped, in week order; days not listed are closed.
fn hours_text(days: &[Option<String>; 7]) -> String {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < 7 {
        let mut j = i;
        while j + 1 < 7 && days[j + 1] == days[i] {
            j += 1;
        }
        let span = if i == j {
            DAYS[i].to_string()
        } else {
            format!("{} to {}", DAYS[i], DAYS[j])
        };
        let hours = days[i].as_deref().unwrap_or("closed");
        lines.push(format!("{span}: {hours}"));
        i = j + 1;
    }
    lines.join("\n")
}

fn hours_from_spec(v: &Value) -> String {
    let specs: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut days: [Option<String>; 7] = Default::default();
    let mut any = false;
    for s in specs {
        let (Some(opens), Some(closes)) = (
            s.get("opens").map(value_text),
            s.get("closes").map(value_text),
        ) else {
            continue;
        };
        let span = if opens.is_empty() && closes.is_empty() {
            None
        } else {
            Some(format!("{} to {}", clock(&opens), clock(&closes)))
        };
        let listed: Vec<String> = match s.get("dayOfWeek") {
            Some(Value::Array(ds)) => ds.iter().map(value_text).collect(),
            Some(d) => vec![value_text(d)],
            None => Vec::new(),
        };
        for d in listed.iter().filter_map(|d| day_index(d)) {
            days[d] = span.clone();
            any = true;
        }
    }
    if any {
        hours_text(&days)
    } else {
        String::new()
    }
}

/// schema.org `openingHours` strings: `Mo-Fr 09:00-18:00`, `Sa 10:00-14:00`.
fn hours_from_strings(v: &Value) -> String {
    let items: Vec<String> = match v {
        Value::Array(items) => items.iter().map(value_text).collect(),
        other => vec![value_text(other)],
    };
    let mut days: [Option<String>; 7] = Default::default();
    let mut any = false;
    for item in &items {
        let Some((ds, hs)) = item.trim().split_once(' ') else {
            continue;
        };
        let span = hs
            .split_once('-')
            .map(|(o, c)| format!("{} to {}", clock(o), clock(c)));
        for part in ds.split(',') {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            if let (Some(a), Some(b)) = (day_index(a), day_index(b)) {
                for day in days.iter_mut().take(b.max(a) + 1).skip(a) {
                    *day = span.clone();
                    any = true;
                }
            }
        }
    }
    if any {
        hours_text(&days)
    } else {
        items.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_schema_org_lacks_is_still_the_clinic_by_its_contacts() {
        let v: Value = serde_json::from_str(
            r#"{"@graph":[{"@type":"WebSite","name":"Site","url":"https://x.example/"},
                {"@type":"Person","name":"Dr. Lee","telephone":"1"},
                {"@type":"Chiropractor","name":"Spine & Co","telephone":"+1 208 555 0100"}]}"#,
        )
        .unwrap();
        let b = find_business(&v).expect("the chiropractor is the business");
        assert_eq!(b["name"], "Spine & Co");
        let none: Value = serde_json::from_str(r#"{"@type":"Thing","name":"x"}"#).unwrap();
        assert!(find_business(&none).is_none(), "nothing to contact");
    }

    #[test]
    fn schema_org_business_and_params() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(
            root.join("hugo.toml"),
            "baseURL = \"https://clinic.example/\"\ntitle = \"Clinic\"\ncontentDir = \"pages\"\n[params]\nphone = \"(555) 000-1111\"\nemail = \"hi@clinic.example\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::write(
            root.join("data/business.json"),
            r#"{"@context":"https://schema.org","@type":"Dentist","name":"Bright Smiles","telephone":"+1 555 222 3333",
               "address":{"@type":"PostalAddress","streetAddress":"1 Main St","addressLocality":"Springfield","addressRegion":"OR","postalCode":"97477"},
               "openingHoursSpecification":[{"dayOfWeek":["Monday","Tuesday","Wednesday","Thursday","Friday"],"opens":"08:00","closes":"17:30"},
                                            {"dayOfWeek":"https://schema.org/Saturday","opens":"09:00","closes":"13:00"}]}"#,
        )
        .unwrap();
        let mut diags = Vec::new();
        let (f, card) = read(root, &mut diags);
        assert_eq!(
            card.email, None,
            "the business page answers from the data file"
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(f.base_url.as_deref(), Some("https://clinic.example/"));
        assert_eq!(f.name.as_deref(), Some("Bright Smiles"));
        assert_eq!(
            f.phone.as_deref(),
            Some("+1 555 222 3333"),
            "data wins over params"
        );
        assert_eq!(
            f.email.as_deref(),
            Some("hi@clinic.example"),
            "params fill gaps"
        );
        assert_eq!(
            f.address.as_deref(),
            Some("1 Main St, Springfield, OR 97477")
        );
        assert_eq!(
            f.hours.as_deref(),
            Some("Monday to Friday: 8:00 am to 5:30 pm\nSaturday: 9:00 am to 1:00 pm\nSunday: closed")
        );
        assert_eq!(f.source.as_deref(), Some("data/business.json"));
        assert_eq!(content_dir(root), root.join("pages"));
    }

    #[test]
    fn opening_hours_strings() {
        let v = serde_json::json!(["Mo-Fr 09:00-18:00", "Sa 10:00-14:00"]);
        assert_eq!(
            hours_from_strings(&v),
            "Monday to Friday: 9:00 am to 6:00 pm\nSaturday: 10:00 am to 2:00 pm\nSunday: closed"
        );
    }
}
