//! Finding the question tables of a sheet without being told where they are.
//!
//! A table starts at a header row: a row holding a short answer-like title (`Answer`,
//! `Response`, `Vendor Answer`) and at least one other recognisable title (question, id,
//! comments) or, failing that, a dropdown under the answer title. Forms differ in everything
//! else, so each remaining column is found from the titles when they say, and from the data
//! when they do not: HECVAT's header row titles only Answer and Additional Information, its
//! ids sit under a section name in column A and its question text arrives through formulas.
//! A table runs to the next header row, an `End Table Data` marker, or a long blank stretch.
//! Rows that are section banners (a merge across the answer column) or have no question text
//! are not questions.
//!
//! Cells holding formulas are never written: on HECVAT the general-information answers of
//! most tabs are formulas copying START HERE, and overwriting them would break the form.

use super::cells::Pos;
use super::sheet::Sheet;

/// How far below a header row data rows are sampled to infer unnamed columns.
const SAMPLE_ROWS: u32 = 40;

/// Blank rows in a row that end a table which has no other end.
const BLANK_RUN_ENDS_TABLE: u32 = 5;

/// A header cell longer than this is an instruction sentence, not a column title.
const MAX_TITLE_LEN: usize = 40;

/// Question text is at least this long (median); shorter is an id or a label column.
const MIN_QUESTION_LEN: usize = 12;

/// HECVAT ends each section block with this text in column G (the row is the block's last).
const END_MARKER: &str = "end table data";

/// One question table of a sheet. Rows and columns are 0-based.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header_row: Option<u32>,
    pub id_col: Option<u32>,
    pub question_col: u32,
    pub answer_col: u32,
    pub comment_col: Option<u32>,
    /// The rows holding questions, in order.
    pub rows: Vec<u32>,
}

/// What a column title says the column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Id,
    Question,
    Answer,
    Comments,
    /// A column for the form's owner (analyst notes, reviewer comments): never ours.
    Theirs,
}

fn role(title: &str) -> Option<Role> {
    let t = title
        .trim()
        .trim_end_matches([':', '*'])
        .trim()
        .to_lowercase();
    if t.is_empty() || t.chars().count() > MAX_TITLE_LEN {
        return None;
    }
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if [
        "analyst", "reviewer", "assessor", "auditor", "internal", "score",
    ]
    .iter()
    .any(|w| has(w))
    {
        return Some(Role::Theirs);
    }
    let id_like = ["#", "id", "ref", "no", "number", "qid", "item"];
    if words.len() <= 3 && words.last().is_some_and(|w| id_like.contains(w)) {
        return Some(Role::Id);
    }
    if ["answer", "answers", "response", "responses", "reply"]
        .iter()
        .any(|w| has(w))
    {
        return Some(Role::Answer);
    }
    if [
        "question",
        "questions",
        "control",
        "requirement",
        "request",
        "query",
    ]
    .iter()
    .any(|w| has(w))
    {
        return Some(Role::Question);
    }
    let comment_words = [
        "comment",
        "comments",
        "notes",
        "note",
        "explanation",
        "additional",
        "evidence",
        "remarks",
        "justification",
        "details",
        "supporting",
        "explain",
    ];
    if comment_words.iter().any(|w| has(w)) {
        return Some(Role::Comments);
    }
    None
}

/// Every question table of the sheet, top to bottom.
pub fn detect(sheet: &Sheet) -> Vec<Table> {
    let Some((last_row, last_col)) = sheet.end() else {
        return Vec::new();
    };
    let headers: Vec<(u32, Vec<(u32, Role)>)> = (0..=last_row)
        .filter_map(|row| header_roles(sheet, row, last_col).map(|roles| (row, roles)))
        .collect();

    let mut tables = Vec::new();
    for (index, (row, roles)) in headers.iter().enumerate() {
        let limit = headers
            .get(index + 1)
            .map(|(next, _)| next - 1)
            .unwrap_or(last_row);
        if let Some(table) = build(sheet, *row, roles, limit, last_col) {
            tracing::debug!(
                "sheet `{}`: table at row {} (question {}, answer {}), {} question rows",
                sheet.name,
                row + 1,
                table.question_col,
                table.answer_col,
                table.rows.len()
            );
            tables.push(table);
        }
    }
    tables
}

