//! Text normalisation shared by ingest, indexing and question understanding.
//!
//! Everything that compares a question with page text goes through [`words`] and
//! [`stem`], so a page and a question that mean the same word always meet on the
//! same token, whatever punctuation, case, apostrophes or emoji surround it.

use frostem::{Algorithm, Stemmer};

/// Lower-cases and splits text into alphanumeric words.
///
/// Apostrophes are dropped inside words ("can't" -> "cant", "i'm" -> "im") so
/// that clients who skip them and clients who type them read the same; every
/// other non-alphanumeric character (punctuation, emoji, zero-width and RTL marks)
/// separates words.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan(text, |piece| {
        if let Piece::Word(w) = piece {
            out.push(w);
        }
    });
    out
}

/// What [`scan`] meets in a text: a lower-cased word, or a character that
/// separates words.
enum Piece {
    Word(String),
    Gap(char),
}

/// Walks `text` as [`words`] reads it: each word (apostrophes inside it
/// swallowed), then the separating character after it.
fn scan(text: &str, mut emit: impl FnMut(Piece)) {
    let mut cur = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            cur.extend(ch.to_lowercase());
        } else if matches!(ch, '\'' | '\u{2019}' | '\u{2018}') {
            // swallow apostrophes inside a word
        } else {
            if !cur.is_empty() {
                emit(Piece::Word(std::mem::take(&mut cur)));
            }
            emit(Piece::Gap(ch));
        }
    }
    if !cur.is_empty() {
        emit(Piece::Word(cur));
    }
}

/// The words of `text`, each with the clause it stands in, and for each
/// clause whether it ends in a question mark. A clause ends at `.`, `?`,
/// `!`, `;`, `,` or a line break: "do u do ear candling? my friend swears by
/// it" is two.
pub fn clause_words(text: &str) -> (Vec<(String, usize)>, Vec<bool>) {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut marked = vec![false];
    scan(text, |piece| {
        let this = marked.len() - 1;
        match piece {
            Piece::Word(w) => out.push((w, this)),
            Piece::Gap(ch) => {
                if matches!(ch, '.' | '?' | '!' | ';' | ',' | '\n')
                    && out.last().is_some_and(|w| w.1 == this)
                {
                    marked[this] = ch == '?';
                    marked.push(false);
                }
            }
        }
    });
    // A clause a final "?" opened holds no words.
    if marked.len() > 1 && out.last().is_none_or(|w| w.1 < marked.len() - 1) {
        marked.pop();
    }
    (out, marked)
}

/// The words of `text` joined by single spaces: the form phrase lists are matched in.
pub fn normalize(text: &str) -> String {
    words(text).join(" ")
}

/// English (Porter2) stem of one lower-case word: "sessions" and "session",
/// "swelling" and "swell" meet on one token.
pub fn stem(word: &str) -> String {
    // A site repeats its words thousands of times (every page names its
    // fields, every build and open stems every name): each thread keeps the
    // stems it has made, up to a bound.
    const KEEP: usize = 200_000;
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, String>> =
            Default::default();
    }
    SEEN.with(|seen| {
        if let Some(s) = seen.borrow().get(word) {
            return s.clone();
        }
        let s = Stemmer::new(Algorithm::English).stem(word).into_owned();
        let mut seen = seen.borrow_mut();
        if seen.len() >= KEEP {
            seen.clear();
        }
        seen.insert(word.to_string(), s.clone());
        s
    })
}

