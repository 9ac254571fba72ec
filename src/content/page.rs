//! One page: its identity and published address (Hugo's rules), its names,
//! its status and its units.

use super::{frontmatter, markdown, mojibake, publish, Diagnostic, Severity, SiteFacts, Source};
use super::{Status, Unit, UnitKind};

/// How Hugo sees a page file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// `services/botox.md`.
    Regular,
    /// A leaf bundle, `promotions/promo_iv/index.md`.
    Bundle,
    /// A section's list page, `services/_index.md`: about the section, never
    /// a service.
    Section,
    /// The site's own facts (config, schema.org data): hours, phone, address.
    Business,
}

/// A parsed page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's identity in answers: the file stem, the folder name of a
    /// bundle or section (exact case), `home` for the root list page,
    /// `business` for the site's facts. Stable whatever `slug`/`url` say.
    pub slug: String,
    /// Path relative to the content directory, with `/` separators.
    pub path: String,
    pub kind: PageKind,
    /// The address Hugo publishes it at, below `baseURL` (`/services/botox/`).
    pub url: String,
    /// The title as the page writes it (typos included).
    pub title: String,
    /// What clients are shown: the table's `Name` row when present, else the title.
    pub display_name: String,
    /// Every name clients may use: display name, its parts outside and inside
    /// parentheses, title, synonyms and the identity, de-duplicated.
    pub names: Vec<String>,
    /// Whether Hugo publishes it, and why not.
    pub status: Status,
    /// The clock window its status holds in: the last publish or expiry date
    /// passed, and the next one ahead.
    pub changed_at: Option<i64>,
    pub changes_at: Option<i64>,
    /// Hugo weight (lower = more prominent); `i64::MAX` when absent.
    pub weight: i64,
    pub description: Option<String>,
    /// Hugo tags (weak hints: sites tag everything for search engines).
    pub tags: Vec<String>,
    pub units: Vec<Unit>,
}

/// Identity, kind, language and published address, from the path alone.
struct Place {
    identity: String,
    kind: PageKind,
    lang: Option<String>,
    /// Folders from the content root (language folder left out).
    dirs: Vec<String>,
}

fn place(rel: &str) -> Place {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let mut stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let mut lang = None;
    if let Some((s, l)) = stem.rsplit_once('.') {
        if publish::is_language(l) {
            lang = Some(l.to_ascii_lowercase());
            stem = s;
        }
    }
    if !parts.is_empty() && publish::is_language(parts[0]) && lang.is_none() {
        lang = Some(parts[0].to_ascii_lowercase());
    }
    if parts.first().is_some_and(|p| publish::is_language(p)) {
        parts.remove(0);
    }
    let dirs: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
    let (identity, kind) = match stem {
        "index" if !dirs.is_empty() => (dirs.last().cloned().unwrap_or_default(), PageKind::Bundle),
        "_index" => (
            dirs.last().cloned().unwrap_or_else(|| "home".into()),
            PageKind::Section,
        ),
        _ => (stem.to_string(), PageKind::Regular),
    };
    Place {
        identity,
        kind,
        lang,
        dirs,
    }
}

/// Hugo's `urlize` of one path segment with its default settings: lower
/// case, spaces as hyphens, characters URLs cannot carry dropped.
fn urlize(segment: &str) -> String {
    segment
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~') => {
                Some(c.to_lowercase().next().unwrap_or(c))
            }
            _ => None,
        })
        .collect()
}

fn url(place: &Place, front: &frontmatter::FrontMatter) -> String {
    if let Some(u) = &front.url {
        let u = u.trim();
        return if u.starts_with('/') || u.contains("://") {
            u.to_string()
        } else {
            format!("/{u}")
        };
    }
    let mut segs: Vec<String> = place.dirs.iter().map(|d| urlize(d)).collect();
    match place.kind {
        PageKind::Section | PageKind::Business => {}
        PageKind::Bundle => {
            segs.pop();
            segs.push(urlize(front.slug.as_deref().unwrap_or(&place.identity)));
        }
        PageKind::Regular => segs.push(urlize(front.slug.as_deref().unwrap_or(&place.identity))),
    }
    let path = segs.join("/");
    if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    }
}

