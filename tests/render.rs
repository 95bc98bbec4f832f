//! The renderers, checked with real readers: the workbook read back with calamine (and its XML
//! for the dropdown), the PDF with poppler's `pdftotext`, `pdfinfo` and `pdffonts`, and the
//! HTML as text. The contexts are built by hand, so these tests need no snapshot and no AWS.
//!
//! Poppler is a system package: without it the PDF checks print a skip note, unless `CI=true`,
//! where a missing tool is a failure (CI must run every check).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use evident::answers::{
    Answer, AnswerStatus, Answers, AttestationRef, Basis, Evidence, QuestionnaireAnswers,
    SnapshotRef, FORMAT,
};
use evident::probes::Fact;
use evident::render::{self, AccountView, ReportContext, ScopeView, Templates};
use evident::snapshot::{ErrorEntry, ErrorKind, Provenance};

const ORG: &str = "o-a1b2c3d4e5";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const CALLER: &str = "arn:aws:sts::111111111111:assumed-role/EvidentAuditor/evident-session";
const SHEET: &str = "carrier-cyber-2026";
/// A statement full of Typst and HTML syntax: it must come out as the same text.
const HOSTILE: &str = "Bucket #logs *x* $y$ [z] <script>alert(1)</script> @ref _u_ `c` \\n";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, h, m, 0)
        .single()
        .expect("valid time")
}

fn provenance(service: &str, operation: &str, account: &str, region: &str) -> Provenance {
    Provenance {
        service: service.into(),
        operation: operation.into(),
        account: account.into(),
        region: region.into(),
        collected_at: at(9, 15),
        target: None,
    }
}

fn evidence(probe: &str, outcome: &str, facts: Vec<Fact>) -> Evidence {
    Evidence {
        probe: probe.into(),
        outcome: outcome.into(),
        summary: format!("{probe} found {outcome}."),
        accounts: vec!["111111111111".into()],
        regions: vec!["us-east-1".into()],
        facts,
        counts: Default::default(),
    }
}

fn answer(id: &str, text: &str, value: Option<serde_json::Value>, status: AnswerStatus) -> Answer {
    let basis = match status {
        AnswerStatus::Attested => Basis::Attested,
        AnswerStatus::Unanswered => Basis::None,
        _ => Basis::Automated,
    };
    Answer {
        question: id.into(),
        text: text.into(),
        section: "Cloud".into(),
        answer_type: match &value {
            Some(serde_json::Value::Number(_)) => "number".into(),
            _ => "yes_no_partial".into(),
        },
        choices: vec![],
        answer: value,
        status,
        basis,
        summary: format!("Summary of {id}."),
        remediation: None,
        review: status.needs_review(),
        criteria: vec!["CC6.1".into()],
        guidance: None,
        attestation: None,
        evidence: vec![],
    }
}

/// One answer of every kind: pass, fail, partial (on a Yes/No question, so "No"), unknown,
/// attested, unanswered, and a number.
fn mixed_answers() -> Vec<Answer> {
    use AnswerStatus as S;
    let org_fact = Fact::new(
        "Organization o-a1b2c3d4e5 has 3 accounts",
        &provenance("organizations", "ListAccounts", "111111111111", "us-east-1"),
        "organization.json",
    );
    let trail_fact = Fact::new(
        HOSTILE,
        &provenance("cloudtrail", "DescribeTrails", "222222222222", "eu-west-1"),
        "cloudtrail.json",
    );

    let mut pass = answer(
        "AWS-1",
        "Are production workloads in separate accounts?",
        Some(json!("Yes")),
        S::Pass,
    );
    pass.evidence = vec![evidence(
        "org.separate-envs",
        "pass",
        vec![org_fact.clone()],
    )];

    let mut fail = answer(
        "AWS-2",
        "Is an organization trail protected by SCP?",
        Some(json!("No")),
        S::Fail,
    );
    fail.remediation = Some("Attach an SCP denying cloudtrail:StopLogging.".into());
    fail.evidence = vec![evidence(
        "trail.org-trail-protected",
        "fail",
        vec![
            trail_fact,
            Fact::derived("No SCP denies cloudtrail:DeleteTrail"),
        ],
    )];

    let mut partial = answer(
        "AWS-3",
        "Is MFA enforced for every console user?",
        Some(json!("No")),
        S::Partial,
    );
    partial.remediation = Some("Enable MFA for the 2 users listed.".into());
    partial.evidence = vec![evidence("identity.console-mfa", "partial", vec![org_fact])];

    let mut unknown = answer(
        "AWS-4",
        "Is GuardDuty enabled in every region?",
        None,
        S::Unknown,
    );
    unknown.evidence = vec![evidence("detect.guardduty", "unknown", vec![])];

    let mut attested = answer(
        "EDR-1",
        "Is EDR deployed on every endpoint?",
        Some(json!("Yes")),
        S::Attested,
    );
    attested.attestation = Some(AttestationRef {
        by: "Jane Roe, CISO".into(),
        date: "2026-02-20".into(),
        expires: Some("2027-02-20".into()),
        note: Some("CrowdStrike Falcon on 412 laptops".into()),
    });

    let unanswered = answer(
        "IR-1",
        "Do you test the incident response plan yearly?",
        None,
        S::Unanswered,
    );
    let number = answer(
        "IAM-9",
        "How many IAM users have console access?",
        Some(json!(3)),
        S::Pass,
    );

    vec![pass, fail, partial, unknown, attested, unanswered, number]
}

