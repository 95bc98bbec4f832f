//! The monthly job end to end, on the committed emulated organizations: a history built from
//! the single account, the half-migrated organization and the landing zone, in that order,
//! shows the answers improving, the roadmap phase moving forward and the blast radius
//! falling; a landing zone that then loses a guardrail and gains an IAM user regresses, and
//! `--fail-on regression` exits 3 naming both questions; an edited or removed month is caught
//! by `evident verify`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};
use evident::history::{self, ChangeKind, Diff, Entry, Roadmap};
use serde_json::{json, Value};

const SAMPLES: [&str; 3] = ["single-account", "mid-migration", "landing-zone"];
const QUESTIONNAIRES: [&str; 2] = [
    "questionnaires/cyber-renewal-aws.yaml",
    "questionnaires/soc2-aws.yaml",
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn evident(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evident"))
        .args(args)
        .output()
        .expect("run evident")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `evident report` of one snapshot into `out`, appending to `history`, with extra flags.
fn report(snapshot: &Path, out: &Path, history: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "report".to_string(),
        "--snapshot".into(),
        snapshot.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--history".into(),
        history.display().to_string(),
        "--date".into(),
        "2027-01-01".into(),
        "--questionnaire".into(),
    ];
    args.extend(QUESTIONNAIRES.iter().map(|q| repo(q).display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    evident(&refs)
}

fn entry(history: &Path, n: usize) -> Entry {
    history::read_entry(&history::entry_path(history, n)).expect("entry")
}

fn count(e: &Entry, id: &str) -> Option<u64> {
    e.readiness
        .blast_radius
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.value)
}

fn questions(diff: &Diff, kind: ChangeKind) -> Vec<String> {
    diff.of_kind(kind).map(|c| c.question.clone()).collect()
}

/// Builds the three-month history in `dir/history`, checking each run exits 0.
fn build_history(dir: &Path) -> PathBuf {
    let history = dir.join("history");
    for (i, sample) in SAMPLES.iter().enumerate() {
        let out = dir.join(format!("report-{i}"));
        let o = report(&repo(&format!("samples/{sample}")), &out, &history, &[]);
        assert_eq!(o.status.code(), Some(0), "{sample}: {}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains(&format!("entry {:06}", i + 1)),
            "{}",
            text(&o)
        );
        // The samples were collected from three separate emulated organizations. A standalone
        // account becoming an organization is the migration itself; one organization followed
        // by another is most likely the wrong history, and said so.
        let warned = stderr.contains("the previous entry is of organization");
        assert_eq!(warned, i == 2, "{sample}: {}", text(&o));
    }
    history
}

#[test]
fn three_months_from_one_account_to_a_landing_zone_improve() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let history = build_history(tmp.path());
    let months: Vec<Entry> = (1..=3).map(|n| entry(&history, n)).collect();

    // Month 1 → 2: the organization, SCPs and Identity Center appear, partly.
    let d12 = Diff::between(&months[0].answers, &months[1].answers);
    let improved = questions(&d12, ChangeKind::Improved);
    for q in [
        "aws-separate-accounts",
        "aws-scp-ou-enforced",
        "aws-identity-center",
    ] {
        assert!(improved.iter().any(|i| i == q), "{q} not in {improved:?}");
    }
    assert!(questions(&d12, ChangeKind::Regressed).is_empty());
    let scp = d12
        .of_kind(ChangeKind::Improved)
        .find(|c| c.question == "aws-scp-ou-enforced")
        .expect("scp change");
    assert!(
        scp.facts_added
            .iter()
            .any(|f| f.contains("SCP policy type on the root: ENABLED")),
        "{:?}",
        scp.facts_added
    );

    // Month 2 → 3: the trail moves to the log archive, everything separates.
    let d23 = Diff::between(&months[1].answers, &months[2].answers);
    let improved = questions(&d23, ChangeKind::Improved);
    for q in [
        "aws-cloudtrail-audit-account",
        "aws-separate-accounts",
        "aws-scp-ou-enforced",
        "aws-identity-center",
    ] {
        assert!(improved.iter().any(|i| i == q), "{q} not in {improved:?}");
    }
    assert!(questions(&d23, ChangeKind::Regressed).is_empty());

    // The roadmap phase moves forward: foundation, migration, lockdown.
    let phases: Vec<usize> = months
        .iter()
        .map(|m| Roadmap::of(&m.answers).current_phase)
        .collect();
    assert_eq!(phases, [1, 3, 4]);
    let landing = Roadmap::of(&months[2].answers);
    let open: Vec<&str> = landing
        .phases
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| i.probe.as_str())
        .collect();
    assert!(open.contains(&"identity.root-mfa"), "{open:?}");

    // The blast radius falls; the shares rise.
    let ids = [
        ("full_admin_principals", [31, 8, 1]),
        ("iam_users_with_access_keys", [15, 6, 0]),
        ("accounts_without_guardrail", [1, 3, 0]),
        ("accounts_sharing_environments", [1, 0, 0]),
        // The trail bucket sits unlocked beside the administrators until the log archive.
        ("principals_can_delete_audit_logs", [31, 8, 0]),
    ];
    for (id, expected) in ids {
        let found: Vec<Option<u64>> = months.iter().map(|m| count(m, id)).collect();
        assert_eq!(found, expected.map(Some), "{id}");
    }
    let audit: Vec<f64> = months
        .iter()
        .map(|m| m.readiness.audit.percent.expect("audit"))
        .collect();
    let insurance: Vec<f64> = months
        .iter()
        .map(|m| m.readiness.insurance.percent.expect("insurance"))
        .collect();
    // Month 1 answers no carrier question Yes; of the 33 automated SOC 2 questions only the
    // three on trail coverage hold, because the scope is the one region its trail logs.
    assert_eq!((audit[0], insurance[0]), (9.1, 0.0));
    assert!(
        audit[2] > audit[1] && insurance[2] > insurance[1],
        "{audit:?} {insurance:?}"
    );
    assert!(insurance[2] >= 80.0, "{insurance:?}");

    // The listing, the chain and the gates as a job sees them.
    let listed = evident(&["history", &history.display().to_string()]);
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    assert!(
        listing.contains("000003") && listing.contains("audit:"),
        "{listing}"
    );
    let verified = evident(&["verify", &history.display().to_string()]);
    assert_eq!(verified.status.code(), Some(0), "{}", text(&verified));

    // The last month's report carries the roadmap and the trend: SVG charts in the HTML, and
    // native charts on the xlsx's Trend sheet.
    let report_dir = tmp.path().join("report-2");
    let html = fs::read_to_string(report_dir.join("report.html")).expect("html");
    assert!(
        html.contains("90-day roadmap") && html.contains("Lockdown"),
        "no roadmap"
    );
    assert_eq!(
        html.matches("<figure class=\"trend\"><svg").count(),
        3,
        "trend charts"
    );
    let xlsx = fs::File::open(report_dir.join("answers.xlsx")).expect("xlsx");
    let mut zip = zip::ZipArchive::new(xlsx).expect("zip");
    assert!(
        zip.by_name("xl/charts/chart1.xml").is_ok(),
        "no native chart"
    );
    let first = tmp.path().join("report-0/answers.xlsx");
    let mut zip = zip::ZipArchive::new(fs::File::open(first).expect("xlsx")).expect("zip");
    assert!(
        zip.by_name("xl/charts/chart1.xml").is_err(),
        "a chart of one month"
    );

    // The xlsx carries the roadmap as rows: month 1 is in the foundation phase, the landing
    // zone in lockdown with root MFA still open.
    let rows = roadmap_rows(&tmp.path().join("report-0/answers.xlsx"));
    assert_eq!(rows[0][1], "Phase 1 of 4: Foundation", "{:?}", rows[0]);
    let rows = roadmap_rows(&report_dir.join("answers.xlsx"));
    assert_eq!(rows[0][1], "Phase 4 of 4: Lockdown", "{:?}", rows[0]);
    let header = rows
        .iter()
        .position(|r| r[0] == "Phase")
        .expect("header row");
    assert_eq!(
        &rows[header][..5],
        ["Phase", "Days", "Phase state", "Check", "Status"]
    );
    let phases: Vec<&str> = rows[header + 1..].iter().map(|r| r[0].as_str()).collect();
    for title in [
        "1. Foundation",
        "2. New workloads in new accounts",
        "3. Workload migration",
    ] {
        assert!(phases.contains(&title), "{title} missing: {phases:?}");
    }
    let mfa = (rows.iter())
        .find(|r| r[3] == "identity.root-mfa")
        .expect("root MFA is an open check");
    assert!(matches!(mfa[4].as_str(), "fail" | "unknown"), "{mfa:?}");
    assert!(
        !mfa[7].is_empty() && mfa[6].contains("/"),
        "steps and questions: {mfa:?}"
    );

    // The PDF embeds the three trend charts as drawn art: their captions are on the pages and
    // the pages carry the series' colours, which no other page of the packet uses.
    let pdf = report_dir.join("report.pdf");
    if !common::have_poppler("pdftotext") || !common::have_poppler("pdftoppm") {
        return;
    }
    let pages = common::pdf_pages(&pdf, false);
    // The readiness table prints each share with its counts.
    for share in [&months[2].readiness.audit, &months[2].readiness.insurance] {
        let percent = share.percent.expect("measured");
        let figure = format!(
            "{percent}% ({} of {}, {} unknown)",
            share.met, share.known, share.unknown
        );
        assert!(
            pages.iter().any(|p| p.contains(&figure)),
            "no {figure:?} in the PDF"
        );
    }
    let captions = [
        "Audit readiness (% of automated SOC 2 questions met)",
        "Insurance readiness (% of carrier AWS questions met)",
        "Blast radius (counts that must fall)",
    ];
    let mut chart_pages: Vec<usize> = (captions.iter())
        .map(|c| {
            let found = pages.iter().position(|p| p.contains(c));
            found.unwrap_or_else(|| panic!("caption {c:?} not in the PDF")) + 1
        })
        .collect();
    chart_pages.dedup();
    // The first series' blue and the second's orange, from src/history/chart.rs.
    let (blue, orange) = ([31, 78, 161], [192, 80, 0]);
    let (mut blues, mut oranges) = (0, 0);
    for page in &chart_pages {
        let pixels = page_pixels(&pdf, *page);
        blues += count_near(&pixels, blue);
        oranges += count_near(&pixels, orange);
    }
    assert!(
        blues > 300 && oranges > 100,
        "chart pixels: {blues} blue, {oranges} orange"
    );
    let cover = page_pixels(&pdf, 1);
    assert_eq!(
        (count_near(&cover, blue), count_near(&cover, orange)),
        (0, 0)
    );
    let month_one = common::pdf_pages(&tmp.path().join("report-0/report.pdf"), false);
    assert!(
        !month_one.iter().any(|p| p.contains(captions[0])),
        "a chart of one month in the PDF"
    );
}