/// Parses one page. `rel` is its path relative to the content directory;
/// `source` gives the language and the clock its status is judged by.
///
/// Returns the page with its warnings, or the error that makes it unusable.
pub fn parse_page(
    rel: &str,
    text: &str,
    source: &Source,
) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    let mut diags = Vec::new();
    let warn = |line: usize, message: String| Diagnostic {
        severity: Severity::Warning,
        path: rel.to_string(),
        line,
        message,
    };
    // Repair mojibake line by line so the warning can name the line.
    let mut repaired = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match mojibake::repair(line) {
            Some(fixed) => {
                diags.push(warn(i + 1, "mojibake repaired (UTF-8 read as Windows-1252 or Mac Roman); fix the file to silence this".into()));
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
    let front = split.front;
    let place = place(rel);
    let judged = publish::status(&front, place.lang.as_deref(), &source.language, source.now);
    diags.extend(judged.warnings.into_iter().map(|w| warn(1, w)));
    let status = judged.status;
    let mut units = markdown::parse(split.body, split.body_line);
    let title = front
        .title
        .as_deref()
        .map(markdown::inline_text)
        .unwrap_or_else(|| place.identity.replace(['-', '_'], " "));
    let display_name = units
        .iter()
        .find(|u| is_name_row(u))
        .map(|u| u.text.clone())
        .unwrap_or_else(|| title.clone());
    if let Some(desc) = &front.description {
        units.insert(
            0,
            Unit {
                kind: UnitKind::Paragraph,
                field: None,
                text: markdown::inline_text(desc),
                line: 1,
                plain: false,
            },
        );
    }
    if units.is_empty() && status == Status::Live {
        diags.push(warn(
            1,
            "the page has no table rows, sections, FAQ entries or paragraphs; nothing to answer from"
                .into(),
        ));
    }
    let mut names = Vec::new();
    for full in [&display_name, &title] {
        add_name(&mut names, full);
        // "Botox & Dysport" is also "Botox" and "Dysport".
        let parts: Vec<&str> = full
            .split(" & ")
            .flat_map(|p| p.split(" / "))
            .flat_map(|p| p.split(" + "))
            .collect();
        if (2..=4).contains(&parts.len()) {
            for part in parts {
                add_name(&mut names, part);
            }
        }
        // "RF Microneedling (Morpheus8)" is also "RF Microneedling" and "Morpheus8".
        if let (Some(open), Some(close)) = (full.find('('), full.rfind(')')) {
            if open < close {
                add_name(&mut names, &full[..open]);
                add_name(&mut names, &full[open + 1..close]);
            }
        }
    }
    for s in &front.synonyms {
        add_name(&mut names, s);
    }
    if place.identity != "home" {
        add_name(&mut names, &place.identity.replace(['-', '_'], " "));
        // The published slug is what the page is called in its address
        // ("hearing-aids" for hearing-aid-fitting.md).
        if let Some(slug) = front.slug.as_deref() {
            add_name(&mut names, &slug.replace(['-', '_', '/'], " "));
        }
    }
    let page = Page {
        slug: place.identity.clone(),
        path: rel.to_string(),
        kind: place.kind,
        url: url(&place, &front),
        title,
        display_name,
        names,
        status,
        changed_at: judged.changed_at,
        changes_at: judged.changes_at,
        weight: front.weight.unwrap_or(i64::MAX),
        description: front.description,
        tags: front.tags,
        units,
    };
    Ok((page, diags))
}

/// The `Name` row says what the page is called; it is a name, not an answer.
pub fn is_name_row(u: &Unit) -> bool {
    u.kind == UnitKind::Row
        && u.field
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("name"))
}

fn add_name(names: &mut Vec<String>, n: &str) {
    let n = n.trim();
    if !n.is_empty()
        && !names
            .iter()
            .any(|x| crate::text::normalize(x) == crate::text::normalize(n))
    {
        names.push(n.to_string());
    }
}