/// The titled columns of a header row, when it is one.
fn header_roles(sheet: &Sheet, row: u32, last_col: u32) -> Option<Vec<(u32, Role)>> {
    let roles: Vec<(u32, Role)> = (0..=last_col)
        .filter(|&col| {
            sheet
                .merge_at((row, col))
                .is_none_or(|m| m.start == (row, col))
        })
        .filter_map(|col| role(&sheet.raw_text((row, col))).map(|r| (col, r)))
        .collect();
    let answers: Vec<u32> = roles
        .iter()
        .filter(|(_, r)| *r == Role::Answer)
        .map(|(c, _)| *c)
        .collect();
    if answers.is_empty() {
        return None;
    }
    let others = roles
        .iter()
        .any(|(_, r)| matches!(r, Role::Id | Role::Question | Role::Comments));
    let dropdown_below = answers.iter().any(|&col| {
        (row + 1..=row + 3).any(|r| {
            sheet
                .validation_at((r, col))
                .is_some_and(|v| v.list.is_some())
        })
    });
    (others || dropdown_below).then_some(roles)
}

/// Builds the table under a header row, inferring the columns its titles do not name.
fn build(
    sheet: &Sheet,
    header: u32,
    roles: &[(u32, Role)],
    limit: u32,
    last_col: u32,
) -> Option<Table> {
    let titled = |wanted: Role| -> Vec<u32> {
        roles
            .iter()
            .filter(|(_, r)| *r == wanted)
            .map(|(c, _)| *c)
            .collect()
    };
    let sample: Vec<u32> = (header + 1..=limit.min(header + SAMPLE_ROWS)).collect();
    let answer_col = pick_answer(sheet, &titled(Role::Answer), &sample)?;
    let comment_col = titled(Role::Comments)
        .into_iter()
        .filter(|&c| c != answer_col)
        .find(|&c| !mostly_formulas(sheet, c, &sample));
    // A title is not enough: HECVAT's section name (" Required Questions") sits above the
    // id column. Question text is long; ids are not.
    let (questions, not_questions): (Vec<u32>, Vec<u32>) = titled(Role::Question)
        .into_iter()
        .partition(|&col| median_length(sheet, col, &sample) >= MIN_QUESTION_LEN);
    let taken: Vec<u32> = roles
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !not_questions.contains(c))
        .collect();
    let question_col = questions
        .first()
        .copied()
        .or_else(|| infer_question(sheet, &sample, &taken, answer_col))
        .or_else(|| infer_question(sheet, &sample, &taken, last_col + 1))?;
    let id_col = titled(Role::Id)
        .first()
        .copied()
        .or_else(|| infer_id(sheet, &sample, question_col, &taken));

    let mut table = Table {
        header_row: Some(header),
        id_col,
        question_col,
        answer_col,
        comment_col,
        rows: Vec::new(),
    };
    table.rows = question_rows(sheet, &table, header + 1, limit, last_col);
    (!table.rows.is_empty()).then_some(table)
}

/// The answer column: the titled one whose cells carry a dropdown, else the first whose cells
/// are not formulas.
fn pick_answer(sheet: &Sheet, titled: &[u32], sample: &[u32]) -> Option<u32> {
    let with_list = titled.iter().copied().find(|&col| {
        sample.iter().any(|&row| {
            sheet
                .validation_at((row, col))
                .is_some_and(|v| v.list.is_some())
        })
    });
    with_list.or_else(|| {
        titled
            .iter()
            .copied()
            .find(|&col| !mostly_formulas(sheet, col, sample))
    })
}

/// The median length of the non-empty texts of a column over some rows (a median, so a
/// footnote under the last table does not pass an id column for a question column).
fn median_length(sheet: &Sheet, col: u32, rows: &[u32]) -> usize {
    let mut lengths: Vec<usize> = rows
        .iter()
        .map(|&row| sheet.text((row, col)).chars().count())
        .filter(|&n| n > 0)
        .collect();
    lengths.sort_unstable();
    lengths.get(lengths.len() / 2).copied().unwrap_or(0)
}

