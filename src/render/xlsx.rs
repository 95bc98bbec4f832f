//! answers.xlsx: one sheet per questionnaire (one row per question), an `Evidence` sheet with
//! every fact behind every answer, and a `Scope` sheet.
//!
//! The workbook is built in code rather than from a template: its layout is a table whose
//! columns are the contract brokers paste from, and rust_xlsxwriter writes validations, frozen
//! panes and filters that a template engine could not express. Unknown and unanswered answers
//! are blank cells on a highlighted row, never a guess.

use std::collections::HashSet;
use std::path::Path;

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};
use serde_json::Value;

use super::ReportContext;
use crate::answers::{Answer, AnswerStatus, QuestionnaireAnswers};
use crate::probes::Fact;

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;
/// Excel's limit on the characters in one cell.
const CELL_TEXT_MAX: usize = 32_767;
/// The "not applicable" answer every question type accepts.
const NOT_APPLICABLE: &str = "N/A";
/// Sheet names of the fixed sheets; questionnaire sheets must not take them.
const EVIDENCE_SHEET: &str = "Evidence";
const SCOPE_SHEET: &str = "Scope";

/// The answer sheet's columns: header and width (in Excel character units).
const ANSWER_COLUMNS: [(&str, f64); 9] = [
    ("id", 14.0),
    ("section", 18.0),
    ("question", 48.0),
    ("answer", 10.0),
    ("status", 13.0),
    ("basis", 11.0),
    ("evidence summary", 60.0),
    ("remediation", 42.0),
    ("review", 30.0),
];
const ANSWER_COL: u16 = 3;

const EVIDENCE_COLUMNS: [(&str, f64); 11] = [
    ("questionnaire", 16.0),
    ("question", 14.0),
    ("probe", 26.0),
    ("outcome", 10.0),
    ("statement", 60.0),
    ("service", 13.0),
    ("operation", 26.0),
    ("account", 15.0),
    ("region", 13.0),
    ("collected_at", 22.0),
    ("snapshot file", 22.0),
];

/// The cell formats, made once per workbook.
struct Formats {
    header: Format,
    text: Format,
    review: Format,
    bold: Format,
}

impl Formats {
    fn new() -> Self {
        let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Top),
            review: text.clone().set_background_color(Color::RGB(0xFFF2CC)),
            bold: Format::new().set_bold(),
            text,
        }
    }
}

/// Writes the workbook for `ctx` to `path`.
pub fn write(ctx: &ReportContext, path: &Path) -> Result<(), XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(ctx)?);
    let reserved = [
        EVIDENCE_SHEET,
        SCOPE_SHEET,
        super::roadmap::ROADMAP_SHEET,
        super::trend::TREND_SHEET,
    ];
    let mut taken: HashSet<String> = (reserved.iter()).map(|s| s.to_lowercase()).collect();

    for q in &ctx.answers.questionnaires {
        let sheet = workbook.add_worksheet();
        sheet.set_name(unique_sheet_name(&q.id, &mut taken))?;
        write_answers_sheet(sheet, q, &formats)?;
    }
    write_evidence_sheet(workbook.add_worksheet(), ctx, &formats)?;
    write_scope_sheet(workbook.add_worksheet(), ctx, &formats)?;
    super::roadmap::write_roadmap_sheet(&mut workbook, ctx)?;
    super::trend::write_trend_sheet(&mut workbook, ctx)?;
    workbook.save(path)
}

/// The document properties: the creation time is the answers' generation time rather than
/// the wall clock (rust_xlsxwriter's default), so the same answers give the same bytes.
fn properties(ctx: &ReportContext) -> Result<DocProperties, XlsxError> {
    let t = ctx.answers.generated_at;
    let small = |n: u32| u8::try_from(n).unwrap_or(0);
    let created = ExcelDateTime::from_ymd(
        u16::try_from(t.year()).unwrap_or(1900),
        small(t.month()),
        small(t.day()),
    )?
    .and_hms(small(t.hour()).into(), small(t.minute()), t.second())?;
    Ok(DocProperties::new()
        .set_title("AWS evidence answers")
        .set_creation_datetime(&created))
}

