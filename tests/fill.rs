//! `evident fill` end to end: the real binary fills the real HECVAT 4.1.4 workbook (read in
//! place from `../shared/realdata/questionnaires/`) through a form profile, and workbooks
//! built here with rust_xlsxwriter in other layouts (ids in column A or none, two tables on a
//! sheet, answers on the right, merged section banners, question text from a formula, a
//! Yes-only list, a list on a hidden sheet, `YES`/`NO`/`N/A` and `Y`/`N`/`NA` spellings).
//!
//! The filled copies are read back with calamine, the review list is checked row by row, and
//! the copy is compared with the form part by part: every zip part but the written sheets and
//! the workbook part is the same (HECVAT's: the same compressed bytes), the workbook part
//! differs only by the recalculate-on-open flag, and in the written sheets only the answer and
//! comment cells differ.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn sample(path: &str) -> String {
    format!("{ROOT}/{path}")
}

fn questionnaire() -> String {
    sample("questionnaires/cyber-renewal-aws.yaml")
}

fn evident(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evident"))
        .args(args)
        .output()
        .expect("evident runs")
}

/// Runs `evident fill` and returns its output; `extra` adds flags.
fn fill(snapshot: &str, form: &Path, out: &Path, extra: &[&str]) -> Output {
    let (snapshot, q) = (sample(snapshot), questionnaire());
    let (form, out) = (form.to_string_lossy(), out.to_string_lossy());
    let mut args = vec![
        "fill",
        "--snapshot",
        &snapshot,
        "--questionnaire",
        &q,
        "--form",
        &form,
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    let o = evident(&args);
    assert!(
        o.status.success(),
        "fill failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The review list as `cell → (status, question, written, reason)`, keyed `Sheet!C5`.
fn review(out: &Path) -> BTreeMap<String, [String; 4]> {
    let path = out.with_file_name(format!(
        "{}.review.csv",
        out.file_stem().expect("stem").to_string_lossy()
    ));
    let text = std::fs::read_to_string(&path).expect("review csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "status,sheet,cell,form_id,form_question,question,matched_by,confidence,written,reason"
        )
    );
    lines
        .map(|line| {
            let f = csv_fields(line);
            (
                format!("{}!{}", f[1], f[2]),
                [f[0].clone(), f[5].clone(), f[8].clone(), f[9].clone()],
            )
        })
        .collect()
}

fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("field").push(c),
        }
    }
    fields
}

fn status(rows: &BTreeMap<String, [String; 4]>, cell: &str) -> (String, String, String) {
    let row = rows
        .get(cell)
        .unwrap_or_else(|| panic!("{cell} not in the review list: {rows:#?}"));
    (row[0].clone(), row[1].clone(), row[2].clone())
}

fn reason(rows: &BTreeMap<String, [String; 4]>, cell: &str) -> String {
    rows[cell][3].clone()
}

fn cell(path: &Path, sheet: &str, a1: &str) -> String {
    let mut book: Xlsx<_> = open_workbook(path).expect("opens");
    let range = book.worksheet_range(sheet).expect("sheet");
    let (row, col) = parse_a1(a1);
    match range.get_value((row, col)) {
        None | Some(Data::Empty) => String::new(),
        Some(Data::Float(f)) => f.to_string(),
        Some(other) => other.to_string(),
    }
}

fn parse_a1(a1: &str) -> (u32, u32) {
    let split = a1.find(|c: char| c.is_ascii_digit()).expect("digits");
    let col = a1[..split]
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    (a1[split..].parse::<u32>().expect("row") - 1, col)
}

/// Every zip part: name → (raw compressed bytes, uncompressed bytes).
fn parts(path: &Path) -> BTreeMap<String, (Vec<u8>, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("reads");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("zip");
    let mut raw_zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("inflates");
        let mut raw_entry = raw_zip.by_index_raw(i).expect("entry");
        let mut raw = Vec::new();
        raw_entry.read_to_end(&mut raw).expect("raw");
        out.insert(entry.name().to_string(), (raw, data));
    }
    out
}

