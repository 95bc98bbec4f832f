//! Saying our answer in the form's own words.
//!
//! A form's dropdown lists the only answers it accepts, and their spelling is the form's:
//! `N/A` or `NA` or `Not Applicable`, `Yes` alone where a blank means No. The literal list
//! entry is written, never our own word. When the list cannot say what we found (an unknown,
//! or partial coverage on a Yes/No list), nothing is written and the row goes to review: a
//! "Yes" with a caveat the reader may not see is a misrepresentation, and the choice between
//! "No" and a blank belongs to the signer.

use serde_json::Value;

use crate::answers::{Answer, AnswerStatus};

/// What the answer cell accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Vocabulary {
    /// No list: any value.
    Free,
    /// The entries of the cell's dropdown, as the form spells them.
    List(Vec<String>),
    /// A dropdown whose entries could not be read, with why.
    Unreadable(String),
}

/// A value to put in a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
}

impl CellValue {
    /// The value as the review list shows it.
    pub fn shown(&self) -> String {
        match self {
            CellValue::Text(t) => t.clone(),
            CellValue::Number(n) => n.to_string(),
        }
    }
}

/// What to do with the answer cell of a matched row.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Write this value.
    Write(CellValue),
    /// Leave the cell blank: a Yes-only list, where a blank means No.
    Blank,
    /// Leave the cell as it is and ask a human, for this reason.
    Review(String),
}

/// The meaning of an answer word, whatever its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Yes,
    No,
    Partial,
    NotApplicable,
}

fn meaning(word: &str) -> Option<Meaning> {
    let key: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match key.as_str() {
        "yes" | "y" | "true" => Some(Meaning::Yes),
        "no" | "n" | "false" => Some(Meaning::No),
        "partial" | "partially" | "partly" | "partiallyimplemented" | "partiallyinplace" => {
            Some(Meaning::Partial)
        }
        "na" | "notapplicable" => Some(Meaning::NotApplicable),
        _ => None,
    }
}

/// Decides what the answer cell gets for one of our answers.
pub fn decide(answer: &Answer, vocabulary: &Vocabulary) -> Decision {
    let Some(value) = &answer.answer else {
        return Decision::Review(blank_reason(answer));
    };
    let partial = answer.status == AnswerStatus::Partial;
    if answer.review && !partial {
        return Decision::Review(format!("our answer needs a human: {}", answer.summary));
    }
    match vocabulary {
        Vocabulary::Unreadable(why) => Decision::Review(format!("dropdown not readable: {why}")),
        Vocabulary::Free => free_cell(value, partial),
        Vocabulary::List(entries) => from_list(value, partial, entries),
    }
}

fn blank_reason(answer: &Answer) -> String {
    match answer.status {
        AnswerStatus::Unanswered => format!("no answer (unanswered): {}", answer.summary),
        _ => format!("unknown: {}", answer.summary),
    }
}

/// A cell without a list takes our answer as it is; partial coverage says "Partial".
fn free_cell(value: &Value, partial: bool) -> Decision {
    if partial {
        return Decision::Write(CellValue::Text("Partial".into()));
    }
    match value {
        Value::Number(n) => n
            .as_f64()
            .map(|n| Decision::Write(CellValue::Number(n)))
            .unwrap_or_else(|| Decision::Write(CellValue::Text(n.to_string()))),
        Value::String(s) => Decision::Write(CellValue::Text(s.clone())),
        other => Decision::Write(CellValue::Text(other.to_string())),
    }
}