/// The Roadmap sheet of a workbook, as text rows.
fn roadmap_rows(xlsx: &Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(xlsx).expect("calamine opens the workbook");
    let range = book.worksheet_range("Roadmap").expect("Roadmap sheet");
    (range.rows())
        .map(|r| {
            (r.iter())
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The RGB pixels of one page rendered at 100 dpi by `pdftoppm`, as a binary PPM (P6).
fn page_pixels(pdf: &Path, page: usize) -> Vec<[u8; 3]> {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = dir.path().join("page");
    let n = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-f", &n, "-l", &n, "-r", "100", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("run pdftoppm");
    assert!(status.success(), "pdftoppm failed on page {page}");
    let bytes = fs::read(prefix.with_extension("ppm")).expect("ppm written");
    // Header: "P6", width, height, maxval, each followed by one whitespace byte.
    let mut fields = 0;
    let mut start = 0;
    let mut in_field = false;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_whitespace() {
            if in_field {
                fields += 1;
                in_field = false;
                if fields == 4 {
                    start = i + 1;
                    break;
                }
            }
        } else {
            in_field = true;
        }
    }
    assert!(bytes.starts_with(b"P6") && start > 0, "not a binary PPM");
    bytes[start..]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// Pixels within a small distance of `colour` (anti-aliased edges aside).
fn count_near(pixels: &[[u8; 3]], colour: [u8; 3]) -> usize {
    (pixels.iter())
        .filter(|p| (0..3).all(|i| p[i].abs_diff(colour[i]) <= 16))
        .count()
}

#[test]
fn diff_prints_text_markdown_and_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let history = build_history(tmp.path());
    let old = history::entry_path(&history, 1).display().to_string();
    let new = tmp.path().join("report-1").display().to_string();

    let plain = evident(&["diff", &old, &new]);
    let out = String::from_utf8_lossy(&plain.stdout);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain));
    assert!(
        out.contains("IMPROVED") && out.contains("aws-scp-ou-enforced"),
        "{out}"
    );
    assert!(
        out.contains("+ SCP policy type on the root: ENABLED"),
        "{out}"
    );

    let md = evident(&["diff", &old, &new, "--format", "markdown"]);
    let out = String::from_utf8_lossy(&md.stdout);
    assert!(
        out.contains("- **improved** `cyber-renewal-aws/aws-scp-ou-enforced`"),
        "{out}"
    );

    let js = evident(&[
        "diff",
        &old,
        &history.display().to_string(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&js.stdout).expect("json diff");
    let kinds: Vec<&str> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["question"] == "aws-cloudtrail-audit-account")
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["improved"]);
}

