//! Configuration: `config.toml`, checked once and passed around as plain structs.
//!
//! Two stages, as in ripgrep: the raw TOML is deep-merged over the built-in
//! defaults (`src/defaults.toml`, compiled in; neutral, no clinic's name or
//! phone), then deserialized into
//! [`Config`] and validated. A clinic's file only needs the keys it changes;
//! `[[fields]]` and `[[urgent.rules]]` entries merge by `name`, so adding one
//! field does not mean copying the whole vocabulary.
//!
//! The Discord token is never part of the configuration: it comes from the
//! environment at the bot's edge.

use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in defaults: `src/defaults.toml`.
pub const DEFAULT_TOML: &str = include_str!("defaults.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub paths: Paths,
    pub site: SiteSettings,
    pub clinic: Clinic,
    pub answer: AnswerSettings,
    /// Clinic words -> page words they also mean ("neurotoxin" -> "neuromodulator").
    #[serde(default)]
    pub terms: BTreeMap<String, Vec<String>>,
    pub fields: Vec<FieldSpec>,
    pub urgent: Urgent,
    pub discord: Discord,
}

/// Where content, index and data live (relative to the working directory).
#[derive(Debug, Clone, Deserialize)]
pub struct Paths {
    pub content: PathBuf,
    pub index: PathBuf,
    pub data: PathBuf,
    /// Questions staff taught (`frontdesk learn`, the bot's Teach button).
    pub learned: PathBuf,
    /// The Hugo site root: its config and `data/` give the clinic's own facts,
    /// and its `contentDir` is the content directory unless `content` is set.
    #[serde(default)]
    pub site: Option<PathBuf>,
    /// Whether `content` was chosen (in the file or on the command line)
    /// rather than defaulted, so a site root does not override it.
    #[serde(skip)]
    pub content_chosen: bool,
}

/// How the site is read: Hugo's clock and the language answered in.
#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    /// `hugo --clock`: the time publishing rules are judged at (empty = now;
    /// `FRONTDESK_NOW` overrides it).
    #[serde(default)]
    pub now: String,
    /// The language answered in (Hugo's `defaultContentLanguage`).
    pub language: String,
    #[serde(skip)]
    pub language_chosen: bool,
}

/// Contact details shown in fallback and urgent replies.
#[derive(Debug, Clone, Deserialize)]
pub struct Clinic {
    pub name: String,
    pub phone: String,
    pub contact: String,
    pub emergency: String,
    pub site_url: String,
}

/// Decision thresholds of the answer engine.
#[derive(Debug, Clone, Deserialize)]
pub struct AnswerSettings {
    pub answer_threshold: f32,
    pub clarify_margin: f32,
    pub max_options: usize,
    pub typo_min_len: usize,
    pub typo2_min_len: usize,
    #[serde(default)]
    pub category_nouns: Vec<String>,
    /// The row that says what kind of service a page is ("Procedure Type"):
    /// a question about what several pages' rows say is a category.
    pub category_field: String,
    /// "do you do ...": asks whether a service is offered.
    #[serde(default)]
    pub offer_phrases: Vec<String>,
    pub unknown_share: f32,
}

/// One canonical field of the vocabulary.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    #[serde(default)]
    pub variants: Vec<String>,
    /// Words and phrases that, inside a row name or heading, say the row is
    /// about this field ("investment", "starting at", "chair time"): how a
    /// label no one listed is still understood.
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub weak: Vec<String>,
    #[serde(default)]
    pub partners: Vec<String>,
    /// About the clinic (hours, payment, cancellation), not one service: a
    /// page mostly of such fields is a general page, which may answer for
    /// any service.
    #[serde(default)]
    pub general: bool,
    /// The field a promotion's deal is in: a deal asked on a service whose
    /// page has none is answered by the live promotion whose row of this
    /// field names the service. The first such field counts.
    #[serde(default)]
    pub promotion: bool,
    /// Added once to the field's score when any of its phrases occurs: for
    /// fields whose phrases are the point of any question they appear in.
    #[serde(default)]
    pub boost: f32,
    /// What this field's values look like (`money`: "$150", `minutes`: "45
    /// minutes"): a unit whose text has that shape can answer the field
    /// though its label says something else ("Nitrous oxide: $45").
    #[serde(default)]
    pub value: Vec<ValueShape>,
}

/// The shape of a field's values, recognised in any unit's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueShape {
    /// An amount of money: `$150`, `€90`, `£40`, `150 dollars`.
    Money,
    /// A length of a visit: a number followed by minutes or hours.
    Minutes,
}