/// A sheet's XML split into its cells (`ref → element`) and the rest, with rows that hold
/// only new cells dropped from the rest.
fn split_cells(xml: &str) -> (String, BTreeMap<String, String>) {
    let mut rest = String::new();
    let mut cells = BTreeMap::new();
    let mut at = 0;
    while let Some(found) = xml[at..].find("<c ") {
        let start = at + found;
        rest.push_str(&xml[at..start]);
        let tag_end = start + xml[start..].find('>').expect("tag end");
        let end = if xml.as_bytes()[tag_end - 1] == b'/' {
            tag_end + 1
        } else {
            tag_end + xml[tag_end..].find("</c>").expect("close") + 4
        };
        let element = &xml[start..end];
        let r = element
            .split("r=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("r");
        cells.insert(r.to_string(), element.to_string());
        at = end;
    }
    rest.push_str(&xml[at..]);
    let mut cleaned = String::new();
    let mut text = rest.as_str();
    while let Some(start) = text.find("<row r=\"") {
        let open_end = start + text[start..].find('>').expect("row tag");
        if text[open_end + 1..].starts_with("</row>") && !text[start..open_end].contains(' ') {
            cleaned.push_str(&text[..start]);
            text = &text[open_end + 7..];
        } else {
            cleaned.push_str(&text[..=open_end]);
            text = &text[open_end + 1..];
        }
    }
    cleaned.push_str(text);
    (cleaned, cells)
}

/// Checks that `filled` is `form` with only `changed` cells different, per sheet part.
fn assert_only_cells_changed(
    form: &Path,
    filled: &Path,
    changed: &BTreeMap<&str, BTreeSet<&str>>,
    raw_copies: bool,
) {
    let (before, after) = (parts(form), parts(filled));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same parts"
    );
    for (name, (raw, data)) in &before {
        let (new_raw, new_data) = &after[name];
        if let Some(cells) = changed.get(name.as_str()) {
            let (old_rest, old_cells) = split_cells(&String::from_utf8_lossy(data));
            let (new_rest, new_cells) = split_cells(&String::from_utf8_lossy(new_data));
            assert_eq!(old_rest, new_rest, "{name}: only cells differ");
            let refs: BTreeSet<&String> = old_cells.keys().chain(new_cells.keys()).collect();
            let differ: BTreeSet<&str> = refs
                .into_iter()
                .filter(|r| old_cells.get(*r) != new_cells.get(*r))
                .map(|r| r.as_str())
                .collect();
            assert_eq!(&differ, cells, "{name}: the cells that differ");
        } else if name == "xl/workbook.xml" {
            let new_text = String::from_utf8_lossy(new_data).replace(" fullCalcOnLoad=\"1\"", "");
            let old_text = String::from_utf8_lossy(data).replace(" fullCalcOnLoad=\"1\"", "");
            assert_eq!(
                old_text, new_text,
                "workbook.xml: only the recalculation flag"
            );
            assert!(String::from_utf8_lossy(new_data).contains("fullCalcOnLoad=\"1\""));
        } else {
            assert!(data == new_data, "{name}: content changed");
            if raw_copies {
                assert!(raw == new_raw, "{name}: not copied raw");
            }
        }
    }
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

// ---------------------------------------------------------------------------------------
// The real HECVAT 4.1.4 workbook

fn hecvat() -> Option<PathBuf> {
    let path = PathBuf::from(format!(
        "{ROOT}/../shared/realdata/questionnaires/educause-hecvat-4.1.4/HECVAT414.xlsx"
    ));
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{} is missing under CI", path.display());
    }
    eprintln!("skipped: {} is absent", path.display());
    None
}

/// The HECVAT profile shipped for users, so the test proves the example works.
const HECVAT_PROFILE: &str = "examples/forms/hecvat-4.1.4.yaml";

