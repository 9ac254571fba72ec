//! What the engine returns: plain data that the CLI prints and the bot renders.
//!
//! The JSON form of [`Reply`] is a contract read by outside checks; its keys
//! and meanings must not change (more keys are fine).

use serde::Serialize;

/// The four things Frontdesk can do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The page and field that answer it.
    Answer,
    /// Several services fit about equally: ask which one.
    Clarify,
    /// Nothing in the content answers it: say so and give the clinic's contact.
    Fallback,
    /// Symptoms that may need care now: phone and emergency advice only.
    Urgent,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Clarify => "clarify",
            Kind::Fallback => "fallback",
            Kind::Urgent => "urgent",
        }
    }
}

/// A service offered in a clarify reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub page: String,
    pub title: String,
}

/// A further row shown beside the answer (Recovery Time beside Downtime).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub field: String,
    pub text: String,
}

/// A unit that could have answered, for staff to choose from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The page's identity.
    pub page: String,
    /// Its display name.
    pub title: String,
    /// The unit's field (`""` for a paragraph).
    pub field: String,
}

/// The engine's reply to one question.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    pub question: String,
    pub kind: Kind,
    /// Slug of the page answered from.
    pub page: Option<String>,
    /// Display name of that page's service.
    pub title: Option<String>,
    /// Field name as the page writes it, or the FAQ heading.
    pub field: Option<String>,
    /// The text a client reads (the row's text for answers).
    pub answer: String,
    /// 0..1: how sure the engine is of the kind and content.
    pub confidence: f32,
    pub options: Vec<Choice>,
    /// `path:line` of the answering unit.
    pub source: Option<String>,
    /// The address Hugo publishes the answering page at (`[clinic]
    /// site_url` or the site's `baseURL`, plus the page's permalink).
    pub url: Option<String>,
    /// Partner rows shown with the answer.
    pub related: Vec<Related>,
    /// The closest units (at most 3), for staff; not part of the JSON contract.
    #[serde(skip)]
    pub candidates: Vec<Candidate>,
}

/// The absolute address of a page published at `path` under `site_url`;
/// `None` without a site address (a link needs a host).
pub fn page_url(site_url: &str, path: &str) -> Option<String> {
    if path.contains("://") {
        return Some(path.to_string());
    }
    let base = site_url.trim().trim_end_matches('/');
    (!base.is_empty()).then(|| format!("{base}/{}", path.trim_start_matches('/')))
}

impl Reply {
    /// An empty fallback for `question`, to fill in (front ends describing a
    /// past reply).
    pub fn for_question(question: &str) -> Reply {
        Reply::new(question, Kind::Fallback, String::new(), 0.0)
    }

    pub(crate) fn new(question: &str, kind: Kind, answer: String, confidence: f32) -> Reply {
        Reply {
            question: question.to_string(),
            kind,
            page: None,
            title: None,
            field: None,
            answer,
            confidence: (confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
            options: Vec::new(),
            source: None,
            url: None,
            related: Vec::new(),
            candidates: Vec::new(),
        }
    }

    /// The reply as a client reads it in a terminal or a plain chat message.
    pub fn to_text(&self) -> String {
        match self.kind {
            Kind::Answer => {
                let mut s = format!(
                    "{} — {}: {}",
                    self.title.as_deref().unwrap_or(""),
                    self.field.as_deref().unwrap_or("About"),
                    self.answer
                );
                for r in &self.related {
                    s.push_str(&format!("\n{}: {}", r.field, r.text));
                }
                s
            }
            Kind::Clarify => {
                let names: Vec<&str> = self.options.iter().map(|o| o.title.as_str()).collect();
                format!("{}\n- {}", self.answer, names.join("\n- "))
            }
            Kind::Fallback | Kind::Urgent => self.answer.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_url;

    #[test]
    fn page_urls_join_the_site_and_the_permalink() {
        let site = "https://clinic.example/";
        assert_eq!(
            page_url(site, "/services/botox/").as_deref(),
            Some("https://clinic.example/services/botox/")
        );
        assert_eq!(
            page_url(site, "/").as_deref(),
            Some("https://clinic.example/")
        );
        assert_eq!(
            page_url(site, "https://elsewhere.example/x/").as_deref(),
            Some("https://elsewhere.example/x/")
        );
        assert_eq!(page_url("", "/services/botox/"), None);
    }
}