impl ValueShape {
    /// Every shape, for reading a unit's once.
    pub const ALL: [ValueShape; 2] = [ValueShape::Money, ValueShape::Minutes];

    /// Whether `text` holds a value of this shape.
    pub fn found_in(self, text: &str) -> bool {
        match self {
            ValueShape::Money => {
                let sign = ['$', '€', '£'];
                let signed = text.char_indices().any(|(i, c)| {
                    sign.contains(&c)
                        && text[i + c.len_utf8()..]
                            .trim_start()
                            .starts_with(|d: char| d.is_ascii_digit())
                });
                signed
                    || crate::text::words(text).windows(2).any(|w| {
                        w[0].bytes().all(|c| c.is_ascii_digit())
                            && matches!(w[1].as_str(), "dollars" | "usd")
                    })
            }
            ValueShape::Minutes => crate::text::words(text).windows(2).any(|w| {
                let digits = w[0].bytes().take_while(u8::is_ascii_digit).count();
                let number = digits > 0 && digits == w[0].len();
                let glued =
                    digits > 0 && matches!(&w[0][digits..], "min" | "mins" | "h" | "hr" | "hrs");
                glued
                    || (number
                        && matches!(
                            w[1].as_str(),
                            "min" | "mins" | "minute" | "minutes" | "hour" | "hours" | "hr" | "hrs"
                        ))
            }),
        }
    }
}

/// Urgent symptom rules.
#[derive(Debug, Clone, Deserialize)]
pub struct Urgent {
    /// Phrases framing the question as information or history ("what if",
    /// "years ago", "it went away"): with none of `happening` outside them,
    /// no rule fires.
    #[serde(default)]
    pub informational: Vec<String>,
    /// Phrases saying it is happening now; outside an `informational` match
    /// they keep it from silencing the rules.
    #[serde(default)]
    pub happening: Vec<String>,
    /// How sure the learned model must be to call a message urgent that no
    /// rule caught (0..1); above 1 turns the model off.
    #[serde(default = "default_model_threshold")]
    pub model_threshold: f32,
    pub rules: Vec<UrgentRule>,
}

fn default_model_threshold() -> f32 {
    0.7
}

/// Fires when every group has a phrase in the question.
#[derive(Debug, Clone, Deserialize)]
pub struct UrgentRule {
    pub name: String,
    pub all: Vec<Vec<String>>,
}

/// The Discord front end's settings (the token is not here: `DISCORD_TOKEN`).
#[derive(Debug, Clone, Deserialize)]
pub struct Discord {
    pub api_url: String,
    #[serde(default)]
    pub guild_ids: Vec<u64>,
    #[serde(default)]
    pub answer_channels: Vec<u64>,
    pub dms: bool,
    #[serde(default)]
    pub staff_roles: Vec<u64>,
    pub rate_limit_per_minute: u32,
    pub followup_seconds: u64,
    /// The private staff channel questions are handed off to (fallback,
    /// urgent, voted down); unset = no handoff.
    #[serde(default)]
    pub handoff_channel: Option<u64>,
    /// Roles mentioned on urgent handoffs only.
    #[serde(default)]
    pub handoff_roles: Vec<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_toml_str("", Path::new("<built-in defaults>"))
            .expect("the shipped config.toml is valid")
    }
}

