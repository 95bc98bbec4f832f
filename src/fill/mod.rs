//! `evident fill`: answer a carrier's own spreadsheet in place.
//!
//! The answers come from the same pipeline as `evident report` ([`crate::report::load_inputs`]
//! and [`crate::report::build_answers`]). The form is read as it is: [`detect`] finds its
//! question tables, [`matching`] pairs rows with our questions (a profile's mapping, an id,
//! or text similarity above a threshold), [`vocabulary`] says each answer in the words of the
//! cell's dropdown, and [`write`] changes only the answer and comment cells of a copy. Every
//! row ends in one of three lists, printed and written beside the copy as `OUT.review.csv`:
//! filled, left for review (with why), or not matched.
//!
//! Nothing is guessed into a form: an unknown, a partial that the dropdown cannot say, a weak
//! match, a cell that holds a formula or an answer already, all leave the cell as it was and
//! go to review.

mod cells;
mod detect;
mod matching;
mod package;
mod profile;
mod sheet;
mod vocabulary;
mod write;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::answers::{Answer, AnswerStatus, Answers};
use crate::exit;

use cells::{a1, Pos};
use detect::Table;
use matching::{Candidate, Matched};
use package::Package;
use profile::{Profile, ProfileSheet};
use sheet::{Sheet, Workbook};
use vocabulary::{CellValue, Decision, Vocabulary};

pub use matching::DEFAULT_THRESHOLD;

/// What `evident fill` was asked to do.
pub struct FillRequest {
    pub snapshot: PathBuf,
    pub questionnaires: Vec<PathBuf>,
    pub attestations: Option<PathBuf>,
    /// The carrier's form, read only.
    pub form: PathBuf,
    /// The filled copy; `OUT.review.csv` is written beside it.
    pub out: PathBuf,
    /// A form profile: where the questions are and which of ours each one is.
    pub profile: Option<PathBuf>,
}

/// Why a fill could not be done.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    #[error("{}: cannot read the form: {source}", path.display())]
    ReadForm {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    BadForm { path: PathBuf, reason: String },
    #[error("--out {} is the form itself; write the filled copy to another file", path.display())]
    OutIsForm { path: PathBuf },
    #[error("--out {}: {reason}", path.display())]
    BadOut { path: PathBuf, reason: String },
    #[error("writing {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
}

impl FillError {
    /// Bad input (the form, the flags) is exit 2; a failed write is exit 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            FillError::Write { .. } => exit::FAILED,
            _ => exit::BAD_INPUT,
        }
    }
}

/// Where a form row ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Filled,
    Review,
    NotMatched,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Filled => "filled",
            RowStatus::Review => "review",
            RowStatus::NotMatched => "not_matched",
        }
    }
}

/// One question row of the form and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    pub sheet: String,
    /// The answer cell, such as `C22`.
    pub cell: String,
    pub form_id: String,
    pub form_question: String,
    pub status: RowStatus,
    /// `questionnaire/question` of the matched question.
    pub question: String,
    /// How it matched: `profile`, `id` or `text`.
    pub matched_by: String,
    pub confidence: Option<f64>,
    /// What the answer cell now holds (blank on a Yes-only list means No).
    pub written: String,
    /// Why the row needs review, or a note on a filled row.
    pub reason: String,
}

/// Everything one fill did.
#[derive(Debug, Clone, Default)]
pub struct FillReport {
    pub rows: Vec<RowResult>,
    /// Our questions no form row matched, as `questionnaire/question`.
    pub unasked: Vec<String>,
    /// The review list written beside the copy.
    pub review_csv: PathBuf,
}

impl FillReport {
    pub fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}

