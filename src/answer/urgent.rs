//! Urgent detection: symptoms that may need care now.
//!
//! Checked before anything else, from the clinic's `[urgent]` rules. A rule
//! fires when each of its phrase groups occurs in the question. A question
//! framed as information ("what signs should I watch for") does not fire,
//! because nothing is happening to the client.

use super::question::{Phrase, PhraseIndex, Question};
use super::urgent_model::{features, UrgentModel};
use crate::config::Urgent;
use std::borrow::Cow;

/// Compiled urgent rules.
pub struct UrgentRules {
    /// Each rule's groups, as positions in `phrases`.
    rules: Vec<(String, Vec<Vec<usize>>)>,
    /// Every phrase of every rule, looked up by first word: a question meets
    /// only the phrases that start with one of its words.
    phrases: Vec<Phrase>,
    index: PhraseIndex,
    informational: Vec<Phrase>,
    happening: Vec<Phrase>,
    /// The learned second opinion, and the probability it must reach.
    model: UrgentModel,
    threshold: f32,
}

impl UrgentRules {
    pub fn new(cfg: &Urgent) -> UrgentRules {
        let compile = |v: &[String]| {
            v.iter()
                .filter_map(|p| Phrase::compile(p))
                .collect::<Vec<_>>()
        };
        let mut phrases = Vec::new();
        let rules = cfg
            .rules
            .iter()
            .map(|r| {
                let groups = r
                    .all
                    .iter()
                    .map(|g| {
                        compile(g)
                            .into_iter()
                            .map(|p| {
                                phrases.push(p);
                                phrases.len() - 1
                            })
                            .collect()
                    })
                    .collect();
                (r.name.clone(), groups)
            })
            .collect();
        UrgentRules {
            rules,
            index: PhraseIndex::new(&phrases),
            phrases,
            informational: compile(&cfg.informational),
            happening: compile(&cfg.happening),
            model: if cfg.model_threshold <= 1.0 {
                UrgentModel::shipped()
            } else {
                UrgentModel::default()
            },
            threshold: cfg.model_threshold,
        }
    }

    /// Why the question is urgent, if it is: the name of the first rule
    /// that fires, else the learned model's verdict when it is sure enough.
    pub fn check(&self, q: &Question) -> Option<Cow<'_, str>> {
        if let Some(rule) = self.rule(q) {
            return Some(Cow::Owned(format!("rule '{rule}' fired")));
        }
        if self.model.is_empty() {
            return None;
        }
        let p = self
            .model
            .probability(&features(q.toks.iter().map(|t| t.stem.as_str())));
        (p >= self.threshold).then(|| Cow::Owned(format!("the learned model (probability {p:.2})")))
    }

    /// The name of the first rule that fires, if any.
    fn rule(&self, q: &Question) -> Option<&str> {
        if self.calm(q) {
            return None;
        }
        let mut hit = vec![false; self.phrases.len()];
        for (p, start) in self.index.starts(q) {
            if !hit[p] && affirmed_at(&self.phrases[p], q, start) {
                hit[p] = true;
            }
        }
        self.rules
            .iter()
            .find(|(_, groups)| groups.iter().all(|g| g.iter().any(|&p| hit[p])))
            .map(|(name, _)| name.as_str())
    }

    /// Whether the question is framed as information or history and says
    /// nothing is happening now. A "now" inside a calm phrase ("it's gone
    /// now") does not count as happening; a happening phrase that reaches
    /// past one ("in the past hour") does.
    fn calm(&self, q: &Question) -> bool {
        let calm: Vec<usize> = self
            .informational
            .iter()
            .flat_map(|p| (0..q.toks.len()).filter_map(|s| p.match_from(q, s)))
            .flatten()
            .collect();
        if calm.is_empty() {
            return false;
        }
        !self.happening.iter().any(|p| {
            (0..q.toks.len())
                .filter_map(|s| p.match_from(q, s))
                .any(|at| at.iter().any(|i| !calm.contains(i)))
        })
    }
}