/// A valid, unused sheet name for a questionnaire id: Excel forbids `[]:*?/\`, a leading or
/// trailing apostrophe and more than 31 characters, and compares names case-insensitively.
pub fn unique_sheet_name(id: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        format!("Questionnaire {cleaned}").trim().to_string()
    } else {
        cleaned.to_string()
    };
    let mut name = truncate_chars(&base, SHEET_NAME_MAX);
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!("~{n}");
        name = format!(
            "{}{suffix}",
            truncate_chars(&base, SHEET_NAME_MAX - suffix.len())
        );
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Text for a cell, cut to Excel's per-cell limit with a visible mark.
pub(super) fn cell(text: &str) -> String {
    if text.chars().count() <= CELL_TEXT_MAX {
        return text.to_string();
    }
    let mut cut = truncate_chars(text, CELL_TEXT_MAX - 20);
    cut.push_str(" … (truncated)");
    cut
}

fn write_header(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, (title, width)) in columns.iter().enumerate() {
        let col = col_num(col);
        sheet.write_string_with_format(0, col, *title, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Points per line of wrapped 11-point text, and Excel's tallest row.
const LINE_HEIGHT: f64 = 15.0;
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The height a row needs to show its wrapped cells whole. Spreadsheet programs do not grow a
/// written row to fit wrapped text on their own (LibreOffice keeps one line), so the height is
/// estimated from each cell's length against its column's width, in lines.
pub(super) fn row_height(cells: &[String], widths: &[f64]) -> f64 {
    let lines = (cells.iter().zip(widths))
        .map(|(text, width)| {
            // A column of width w holds about w digit-widths; proportional text fits a little
            // more, so lines are counted against 1.1 w characters.
            let per_line = (width * 1.1).max(1.0);
            (text.split('\n'))
                .map(|para| (para.chars().count() as f64 / per_line).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    (lines * LINE_HEIGHT).min(MAX_ROW_HEIGHT)
}

fn col_num(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn row_num(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn write_answers_sheet(
    sheet: &mut Worksheet,
    q: &QuestionnaireAnswers,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut columns = ANSWER_COLUMNS;
    // The id column fits the longest id (`aws-logs-unreachable-from-workloads`), within reason.
    let longest = q.answers.iter().map(|a| a.question.chars().count()).max();
    columns[0].1 = longest.map_or(columns[0].1, |n| (n as f64 + 2.0).clamp(columns[0].1, 40.0));
    write_header(sheet, &columns, formats)?;
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    for (index, answer) in q.answers.iter().enumerate() {
        let row = row_num(index + 1);
        let format = if answer.review {
            &formats.review
        } else {
            &formats.text
        };
        let cells = answer_row(answer);
        sheet.set_row_height(row, row_height(&cells, &widths))?;
        for (col, text) in cells.iter().enumerate() {
            let col = col_num(col);
            match (col, &answer.answer) {
                (ANSWER_COL, Some(Value::Number(n))) if n.as_f64().is_some() => {
                    sheet.write_number_with_format(row, col, n.as_f64().unwrap_or(0.0), format)?;
                }
                _ if text.is_empty() => {
                    sheet.write_blank(row, col, format)?;
                }
                _ => {
                    sheet.write_string_with_format(row, col, cell(text), format)?;
                }
            }
        }
        if let Some(dropdown) = dropdown(answer)? {
            sheet.add_data_validation(row, ANSWER_COL, row, ANSWER_COL, &dropdown)?;
        }
    }
    let last_row = row_num(q.answers.len());
    sheet.autofilter(0, 0, last_row, col_num(ANSWER_COLUMNS.len() - 1))?;
    Ok(())
}

/// The dropdown for an answer cell, from the question's answer type: the answers the form
/// accepts, so a reviewer filling a blank cell cannot type something else. Numbers and free
/// text get none.
fn dropdown(answer: &Answer) -> Result<Option<DataValidation>, XlsxError> {
    let mut choices: Vec<&str> = match answer.answer_type.as_str() {
        "yes_no" => vec!["Yes", "No"],
        "yes_no_partial" => vec!["Yes", "No", "Partial"],
        "choice" => answer.choices.iter().map(String::as_str).collect(),
        _ => return Ok(None),
    };
    choices.push(NOT_APPLICABLE);
    let message = format!("Choose one of: {}.", choices.join(", "));
    let validation = DataValidation::new()
        .allow_list_strings(&choices)?
        .set_error_title("Answer")?
        .set_error_message(&message)?;
    Ok(Some(validation))
}

/// The cells of one answer row, in [`ANSWER_COLUMNS`] order.
fn answer_row(a: &Answer) -> [String; 9] {
    [
        a.question.clone(),
        a.section.clone(),
        a.text.clone(),
        answer_text(a),
        a.status.as_str().to_string(),
        basis_text(a),
        evidence_summary(a),
        a.remediation.clone().unwrap_or_default(),
        review_text(a),
    ]
}

/// The answer as a cell shows it; blank whenever there is no answer to show.
pub fn answer_text(a: &Answer) -> String {
    match &a.answer {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn basis_text(a: &Answer) -> String {
    serde_json::to_value(a.basis)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The answer's summary, then one line per probe outcome with its fact count, then who
/// attested it, if anyone.
fn evidence_summary(a: &Answer) -> String {
    let mut lines = vec![a.summary.clone()];
    for e in &a.evidence {
        let facts = match e.facts.len() {
            1 => "1 fact".to_string(),
            n => format!("{n} facts"),
        };
        lines.push(format!(
            "{} [{}]: {} ({facts})",
            e.probe, e.outcome, e.summary
        ));
    }
    if let Some(att) = &a.attestation {
        let note = att
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        lines.push(format!("Attested by {} on {}{note}", att.by, att.date));
    }
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

/// Why a row needs a human, or blank.
pub fn review_text(a: &Answer) -> String {
    match a.status {
        AnswerStatus::Unknown => "needs review — evidence missing".to_string(),
        AnswerStatus::Unanswered => "needs review — no attestation".to_string(),
        AnswerStatus::Partial if a.review => "needs review — partial coverage".to_string(),
        _ if a.review => "needs review".to_string(),
        _ => String::new(),
    }
}

fn write_evidence_sheet(
    sheet: &mut Worksheet,
    ctx: &ReportContext,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(EVIDENCE_SHEET)?;
    write_header(sheet, &EVIDENCE_COLUMNS, formats)?;
    let mut row = 0;
    for q in &ctx.answers.questionnaires {
        for a in &q.answers {
            for e in &a.evidence {
                for fact in &e.facts {
                    row += 1;
                    let cells = fact_row(&q.id, &a.question, &e.probe, &e.outcome, fact);
                    write_text_row(sheet, row, &cells, &formats.text)?;
                }
            }
        }
    }
    sheet.autofilter(0, 0, row, col_num(EVIDENCE_COLUMNS.len() - 1))?;
    Ok(())
}

fn fact_row(q: &str, question: &str, probe: &str, outcome: &str, fact: &Fact) -> [String; 11] {
    let source = fact.source.as_ref();
    let field = |f: fn(&crate::snapshot::Provenance) -> String| source.map(f).unwrap_or_default();
    [
        q.to_string(),
        question.to_string(),
        probe.to_string(),
        outcome.to_string(),
        fact.statement.clone(),
        field(|s| s.service.clone()),
        field(|s| s.operation.clone()),
        field(|s| s.account.clone()),
        field(|s| s.region.clone()),
        field(|s| s.collected_at.to_rfc3339()),
        fact.file.clone().unwrap_or_default(),
    ]
}

fn write_text_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String],
    format: &Format,
) -> Result<(), XlsxError> {
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            sheet.write_string_with_format(row, col_num(col), cell(text), format)?;
        }
    }
    Ok(())
}

/// The scope sheet: the collection's facts as label/value rows, then the accounts table
/// (included and excluded), then the collection errors.
fn write_scope_sheet(
    sheet: &mut Worksheet,
    ctx: &ReportContext,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(SCOPE_SHEET)?;
    for (col, width) in [24.0, 34.0, 36.0, 14.0, 24.0, 40.0].into_iter().enumerate() {
        sheet.set_column_width(col_num(col), width)?;
    }
    let s = &ctx.scope;
    let facts = [
        ("Organization", s.organization.clone()),
        (
            "Management account",
            s.management_account.clone().unwrap_or_default(),
        ),
        ("Collected by (caller ARN)", s.caller_arn.clone()),
        ("Collection started", s.collection_started.clone()),
        ("Collection finished", s.collection_finished.clone()),
        ("Tool version", s.tool_version.clone()),
        ("Snapshot manifest SHA-256", s.snapshot_sha256.clone()),
        ("Answers generated", ctx.answers.generated_at.to_rfc3339()),
        ("Regions", s.regions.join(", ")),
    ];
    for (row, (label, value)) in facts.iter().enumerate() {
        sheet.write_string_with_format(row_num(row), 0, *label, &formats.bold)?;
        sheet.write_string(row_num(row), 1, cell(value))?;
    }

    let mut row = row_num(facts.len() + 1);
    let headers = [
        "account",
        "name",
        "OU path",
        "state",
        "in scope",
        "reason excluded",
    ];
    write_table_header(sheet, row, &headers, formats)?;
    let included = s.accounts.iter().map(|a| (a, "included"));
    let excluded = s.excluded_accounts.iter().map(|a| (a, "excluded"));
    for (account, scope) in included.chain(excluded) {
        row += 1;
        let cells = [
            account.id.clone(),
            account.name.clone(),
            account.ou_path.clone(),
            account.state.clone(),
            scope.to_string(),
            account.reason.clone().unwrap_or_default(),
        ];
        write_text_row(sheet, row, &cells, &formats.text)?;
    }

    row += 2;
    sheet.write_string_with_format(row, 0, "Collection errors", &formats.bold)?;
    row += 1;
    let headers = ["account", "region", "operation", "kind", "code", "message"];
    write_table_header(sheet, row, &headers, formats)?;
    for e in &ctx.collection_errors {
        row += 1;
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let cells = [
            e.account.clone(),
            e.region.clone(),
            format!("{}:{}", e.service, e.operation),
            kind,
            e.code.clone(),
            e.message.clone(),
        ];
        write_text_row(sheet, row, &cells, &formats.text)?;
    }
    Ok(())
}

fn write_table_header(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[&str],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, title) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col_num(col), *title, &formats.header)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_grow_to_the_longest_wrapped_cell() {
        let widths = [10.0, 20.0];
        // One line each: the row keeps one line's height.
        assert_eq!(
            row_height(&["short".into(), "also short".into()], &widths),
            15.0
        );
        // 60 characters in a 20-wide column (22 a line) take 3 lines; a newline adds one.
        let long = "x".repeat(60);
        assert_eq!(row_height(&["a".into(), long.clone()], &widths), 45.0);
        assert_eq!(row_height(&["a\nb\nc\nd".into(), long], &widths), 60.0);
        // Never taller than Excel allows.
        assert_eq!(
            row_height(&["y".repeat(10_000), String::new()], &widths),
            409.0
        );
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken: HashSet<String> = ["evidence".to_string()].into();
        assert_eq!(
            unique_sheet_name("coalition:2025/v1", &mut taken),
            "coalition_2025_v1"
        );
        assert_eq!(unique_sheet_name("Evidence", &mut taken), "Evidence~2");
        let long = "a-very-long-questionnaire-identifier-2026";
        assert_eq!(unique_sheet_name(long, &mut taken).chars().count(), 31);
        assert_eq!(
            unique_sheet_name(long, &mut taken),
            "a-very-long-questionnaire-ide~2"
        );
        assert_eq!(unique_sheet_name("'x'", &mut taken), "x");
    }
}