/// Runs the whole fill: load, answer, match, write the copy and the review list.
pub fn run(request: &FillRequest) -> anyhow::Result<FillReport> {
    check_out(request)?;
    let inputs = crate::report::load_inputs(
        &request.snapshot,
        &request.questionnaires,
        request.attestations.as_deref(),
    )?;
    let answers = crate::report::build_answers(
        &inputs.snapshot,
        &inputs.questionnaires,
        &inputs.attestations,
    );
    let package = Package::open(&request.form)?;
    let workbook = Workbook::read(&package)?;
    let profile = match &request.profile {
        Some(path) => Some(load_profile(path, &workbook, &answers)?),
        None => None,
    };

    let plan = plan(&workbook, &answers, profile.as_ref());
    write::save(&package, &plan.edits, &request.out)?;
    let review_csv = review_path(&request.out);
    write_review_csv(&plan.rows, &review_csv)?;
    Ok(FillReport {
        unasked: unasked(&answers, &plan.rows),
        rows: plan.rows,
        review_csv,
    })
}

/// `--out` must be a new file or an earlier fill's copy (with its `OUT.review.csv` beside it):
/// never the form itself, a directory, or some other file that would be lost.
fn check_out(request: &FillRequest) -> Result<(), FillError> {
    let out = &request.out;
    let same = match (request.form.canonicalize(), out.canonicalize()) {
        (Ok(form), Ok(out)) => form == out,
        _ => false,
    };
    if same {
        return Err(FillError::OutIsForm { path: out.clone() });
    }
    let refuse = |reason: &str| FillError::BadOut {
        path: out.clone(),
        reason: reason.to_string(),
    };
    if out.is_dir() {
        return Err(refuse("is a directory; give the path of the filled copy"));
    }
    if out.exists() && !review_path(out).exists() {
        return Err(refuse(
            "exists and is not an earlier filled copy (no .review.csv beside it); remove it or \
             write elsewhere",
        ));
    }
    Ok(())
}

fn load_profile(path: &Path, workbook: &Workbook, answers: &Answers) -> anyhow::Result<Profile> {
    let sheets: Vec<&str> = workbook.sheets.iter().map(|s| s.name.as_str()).collect();
    let known: Vec<(&str, &str)> = answers
        .questionnaires
        .iter()
        .flat_map(|q| {
            q.answers
                .iter()
                .map(move |a| (q.id.as_str(), a.question.as_str()))
        })
        .collect();
    Ok(profile::load(path, &sheets, &known)?)
}

/// `OUT.review.csv` for `OUT.xlsx`.
pub fn review_path(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "filled".into());
    out.with_file_name(format!("{stem}.review.csv"))
}

/// The rows' fates and the cell edits they call for, by sheet part.
struct Plan {
    rows: Vec<RowResult>,
    edits: BTreeMap<String, write::Edits>,
}

/// What the comment cell says about one answer: the summary, and where the evidence is.
fn comment_text(questionnaire: &str, answer: &Answer, answers: &Answers) -> String {
    format!(
        "{} [evident: {questionnaire}/{}; evidence in the packet (report.pdf) from snapshot \
         manifest SHA-256 {}, collected {}]",
        answer.summary,
        answer.question,
        answers.snapshot.manifest_sha256,
        answers.snapshot.collected_at.format("%Y-%m-%d"),
    )
}

fn plan(workbook: &Workbook, answers: &Answers, profile: Option<&Profile>) -> Plan {
    let candidates: Vec<Candidate<'_>> = answers
        .questionnaires
        .iter()
        .flat_map(|q| {
            q.answers.iter().map(move |a| Candidate {
                questionnaire: &q.id,
                answer: a,
            })
        })
        .collect();
    let mut planner = Planner {
        workbook,
        answers,
        candidates: &candidates,
        plan: Plan {
            rows: Vec::new(),
            edits: BTreeMap::new(),
        },
    };
    match profile {
        Some(profile) => {
            for entry in &profile.sheets {
                if let Some(sheet) = workbook.sheet(&entry.sheet) {
                    for table in profile_tables(sheet, entry) {
                        planner.table(sheet, &table, Some(entry));
                    }
                }
            }
        }
        None => {
            for sheet in workbook.sheets.iter() {
                // Hidden sheets hold the form's lookups and master lists, not questions for
                // the respondent; a profile can still name one.
                if sheet.hidden {
                    tracing::info!("sheet `{}` is hidden: not read for questions", sheet.name);
                    continue;
                }
                for table in detect::detect(sheet) {
                    planner.table(sheet, &table, None);
                }
            }
        }
    }
    planner.plan
}