/// A copy of the landing zone whose Security OU lost its guardrail SCP and whose production
/// account gained an IAM user with an access key, with its manifest hashes recomputed.
fn degraded_landing_zone(dir: &Path) -> PathBuf {
    let snap = dir.join("landing-zone-degraded");
    fs::create_dir_all(&snap).expect("mkdir");
    let src = repo("samples/landing-zone");
    for name in [
        "manifest.json",
        "accounts.json",
        "cloudtrail.json",
        "identity-center.json",
    ] {
        fs::copy(src.join(name), snap.join(name)).expect("copy");
    }
    fs::copy(
        src.join("organization.json"),
        snap.join("organization.json"),
    )
    .expect("copy");

    let mut org: Value = read_json(&snap.join("organization.json"));
    let security_ou = org["organizational_units"]
        .as_array()
        .expect("ous")
        .iter()
        .find(|o| o["ok"]["name"] == "Security")
        .and_then(|o| o["ok"]["id"].as_str())
        .expect("Security OU")
        .to_string();
    for p in org["policy_details"].as_array_mut().expect("policies") {
        if let Some(targets) = p["ok"]["targets"].as_array_mut() {
            targets.retain(|t| t.as_str() != Some(security_ou.as_str()));
        }
    }
    write_json(&snap.join("organization.json"), &org);

    let mut accounts: Value = read_json(&snap.join("accounts.json"));
    let prod = accounts
        .as_array_mut()
        .expect("accounts")
        .iter_mut()
        .find(|a| {
            a["iam"]["authorization"]["ok"]["roles"]
                .to_string()
                .contains("BreakGlass")
        })
        .expect("the production account");
    let id = prod["account_id"].as_str().expect("id").to_string();
    let arn = format!("arn:aws:iam::{id}:user/deploy-bot");
    let source = |op: &str| {
        json!({"service": "iam", "operation": op, "account": id, "region": "us-east-1",
               "collected_at": "2026-12-03T18:18:40Z", "target": "deploy-bot"})
    };
    prod["iam"]["users"]
        .as_array_mut()
        .expect("users")
        .push(json!({
            "user_name": "deploy-bot", "arn": arn, "password_last_used": null,
            "console_password": {"source": source("GetLoginProfile"), "ok": false},
            "access_keys": {"source": source("ListAccessKeys"), "ok": [
                {"id": "AKIAEXAMPLEDEPLOYBOT", "status": "Active",
                 "created": "2026-12-01T00:00:00Z", "last_used": null}]},
            "mfa_devices": {"source": source("ListMFADevices"), "ok": []}
        }));
    prod["iam"]["authorization"]["ok"]["users"]
        .as_array_mut()
        .expect("authorization users")
        .push(
            json!({"name": "deploy-bot", "arn": arn, "created": "2026-12-01T00:00:00Z",
                     "groups": [], "attached_policies": [], "inline_policies": [],
                     "permissions_boundary": null}),
        );
    write_json(&snap.join("accounts.json"), &accounts);

    let mut manifest: Value = read_json(&snap.join("manifest.json"));
    for name in ["organization.json", "accounts.json"] {
        let bytes = fs::read(snap.join(name)).expect("read");
        manifest["files"][name] = json!(evident::snapshot::sha256_hex(&bytes));
    }
    write_json(&snap.join("manifest.json"), &manifest);
    snap
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read")).expect("json")
}