fn mostly_formulas(sheet: &Sheet, col: u32, rows: &[u32]) -> bool {
    let formulas = rows.iter().filter(|&&r| sheet.is_formula((r, col))).count();
    formulas * 2 > rows.len()
}

/// The untitled column left of `before` with the longest text on average: question text is
/// long, and it comes before its answer (guidance columns to the right can be longer still).
fn infer_question(sheet: &Sheet, sample: &[u32], taken: &[u32], before: u32) -> Option<u32> {
    (0..before)
        .filter(|c| !taken.contains(c))
        .map(|col| {
            let total: usize = sample
                .iter()
                .map(|&row| sheet.raw_text((row, col)).chars().count())
                .sum();
            (col, total)
        })
        .filter(|&(_, total)| total > 0)
        .max_by_key(|&(col, total)| (total, std::cmp::Reverse(col)))
        .map(|(col, _)| col)
}

/// An untitled column left of the question whose cells look like ids (`GNRL-01`, `1.2`,
/// `aws-root-mfa`) on most rows that hold a question.
fn infer_id(sheet: &Sheet, sample: &[u32], question_col: u32, taken: &[u32]) -> Option<u32> {
    let with_text: Vec<u32> = sample
        .iter()
        .copied()
        .filter(|&row| sheet.text((row, question_col)).chars().count() > 3)
        .collect();
    if with_text.is_empty() {
        return None;
    }
    (0..question_col)
        .rev()
        .filter(|c| !taken.contains(c))
        .find(|&col| {
            let ids = with_text
                .iter()
                .filter(|&&row| looks_like_id(&sheet.raw_text((row, col))))
                .count();
            ids * 10 >= with_text.len() * 6
        })
}

fn looks_like_id(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.len() <= 24
        && !t.contains(char::is_whitespace)
        && t.chars()
            .any(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// The rows of the table that hold a question.
fn question_rows(sheet: &Sheet, table: &Table, first: u32, limit: u32, last_col: u32) -> Vec<u32> {
    let mut rows = Vec::new();
    let mut blanks = 0;
    for row in first..=limit {
        let text = sheet.text((row, table.question_col));
        if text.is_empty() {
            blanks += 1;
            if blanks >= BLANK_RUN_ENDS_TABLE && !rows.is_empty() {
                break;
            }
        } else {
            blanks = 0;
            if is_question_row(sheet, table, row, &text) {
                rows.push(row);
            }
        }
        if has_end_marker(sheet, row, last_col) {
            break;
        }
    }
    rows
}

fn is_question_row(sheet: &Sheet, table: &Table, row: u32, text: &str) -> bool {
    let answer: Pos = (row, table.answer_col);
    // A banner merged across the answer column is a section title.
    if sheet.merge_at(answer).is_some_and(|m| m.is_wide()) {
        return false;
    }
    if sheet
        .merge_at((row, table.question_col))
        .is_some_and(|m| m.contains(answer))
    {
        return false;
    }
    match table.id_col {
        Some(col) => !sheet.text((row, col)).is_empty(),
        None => text.chars().count() >= 10,
    }
}

fn has_end_marker(sheet: &Sheet, row: u32, last_col: u32) -> bool {
    (0..=last_col).any(|col| sheet.raw_text((row, col)).trim().to_lowercase() == END_MARKER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_classified() {
        assert_eq!(role("Vendor Answer"), Some(Role::Answer));
        assert_eq!(role("Response*"), Some(Role::Answer));
        assert_eq!(role("Question"), Some(Role::Question));
        assert_eq!(role("Question #"), Some(Role::Id));
        assert_eq!(role("Ref"), Some(Role::Id));
        assert_eq!(role("Additional Information"), Some(Role::Comments));
        assert_eq!(role("Analyst Notes"), Some(Role::Theirs));
        assert_eq!(role("Guidance"), None);
        let sentence = "Please answer every question in this tab before returning the form";
        assert_eq!(role(sentence), None);
    }

    #[test]
    fn ids_look_like_ids() {
        assert!(looks_like_id("GNRL-01"));
        assert!(looks_like_id("1.2"));
        assert!(looks_like_id("7"));
        assert!(!looks_like_id("Company Information"));
        assert!(!looks_like_id(""));
    }
}