#[test]
fn hecvat_is_filled_through_a_profile_and_nothing_else_changes() {
    let Some(form) = hecvat() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join(HECVAT_PROFILE);
    let out = tmp.path().join("hecvat-filled.xlsx");
    let profile_arg = profile.to_string_lossy().into_owned();
    let attestations = sample("samples/attestations.yaml");
    let o = fill(
        "samples/mid-migration",
        &form,
        &out,
        &["--profile", &profile_arg, "--attestations", &attestations],
    );

    let rows = review(&out);
    let q = |id: &str| format!("cyber-renewal-aws/{id}");
    // Yes/No lists on the hidden `Auto Responses` sheet, through x14 validations.
    assert_eq!(
        status(&rows, "START HERE!C29"),
        ("filled".into(), q("aws-root-mfa"), "No".into())
    );
    assert_eq!(
        status(&rows, "Product!C60"),
        ("filled".into(), q("backups-immutable"), "Yes".into())
    );
    assert_eq!(
        status(&rows, "Infrastructure!C64"),
        ("filled".into(), q("incident-response-plan"), "Yes".into())
    );
    // Partial coverage has no word on a Yes/No list; a number has none either.
    assert_eq!(status(&rows, "Infrastructure!C48").0, "review");
    assert!(reason(&rows, "Infrastructure!C48").contains("no Partial"));
    assert_eq!(status(&rows, "Product!C36").0, "review");
    assert!(reason(&rows, "Product!C36").contains("cannot say `8`"));
    let filled = rows.values().filter(|r| r[0] == "filled").count();
    let not_matched = rows.values().filter(|r| r[0] == "not_matched").count();
    assert_eq!(filled, 3);
    assert!(not_matched > 100, "{not_matched} rows not matched");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("filled 3, review 2, not matched"),
        "{stdout}"
    );

    assert_eq!(cell(&out, "START HERE", "C29"), "No");
    assert_eq!(cell(&out, "Infrastructure", "C64"), "Yes");
    let comment = cell(&out, "Infrastructure", "D64");
    assert!(comment.contains("Attested by Priya Raman"), "{comment}");
    assert!(comment.contains("evident: cyber-renewal-aws/incident-response-plan"));
    assert_eq!(cell(&out, "Infrastructure", "C48"), "");

    let changed = BTreeMap::from([
        ("xl/worksheets/sheet1.xml", set(&["C29", "D29"])),
        ("xl/worksheets/sheet3.xml", set(&["C60", "D60"])),
        ("xl/worksheets/sheet4.xml", set(&["C64", "D64"])),
    ]);
    assert_only_cells_changed(&form, &out, &changed, true);
}

#[test]
fn hecvat_rows_are_never_filled_from_text_alone() {
    let Some(form) = hecvat() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("filled.xlsx");
    let attestations = sample("samples/attestations.yaml");
    fill(
        "samples/landing-zone",
        &form,
        &out,
        &["--attestations", &attestations],
    );
    let rows = review(&out);
    assert!(rows.values().all(|r| r[0] != "filled"), "{rows:#?}");
    // Every question tab is read, its hidden lookup sheets are not.
    let sheets: BTreeSet<&str> = rows.keys().filter_map(|k| k.split('!').next()).collect();
    for tab in [
        "START HERE",
        "Organization",
        "Product",
        "Infrastructure",
        "Privacy",
    ] {
        assert!(sheets.contains(tab), "{tab} not read: {sheets:?}");
    }
    assert!(!sheets.contains("Questions") && !sheets.contains("Auto Responses"));
    assert!(rows.len() > 300, "{} question rows", rows.len());
}

// ---------------------------------------------------------------------------------------
// Workbooks built here