/// The tables of a profiled sheet: detected ones with the profile's columns and rows laid
/// over them, or the profile's alone when it names the question and answer columns.
fn profile_tables(sheet: &Sheet, entry: &ProfileSheet) -> Vec<Table> {
    let in_range = |row: &u32| {
        entry
            .rows
            .is_none_or(|(first, last)| (first..=last).contains(row))
            && entry.header_row.is_none_or(|h| *row > h)
    };
    let mut tables = match (entry.question_col, entry.answer_col) {
        (Some(question_col), Some(answer_col)) => {
            let first = entry.header_row.map(|h| h + 1).unwrap_or(0);
            let last = sheet.end().map(|e| e.0).unwrap_or(0);
            let rows = (first..=last)
                .filter(|&r| !sheet.text((r, question_col)).is_empty())
                .filter(|&r| entry.id_col.is_none_or(|c| !sheet.text((r, c)).is_empty()))
                .collect();
            vec![Table {
                header_row: entry.header_row,
                id_col: entry.id_col,
                question_col,
                answer_col,
                comment_col: entry.comment_col,
                rows,
            }]
        }
        _ => detect::detect(sheet),
    };
    for table in &mut tables {
        table.id_col = entry.id_col.or(table.id_col);
        table.question_col = entry.question_col.unwrap_or(table.question_col);
        table.answer_col = entry.answer_col.unwrap_or(table.answer_col);
        table.comment_col = entry.comment_col.or(table.comment_col);
        table.rows.retain(in_range);
    }
    tables.retain(|t| !t.rows.is_empty());
    tables
}

struct Planner<'a> {
    workbook: &'a Workbook,
    answers: &'a Answers,
    candidates: &'a [Candidate<'a>],
    plan: Plan,
}

