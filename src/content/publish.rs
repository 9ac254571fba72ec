//! Hugo's publishing rules: what a site shows its visitors, and so the only
//! pages Frontdesk answers from.
//!
//! Like `hugo` without `--buildDrafts`, `--buildFuture` or `--buildExpired`:
//! a draft, a page whose publish date (`publishDate`, else `date`) is after
//! the clock, a page whose `expiryDate` is at or before it, a headless bundle
//! and a page with `build.render: never` are not published. Pages in another
//! language than the site's are kept out too.

use super::dates;
use super::frontmatter::FrontMatter;

/// Whether a page is published, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Live,
    Draft,
    /// Publish date (Unix seconds) after the clock.
    Future(i64),
    /// Expiry date (Unix seconds) at or before the clock.
    Expired(i64),
    /// `headless: true`: a bundle of resources, no page.
    Headless,
    /// `build.render: never` (or `false`).
    NotRendered,
    /// Written in another language (its code).
    OtherLanguage(String),
}

impl Status {
    /// Why the page is not published, for `check`; `None` when it is.
    pub fn reason(&self) -> Option<String> {
        match self {
            Status::Live => None,
            Status::Draft => Some("draft".into()),
            Status::Future(t) => Some(format!(
                "publish date {} is in the future",
                dates::format_date(*t)
            )),
            Status::Expired(t) => Some(format!("expired on {}", dates::format_date(*t))),
            Status::Headless => Some("headless bundle".into()),
            Status::NotRendered => Some("`build.render: never`".into()),
            Status::OtherLanguage(l) => Some(format!("written in another language ({l})")),
        }
    }

    /// A service the clinic lists but does not offer now (draft, future,
    /// expired, not rendered): naming it is a fallback, never a stretch.
    pub fn is_withheld(&self) -> bool {
        !matches!(self, Status::Live | Status::OtherLanguage(_))
    }
}

/// The page's status at `now`, in a site answered in `language`; `lang` is
/// the page's own language when its path gives one. A date Hugo cannot read
/// stops Hugo's build; Frontdesk ignores it and returns a warning instead.
pub fn status(front: &FrontMatter, lang: Option<&str>, language: &str, now: i64) -> Judged {
    let mut warnings = Vec::new();
    let fixed = |status| Judged {
        status,
        changed_at: None,
        changes_at: None,
        warnings: Vec::new(),
    };
    if let Some(l) = lang {
        if !l.eq_ignore_ascii_case(language) {
            return fixed(Status::OtherLanguage(l.to_string()));
        }
    }
    if front.draft {
        return fixed(Status::Draft);
    }
    if front.headless {
        return fixed(Status::Headless);
    }
    if front
        .render
        .as_deref()
        .is_some_and(|r| matches!(r.trim().to_ascii_lowercase().as_str(), "never" | "false"))
    {
        return fixed(Status::NotRendered);
    }
    let mut read = |key: &str, v: &Option<String>| {
        let text = v.as_deref()?;
        let t = dates::parse(text);
        if t.is_none() {
            warnings.push(format!("{key} {text:?} is not a date Hugo reads; ignored"));
        }
        t
    };
    let date = read("date", &front.date);
    let publish = read("publishDate", &front.publish_date).or(date);
    let expiry = read("expiryDate", &front.expiry_date);
    let status = match (publish, expiry) {
        (Some(p), _) if p > now => Status::Future(p),
        (_, Some(e)) if e <= now => Status::Expired(e),
        _ => Status::Live,
    };
    let dates = [publish, expiry].into_iter().flatten();
    Judged {
        status,
        changed_at: dates.clone().filter(|&t| t <= now).max(),
        changes_at: dates.filter(|&t| t > now).min(),
        warnings,
    }
}

/// A page's status, when it will change by the clock alone, and the dates
/// that could not be read.
#[derive(Debug)]
pub struct Judged {
    pub status: Status,
    /// The last publish or expiry date at or before the clock, and the next
    /// one after it: an index built now holds between the two.
    pub changed_at: Option<i64>,
    pub changes_at: Option<i64>,
    pub warnings: Vec<String>,
}

/// ISO 639-1 codes: the languages a `page.xx.md` file or a top-level `xx/`
/// folder can be written in.
const LANGUAGES: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// `fr`, `pt-br`, `zh-Hans` -> true.
pub fn is_language(code: &str) -> bool {
    let base = code
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    base.len() == 2 && LANGUAGES.split(' ').any(|l| l == base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(yaml: &str) -> FrontMatter {
        super::super::frontmatter::split(&format!("---\n{yaml}\n---\n"))
            .unwrap()
            .front
    }

    #[test]
    fn hugo_rules_at_a_pinned_clock() {
        let now = dates::parse("2026-12-01T12:00:00Z").unwrap();
        let s = |y: &str| status(&fm(y), None, "en", now).status;
        assert_eq!(s("title: x"), Status::Live);
        assert_eq!(s("draft: \"true\""), Status::Draft);
        assert!(matches!(s("expiryDate: 2026-01-05"), Status::Expired(_)));
        assert!(matches!(s("publishDate: 2027-04-01"), Status::Future(_)));
        assert!(
            matches!(s("date: 2027-04-01"), Status::Future(_)),
            "date stands in for publishDate"
        );
        assert_eq!(s("date: 2027-04-01\npublishDate: 2026-01-01"), Status::Live);
        assert_eq!(s("headless: true"), Status::Headless);
        assert_eq!(s("build:\n  render: never"), Status::NotRendered);
        assert_eq!(s("build:\n  render: always"), Status::Live);
        let j = status(&fm("date: soon"), None, "en", now);
        assert_eq!(j.status, Status::Live);
        assert_eq!(j.warnings.len(), 1);
        assert_eq!(
            status(&fm("title: x"), Some("fr"), "en", now).status,
            Status::OtherLanguage("fr".into())
        );
        let j = status(&fm("expiryDate: 2027-03-01"), None, "en", now);
        assert_eq!(j.changes_at, dates::parse("2027-03-01"));
    }

    #[test]
    fn language_codes() {
        assert!(is_language("fr"));
        assert!(is_language("pt-br"));
        assert!(!is_language("v2"));
        assert!(!is_language("info"));
    }
}