impl Config {
    /// Reads `path` and merges it over the defaults. A missing file is an error
    /// only when `required` (the user named it with `--config`).
    pub fn load(path: &Path, required: bool) -> Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::from_toml_str(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(Config::default())
            }
            Err(e) => Err(Error::Io {
                path: path.to_path_buf(),
                action: "read the config file",
                source: e,
            }),
        }
    }

    /// Parses `text` (the file at `path`, for messages) over the defaults.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Config> {
        let err = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let mut base: toml::Value = toml::from_str(DEFAULT_TOML).expect("built-in defaults parse");
        let user: toml::Value = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].lines().count().max(1))
                .unwrap_or(1);
            err(format!("line {line}: {}", e.message()))
        })?;
        let chosen =
            |section: &str, key: &str| user.get(section).and_then(|s| s.get(key)).is_some();
        let content_chosen = chosen("paths", "content");
        let language_chosen = chosen("site", "language");
        merge(&mut base, user);
        let mut config: Config = base
            .try_into()
            .map_err(|e: toml::de::Error| err(e.message().to_string()))?;
        config.paths.content_chosen = content_chosen;
        config.site.language_chosen = language_chosen;
        if config
            .paths
            .site
            .as_ref()
            .is_some_and(|s| s.as_os_str().is_empty())
        {
            config.paths.site = None;
        }
        if let Some(site) = config.paths.site.clone() {
            config.set_site(site);
        }
        config.validate().map_err(err)?;
        Ok(config)
    }

    /// Points at a Hugo site root: its `contentDir` becomes the content
    /// directory (unless one was chosen) and its default language the
    /// language answered in (unless one was chosen).
    pub fn set_site(&mut self, root: PathBuf) {
        if !self.paths.content_chosen {
            self.paths.content = crate::content::site::content_dir(&root);
        }
        if !self.site.language_chosen {
            if let Some(l) = crate::content::site::language(&root) {
                self.site.language = l;
            }
        }
        self.paths.site = Some(root);
    }

    /// Fills what `[clinic]` leaves empty from the site's own facts, then
    /// derives the contact and emergency texts from what is known. Returns
    /// false when no way to reach the clinic is known at all.
    pub fn fill_clinic(&mut self, facts: &crate::content::SiteFacts) -> bool {
        let c = &mut self.clinic;
        let fill = |slot: &mut String, v: &Option<String>| {
            if slot.trim().is_empty() {
                if let Some(v) = v {
                    *slot = v.trim().to_string();
                }
            }
        };
        fill(&mut c.name, &facts.name);
        fill(&mut c.name, &facts.title);
        fill(&mut c.phone, &facts.phone);
        fill(&mut c.site_url, &facts.base_url);
        let known = !c.phone.is_empty() || !c.contact.is_empty();
        let who = if c.name.is_empty() {
            "the clinic".to_string()
        } else {
            c.name.clone()
        };
        if c.contact.trim().is_empty() {
            c.contact = if c.phone.is_empty() {
                format!("Please contact {who} and the team will help.")
            } else {
                format!("Please call us at {} and the team will help.", c.phone)
            };
        }
        if c.emergency.trim().is_empty() {
            let call = if c.phone.is_empty() {
                format!("contact {who}")
            } else {
                format!("call us at {}", c.phone)
            };
            c.emergency = format!("If you have trouble breathing, swallowing or seeing, or the symptoms are severe, call your local emergency number or go to the nearest emergency room now. For anything else urgent after a treatment, {call}.");
        }
        known
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let a = &self.answer;
        if !(0.0..=1.0).contains(&a.answer_threshold) {
            return Err(format!(
                "[answer] answer_threshold = {} must be between 0 and 1",
                a.answer_threshold
            ));
        }
        if !(2..=6).contains(&a.max_options) {
            return Err(format!(
                "[answer] max_options = {} must be 2 to 6",
                a.max_options
            ));
        }
        for f in &self.fields {
            if f.name.trim().is_empty() {
                return Err("a [[fields]] entry has an empty name".into());
            }
        }
        let t = self.urgent.model_threshold;
        if t.is_nan() || t < 0.0 {
            return Err(format!(
                "[urgent] model_threshold = {t} must be 0 to 1 (or above 1 to turn the learned model off)"
            ));
        }
        for r in &self.urgent.rules {
            if r.all.is_empty() || r.all.iter().any(|g| g.is_empty()) {
                return Err(format!(
                    "[[urgent.rules]] '{}' needs non-empty phrase groups in `all`",
                    r.name
                ));
            }
        }
        Ok(())
    }

    /// The canonical field a row name belongs to (by variant or name), if any.
    pub fn canonical_field(&self, row_name: &str) -> Option<&FieldSpec> {
        let n = crate::text::normalize(row_name);
        self.fields.iter().find(|f| {
            crate::text::normalize(&f.name) == n
                || f.variants.iter().any(|v| crate::text::normalize(v) == n)
        })
    }
}