/// Words that deny what follows them ("no fever", "not bleeding").
const NEGATIONS: &[&str] = &[
    "no", "not", "without", "never", "nor", "dont", "didnt", "isnt", "wasnt", "arent", "havent",
    "hasnt",
];

/// How far back past an "or" a negation still reaches: "no pauses or
/// gasping", "no fever, swelling or pain".
const NEGATION_REACH: usize = 4;

/// Whether `p` occurs in `q` at word `start`, not denied: "no fever tho"
/// does not say there is a fever, and neither does "no swelling or pain" say
/// there is pain.
fn affirmed_at(p: &Phrase, q: &Question, start: usize) -> bool {
    p.match_from(q, start).is_some() && !denied(q, start)
}

/// Whether word `at` follows a negation, directly or as a later item of a
/// denied list ("no pauses or gasping"). A "but" ends the list.
fn denied(q: &Question, at: usize) -> bool {
    let word = |i: usize| q.toks[i].word.as_str();
    if at == 0 {
        return false;
    }
    if NEGATIONS.contains(&word(at - 1)) {
        return true;
    }
    if !matches!(word(at - 1), "or" | "nor") {
        return false;
    }
    (at.saturating_sub(1 + NEGATION_REACH)..at - 1)
        .rev()
        .take_while(|&i| word(i) != "but")
        .any(|i| NEGATIONS.contains(&word(i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn check(text: &str) -> Option<String> {
        let c = Config::default();
        UrgentRules::new(&c.urgent)
            .rule(&Question::new(text, &Default::default()))
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
        assert!(check("it feels warm and puffy, no fever tho").is_none());
        assert!(check("he snores a bit, no pauses or gasping").is_none());
        assert!(check("no fever but gasping for air").is_some());
    }

    /// A happening phrase that reaches past a calm one ("in the past hour"
    /// past "in the past") says it is happening; one inside it does not.
    #[test]
    fn happening_beyond_a_calm_phrase_counts() {
        assert!(check("lost my hearing in the past hour, it is sudden").is_some());
        assert!(check("lost my hearing suddenly in the past, it went away").is_none());
    }

    #[test]
    fn general_red_flags_for_any_clinic() {
        for q in [
            "my left arm and face just went numb and my words are coming out weird",
            "back pain for days and now i cant feel when i pee and my inner thighs are numb",
            "he hit his head at practice and has thrown up twice and seems confused",
            "fell down the stairs and i cant put any weight on my ankle",
            "im 30 weeks pregnant and bleeding a little",
            "the extraction site has been bleeding for an hour and wont stop",
            "huge blisters after the laser and the skin looks grey",
            "new rash and sores in my mouth since the antibiotic",
            "my jaw swelling is spreading toward my eye",
            "my son knocked out his front tooth at hockey",
            "had surgery on my knee monday and it hurts like crazy tonight",
        ] {
            assert!(check(q).is_some(), "{q}");
        }
        for q in [
            "is some soreness normal after dry needling",
            "my baby tooth fell out",
            "a few small blisters after laser, is that normal",
            "i pee a little when i jump, can physio help",
            "my lips are still swollen on day 2",
            "does the surgery hurt a lot",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
    }

    #[test]
    fn eye_and_mouth_red_flags() {
        for q in [
            "oven cleaner splashed in my eye",
            "a tiny metal sliver is stuck in my eye from the drill",
            "suddenly tons of new floaters and a curtain at the edge of my vision",
            "my eye hurts so much and i keep throwing up",
            "got hit in the eye with a baseball and it hurts",
            "my vision in one eye went dim an hour ago",
            "had lip filler this morning and my vision is blurry",
            "fell on the ice and my tooth came out",
            "got punched in the jaw and now my teeth dont line up",
            "still bleeding after the extraction, gone through 5 gauzes",
            "the sore on my heel is turning black at the edges",
            "my fingers went ice cold and kind of blue an hour ago",
        ] {
            assert!(check(q).is_some(), "{q}");
        }
        for q in [
            "my eyes are still blurry after the dilation drops, normal?",
            "does my vision plan cover contacts",
            "got a floater years ago, still there, nothing new",
            "some pink spit the day after my tooth was pulled",
            "my feet smell bad by the end of the day, any tips",
            "do you treat a black toenail from running",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
    }

    #[test]
    fn ear_red_flags() {
        for q in [
            "woke up and cant hear out of my left ear at all",
            "blood is coming out of my ear after the fall",
            "the room keeps spinning and i keep throwing up",
            "a bug crawled in my ear and it hurts",
            "my son pushed a bead in his ear and hes crying",
            "got nail polish remover in my ear",
            "i think my toddler swallowed a hearing aid battery",
        ] {
            assert!(check(q).is_some(), "{q}");
        }
        for q in [
            "i can hear people talking but cant follow conversations",
            "if i ever suddenly lost hearing do you see people same day",
            "i have wax stuck in my ear, can you take it out",
            "the room spins for a few seconds when i roll over in bed",
            "what if my kid swallows a battery",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
    }

    #[test]
    fn self_harm_overdose_unresponsive_and_a_crash_just_now() {
        for q in [
            "i cant sleep for weeks and honestly i want to die",
            "been having thoughts of suicide",
            "i think i took too many of my sleeping pills",
            "my wife wont wake up and her breathing sounds weird",
            "his lips look kind of blue and hes snoring so loud",
            "i just crashed my car, i think i dozed off",
        ] {
            assert!(check(q).is_some(), "{q}");
        }
        for q in [
            "my husband stops breathing at night, does he need a sleep study",
            "car accident last year and my neck still hurts, can physio help",
            "do you treat poison ivy rashes",
            "can stress make insomnia worse",
            "what happens if i take too many melatonin gummies",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
    }

    #[test]
    fn heart_airway_and_medicine_red_flags() {
        for q in [
            "my chest feels tight and heavy like an elephant is sitting on it",
            "heart is pounding and i think im about to pass out",
            "worst headache of my life came out of nowhere",
            "back pain down both legs and now i cant pee",
            "my throat is swelling and my voice sounds croaky",
            "ate a cookie with nuts and my lips are swelling",
            "used my epipen 10 min ago, what now",
            "inhaler isnt helping at all",
            "my toddler got into my pills, not sure how many he ate",
            "accidentally took a double dose of my blood pressure pills",
            "my 3 week old feels hot, temp is 38.4",
            "my baby is breathing fast and sucking in under her ribs",
            "my dad is jerking all over and not responding",
            "her face is drooping on one side and shes talking gibberish",
            "skin is peeling off since i started the new antibiotic",
            "my calf is swollen, red and hot after my flight",
        ] {
            assert!(check(q).is_some(), "{q}");
        }
        for q in [
            "how much is a chest wax",
            "what temperature counts as a fever for a baby",
            "do i need to bring my inhaler to the sleep study",
            "my eyes get puffy from allergies every spring",
            "day 4 after my peel and the skin is coming off in sheets",
            "the hinge on my frames snapped, can you fix it",
            "went to a concert and both ears are ringing and a bit muffled",
            "how many units of kybella do you inject for a double chin",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
    }

    #[test]
    fn history_and_what_ifs_are_calm() {
        for q in [
            "my baby had a fever last week but its gone now",
            "i used to get nosebleeds as a kid, can i still get laser",
            "what should i do if i ever faint after a shot",
            "had chest pain years ago, got checked and it was just reflux",
        ] {
            assert!(check(q).is_none(), "{q}");
        }
        // A "now" outside the calm phrase still says it is happening.
        assert!(check("it went away but now my throat is closing again").is_some());
    }
}