/// The site's facts as a page (`business`): hours, phone, address, email.
pub fn business_page(facts: &SiteFacts) -> Option<Page> {
    let units: Vec<Unit> = [
        ("hours", &facts.hours),
        ("phone", &facts.phone),
        ("address", &facts.address),
        ("email", &facts.email),
    ]
    .into_iter()
    .filter_map(|(field, v)| {
        v.as_ref().map(|text| Unit {
            kind: UnitKind::Row,
            field: Some(field.into()),
            text: text.clone(),
            line: 1,
            plain: false,
        })
    })
    .collect();
    if units.is_empty() {
        return None;
    }
    let title = facts
        .name
        .clone()
        .or_else(|| facts.title.clone())
        .unwrap_or_else(|| "Contact details".into());
    Some(Page {
        slug: "business".into(),
        path: facts.source.clone().unwrap_or_else(|| "data".into()),
        kind: PageKind::Business,
        url: "/".into(),
        display_name: title.clone(),
        title,
        names: vec!["business".into()],
        status: Status::Live,
        changed_at: None,
        changes_at: None,
        weight: i64::MAX,
        description: None,
        tags: Vec::new(),
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Source {
        Source {
            content: "content".into(),
            site: None,
            language: "en".into(),
            now: super::super::dates::parse("2026-12-01T12:00:00Z").unwrap(),
            learned: None,
        }
    }

    fn page(rel: &str, text: &str) -> Page {
        parse_page(rel, text, &src()).unwrap().0
    }

    #[test]
    fn names_come_from_name_row_title_synonyms_and_slug() {
        let text = "---\ntitle: \"Micorneedling (Golden Pen)\"\nsynonyms: [needling]\nslug: rf-needling\n---\n| A | B |\n|---|---|\n| **Name** | RF Microneedling (Morpheus8) |\n";
        let page = page("services/rf-microneedling.md", text);
        assert_eq!(page.display_name, "RF Microneedling (Morpheus8)");
        for n in [
            "RF Microneedling",
            "Morpheus8",
            "Micorneedling (Golden Pen)",
            "needling",
            "rf microneedling",
            "rf needling",
        ] {
            assert!(
                page.names.iter().any(|x| x.eq_ignore_ascii_case(n)),
                "{n} in {:?}",
                page.names
            );
        }
    }

    #[test]
    fn identity_and_published_address_follow_hugo() {
        let p = page("services/botox.md", "---\ntitle: Botox\n---\nx\n");
        assert_eq!(
            (p.slug.as_str(), p.kind, p.url.as_str()),
            ("botox", PageKind::Regular, "/services/botox/")
        );
        let p = page(
            "products/Gift Cards/index.md",
            "---\ntitle: Gift Cards\n---\nx\n",
        );
        assert_eq!(
            (p.slug.as_str(), p.kind, p.url.as_str()),
            ("Gift Cards", PageKind::Bundle, "/products/gift-cards/")
        );
        let p = page("promotions/_index.md", "---\ntitle: Offers\n---\nx\n");
        assert_eq!(
            (p.slug.as_str(), p.kind, p.url.as_str()),
            ("promotions", PageKind::Section, "/promotions/")
        );
        let p = page("_index.md", "---\ntitle: Welcome\n---\nx\n");
        assert_eq!((p.slug.as_str(), p.url.as_str()), ("home", "/"));
        let p = page(
            "services/Lip-Flip.md",
            "---\ntitle: x\nslug: The Lip Flip\n---\nx\n",
        );
        assert_eq!(
            (p.slug.as_str(), p.url.as_str()),
            ("Lip-Flip", "/services/the-lip-flip/")
        );
        let p = page("info/contact.md", "---\ntitle: x\nurl: visit-us/\n---\nx\n");
        assert_eq!(p.url, "/visit-us/");
    }

    #[test]
    fn translations_are_another_language() {
        let p = page("services/botox.fr.md", "---\ntitle: Botox\n---\nx\n");
        assert_eq!(p.slug, "botox");
        assert_eq!(p.status, Status::OtherLanguage("fr".into()));
        let p = page("fr/services/botox.md", "---\ntitle: Botox\n---\nx\n");
        assert_eq!(p.status, Status::OtherLanguage("fr".into()));
        assert_eq!(
            page("en/services/botox.md", "---\ntitle: B\n---\nx\n").status,
            Status::Live
        );
    }

    #[test]
    fn mojibake_is_repaired_and_reported_with_its_line() {
        let text =
            "---\ntitle: x\n---\n| A | B |\n|---|---|\n| **Areas** | Neck and d√©colletage |\n";
        let (page, diags) = parse_page("services/x.md", text, &src()).unwrap();
        assert_eq!(page.units[0].text, "Neck and décolletage");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 6);
    }

    #[test]
    fn drafts_are_marked() {
        let p = page("services/t.md", "---\ndraft: true\ntitle: T\n---\ntext\n");
        assert_eq!(p.status, Status::Draft);
    }

    #[test]
    fn broken_front_matter_is_an_error_naming_the_path() {
        let d = parse_page("services/bad.md", "---\ntitle: [oops\n---\n", &src()).unwrap_err();
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.path, "services/bad.md");
        assert!(d.message.contains("page skipped"));
    }
}
