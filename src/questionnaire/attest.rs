//! Attestations: a human's answers to what no API can show (EDR, training, incident-response
//! plans), with who answered, when, and until when the answer holds.
//!
//! The file is a list of attestations, or a mapping from questionnaire id to such lists when
//! the same question id means different things in two questionnaires. It loads in the same
//! two phases as a questionnaire. Answers are kept as written: whether one fits its question
//! is only known when a questionnaire is answered, and is checked there.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use marked_yaml::Node;

use super::diag::{position, Diag, LoadError};
use super::yaml::{self, Fields, Top};
use crate::answers::AttestationRef;

const FIELDS: &[&str] = &["question", "answer", "by", "date", "expires", "note"];
const DATE_FORMAT: &str = "%Y-%m-%d";

/// One human answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// The questionnaire it is keyed under; `None` applies to any questionnaire.
    pub questionnaire: Option<String>,
    pub question: String,
    /// As written; read against the question's type when answering.
    pub answer: String,
    pub by: String,
    pub date: NaiveDate,
    /// The last day the answer holds.
    pub expires: Option<NaiveDate>,
    pub note: Option<String>,
    /// `file:line:column` of the entry, for warnings.
    pub location: String,
}

impl Attestation {
    /// Whether it no longer holds: it expired before `today`.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|expires| expires < today)
    }

    /// The record that goes into `answers.json`.
    pub fn reference(&self) -> AttestationRef {
        AttestationRef {
            by: self.by.clone(),
            date: self.date.format(DATE_FORMAT).to_string(),
            expires: self.expires.map(|d| d.format(DATE_FORMAT).to_string()),
            note: self.note.clone(),
        }
    }
}

/// Every attestation of one file; empty when the user gave none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attestations {
    entries: Vec<Attestation>,
}

impl Attestations {
    /// Builds a set directly, for callers and tests that make attestations in code.
    pub fn new(entries: Vec<Attestation>) -> Self {
        Attestations { entries }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Attestation> {
        self.entries.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The attestation for a question: one keyed under the questionnaire first, then one
    /// that applies to any questionnaire.
    pub fn find(&self, questionnaire: &str, question: &str) -> Option<&Attestation> {
        let keyed = |a: &&Attestation| a.questionnaire.as_deref() == Some(questionnaire);
        let general = |a: &&Attestation| a.questionnaire.is_none();
        let matches = || self.entries.iter().filter(|a| a.question == question);
        matches().find(keyed).or_else(|| matches().find(general))
    }
}

/// Loads and validates an attestations file.
pub fn load_attestations(path: &Path) -> Result<Attestations, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|err| LoadError::file(&name, format!("cannot read attestations: {err}")))?;
    load_attestations_str(&name, &text)
}

/// Loads and validates attestations text; `file` names it in every problem.
pub fn load_attestations_str(file: &str, text: &str) -> Result<Attestations, LoadError> {
    let mut diag = Diag::new(file);
    let mut entries = Vec::new();
    if let Some(root) = yaml::parse(text, Top::Either, &mut diag) {
        entries = read_root(&root, &mut diag);
    }
    diag.finish()?;
    Ok(Attestations { entries })
}

fn read_root(root: &Node, diag: &mut Diag) -> Vec<Attestation> {
    let mut seen = HashMap::new();
    let mut entries = Vec::new();
    match root {
        Node::Sequence(list) => {
            for item in list.iter() {
                entries.extend(entry(item, None, &mut seen, diag));
            }
        }
        Node::Mapping(map) => {
            for (questionnaire, list) in map.iter() {
                let Some(list) = yaml::list(list, questionnaire.as_str(), diag) else {
                    continue;
                };
                for item in list.iter() {
                    let key = Some(questionnaire.as_str());
                    entries.extend(entry(item, key, &mut seen, diag));
                }
            }
        }
        Node::Scalar(_) => {
            let message = "expected a list of attestations, or a mapping from questionnaire id \
                           to such lists";
            diag.error(root.span(), message);
        }
    }
    entries
}

/// Where each (questionnaire, question) was first attested, for duplicate messages.
type Seen = HashMap<(Option<String>, String), (usize, usize)>;