fn account(id: &str, name: &str, ou: &str, reason: Option<&str>) -> AccountView {
    AccountView {
        id: id.into(),
        name: name.into(),
        ou_path: ou.into(),
        state: if reason.is_some() {
            "SUSPENDED".into()
        } else {
            "ACTIVE".into()
        },
        reason: reason.map(str::to_string),
    }
}

fn context(answers: Vec<Answer>) -> ReportContext {
    let questionnaire = QuestionnaireAnswers {
        id: SHEET.into(),
        title: "Carrier cyber renewal 2026".into(),
        kind: "insurance".into(),
        version: "1".into(),
        answers,
    };
    let answers = Answers {
        format: FORMAT.into(),
        generated_at: at(10, 0),
        tool_version: "0.1.0".into(),
        snapshot: SnapshotRef {
            path: "snapshots/2026-03-01".into(),
            manifest_sha256: SHA.into(),
            collected_at: at(9, 30),
        },
        questionnaires: vec![questionnaire],
    };
    let scope = ScopeView {
        organization: ORG.into(),
        management_account: Some("111111111111".into()),
        caller_arn: CALLER.into(),
        collection_started: at(9, 0).to_rfc3339(),
        collection_finished: at(9, 30).to_rfc3339(),
        tool_version: "0.1.0".into(),
        snapshot_sha256: SHA.into(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        accounts: vec![
            account("111111111111", "management", "Root", None),
            account("222222222222", "log-archive", "Root / Security", None),
        ],
        excluded_accounts: vec![account(
            "333333333333",
            "old-dev",
            "Root",
            Some("suspended"),
        )],
    };
    let errors = vec![ErrorEntry {
        account: "222222222222".into(),
        region: "eu-west-1".into(),
        service: "guardduty".into(),
        operation: "ListDetectors".into(),
        kind: ErrorKind::AccessDenied,
        code: "AccessDeniedException".into(),
        message: "explicit deny in a service control policy".into(),
    }];
    ReportContext::from_parts(answers, scope, errors)
}

/// Renders the three files into `dir` with the built-in templates.
fn render_all(ctx: &ReportContext, dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let templates = Templates::load(None).expect("built-in templates load");
    let xlsx = dir.join("answers.xlsx");
    let pdf = dir.join("report.pdf");
    let html = dir.join("report.html");
    render::write_xlsx(ctx, &xlsx).expect("xlsx");
    render::write_pdf(ctx, &templates, &pdf).expect("pdf");
    render::write_html(ctx, &templates, &html).expect("html");
    (xlsx, pdf, html)
}

// ---- xlsx -------------------------------------------------------------------------------

fn cell_text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        None | Some(Data::Empty) => String::new(),
        Some(other) => other.to_string(),
    }
}

