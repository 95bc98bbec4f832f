//! Which of our questions a form row asks.
//!
//! Three ways, most trusted first: the form profile's explicit mapping (form id → our id),
//! the row's id cell holding one of our question ids, and the similarity of the question
//! texts. Similarity compares content words after spelling out the abbreviations carrier
//! forms use (MFA, SSO, EDR, SCP) and mixes a word-overlap score with strsim's bigram
//! Sørensen–Dice, which forgives inflections the word overlap does not. A score below
//! [`DEFAULT_THRESHOLD`] never fills a cell; a score close under it, or two of our questions
//! scoring alike, sends the row to review naming the candidate.

use std::collections::BTreeSet;

use crate::answers::Answer;

/// The similarity at or above which a row is filled from text alone.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// Below the threshold but at or above this, the row is listed for review with its candidate.
pub const REVIEW_FLOOR: f64 = 0.5;

/// Two candidates closer than this are ambiguous.
const AMBIGUITY_MARGIN: f64 = 0.05;

/// One of our answers that a row may match.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub questionnaire: &'a str,
    pub answer: &'a Answer,
}

/// How a row was matched.
#[derive(Debug, Clone, PartialEq)]
pub enum Matched {
    /// Matched with enough confidence to fill: by `how` (`profile`, `id`, `text`).
    Sure {
        index: usize,
        how: &'static str,
        score: f64,
    },
    /// A candidate below the threshold, or one of several alike: review only.
    Doubtful {
        index: usize,
        score: f64,
        why: String,
    },
    None,
}

/// Matches a row by its id cell or text against every candidate.
pub fn by_id_or_text(
    form_id: &str,
    form_text: &str,
    candidates: &[Candidate<'_>],
    threshold: f64,
) -> Matched {
    let id = form_id.trim();
    if !id.is_empty() {
        if let Some(index) = candidates
            .iter()
            .position(|c| c.answer.question.eq_ignore_ascii_case(id))
        {
            return Matched::Sure {
                index,
                how: "id",
                score: 1.0,
            };
        }
    }
    by_text(form_text, candidates, threshold)
}

fn by_text(form_text: &str, candidates: &[Candidate<'_>], threshold: f64) -> Matched {
    let mut scored: Vec<(usize, f64)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (i, similarity(form_text, &c.answer.text)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(best, score)) = scored.first() else {
        return Matched::None;
    };
    let runner_up = scored.get(1).map(|s| s.1).unwrap_or(0.0);
    if score < REVIEW_FLOOR {
        return Matched::None;
    }
    if score < threshold {
        return Matched::Doubtful {
            index: best,
            score,
            why: format!("similarity {score:.2} is below the threshold {threshold:.2}"),
        };
    }
    if score < 1.0 && score - runner_up < AMBIGUITY_MARGIN {
        return Matched::Doubtful {
            index: best,
            score,
            why: format!("two of our questions match alike ({score:.2} and {runner_up:.2})"),
        };
    }
    Matched::Sure {
        index: best,
        how: "text",
        score,
    }
}

/// How alike two question texts are, from 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (wa, wb) = (content_words(a), content_words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let common = wa.intersection(&wb).count() as f64;
    let words = 2.0 * common / (wa.len() + wb.len()) as f64;
    let joined_a = wa.iter().cloned().collect::<Vec<_>>().join(" ");
    let joined_b = wb.iter().cloned().collect::<Vec<_>>().join(" ");
    let bigrams = strsim::sorensen_dice(&joined_a, &joined_b);
    (words + bigrams) / 2.0
}

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "for", "and", "or", "in", "on", "is", "are", "do", "does", "you",
    "your", "with", "by", "that", "be", "have", "has", "all", "every", "any", "it", "its", "as",
    "at", "from", "this", "than", "rather", "which", "such", "so", "we", "our", "there", "their",
    "they", "been", "was", "were", "if", "please", "i", "e", "g", "eg", "ie", "etc",
];

/// Abbreviations spelled out, so `MFA` and `multi-factor authentication` meet.
const EXPANSIONS: &[(&str, &str)] = &[
    ("mfa", "multi factor authentication"),
    ("2fa", "multi factor authentication"),
    ("multifactor", "multi factor"),
    ("sso", "single sign on"),
    ("edr", "endpoint detection response"),
    ("scp", "service control policy"),
    ("scps", "service control policy"),
    ("iam", "identity access management"),
    ("ir", "incident response"),
];

/// The lower-cased content words of a text, abbreviations expanded, plural `s` dropped.
fn content_words(text: &str) -> BTreeSet<String> {
    let lowered = text.to_lowercase();
    let mut words = BTreeSet::new();
    for raw in lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let expanded = EXPANSIONS
            .iter()
            .find(|(short, _)| *short == raw)
            .map(|(_, long)| *long)
            .unwrap_or(raw);
        for word in expanded.split(' ') {
            if STOPWORDS.contains(&word) {
                continue;
            }
            words.insert(stem(word));
        }
    }
    words
}

fn stem(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(base) if base.len() > 3 && !base.ends_with('s') => base.to_string(),
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_plurals_do_not_hide_a_match() {
        let ours = "Is multi-factor authentication enabled on the root user of every AWS account?";
        let theirs = "Is MFA enabled for the root user on all AWS accounts?";
        assert!(
            similarity(ours, theirs) > 0.9,
            "{}",
            similarity(ours, theirs)
        );
    }

    #[test]
    fn unrelated_questions_score_low() {
        let ours = "Is multi-factor authentication enabled on the root user of every AWS account?";
        let theirs =
            "Do you have a well-documented business continuity plan that is tested annually?";
        assert!(similarity(ours, theirs) < REVIEW_FLOOR);
    }
}