/// Stemmed words of `text`.
pub fn stems(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

/// Words that carry no topic on their own: question scaffolding, pronouns,
/// articles. Used to decide which words of a question say what it is about.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

// Sorted for binary search (a unit test checks the order).
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "actually",
    "after",
    "again",
    "ago",
    "all",
    "already",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anybody",
    "anyone",
    "anything",
    "anyway",
    "are",
    "as",
    "at",
    "basically",
    "be",
    "been",
    "before",
    "being",
    "best",
    "bit",
    "boss",
    "bro",
    "brother",
    "btw",
    "but",
    "by",
    "can",
    "carry",
    "could",
    "coworker",
    "curious",
    "currently",
    "dad",
    "day",
    "days",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "dont",
    "each",
    "early",
    "else",
    "even",
    "ever",
    "every",
    "exactly",
    "fast",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "go",
    "goes",
    "going",
    "gonna",
    "got",
    "gotta",
    "guys",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "her",
    "hers",
    "hey",
    "hi",
    "him",
    "his",
    "hmm",
    "honestly",
    "how",
    "husband",
    "i",
    "id",
    "idk",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "it",
    "its",
    "ive",
    "just",
    "kinda",
    "know",
    "later",
    "let",
    "like",
    "literally",
    "little",
    "lmao",
    "lol",
    "long",
    "lot",
    "maybe",
    "me",
    "might",
    "mine",
    "mom",
    "month",
    "months",
    "more",
    "morning",
    "much",
    "mum",
    "must",
    "my",
    "n",
    "need",
    "next",
    "night",
    "no",
    "normally",
    "now",
    "of",
    "offer",
    "offered",
    "ok",
    "okay",
    "omg",
    "on",
    "only",
    "or",
    "our",
    "ours",
    "own",
    "person",
    "please",
    "pls",
    "plz",
    "pretty",
    "probably",
    "provide",
    "question",
    "quick",
    "quickly",
    "r",
    "really",
    "recently",
    "recommend",
    "recommendation",
    "recommended",
    "rn",
    "sell",
    "shall",
    "she",
    "should",
    "since",
    "sis",
    "sister",
    "so",
    "some",
    "someone",
    "soon",
    "sorta",
    "still",
    "stuff",
    "such",
    "suggest",
    "super",
    "tbh",
    "than",
    "thank",
    "thanks",
    "that",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "tho",
    "those",
    "though",
    "thx",
    "to",
    "today",
    "tomorrow",
    "tonight",
    "too",
    "totally",
    "tried",
    "trying",
    "ty",
    "u",
    "um",
    "up",
    "ur",
    "us",
    "usually",
    "very",
    "w",
    "wanna",
    "want",
    "was",
    "we",
    "week",
    "weeks",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "wife",
    "will",
    "with",
    "wonder",
    "wondering",
    "would",
    "y",
    "ya",
    "yall",
    "yeah",
    "year",
    "years",
    "yesterday",
    "you",
    "your",
    "youre",
    "yours",
];

/// The OSA edit distance of `a` and `b` when it is at most `max`, else
/// `None`. Typo correction compares every unknown word with hundreds of
/// vocabulary words and keeps one or two edits: a word whose letters differ
/// from `a`'s by more than `max` edits could make is ruled out by counting
/// letters, without the distance's table and allocations.
pub fn edits_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        // Each edit changes the length by one at most.
        if a.len().abs_diff(b.len()) > max {
            return None;
        }
        // An insertion or deletion changes one letter's count by one, a
        // substitution two counts by one each, a transposition none.
        let mut count = [0i16; 128];
        for &c in a.as_bytes() {
            count[c as usize] += 1;
        }
        for &c in b.as_bytes() {
            count[c as usize] -= 1;
        }
        let off: usize = count.iter().map(|&c| c.unsigned_abs() as usize).sum();
        if off > 2 * max {
            return None;
        }
    }
    let d = strsim::osa_distance(a, b);
    (d <= max).then_some(d)
}

/// The stems of a label outside and inside its parentheses, when it has
/// both ("Under-eyes (tear troughs)"): a label and its second wording.
pub fn paren_parts(label: &str) -> Option<(Vec<String>, Vec<String>)> {
    let (before, rest) = label.split_once('(')?;
    let (inner, after) = rest.split_once(')')?;
    let stems = |t: &str| -> Vec<String> { words(t).iter().map(|w| stem(w)).collect() };
    let mut outer = stems(before);
    outer.extend(stems(after));
    let inner = stems(inner);
    (!outer.is_empty() && !inner.is_empty()).then_some((outer, inner))
}

