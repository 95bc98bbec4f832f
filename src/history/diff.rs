//! What changed between two answer sets: per question, improved, regressed, became unknown,
//! newly answered, answer changed, added or removed; and under each, the evidence facts that
//! appeared or disappeared.
//!
//! Questions are keyed on (questionnaire id, question id), which DESIGN.md makes stable. The
//! direction of a change is read from the status, not the answer text: on a `yes_no` question
//! a `fail` and a `partial` outcome both answer "No", yet fail → partial is progress a monthly
//! reader wants to see.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::answers::{Answer, AnswerStatus, Answers};

/// How many moved facts the text and Markdown outputs print per question (JSON has all).
const FACTS_SHOWN: usize = 12;

/// The kind of change of one question, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Regressed,
    BecameUnknown,
    Improved,
    NewlyAnswered,
    /// Same standing, different answer (an admin count of 31 that became 8).
    Changed,
    Added,
    Removed,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Regressed => "regressed",
            ChangeKind::BecameUnknown => "became unknown",
            ChangeKind::Improved => "improved",
            ChangeKind::NewlyAnswered => "newly answered",
            ChangeKind::Changed => "answer changed",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One side of a change: the answer as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// `Yes`, `No`, `31`, or `(blank)` when unknown or unanswered.
    pub answer: String,
    pub status: AnswerStatus,
}

/// One question that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionChange {
    pub questionnaire: String,
    pub question: String,
    pub text: String,
    pub kind: ChangeKind,
    pub old: Option<Side>,
    pub new: Option<Side>,
    /// Evidence statements present now and not before.
    pub facts_added: Vec<String>,
    /// Evidence statements present before and not now.
    pub facts_removed: Vec<String>,
}

/// The changes from one answer set to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// The collection time of each side's snapshot (RFC 3339).
    pub old_collected_at: String,
    pub new_collected_at: String,
    /// Changed questions, regressions first.
    pub changes: Vec<QuestionChange>,
    /// Questions present on both sides with the same answer and status.
    pub unchanged: usize,
}

impl Diff {
    /// Compares `old` with `new`.
    pub fn between(old: &Answers, new: &Answers) -> Self {
        let old_index = index(old);
        let new_index = index(new);
        let mut changes = Vec::new();
        let mut unchanged = 0;
        for (key, n) in &new_index {
            match old_index.iter().find(|(k, _)| k == key) {
                Some((_, o)) => match classify(o, n) {
                    Some(kind) => changes.push(change(&key.0, n, Some(o), Some(n), kind)),
                    None => unchanged += 1,
                },
                None => changes.push(change(&key.0, n, None, Some(n), ChangeKind::Added)),
            }
        }
        for (key, o) in &old_index {
            if !new_index.iter().any(|(k, _)| k == key) {
                changes.push(change(&key.0, o, Some(o), None, ChangeKind::Removed));
            }
        }
        changes.sort_by_key(|c| c.kind);
        Diff {
            old_collected_at: old.snapshot.collected_at.to_rfc3339(),
            new_collected_at: new.snapshot.collected_at.to_rfc3339(),
            changes,
            unchanged,
        }
    }

    /// The changes of one kind.
    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &QuestionChange> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Changes from {} to {}: {} changed, {} unchanged\n",
            self.old_collected_at,
            self.new_collected_at,
            self.changes.len(),
            self.unchanged
        );
        for c in &self.changes {
            let _ = writeln!(
                out,
                "\n{:<15} {}/{}: {}\n                {}",
                c.kind.label().to_uppercase(),
                c.questionnaire,
                c.question,
                c.transition(),
                c.text
            );
            write_facts(&mut out, c, "                ", ["+", "-"]);
        }
        out
    }

    /// Markdown for a chat message or an email.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "### What changed from {} to {}\n\n{} question(s) changed, {} unchanged.\n",
            self.old_collected_at,
            self.new_collected_at,
            self.changes.len(),
            self.unchanged
        );
        for c in &self.changes {
            let _ = writeln!(
                out,
                "\n- **{}** `{}/{}`: {} — {}",
                c.kind.label(),
                c.questionnaire,
                c.question,
                c.transition(),
                c.text
            );
            write_facts(&mut out, c, "  - ", ["added:", "removed:"]);
        }
        out
    }
}