/// Two sheets in two layouts, and a hidden sheet holding a dropdown's entries.
fn build_form(path: &Path) {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let banner = Format::new().set_bold().set_background_color("#DDEEFF");

    let sheet = book
        .add_worksheet()
        .set_name("Cyber Supplement")
        .expect("name");
    sheet.set_column_width(1, 70).expect("width");
    sheet
        .write_string(0, 0, "Acme Insurance Cyber Supplemental Application")
        .expect("write");
    sheet
        .write_string(
            1,
            0,
            "Please answer every question below and use the Comments column to explain.",
        )
        .expect("write");
    for (col, title) in ["Ref", "Question", "Response", "Comments"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(3, col as u16, *title, &bold)
            .expect("write");
    }
    sheet
        .merge_range(4, 0, 4, 3, "Section 1: Cloud environment", &banner)
        .expect("merge");
    let rows: [(&str, &str); 3] = [
        (
            "1.1",
            "Is MFA enabled for the root user on all AWS accounts?",
        ),
        ("1.2", ""),
        (
            "1.3",
            "Are AWS CloudTrail logs for all accounts delivered to a dedicated audit or \
             log-archive account that workload teams cannot modify or delete?",
        ),
    ];
    for (i, (id, text)) in rows.iter().enumerate() {
        let row = 5 + i as u32;
        sheet.write_string(row, 0, *id).expect("write");
        if !text.is_empty() {
            sheet.write_string(row, 1, *text).expect("write");
        }
    }
    // Question text arriving through a formula, with its cached value.
    let text = "Do people sign in to AWS through IAM Identity Center (single sign-on) rather \
                than with long-lived IAM users?";
    let formula = Formula::new(format!("=\"{text}\"")).set_result(text);
    sheet.write_formula(6, 1, formula).expect("formula");
    sheet
        .merge_range(8, 0, 8, 3, "Section 2: Other controls", &banner)
        .expect("merge");
    let more = [
        (
            "2.1",
            "Is multi-factor authentication required for every sign-in to corporate email, \
             including webmail and mobile clients?",
        ),
        (
            "2.2",
            "Do you encrypt all laptops with full-disk encryption?",
        ),
        (
            "2.3",
            "How often do employees receive phishing-awareness training or simulations?",
        ),
    ];
    for (i, (id, text)) in more.iter().enumerate() {
        let row = 9 + i as u32;
        sheet.write_string(row, 0, *id).expect("write");
        sheet.write_string(row, 1, *text).expect("write");
    }
    let yes_no_na = DataValidation::new()
        .allow_list_strings(&["YES", "NO", "N/A"])
        .expect("list");
    sheet
        .add_data_validation(5, 2, 11, 2, &yes_no_na)
        .expect("validation");

    let sheet = book.add_worksheet().set_name("Supplemental").expect("name");
    sheet
        .write_string_with_format(1, 1, "Question", &bold)
        .expect("write");
    sheet
        .write_string_with_format(1, 5, "Answer", &bold)
        .expect("write");
    sheet
        .write_string(
            2,
            1,
            "Is multi-factor authentication enabled on the root user of every AWS account?",
        )
        .expect("write");
    sheet
        .write_string(
            3,
            1,
            "Are backups of critical systems kept offline or immutable, and out of reach of the \
             credentials that administer production?",
        )
        .expect("write");
    let yes_only = DataValidation::new()
        .allow_list_strings(&["Yes"])
        .expect("list");
    sheet
        .add_data_validation(2, 5, 3, 5, &yes_only)
        .expect("validation");

    sheet
        .write_string_with_format(7, 1, "Control", &bold)
        .expect("write");
    sheet
        .write_string_with_format(7, 4, "Vendor Response", &bold)
        .expect("write");
    sheet
        .write_string_with_format(7, 5, "Explanation", &bold)
        .expect("write");
    sheet
        .write_string(
            8,
            1,
            "Are preventive guardrails (service control policies) applied through AWS \
             Organizations at the organizational-unit level?",
        )
        .expect("write");
    sheet
        .write_string(
            9,
            1,
            "How many principals have full administrative access to your AWS environment?",
        )
        .expect("write");
    sheet
        .write_string(
            10,
            1,
            "Is MFA required for every sign-in to corporate email, webmail and mobile included?",
        )
        .expect("write");
    let from_hidden = DataValidation::new().allow_list_formula(Formula::new("=Lists!$A$1:$A$3"));
    for row in [8, 10] {
        sheet
            .add_data_validation(row, 4, row, 4, &from_hidden)
            .expect("validation");
    }

    let lists = book.add_worksheet().set_name("Lists").expect("name");
    for (row, entry) in ["Y", "N", "NA"].iter().enumerate() {
        lists.write_string(row as u32, 0, *entry).expect("write");
    }
    lists.set_hidden(true);
    book.save(path).expect("saves");
}