fn zip_entry(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("open xlsx");
    let mut archive = zip::ZipArchive::new(file).expect("xlsx is a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .expect("entry")
        .read_to_string(&mut text)
        .expect("utf-8 xml");
    text
}

#[test]
fn xlsx_answers_sheet_has_blank_unknowns_and_review_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (xlsx, _, _) = render_all(&context(mixed_answers()), dir.path());

    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("calamine opens the workbook");
    assert_eq!(book.sheet_names(), [SHEET, "Evidence", "Scope", "Roadmap"]);
    let sheet = book.worksheet_range(SHEET).expect("answers sheet");
    let header: Vec<String> = (0..9).map(|c| cell_text(&sheet, 0, c)).collect();
    assert_eq!(
        header,
        [
            "id",
            "section",
            "question",
            "answer",
            "status",
            "basis",
            "evidence summary",
            "remediation",
            "review"
        ]
    );

    let rows: Vec<[String; 4]> = (1..=7)
        .map(|r| [0, 3, 4, 8].map(|c| cell_text(&sheet, r, c)))
        .collect();
    let row = |cells: [&str; 4]| cells.map(str::to_string);
    pretty_assertions::assert_eq!(
        rows,
        [
            row(["AWS-1", "Yes", "pass", ""]),
            row(["AWS-2", "No", "fail", ""]),
            row(["AWS-3", "No", "partial", "needs review — partial coverage"]),
            row(["AWS-4", "", "unknown", "needs review — evidence missing"]),
            row(["EDR-1", "Yes", "attested", ""]),
            row(["IR-1", "", "unanswered", "needs review — no attestation"]),
            row(["IAM-9", "3", "pass", ""]),
        ]
    );
    assert_eq!(
        sheet.get_value((7, 3)),
        Some(&Data::Float(3.0)),
        "a number stays a number"
    );
    assert!(
        cell_text(&sheet, 2, 7).contains("StopLogging"),
        "remediation column"
    );
    assert!(
        cell_text(&sheet, 5, 6).contains("Jane Roe, CISO"),
        "attester in evidence summary"
    );

    let xml = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<dataValidation "), "answer dropdown missing");
    assert!(
        xml.contains("\"Yes,No,Partial,N/A\""),
        "dropdown values: {xml}"
    );
    assert!(
        xml.contains("<autoFilter ref=\"A1:I8\""),
        "autofilter over the answers"
    );
    assert!(xml.contains("state=\"frozen\""), "frozen header row");
    // Answer rows whose text wraps carry a height that shows it (spreadsheet programs keep one
    // line otherwise); a one-line row keeps the default.
    let taller = (xml.split("<row ").skip(1))
        .filter(|row| row.contains("customHeight=\"1\""))
        .count();
    assert!(
        (1..=7).contains(&taller),
        "{taller} rows with a height: {xml}"
    );
    // D2..D7 (Yes/No answers, and the blank ones) have the dropdown; D8, a number, does not.
    assert_eq!(xml.matches("sqref=\"D").count(), 6, "{xml}");
    assert!(
        !xml.contains("sqref=\"D8\""),
        "a number question got the Yes/No dropdown"
    );
}

#[test]
fn xlsx_evidence_sheet_lists_every_fact_with_provenance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (xlsx, _, _) = render_all(&context(mixed_answers()), dir.path());
    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("calamine opens the workbook");

    let evidence = book.worksheet_range("Evidence").expect("evidence sheet");
    assert_eq!(evidence.height(), 1 + 4, "a header and one row per fact");
    let row: Vec<String> = (0..11).map(|c| cell_text(&evidence, 2, c)).collect();
    pretty_assertions::assert_eq!(
        row,
        [
            SHEET,
            "AWS-2",
            "trail.org-trail-protected",
            "fail",
            HOSTILE,
            "cloudtrail",
            "DescribeTrails",
            "222222222222",
            "eu-west-1",
            "2026-03-01T09:15:00+00:00",
            "cloudtrail.json"
        ]
    );
    assert_eq!(
        cell_text(&evidence, 3, 4),
        "No SCP denies cloudtrail:DeleteTrail"
    );
    assert_eq!(
        cell_text(&evidence, 3, 6),
        "",
        "a derived fact has no operation"
    );

    let scope = book.worksheet_range("Scope").expect("scope sheet");
    let text: Vec<String> = scope.rows().flatten().map(|c| c.to_string()).collect();
    for wanted in [
        ORG,
        SHA,
        CALLER,
        "333333333333",
        "suspended",
        "AccessDeniedException",
    ] {
        assert!(
            text.iter().any(|t| t == wanted),
            "Scope sheet lacks {wanted}: {text:?}"
        );
    }
}

