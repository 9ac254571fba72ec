//! Urgent detection: symptoms that may need care now.
//!
//! Checked before anything else, from the clinic's `[urgent]` rules. A rule
//! fires when each of its phrase groups occurs in the question. A question
//! framed as information ("what signs should I watch for") does not fire,
//! because nothing is happening to the client.

use super::question::{Phrase, Question};
use crate::config::Urgent;

/// Compiled urgent rules.
pub struct UrgentRules {
    rules: Vec<(String, Vec<Vec<Phrase>>)>,
    informational: Vec<Phrase>,
    happening: Vec<Phrase>,
}

impl UrgentRules {
    pub fn new(cfg: &Urgent) -> UrgentRules {
        let compile = |v: &[String]| {
            v.iter()
                .filter_map(|p| Phrase::compile(p))
                .collect::<Vec<_>>()
        };
        UrgentRules {
            rules: cfg
                .rules
                .iter()
                .map(|r| (r.name.clone(), r.all.iter().map(|g| compile(g)).collect()))
                .collect(),
            informational: compile(&cfg.informational),
            happening: compile(&cfg.happening),
        }
    }

    /// The name of the first rule that fires, if any.
    pub fn check(&self, q: &Question) -> Option<&str> {
        if self.informational.iter().any(|p| p.occurs(q))
            && !self.happening.iter().any(|p| p.occurs(q))
        {
            return None;
        }
        self.rules
            .iter()
            .find(|(_, groups)| groups.iter().all(|g| g.iter().any(|p| p.occurs(q))))
            .map(|(name, _)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn check(text: &str) -> Option<String> {
        let c = Config::default();
        UrgentRules::new(&c.urgent)
            .check(&Question::new(text, &Default::default()))
            .map(str::to_string)
    }

    #[test]
    fn symptoms_happening_now_are_urgent() {
        assert!(check("I can't breathe and my throat feels tight").is_some());
        assert!(check("my lip turned white after filler").is_some());
        assert!(check("my calf is swollen and very painful since my vein treatment").is_some());
    }

    #[test]
    fn listed_side_effects_and_information_are_not() {
        assert!(check("how long will my lips be swollen").is_none());
        assert!(check("is some bruising normal after filler").is_none());
        assert!(check("what are the warning signs of a blocked vessel, should i call").is_none());
        assert!(check("will whitening work on grey teeth").is_none());
        assert!(check("can filler cause my lip to turn white").is_none());
        assert!(check("can botox cause trouble breathing? i cant breathe right now").is_some());
    }
}