#[test]
fn built_layouts_are_filled_in_the_forms_own_words() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = tmp.path().join("form.xlsx");
    build_form(&form);
    let out = tmp.path().join("filled.xlsx");
    let attestations = sample("samples/attestations.yaml");
    fill(
        "samples/landing-zone",
        &form,
        &out,
        &["--attestations", &attestations],
    );

    let rows = review(&out);
    let filled = |cell: &str, id: &str, written: &str| {
        assert_eq!(
            status(&rows, cell),
            (
                "filled".to_string(),
                format!("cyber-renewal-aws/{id}"),
                written.to_string()
            ),
            "{cell}"
        );
    };
    // Ids in column A, merged banners skipped, the list's own spelling.
    filled("Cyber Supplement!C6", "aws-root-mfa", "NO");
    filled("Cyber Supplement!C7", "aws-identity-center", "YES");
    filled("Cyber Supplement!C8", "aws-cloudtrail-audit-account", "YES");
    filled("Cyber Supplement!C10", "email-mfa", "YES");
    assert_eq!(status(&rows, "Cyber Supplement!C11").0, "not_matched");
    assert_eq!(status(&rows, "Cyber Supplement!C12").0, "review");
    assert!(reason(&rows, "Cyber Supplement!C12").contains("cannot say `Quarterly`"));
    assert!(
        !rows.contains_key("Cyber Supplement!C5"),
        "a banner is no question"
    );
    // No ids, answers on the right, two tables: a Yes-only list, a hidden-sheet list.
    filled("Supplemental!F3", "aws-root-mfa", "");
    assert!(reason(&rows, "Supplemental!F3").contains("a blank means No"));
    filled("Supplemental!F4", "backups-immutable", "Yes");
    filled("Supplemental!E9", "aws-scp-ou-enforced", "Y");
    filled("Supplemental!E10", "aws-admin-sprawl", "1");
    filled("Supplemental!E11", "email-mfa", "Y");
    assert_eq!(rows.len(), 11, "{rows:#?}");

    assert_eq!(cell(&out, "Cyber Supplement", "C6"), "NO");
    assert_eq!(cell(&out, "Cyber Supplement", "C7"), "YES");
    assert_eq!(cell(&out, "Supplemental", "E9"), "Y");
    assert_eq!(cell(&out, "Supplemental", "E10"), "1");
    assert_eq!(cell(&out, "Supplemental", "F3"), "");
    let comment = cell(&out, "Cyber Supplement", "D6");
    assert!(comment.contains("Root user without MFA"), "{comment}");
    assert!(
        comment.contains("evident: cyber-renewal-aws/aws-root-mfa"),
        "{comment}"
    );
    assert!(cell(&out, "Supplemental", "F9").contains("aws-scp-ou-enforced"));

    let changed = BTreeMap::from([
        (
            "xl/worksheets/sheet1.xml",
            set(&["C6", "D6", "C7", "D7", "C8", "D8", "C10", "D10"]),
        ),
        (
            "xl/worksheets/sheet2.xml",
            set(&["F4", "E9", "F9", "E10", "F10", "E11", "F11"]),
        ),
    ]);
    assert_only_cells_changed(&form, &out, &changed, false);
}

#[test]
fn unknown_partial_and_unanswered_go_to_review_and_leave_the_cell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = tmp.path().join("form.xlsx");
    build_form(&form);
    let out = tmp.path().join("filled.xlsx");
    let o = fill("samples/mid-migration", &form, &out, &[]);

    let rows = review(&out);
    let review_of = |cell: &str, needle: &str| {
        assert_eq!(status(&rows, cell).0, "review", "{cell}");
        let why = reason(&rows, cell);
        assert!(why.contains(needle), "{cell}: {why}");
        assert_eq!(cell_of(&out, cell), "", "{cell} left as it was");
    };
    review_of("Cyber Supplement!C7", "no Partial");
    review_of("Cyber Supplement!C10", "unanswered");
    review_of("Cyber Supplement!C12", "unanswered");
    review_of("Supplemental!F4", "unanswered");
    review_of("Supplemental!E9", "no Partial");
    review_of("Supplemental!E11", "unanswered");
    assert_eq!(status(&rows, "Cyber Supplement!C8").2, "NO");
    assert_eq!(status(&rows, "Supplemental!E10").2, "8");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout
        .contains("review      Cyber Supplement!C7 1.2 -> cyber-renewal-aws/aws-identity-center"));
    let unasked = stdout
        .lines()
        .find_map(|l| l.strip_prefix("not in the form: "))
        .unwrap_or_default();
    assert!(
        unasked.contains("cyber-renewal-aws/remote-access-mfa"),
        "{stdout}"
    );
    assert!(!unasked.contains("aws-root-mfa"), "{stdout}");
}