// ---- pdf --------------------------------------------------------------------------------

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .expect("run poppler tool");
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn page_count(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[&pdf.to_string_lossy()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports Pages")
}

#[test]
fn pdf_shows_cover_answers_evidence_and_scope() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, pdf, _) = render_all(&context(mixed_answers()), dir.path());
    if !(common::have_poppler("pdftotext")
        && common::have_poppler("pdfinfo")
        && common::have_poppler("pdffonts"))
    {
        return;
    }

    let text = common::pdf_text(&pdf, true);
    let pages = page_count(&pdf);
    for wanted in [
        ORG,
        SHA,
        CALLER,
        "Carrier cyber renewal 2026",
        "Are production workloads in separate accounts?",
        "Is GuardDuty enabled in every region?",
        "How many IAM users have console access?",
        "needs review — evidence missing",
        "needs review — no attestation given",
        "Attach an SCP denying cloudtrail:StopLogging.",
        "Jane Roe, CISO",
        // Layout mode interleaves the cells of a table row: check the statement per line.
        "Bucket #logs *x* $y$ [z]",
        "<script>alert(1)</script>",
        "@ref _u_",
        "`c` \\n",
        "cloudtrail:Describe", // the operation wraps inside its cell
        "AccessDenied",        // the code wraps inside its cell
        "explicit deny in a service",
        "333333333333",
        "Root / Security",
        &format!("page 1 of {pages}"),
        &format!("page {pages} of {pages}"),
    ] {
        assert!(text.contains(wanted), "PDF text lacks {wanted:?}:\n{text}");
    }
    // Automated answers count by what the form will say: the pass and the number are Yes, the
    // fail and the partial (a Yes/No question) are No; the rest count by status.
    assert!(
        text.contains("Yes No Partial N/A Unknown Attested Unanswered Total 2 2 0 0 1 1 1 7"),
        "{text}"
    );
    assert!(
        text.contains("Needs review before sending: AWS-3, AWS-4, IR-1"),
        "{text}"
    );
}

#[test]
fn pdf_embeds_only_the_bundled_fonts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, pdf, _) = render_all(&context(mixed_answers()), dir.path());
    if !common::have_poppler("pdffonts") {
        return;
    }
    let fonts = run("pdffonts", &[&pdf.to_string_lossy()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in rows {
        assert!(
            row.contains("DejaVu"),
            "a font other than the bundled DejaVu: {row}"
        );
        // Columns end with: emb, sub, uni, object number, generation.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            cols.get(cols.len() - 5),
            Some(&"yes"),
            "font not embedded: {row}"
        );
    }
}

#[test]
fn pdf_of_sixty_questions_runs_to_many_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kinds = mixed_answers();
    let answers: Vec<Answer> = (0..60)
        .map(|i| {
            let mut a = kinds[i % kinds.len()].clone();
            a.question = format!("Q-{i:02}");
            a.text = format!(
                "Question number {i} asks something long enough to wrap onto a second line of \
                 the summary table, as carrier questions tend to do."
            );
            a
        })
        .collect();
    let (xlsx, pdf, _) = render_all(&context(answers), dir.path());

    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("calamine opens the workbook");
    assert_eq!(
        book.worksheet_range(SHEET).expect("answers sheet").height(),
        61
    );

    if !(common::have_poppler("pdftotext") && common::have_poppler("pdfinfo")) {
        return;
    }
    let pages = page_count(&pdf);
    assert!(pages > 3, "60 questions on only {pages} pages");
    let text = common::pdf_text(&pdf, true);
    assert!(text.contains("Question number 59 asks"), "{text}");
    assert!(text.contains(&format!("page {pages} of {pages}")));
}

#[test]
fn pdf_lists_a_population_of_facts_grouped_by_call_with_every_account() {
    // 150 accounts, one fact each from the same call, and 150 derived conclusions: more than a
    // table holds on a few pages, so the packet prints them as a listing.
    let dir = tempfile::tempdir().expect("tempdir");
    let accounts: Vec<String> = (0..150)
        .map(|i| format!("{:012}", 300_000_000_000u64 + i))
        .collect();
    let mut facts: Vec<Fact> = (accounts.iter())
        .map(|id| {
            Fact::new(
                format!("account {id}: root has no MFA"),
                &provenance("iam", "GetAccountSummary", id, "us-east-1"),
                "accounts.json",
            )
        })
        .collect();
    facts.extend(
        accounts
            .iter()
            .map(|id| Fact::derived(format!("{id}: outside every guardrail"))),
    );
    let mut a = answer(
        "AWS-9",
        "Root MFA everywhere?",
        Some(json!("No")),
        AnswerStatus::Fail,
    );
    a.evidence = vec![evidence("identity.root-mfa", "fail", facts)];
    let mut ctx = context(vec![a]);
    // As many accounts in scope: the scope appendix's table is typeset apart too.
    ctx.scope.accounts = (accounts.iter().enumerate())
        .map(|(i, id)| AccountView {
            id: id.clone(),
            name: format!("workload-{i:03}"),
            ou_path: "Root / Workloads".into(),
            state: "ACTIVE".into(),
            reason: None,
        })
        .collect();
    let (_, pdf, _) = render_all(&ctx, dir.path());

    if !common::have_poppler("pdftotext") {
        return;
    }
    let text = common::pdf_text(&pdf, true);
    assert!(
        // Typeset apart (templates/listing.typ.tera) and placed on pages of their own.
        text.contains("300 facts, grouped by the call that showed them, on the "),
        "{text}"
    );
    // One header per group: the call's operation, region, day and file, and its count.
    assert_eq!(
        text.matches("iam:GetAccountSummary · region us-east-1")
            .count(),
        1
    );
    assert!(
        text.contains("collected 2026-03-01 · record in accounts.json (150)"),
        "{text}"
    );
    assert!(text.contains("Derived (150)"), "{text}");
    // The scope appendix's table, header and rows, from its own pages.
    assert!(text.contains("Account Name OU path State"), "{text}");
    for (i, id) in accounts.iter().enumerate() {
        let row = format!("{id} workload-{i:03} Root / Workloads ACTIVE");
        assert!(text.contains(&row), "no scope row {row:?}");
    }
    for id in &accounts {
        let line = format!("{id} 09:15:00Z account {id}: root has no MFA");
        assert!(text.contains(&line), "no line {line:?}");
        assert!(
            text.contains(&format!("{id}: outside every guardrail")),
            "{id} derived"
        );
    }
}