fn write_json(path: &Path, v: &Value) {
    fs::write(path, serde_json::to_vec_pretty(v).expect("json")).expect("write");
}

#[test]
fn a_landing_zone_losing_a_guardrail_and_gaining_an_iam_user_fails_the_regression_gate() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let history = build_history(tmp.path());
    let snap = degraded_landing_zone(tmp.path());

    let o = report(
        &snap,
        &tmp.path().join("report-3"),
        &history,
        &["--fail-on", "regression"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(stderr.contains("gate not met: regressed"), "{stderr}");
    for q in ["aws-scp-ou-enforced", "aws-identity-center"] {
        assert!(stderr.contains(q), "{q} not named: {stderr}");
    }

    // The month was recorded all the same, and its facts say what moved.
    let last = entry(&history, 4);
    let d = Diff::between(&entry(&history, 3).answers, &last.answers);
    let ic = d
        .of_kind(ChangeKind::Regressed)
        .find(|c| c.question == "aws-identity-center")
        .expect("identity center regressed");
    assert!(
        ic.facts_added.iter().any(|f| f.contains("deploy-bot")),
        "{:?}",
        ic.facts_added
    );
    assert_eq!(count(&last, "accounts_without_guardrail"), Some(2));
    assert_eq!(count(&last, "iam_users_with_access_keys"), Some(1));

    // The same run with a lenient threshold only: exit 0.
    let again = report(
        &snap,
        &tmp.path().join("report-4"),
        &history,
        &["--fail-under", "insurance=10"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let strict = report(
        &snap,
        &tmp.path().join("report-5"),
        &history,
        &["--fail-under", "audit=100"],
    );
    assert_eq!(strict.status.code(), Some(3), "{}", text(&strict));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("audit readiness is"));
}

#[test]
fn verify_names_the_edited_or_removed_entry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let history = build_history(tmp.path());
    let dir = history.display().to_string();

    // An edited month: entry 2 turns a No into a Yes.
    let second = history::entry_path(&history, 2);
    let original = fs::read_to_string(&second).expect("entry 2");
    fs::write(&second, original.replacen("\"No\"", "\"Yes\"", 1)).expect("tamper");
    let o = evident(&["verify", &dir]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(out.contains("entry 000002 was changed"), "{out}");

    // Appending to a broken chain is refused (exit 2), and nothing is appended.
    let refused = report(
        &repo("samples/landing-zone"),
        &tmp.path().join("refused"),
        &history,
        &[],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(!history::entry_path(&history, 4).exists());

    // A removed month.
    fs::write(&second, original).expect("restore");
    assert_eq!(evident(&["verify", &dir]).status.code(), Some(0));
    fs::remove_file(&second).expect("remove");
    let o = evident(&["verify", &dir]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(out.contains("entry 000002 is missing"), "{out}");

    // The latest month edited: only the marker's head hash can tell.
    let third = history::entry_path(&history, 3);
    let text3 = fs::read_to_string(&third).expect("entry 3");
    fs::write(&third, text3.replacen("\"No\"", "\"Yes\"", 1)).expect("tamper");
    let o = evident(&["verify", &dir]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("entry 000003 (the latest) was changed"),
        "{}",
        text(&o)
    );
}

#[test]
fn regression_gate_without_history_is_bad_usage() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut args = vec![
        "report".to_string(),
        "--snapshot".into(),
        repo("samples/landing-zone").display().to_string(),
        "--out".into(),
        tmp.path().join("out").display().to_string(),
        "--fail-on".into(),
        "regression".into(),
        "--questionnaire".into(),
    ];
    args.push(repo(QUESTIONNAIRES[0]).display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = evident(&refs);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!tmp.path().join("out").exists());

    let bad_axis = evident(&["report", "--fail-under", "speed=3"]);
    assert_eq!(bad_axis.status.code(), Some(2), "{}", text(&bad_axis));
}