/// Regression guard for the N/A spelling: the form's list decides between `N/A` and `NA`.
#[test]
fn not_applicable_is_written_as_each_list_spells_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = tmp.path().join("form.xlsx");
    build_form(&form);
    let attestations = tmp.path().join("attestations.yaml");
    std::fs::write(
        &attestations,
        "- question: email-mfa\n  answer: N/A\n  by: Dana Whitfield, Head of IT\n  \
         date: 2026-01-05\n  note: No corporate email; the team uses the client's tenant.\n",
    )
    .expect("write");
    let out = tmp.path().join("filled.xlsx");
    let attestations = attestations.to_string_lossy().into_owned();
    fill(
        "samples/landing-zone",
        &form,
        &out,
        &["--attestations", &attestations],
    );
    let rows = review(&out);
    assert_eq!(status(&rows, "Cyber Supplement!C10").2, "N/A");
    assert_eq!(status(&rows, "Supplemental!E11").2, "NA");
    assert_eq!(cell(&out, "Cyber Supplement", "C10"), "N/A");
    assert_eq!(cell(&out, "Supplemental", "E11"), "NA");
}

fn cell_of(path: &Path, sheet_cell: &str) -> String {
    let (sheet, a1) = sheet_cell.split_once('!').expect("sheet!cell");
    cell(path, sheet, a1)
}

// ---------------------------------------------------------------------------------------
// Bad input

fn fill_fails(form: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let (snapshot, q) = (sample("samples/landing-zone"), questionnaire());
    let (form, out_s) = (form.to_string_lossy(), out.to_string_lossy());
    let mut args = vec![
        "fill",
        "--snapshot",
        &snapshot,
        "--questionnaire",
        &q,
        "--form",
        &form,
        "--out",
        &out_s,
    ];
    args.extend_from_slice(extra);
    let o = evident(&args);
    assert!(!out.exists(), "no output on failure");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_missing_or_corrupt_form_is_bad_input() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out.xlsx");
    let missing = tmp.path().join("missing.xlsx");
    let (code, err) = fill_fails(&missing, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.xlsx: cannot read the form"), "{err}");

    let corrupt = tmp.path().join("corrupt.xlsx");
    std::fs::write(&corrupt, "not a workbook").expect("write");
    let (code, err) = fill_fails(&corrupt, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("corrupt.xlsx: not an xlsx (zip) file"),
        "{err}"
    );
}

#[test]
fn a_bad_profile_is_bad_input_with_line_and_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = tmp.path().join("form.xlsx");
    build_form(&form);
    let out = tmp.path().join("out.xlsx");
    let profile = tmp.path().join("profile.yaml");
    std::fs::write(
        &profile,
        "sheets:\n  - sheet: Cyber Supplement\n    questions:\n      1.1: aws-root-mfe\n",
    )
    .expect("write");
    let profile_arg = profile.to_string_lossy().into_owned();
    let (code, err) = fill_fails(&form, &out, &["--profile", &profile_arg]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("profile.yaml:4:12: no loaded questionnaire has a question `aws-root-mfe`"),
        "{err}"
    );

    std::fs::write(&profile, "sheets: [\n").expect("write");
    let (code, err) = fill_fails(&form, &out, &["--profile", &profile_arg]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("profile.yaml:2:1: YAML syntax error"), "{err}");
}

#[test]
fn the_form_itself_is_never_overwritten() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = tmp.path().join("form.xlsx");
    build_form(&form);
    let before = std::fs::read(&form).expect("read");
    let o = evident(&[
        "fill",
        "--snapshot",
        &sample("samples/landing-zone"),
        "--questionnaire",
        &questionnaire(),
        "--form",
        &form.to_string_lossy(),
        "--out",
        &form.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&form).expect("read"), before);
}