impl Planner<'_> {
    fn table(&mut self, sheet: &Sheet, table: &Table, profile: Option<&ProfileSheet>) {
        for &row in &table.rows {
            let result = self.row(sheet, table, row, profile);
            self.plan.rows.push(result);
        }
    }

    fn row(
        &mut self,
        sheet: &Sheet,
        table: &Table,
        row: u32,
        profile: Option<&ProfileSheet>,
    ) -> RowResult {
        let answer_pos = answer_cell(sheet, (row, table.answer_col));
        let form_id = table
            .id_col
            .map(|c| sheet.text((row, c)))
            .unwrap_or_default();
        let mut result = RowResult {
            sheet: sheet.name.clone(),
            cell: a1(answer_pos),
            form_question: sheet.text((row, table.question_col)),
            form_id,
            status: RowStatus::NotMatched,
            question: String::new(),
            matched_by: String::new(),
            confidence: None,
            written: String::new(),
            reason: String::new(),
        };
        let matched = match profile {
            Some(entry) => by_profile(entry, &result.form_id, row, self.candidates),
            None => matching::by_id_or_text(
                &result.form_id,
                &result.form_question,
                self.candidates,
                DEFAULT_THRESHOLD,
            ),
        };
        let (index, how, score) = match matched {
            Matched::None => return result,
            Matched::Doubtful { index, score, why } => {
                let candidate = self.candidates[index];
                result.status = RowStatus::Review;
                result.question = qualified(&candidate);
                result.matched_by = "text".into();
                result.confidence = Some(score);
                result.reason = format!("possible match, not filled: {why}");
                return result;
            }
            Matched::Sure { index, how, score } => (index, how, score),
        };
        let candidate = self.candidates[index];
        result.question = qualified(&candidate);
        result.matched_by = how.into();
        result.confidence = Some(score);
        self.answer_row(sheet, table, row, answer_pos, &candidate, &mut result);
        result
    }

    /// Decides and records the edits of a matched row.
    fn answer_row(
        &mut self,
        sheet: &Sheet,
        table: &Table,
        row: u32,
        pos: Pos,
        candidate: &Candidate<'_>,
        result: &mut RowResult,
    ) {
        result.status = RowStatus::Review;
        if sheet.is_formula(pos) {
            result.reason = "the answer cell holds a formula (the form computes it)".into();
            return;
        }
        let vocabulary = self.vocabulary(sheet, pos);
        let existing = sheet.raw_text(pos).trim().to_string();
        let answer = candidate.answer;
        match vocabulary::decide(answer, &vocabulary) {
            Decision::Review(reason) => result.reason = reason,
            Decision::Write(value) => {
                let shown = value.shown();
                if !existing.is_empty() && existing != shown {
                    result.reason =
                        format!("the form already holds `{existing}`; ours is `{shown}`");
                    return;
                }
                if existing != shown {
                    self.edit(sheet, pos, value);
                }
                result.status = RowStatus::Filled;
                result.written = shown;
            }
            Decision::Blank => {
                if !existing.is_empty() {
                    result.reason = format!(
                        "the form already holds `{existing}`; ours is No, a blank on this \
                         Yes-only list"
                    );
                    return;
                }
                result.status = RowStatus::Filled;
                result.reason = "left blank: the list offers only Yes, a blank means No".into();
            }
        }
        if result.status == RowStatus::Filled {
            if answer.status == AnswerStatus::Partial {
                note(result, "partial coverage: read the comment before sending");
            }
            self.comment(sheet, table, row, candidate, result);
        }
    }

    fn vocabulary(&self, sheet: &Sheet, pos: Pos) -> Vocabulary {
        match sheet.validation_at(pos).and_then(|v| v.list.as_deref()) {
            None => Vocabulary::Free,
            Some(formula) => match self.workbook.list_entries(formula, &sheet.name) {
                Ok(entries) if entries.is_empty() => {
                    Vocabulary::Unreadable(format!("the list `{formula}` is empty"))
                }
                Ok(entries) => Vocabulary::List(entries),
                Err(why) => Vocabulary::Unreadable(why),
            },
        }
    }

    fn comment(
        &mut self,
        sheet: &Sheet,
        table: &Table,
        row: u32,
        candidate: &Candidate<'_>,
        result: &mut RowResult,
    ) {
        let Some(col) = table.comment_col else {
            return;
        };
        let pos = answer_cell(sheet, (row, col));
        let text = comment_text(candidate.questionnaire, candidate.answer, self.answers);
        let existing = sheet.raw_text(pos).trim().to_string();
        if sheet.is_formula(pos) {
            note(
                result,
                &format!("comment cell {} holds a formula: not written", a1(pos)),
            );
        } else if !existing.is_empty() && existing != text {
            note(
                result,
                &format!("comment cell {} already has text: kept", a1(pos)),
            );
        } else if existing.is_empty() {
            self.edit(sheet, pos, CellValue::Text(text));
        }
    }

    fn edit(&mut self, sheet: &Sheet, pos: Pos, value: CellValue) {
        self.plan
            .edits
            .entry(sheet.part.clone())
            .or_default()
            .insert(pos, value);
    }
}

/// The cell to write for `pos`: the first cell of its merged range, when it is in one.
fn answer_cell(sheet: &Sheet, pos: Pos) -> Pos {
    sheet.merge_at(pos).map(|m| m.start).unwrap_or(pos)
}

fn note(result: &mut RowResult, text: &str) {
    if !result.reason.is_empty() {
        result.reason.push_str("; ");
    }
    result.reason.push_str(text);
}

