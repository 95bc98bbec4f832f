//! Form profiles: a small YAML file saying where a form's questions are and which of ours
//! each one is, for forms detection cannot read alone or where a human wants the mapping
//! pinned.
//!
//! ```yaml
//! form: HECVAT 4.1.4             # a label, optional
//! sheets:
//!   - sheet: Infrastructure
//!     header_row: 21             # optional, as the spreadsheet numbers rows
//!     rows: 22-68                # optional: only these rows
//!     columns: {id: A, question: B, answer: C, comments: D}   # optional: detection fills gaps
//!     questions:                 # form question id (or row number) -> our question id
//!       HFIH-01: incident-response-plan
//!       DCTR-14: cyber-renewal-aws/remote-access-mfa
//! ```
//!
//! With a profile, only its sheets are read and only the rows its mapping names are filled;
//! every other row is listed as not matched. Loading follows the questionnaire loader: parse
//! with positions, then validate everything, so one run reports every problem as
//! `file:line:column` (an unknown sheet, an unknown question id, a bad column letter).

use std::path::Path;

use marked_yaml::Node;

use super::cells::parse_column;
use crate::questionnaire::diag::{Diag, LoadError};
use crate::questionnaire::yaml::{self, Fields, Top};

/// A validated form profile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub sheets: Vec<ProfileSheet>,
}

/// Where one sheet's questions are, and what they map to. Rows and columns are 0-based.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileSheet {
    pub sheet: String,
    pub header_row: Option<u32>,
    pub rows: Option<(u32, u32)>,
    pub id_col: Option<u32>,
    pub question_col: Option<u32>,
    pub answer_col: Option<u32>,
    pub comment_col: Option<u32>,
    /// Form question id (or 1-based row number as text) → `(questionnaire id, question id)`.
    pub questions: Vec<(String, (String, String))>,
}

/// Our questions a profile may name: `(questionnaire id, question id)`.
pub type Known<'a> = [(&'a str, &'a str)];

/// Loads a profile, checking sheet names against the form and question ids against the
/// loaded questionnaires.
pub fn load(path: &Path, sheets: &[&str], known: &Known<'_>) -> Result<Profile, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::file(&name, format!("cannot read the form profile: {e}")))?;
    load_str(&name, &text, sheets, known)
}

/// [`load`] from text; `file` names it in every problem.
pub fn load_str(
    file: &str,
    text: &str,
    sheets: &[&str],
    known: &Known<'_>,
) -> Result<Profile, LoadError> {
    let mut diag = Diag::new(file);
    let mut profile = Profile::default();
    if let Some(root) = yaml::parse(text, Top::Mapping, &mut diag) {
        if let Some(fields) = Fields::open(&root, "form profile", &["form", "sheets"], &mut diag) {
            if let Some(list) = fields.require("sheets", &mut diag) {
                if let Some(list) = yaml::list(list, "sheets", &mut diag) {
                    let ctx = Context { sheets, known };
                    profile.sheets = list
                        .iter()
                        .filter_map(|node| sheet(node, &ctx, &mut diag))
                        .collect();
                }
            }
        }
    }
    diag.finish()?;
    Ok(profile)
}

struct Context<'c, 'k> {
    sheets: &'c [&'c str],
    known: &'c Known<'k>,
}

const SHEET_FIELDS: [&str; 6] = [
    "sheet",
    "header_row",
    "rows",
    "columns",
    "questions",
    "note",
];

fn sheet(node: &Node, ctx: &Context<'_, '_>, diag: &mut Diag) -> Option<ProfileSheet> {
    let fields = Fields::open(node, "sheet entry", &SHEET_FIELDS, diag)?;
    let mut out = ProfileSheet::default();
    if let Some(name_node) = fields.require("sheet", diag) {
        if let Some(name) = yaml::text(name_node, "sheet", diag) {
            if !ctx.sheets.contains(&name.as_str()) {
                let message = format!(
                    "the form has no sheet `{name}`; it has: {}",
                    ctx.sheets.join(", ")
                );
                diag.error(name_node.span(), message);
            }
            out.sheet = name;
        }
    }
    if let Some(node) = fields.get("header_row") {
        out.header_row = row_number(node, "header_row", diag);
    }
    if let Some(node) = fields.get("rows") {
        out.rows = row_range(node, diag);
    }
    if let Some(node) = fields.get("columns") {
        columns(node, &mut out, diag);
    }
    if let Some(node) = fields.get("questions") {
        out.questions = questions(node, ctx, diag);
    }
    Some(out)
}

/// A 1-based row number, returned 0-based.
fn row_number(node: &Node, key: &str, diag: &mut Diag) -> Option<u32> {
    let text = yaml::text(node, key, diag)?;
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Some(n - 1),
        _ => {
            diag.error(
                node.span(),
                format!("`{key}` must be a row number (1, 2, ...)"),
            );
            None
        }
    }
}