impl QuestionChange {
    /// `No (fail) → No (partial)`.
    pub fn transition(&self) -> String {
        let side = |s: &Option<Side>| match s {
            Some(s) => format!("{} ({})", s.answer, s.status.as_str()),
            None => "(absent)".to_string(),
        };
        format!("{} → {}", side(&self.old), side(&self.new))
    }
}

/// Writes the moved facts of one change, each on a line with `prefix` and its sign.
fn write_facts(out: &mut String, c: &QuestionChange, prefix: &str, signs: [&str; 2]) {
    let lists = [(signs[0], &c.facts_added), (signs[1], &c.facts_removed)];
    for (sign, facts) in lists {
        for f in facts.iter().take(FACTS_SHOWN) {
            let _ = writeln!(out, "{prefix}{sign} {f}");
        }
        if facts.len() > FACTS_SHOWN {
            let more = facts.len() - FACTS_SHOWN;
            let _ = writeln!(out, "{prefix}{sign} … and {more} more");
        }
    }
}

type Key = (String, String);

fn index(answers: &Answers) -> Vec<(Key, &Answer)> {
    answers
        .questionnaires
        .iter()
        .flat_map(|q| {
            q.answers
                .iter()
                .map(move |a| ((q.id.clone(), a.question.clone()), a))
        })
        .collect()
}

/// How good an answer stands: higher is better; `None` when nothing is known.
fn standing(a: &Answer) -> Option<u8> {
    match a.status {
        AnswerStatus::Unknown | AnswerStatus::Unanswered => None,
        AnswerStatus::Pass | AnswerStatus::NotApplicable => Some(3),
        AnswerStatus::Partial => Some(2),
        AnswerStatus::Fail => Some(1),
        AnswerStatus::Attested => match a.answer.as_ref().and_then(|v| v.as_str()) {
            Some("Yes") => Some(3),
            Some("No") => Some(1),
            _ => Some(2),
        },
    }
}

fn classify(old: &Answer, new: &Answer) -> Option<ChangeKind> {
    match (standing(old), standing(new)) {
        (Some(_), None) => Some(ChangeKind::BecameUnknown),
        (None, Some(_)) => Some(ChangeKind::NewlyAnswered),
        (Some(o), Some(n)) if n > o => Some(ChangeKind::Improved),
        (Some(o), Some(n)) if n < o => Some(ChangeKind::Regressed),
        _ if old.answer != new.answer || old.status != new.status => Some(ChangeKind::Changed),
        _ => None,
    }
}

fn side(a: &Answer) -> Side {
    let answer = match &a.answer {
        None => "(blank)".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    Side {
        answer,
        status: a.status,
    }
}

/// One change; `any` is the side that names the question (the new one when both exist).
fn change(
    q: &str,
    any: &Answer,
    old: Option<&Answer>,
    new: Option<&Answer>,
    kind: ChangeKind,
) -> QuestionChange {
    let facts = |a: Option<&Answer>| -> BTreeSet<String> {
        a.iter()
            .flat_map(|a| &a.evidence)
            .flat_map(|e| &e.facts)
            .map(|f| f.statement.clone())
            .collect()
    };
    let (before, after) = (facts(old), facts(new));
    QuestionChange {
        questionnaire: q.to_string(),
        question: any.question.clone(),
        text: any.text.clone(),
        kind,
        old: old.map(side),
        new: new.map(side),
        facts_added: after.difference(&before).cloned().collect(),
        facts_removed: before.difference(&after).cloned().collect(),
    }
}