fn qualified(candidate: &Candidate<'_>) -> String {
    format!("{}/{}", candidate.questionnaire, candidate.answer.question)
}

/// The profile's mapping for a row: by its id, or by its row number.
fn by_profile(
    entry: &ProfileSheet,
    form_id: &str,
    row: u32,
    candidates: &[Candidate<'_>],
) -> Matched {
    let row_key = (row + 1).to_string();
    let mapped = entry.questions.iter().find(|(key, _)| {
        (!form_id.is_empty() && key.eq_ignore_ascii_case(form_id)) || *key == row_key
    });
    let Some((_, (questionnaire, question))) = mapped else {
        return Matched::None;
    };
    candidates
        .iter()
        .position(|c| c.questionnaire == questionnaire && &c.answer.question == question)
        .map(|index| Matched::Sure {
            index,
            how: "profile",
            score: 1.0,
        })
        .unwrap_or(Matched::None)
}

fn unasked(answers: &Answers, rows: &[RowResult]) -> Vec<String> {
    answers
        .questionnaires
        .iter()
        .flat_map(|q| {
            q.answers
                .iter()
                .map(move |a| format!("{}/{}", q.id, a.question))
        })
        .filter(|id| {
            !rows
                .iter()
                .any(|r| r.status != RowStatus::NotMatched && &r.question == id)
        })
        .collect()
}

const CSV_HEADER: &str =
    "status,sheet,cell,form_id,form_question,question,matched_by,confidence,written,reason";

/// The review list, one line per form row, in the order of the form.
pub fn review_csv(rows: &[RowResult]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rows {
        let confidence = r.confidence.map(|c| format!("{c:.2}")).unwrap_or_default();
        let fields = [
            r.status.as_str(),
            &r.sheet,
            &r.cell,
            &r.form_id,
            &r.form_question,
            &r.question,
            &r.matched_by,
            &confidence,
            &r.written,
            &r.reason,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn write_review_csv(rows: &[RowResult], path: &Path) -> Result<(), FillError> {
    let write_err = |reason: String| FillError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".evident-review-")
        .tempfile_in(dir)
        .map_err(|e| write_err(e.to_string()))?;
    tmp.write_all(review_csv(rows).as_bytes())
        .map_err(|e| write_err(e.to_string()))?;
    tmp.persist(path)
        .map_err(|e| write_err(e.error.to_string()))?;
    Ok(())
}

/// The report as printed on stdout: counts, then each row filled, for review, not matched.
pub fn print(report: &FillReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "filled {}, review {}, not matched {} (list: {})",
        report.count(RowStatus::Filled),
        report.count(RowStatus::Review),
        report.count(RowStatus::NotMatched),
        report.review_csv.display()
    );
    for status in [RowStatus::Filled, RowStatus::Review, RowStatus::NotMatched] {
        for r in report.rows.iter().filter(|r| r.status == status) {
            let _ = write!(out, "{:<11} {}!{}", status.as_str(), r.sheet, r.cell);
            if !r.form_id.is_empty() {
                let _ = write!(out, " {}", r.form_id);
            }
            if status == RowStatus::NotMatched {
                let _ = writeln!(out, " {}", shorten(&r.form_question, 70));
                continue;
            }
            let _ = write!(out, " -> {} ({})", r.question, r.matched_by);
            if status == RowStatus::Filled {
                let shown = if r.written.is_empty() {
                    "(blank)"
                } else {
                    &r.written
                };
                let _ = write!(out, " wrote {shown}");
            }
            if !r.reason.is_empty() {
                let _ = write!(out, ": {}", r.reason);
            }
            out.push('\n');
        }
    }
    if !report.unasked.is_empty() {
        let _ = writeln!(out, "not in the form: {}", report.unasked.join(", "));
    }
    out
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_list_sits_beside_the_copy() {
        assert_eq!(
            review_path(Path::new("out/filled.xlsx")),
            Path::new("out/filled.review.csv")
        );
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
    }
}