/// `22-68`, returned 0-based.
fn row_range(node: &Node, diag: &mut Diag) -> Option<(u32, u32)> {
    let text = yaml::text(node, "rows", diag)?;
    let parsed = text.split_once('-').and_then(|(a, b)| {
        let (a, b) = (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?);
        (a >= 1 && a <= b).then(|| (a - 1, b - 1))
    });
    if parsed.is_none() {
        diag.error(node.span(), "`rows` must be FIRST-LAST, such as 22-68");
    }
    parsed
}

fn columns(node: &Node, out: &mut ProfileSheet, diag: &mut Diag) {
    let known = ["id", "question", "answer", "comments"];
    let Some(fields) = Fields::open(node, "columns", &known, diag) else {
        return;
    };
    let mut letter = |key: &str| {
        let node = fields.get(key)?;
        let text = yaml::text(node, key, diag)?;
        let col = parse_column(&text);
        if col.is_none() {
            diag.error(
                node.span(),
                format!("`{key}` must be a column letter, such as C"),
            );
        }
        col
    };
    out.id_col = letter("id");
    out.question_col = letter("question");
    out.answer_col = letter("answer");
    out.comment_col = letter("comments");
}

fn questions(
    node: &Node,
    ctx: &Context<'_, '_>,
    diag: &mut Diag,
) -> Vec<(String, (String, String))> {
    let Some(map) = node.as_mapping() else {
        diag.error(
            node.span(),
            "`questions` must map form question ids to our question ids",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in map.iter() {
        let Some(ours) = yaml::text(value, key.as_str(), diag) else {
            continue;
        };
        match resolve(&ours, ctx.known) {
            Ok(found) => out.push((key.as_str().trim().to_string(), found)),
            Err(message) => diag.error(value.span(), message),
        }
    }
    out
}

/// `question` or `questionnaire/question` to the one question it names.
fn resolve(ours: &str, known: &Known<'_>) -> Result<(String, String), String> {
    let (wanted_q, wanted) = match ours.split_once('/') {
        Some((q, id)) => (Some(q), id),
        None => (None, ours),
    };
    let found: Vec<&(&str, &str)> = known
        .iter()
        .filter(|(q, id)| *id == wanted && wanted_q.is_none_or(|w| w == *q))
        .collect();
    match found.as_slice() {
        [(q, id)] => Ok((q.to_string(), id.to_string())),
        [] => Err(unknown_question(ours, known)),
        _ => Err(format!(
            "`{ours}` is in several questionnaires; write it as QUESTIONNAIRE/{wanted}"
        )),
    }
}

fn unknown_question(ours: &str, known: &Known<'_>) -> String {
    let closest = known
        .iter()
        .map(|(_, id)| (strsim::jaro_winkler(ours, id), *id))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.8);
    match closest {
        Some((_, id)) => {
            format!("no loaded questionnaire has a question `{ours}`; did you mean `{id}`?")
        }
        None => format!("no loaded questionnaire has a question `{ours}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [(&str, &str); 2] = [("renewal", "aws-root-mfa"), ("renewal", "email-mfa")];

    #[test]
    fn a_full_profile_loads() {
        let text = "form: X\nsheets:\n  - sheet: Security\n    header_row: 3\n    rows: 4-20\n    \
                    columns: {id: A, answer: D}\n    questions:\n      SEC-1: aws-root-mfa\n      \
                    7: renewal/email-mfa\n";
        let profile = load_str("p.yaml", text, &["Security"], &KNOWN).expect("loads");
        let sheet = &profile.sheets[0];
        assert_eq!(sheet.header_row, Some(2));
        assert_eq!(sheet.rows, Some((3, 19)));
        assert_eq!(
            (sheet.id_col, sheet.answer_col, sheet.question_col),
            (Some(0), Some(3), None)
        );
        assert_eq!(sheet.questions[1].0, "7");
        assert_eq!(sheet.questions[1].1 .1, "email-mfa");
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text = "sheets:\n  - sheet: Nope\n    columns: {answer: 7}\n    questions:\n      \
                    A-1: aws-root-mfe\n";
        let err = load_str("p.yaml", text, &["Security"], &KNOWN).expect_err("bad");
        let shown = err.to_string();
        assert!(
            shown.contains("p.yaml:2:12: the form has no sheet `Nope`"),
            "{shown}"
        );
        assert!(
            shown.contains("p.yaml:3:23: `answer` must be a column letter"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "p.yaml:5:12: no loaded questionnaire has a question \
                                `aws-root-mfe`; did you mean `aws-root-mfa`?"
            ),
            "{shown}"
        );
    }

    #[test]
    fn a_syntax_error_has_line_and_column() {
        let err = load_str("p.yaml", "sheets: [\n", &[], &KNOWN).expect_err("bad");
        assert!(
            err.to_string().starts_with("p.yaml:2:1: YAML syntax error"),
            "{err}"
        );
    }
}