/// Whether `typed` is `meant` with one slip of the kind hands make: a
/// letter left out ("prce", "sesions"), two letters swapped ("pirce"), a
/// letter doubled ("pricee"), or, in a long word, one letter struck for
/// another ("anesthisia"). A short word one letter off another ("lost" /
/// "last", "hate" / "have") or one with a letter more ("plant" / "plan",
/// "army" / "arm") is most often a different word, not a typo.
pub fn slip(typed: &str, meant: &str) -> bool {
    let t: Vec<char> = typed.chars().collect();
    let m: Vec<char> = meant.chars().collect();
    if t == m {
        return false;
    }
    // The letters both share at the start and at the end.
    let pre = t.iter().zip(&m).take_while(|(a, b)| a == b).count();
    let suf = t[pre..]
        .iter()
        .rev()
        .zip(m[pre..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (tm, mm) = (&t[pre..t.len() - suf], &m[pre..m.len() - suf]);
    match (tm.len(), mm.len()) {
        // Left out.
        (0, 1) => true,
        // Doubled: the extra letter repeats its neighbour.
        (1, 0) => {
            let c = tm[0];
            (pre > 0 && t[pre - 1] == c) || t.get(pre + 1) == Some(&c)
        }
        // Swapped, or struck for another in a long word.
        (2, 2) => tm[0] == mm[1] && tm[1] == mm[0],
        (1, 1) => t.len() >= SLIP_SUBSTITUTE_MIN,
        _ => false,
    }
}

/// Shortest word a one-letter substitution is read as a typo in.
const SLIP_SUBSTITUTE_MIN: usize = 7;

#[cfg(test)]
mod tests {
    #[test]
    fn clauses_end_at_punctuation_and_know_their_question_marks() {
        let (words, marked) = clause_words("do u do ear candling? my friend swears by it");
        let clauses: Vec<usize> = words.iter().map(|w| w.1).collect();
        assert_eq!(clauses, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        assert_eq!(marked, [true, false]);
        let (words, _) = clause_words("hi... there,, you");
        assert_eq!(words.iter().map(|w| w.1).collect::<Vec<_>>(), [0, 1, 2]);
    }

    use super::*;

    #[test]
    fn edits_within_agrees_with_the_distance() {
        let words = [
            "botox",
            "btox",
            "botxo",
            "bottox",
            "filler",
            "filer",
            "fillers",
            "peel",
            "heel",
            "microneedling",
            "microneedlng",
            "café",
            "cafe",
            "a",
            "",
            "lipflip",
            "lip",
        ];
        for a in words {
            for b in words {
                let d = strsim::osa_distance(a, b);
                for max in 0..=3 {
                    assert_eq!(
                        edits_within(a, b, max),
                        (d <= max).then_some(d),
                        "{a} {b} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_label_s_parentheses_are_a_second_wording() {
        let stems = |t: &str| -> Vec<String> { words(t).iter().map(|w| stem(w)).collect() };
        assert_eq!(
            paren_parts("Dissolving filler (hyaluronidase)"),
            Some((stems("dissolving filler"), stems("hyaluronidase")))
        );
        assert_eq!(
            paren_parts("IPL (intense pulsed light) sessions"),
            Some((stems("ipl sessions"), stems("intense pulsed light")))
        );
        assert_eq!(paren_parts("Cost"), None);
        assert_eq!(paren_parts("(note)"), None, "nothing outside");
    }

    #[test]
    fn slips_are_typing_errors_not_other_words() {
        for (typed, meant) in [
            ("prce", "price"),
            ("sesions", "sessions"),
            ("pirce", "price"),
            ("pricee", "price"),
            ("anesthisia", "anesthesia"),
        ] {
            assert!(slip(typed, meant), "{typed} for {meant}");
        }
        for (typed, meant) in [
            ("lost", "last"),
            ("hate", "have"),
            ("plant", "plan"),
            ("army", "arm"),
            ("bread", "break"),
            ("price", "price"),
        ] {
            assert!(!slip(typed, meant), "{typed} is not {meant}");
        }
    }

    #[test]
    fn stopwords_are_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn words_drop_apostrophes_and_split_on_symbols() {
        assert_eq!(
            words("Can't I'm OK?! \u{200b}botox😩"),
            ["cant", "im", "ok", "botox"]
        );
        assert_eq!(
            normalize("  Hot-yoga,  after BOTOX? "),
            "hot yoga after botox"
        );
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("sessions"), stem("session"));
        assert_eq!(stem("swelling"), stem("swell"));
    }
}