fn entry(
    node: &Node,
    questionnaire: Option<&str>,
    seen: &mut Seen,
    diag: &mut Diag,
) -> Option<Attestation> {
    let f = Fields::open(node, "attestation", FIELDS, diag)?;
    let question = f.text("question", diag);
    let answer = f.text("answer", diag);
    let by = f.text("by", diag);
    let date = f
        .require("date", diag)
        .and_then(|n| read_date(n, "date", diag));
    let expires = f.get("expires").and_then(|n| read_date(n, "expires", diag));
    let note = f.opt_text("note", diag);

    if let (Some(date), Some(expires), Some(node)) = (date, expires, f.get("expires")) {
        if expires < date {
            diag.error(
                node.span(),
                format!("`expires` ({expires}) is before `date` ({date})"),
            );
        }
    }
    let question = question?;
    let key = (questionnaire.map(str::to_string), question.clone());
    let (line, column) = position(f.span());
    if let Some((first_line, first_column)) = seen.get(&key) {
        let message = format!(
            "question `{question}` is attested twice (first at line {first_line}, column \
             {first_column})"
        );
        diag.error(f.span(), message);
        return None;
    }
    seen.insert(key, (line, column));

    Some(Attestation {
        questionnaire: questionnaire.map(str::to_string),
        question,
        answer: answer?,
        by: by?,
        date: date?,
        expires,
        note,
        location: format!("{}:{line}:{column}", diag.file()),
    })
}

fn read_date(node: &Node, key: &str, diag: &mut Diag) -> Option<NaiveDate> {
    let text = yaml::text(node, key, diag)?;
    let date = NaiveDate::parse_from_str(&text, DATE_FORMAT).ok();
    if date.is_none() {
        diag.error(
            node.span(),
            format!("`{key}` must be a date like 2026-01-31, not `{text}`"),
        );
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYED: &str = "\
soc2-aws:
  - question: edr
    answer: 'No'
    by: CISO
    date: 2026-01-10
- question: edr
";

    #[test]
    fn a_flat_list_loads() {
        let text = "- question: edr\n  answer: 'Yes'\n  by: Jane\n  date: 2026-01-10\n";
        let set = load_attestations_str("a.yaml", text).expect("loads");
        let found = set
            .find("any", "edr")
            .expect("applies to any questionnaire");
        assert_eq!(found.answer, "Yes");
        assert_eq!(found.location, "a.yaml:1:3");
    }

    #[test]
    fn keyed_entries_win_over_general_ones() {
        let text = "\
soc2-aws:
  - {question: edr, answer: 'No', by: CISO, date: 2026-01-10}
cyber-renewal-aws:
  - {question: edr, answer: 'Yes', by: CISO, date: 2026-01-10}
";
        let set = load_attestations_str("a.yaml", text).expect("loads");
        assert_eq!(
            set.find("soc2-aws", "edr").map(|a| a.answer.as_str()),
            Some("No")
        );
        assert_eq!(set.find("other", "edr"), None);
    }

    #[test]
    fn a_mapping_followed_by_a_list_item_is_a_syntax_error() {
        let err = load_attestations_str("a.yaml", KEYED).expect_err("bad YAML");
        assert!(
            err.to_string().starts_with("a.yaml:6:3: YAML syntax error"),
            "{err}"
        );
    }

    #[test]
    fn every_entry_problem_is_reported() {
        let text = "\
- question: edr
  answer: 'Yes'
  by: Jane
  date: 2026-13-01
- question: edr
  answer: 'Yes'
  date: 2026-01-01
  expires: 2025-01-01
  signed: true
";
        let err = load_attestations_str("a.yaml", text).expect_err("bad entries");
        let shown = err.to_string();
        assert!(
            shown.contains("a.yaml:4:9: `date` must be a date like 2026-01-31"),
            "{shown}"
        );
        assert!(
            shown.contains("a.yaml:5:3: missing field `by` in attestation"),
            "{shown}"
        );
        assert!(
            shown.contains("a.yaml:8:12: `expires` (2025-01-01) is before"),
            "{shown}"
        );
        assert!(
            shown.contains("a.yaml:9:3: unknown field `signed`"),
            "{shown}"
        );
        assert!(
            shown.contains("a.yaml:5:3: question `edr` is attested twice"),
            "{shown}"
        );
    }

    #[test]
    fn expiry_is_inclusive() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).expect("valid date");
        let a = Attestation {
            questionnaire: None,
            question: "edr".into(),
            answer: "Yes".into(),
            by: "Jane".into(),
            date: day(1),
            expires: Some(day(10)),
            note: None,
            location: String::new(),
        };
        assert!(!a.is_expired(day(10)));
        assert!(a.is_expired(day(11)));
    }
}