// ---- html -------------------------------------------------------------------------------

#[test]
fn html_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, _, html) = render_all(&context(mixed_answers()), dir.path());
    let html = std::fs::read_to_string(html).expect("read html");

    for wanted in [
        ORG,
        SHA,
        "Is GuardDuty enabled in every region?",
        "needs review — evidence missing",
        "Jane Roe, CISO",
        "AccessDeniedException",
        "<style>",
    ] {
        assert!(html.contains(wanted), "HTML lacks {wanted:?}");
    }
    assert!(
        !html.contains("<script>"),
        "an AWS string reached the HTML unescaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the HTML fetches nothing"
    );
}

// ---- templates --------------------------------------------------------------------------

#[test]
fn template_dir_that_does_not_exist_is_named() {
    let err = Templates::load(Some(Path::new("/nonexistent/templates")))
        .err()
        .expect("error");
    assert!(err.to_string().contains("/nonexistent/templates"), "{err}");
}

#[test]
fn broken_html_override_names_the_file_and_the_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.html.tera");
    std::fs::write(&file, "<p>{{ scope.nope.deeper }}</p>").expect("write override");
    let templates = Templates::load(Some(dir.path())).expect("parses");
    let err = render::write_html(
        &context(mixed_answers()),
        &templates,
        &dir.path().join("x.html"),
    )
    .expect_err("unknown variable");
    let text = format!("{err:#}");
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(
        text.contains("scope.nope.deeper"),
        "innermost cause missing: {text}"
    );
    assert!(
        err.downcast_ref::<render::TemplateError>().is_some(),
        "exit 2 needs TemplateError"
    );

    std::fs::write(&file, "line one\n{% if %}").expect("write override");
    let err = Templates::load(Some(dir.path()))
        .err()
        .expect("parse error");
    assert!(
        err.to_string().contains(&file.display().to_string()),
        "{err}"
    );
    assert!(
        err.to_string().contains("2:"),
        "line of the parse error: {err}"
    );
}

#[test]
fn typst_error_in_override_names_the_template_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let markup = "#let ctx = json(\"context.json\")\n= Report\n#ctx.nonexistent_field\n";
    std::fs::write(dir.path().join("report.typ.tera"), markup).expect("write override");
    let templates = Templates::load(Some(dir.path())).expect("loads");
    let err = render::write_pdf(
        &context(mixed_answers()),
        &templates,
        &dir.path().join("r.pdf"),
    )
    .expect_err("typst error");
    let text = format!("{err:#}");
    assert!(text.contains("report.typ.tera"), "{text}");
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("nonexistent_field"), "{text}");
    assert!(err.downcast_ref::<render::TemplateError>().is_some());
}

#[test]
fn typst_filter_lets_overrides_splice_values_safely() {
    let dir = tempfile::tempdir().expect("tempdir");
    let markup = "#set text(font: \"DejaVu Sans\")\n\
                  {{ answers.questionnaires.0.answers.1.evidence.0.facts.0.statement | typst }}\n";
    std::fs::write(dir.path().join("report.typ.tera"), markup).expect("write override");
    let templates = Templates::load(Some(dir.path())).expect("loads");
    let pdf = dir.path().join("r.pdf");
    render::write_pdf(&context(mixed_answers()), &templates, &pdf).expect("compiles");
    if common::have_poppler("pdftotext") {
        let text = common::pdf_text(&pdf, true);
        assert!(text.contains(HOSTILE), "{text}");
    }
}