/// Deep merge: tables merge key by key; arrays of named tables merge by `name`;
/// anything else in `over` replaces `base`.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (toml::Value::Array(b), toml::Value::Array(o)) if is_named(b) && is_named(&o) => {
            for item in o {
                let name = item.get("name").cloned();
                match b.iter_mut().find(|x| x.get("name") == name.as_ref()) {
                    Some(slot) => extend_entry(slot, item),
                    None => b.push(item),
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// A clinic's entry for a field or rule that exists adds to it: its lists
/// extend the built-in ones (a new label keeps every built-in phrase), other
/// keys replace.
fn extend_entry(base: &mut toml::Value, over: toml::Value) {
    let (Some(b), toml::Value::Table(o)) = (base.as_table_mut(), over) else {
        return;
    };
    for (k, v) in o {
        match (b.get_mut(&k), v) {
            (Some(toml::Value::Array(list)), toml::Value::Array(more)) => {
                for item in more {
                    if !list.contains(&item) {
                        list.push(item);
                    }
                }
            }
            (_, v) => {
                b.insert(k, v);
            }
        }
    }
}

fn is_named(items: &[toml::Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("name").is_some_and(|n| n.is_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_shapes() {
        let money = ValueShape::Money;
        assert!(money.found_in("From $ 45 per visit"));
        assert!(money.found_in("€90, or 150 dollars with the add-on"));
        assert!(!money.found_in("Save 20% on your second pair"));
        assert!(!money.found_in("Ask us about the $-saving plans"));
        let minutes = ValueShape::Minutes;
        assert!(minutes.found_in("About 30-45 minutes in the chair"));
        assert!(minutes.found_in("Plan on 1 hour"));
        assert!(minutes.found_in("a 60min session"));
        assert!(!minutes.found_in("Results show in 2 weeks"));
    }

    #[test]
    fn defaults_are_neutral() {
        let mut c = Config::default();
        assert!(c.clinic.name.is_empty() && c.clinic.phone.is_empty());
        assert!(!c.fill_clinic(&Default::default()), "nothing known");
        assert_eq!(
            c.clinic.contact,
            "Please contact the clinic and the team will help."
        );
        assert!(c.clinic.emergency.contains("emergency number"));
        let mut c = Config::default();
        let facts = crate::content::SiteFacts {
            name: Some("Bright Smiles".into()),
            phone: Some("555-0100".into()),
            ..Default::default()
        };
        assert!(c.fill_clinic(&facts));
        assert_eq!(c.clinic.name, "Bright Smiles");
        assert!(c.clinic.contact.contains("555-0100"));
        let mut c =
            Config::from_toml_str("[clinic]\nphone = \"1\"\n", Path::new("c.toml")).unwrap();
        c.fill_clinic(&facts);
        assert_eq!(c.clinic.phone, "1", "config wins over site data");
    }

    #[test]
    fn defaults_load() {
        let c = Config::default();
        assert!(c.fields.iter().any(|f| f.name == "Cost"));
        assert!(!c.urgent.rules.is_empty());
        assert_eq!(c.canonical_field("Pricing").unwrap().name, "Cost");
        assert_eq!(
            c.canonical_field("healing time").unwrap().name,
            "Recovery Time"
        );
    }

    #[test]
    fn user_file_overrides_keys_and_merges_fields_by_name() {
        let text = "[clinic]\nphone = \"555\"\n[[fields]]\nname = \"Cost\"\nvariants = [\"Investment\"]\nphrases = [\"how much\"]\n[[fields]]\nname = \"Parking Validation\"\nphrases = [\"validate\"]\n";
        let c = Config::from_toml_str(text, Path::new("c.toml")).unwrap();
        assert_eq!(c.clinic.phone, "555");
        assert_eq!(c.site.language, "en", "other keys keep their defaults");
        assert_eq!(c.canonical_field("Investment").unwrap().name, "Cost");
        assert_eq!(
            c.canonical_field("Pricing").unwrap().name,
            "Cost",
            "a clinic's entry adds to the built-in lists"
        );
        let cost = c.fields.iter().find(|f| f.name == "Cost").unwrap();
        assert!(cost.phrases.iter().any(|p| p == "how much") && cost.phrases.len() > 5);
        assert!(c.fields.iter().any(|f| f.name == "Parking Validation"));
        assert!(c.fields.iter().any(|f| f.name == "Downtime"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = Config::from_toml_str(
            "[answer]\nanswer_threshold = \"high\"\n",
            Path::new("my.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("my.toml"), "{e}");
        let e = Config::from_toml_str("[answer\n", Path::new("my.toml")).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = Config::from_toml_str("[answer]\nanswer_threshold = 3.0\n", Path::new("my.toml"))
            .unwrap_err();
        assert!(e.to_string().contains("answer_threshold"), "{e}");
        let e = Config::from_toml_str("[urgent]\nmodel_threshold = -1.0\n", Path::new("my.toml"))
            .unwrap_err();
        assert!(e.to_string().contains("model_threshold"), "{e}");
    }
}