fn from_list(value: &Value, partial: bool, entries: &[String]) -> Decision {
    let ours = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let listed = entries.join(", ");
    let find = |m: Meaning| entries.iter().find(|e| meaning(e) == Some(m));

    if partial {
        return match find(Meaning::Partial) {
            Some(entry) => Decision::Write(CellValue::Text(entry.clone())),
            None => Decision::Review(format!(
                "partial coverage, and the form's list ({listed}) has no Partial; ours would be \
                 `{ours}`"
            )),
        };
    }
    if let Some(m) = meaning(&ours) {
        if let Some(entry) = find(m) {
            return Decision::Write(CellValue::Text(entry.clone()));
        }
        if m == Meaning::No && find(Meaning::Yes).is_some() && entries.len() == 1 {
            return Decision::Blank;
        }
    }
    if let Some(entry) = entries
        .iter()
        .find(|e| e.trim().eq_ignore_ascii_case(ours.trim()))
    {
        return Decision::Write(CellValue::Text(entry.clone()));
    }
    Decision::Review(format!("the form's list ({listed}) cannot say `{ours}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Basis;

    fn answer(value: Option<&str>, status: AnswerStatus, review: bool) -> Answer {
        Answer {
            question: "q".into(),
            text: "Is it?".into(),
            section: "s".into(),
            answer_type: "yes_no".into(),
            choices: Vec::new(),
            answer: value.map(|v| Value::String(v.into())),
            status,
            basis: Basis::Automated,
            summary: "why".into(),
            remediation: None,
            review,
            criteria: Vec::new(),
            guidance: None,
            attestation: None,
            evidence: Vec::new(),
        }
    }

    fn list(entries: &[&str]) -> Vocabulary {
        Vocabulary::List(entries.iter().map(|e| e.to_string()).collect())
    }

    fn text(t: &str) -> Decision {
        Decision::Write(CellValue::Text(t.into()))
    }

    #[test]
    fn writes_the_forms_own_spelling() {
        let na = answer(Some("N/A"), AnswerStatus::NotApplicable, false);
        assert_eq!(decide(&na, &list(&["Yes", "No", "NA"])), text("NA"));
        assert_eq!(decide(&na, &list(&["YES", "NO", "N/A"])), text("N/A"));
        let yes = answer(Some("Yes"), AnswerStatus::Pass, false);
        assert_eq!(decide(&yes, &list(&["YES", "NO"])), text("YES"));
    }

    #[test]
    fn a_yes_only_list_leaves_no_blank() {
        let no = answer(Some("No"), AnswerStatus::Fail, false);
        assert_eq!(decide(&no, &list(&["Yes"])), Decision::Blank);
        let yes = answer(Some("Yes"), AnswerStatus::Pass, false);
        assert_eq!(decide(&yes, &list(&["Yes"])), text("Yes"));
    }

    #[test]
    fn unknown_and_partial_on_yes_no_go_to_review() {
        let unknown = answer(None, AnswerStatus::Unknown, true);
        assert!(
            matches!(decide(&unknown, &list(&["Yes", "No"])), Decision::Review(r)
            if r.starts_with("unknown"))
        );
        let partial = answer(Some("No"), AnswerStatus::Partial, true);
        assert!(
            matches!(decide(&partial, &list(&["Yes", "No"])), Decision::Review(r)
            if r.contains("no Partial"))
        );
        assert_eq!(
            decide(&partial, &list(&["Yes", "No", "Partially"])),
            text("Partially")
        );
    }

    #[test]
    fn a_list_without_our_answer_goes_to_review() {
        let na = answer(Some("N/A"), AnswerStatus::NotApplicable, false);
        assert!(matches!(
            decide(&na, &list(&["Yes", "No"])),
            Decision::Review(_)
        ));
        let unreadable = Vocabulary::Unreadable("INDIRECT".into());
        let yes = answer(Some("Yes"), AnswerStatus::Pass, false);
        assert!(matches!(decide(&yes, &unreadable), Decision::Review(_)));
    }

    #[test]
    fn free_cells_take_numbers_as_numbers() {
        let mut n = answer(None, AnswerStatus::Pass, false);
        n.answer = Some(serde_json::json!(8));
        assert_eq!(
            decide(&n, &Vocabulary::Free),
            Decision::Write(CellValue::Number(8.0))
        );
    }
}
