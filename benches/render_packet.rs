//! Time and peak memory of a full report for a synthetic organization of 1,000 accounts: load
//! the snapshot, run the probes, answer both bundled questionnaires, and write answers.xlsx,
//! report.pdf (the evidence packet) and report.html. The target on the development machine
//! is under 2 s and 300 MB in a release build.
//!
//! The organization is the `mid-migration` sample grown to 1,000 accounts: its member
//! accounts are cloned under new ids (tags, OU placement, directly attached SCPs and
//! per-account evidence included), so the probes see a partial migration at scale and the
//! packet carries per-account fact listings (typeset apart, see `render::pdf`) and a 1,000-row
//! scope appendix. A benchmark, not a timed test: it prints the figures and asserts only that
//! every output was written.
//!
//! Run with `cargo bench --no-default-features --bench render_packet` (the collector's SDK is
//! not needed). `RUST_LOG=evident=debug` prints the PDF's phases (template, Typst layout, PDF
//! export); `EVIDENT_TYPST_TRACE=trace.json` writes a Chrome trace of Typst's own phases;
//! `EVIDENT_TEMPLATES=DIR` renders with the templates in DIR instead of the built-in ones;
//! `EVIDENT_BENCH_OUT=DIR` keeps the outputs, with answers.json, in DIR.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use evident::questionnaire::{self, Attestations};
use evident::render::{self, ReportContext, Templates};
use evident::report::{build_answers_at, parse_date};
use evident::snapshot;

/// Accounts in the synthetic organization, management account included.
const ACCOUNTS: usize = 1_000;
/// The sample it is grown from.
const BASE: &str = "samples/mid-migration";

fn main() {
    // `RUST_LOG=evident=debug` prints where the PDF's time goes (template, layout, export).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("tempdir");
    let snapshot_dir = work.path().join("snapshot");
    grow_snapshot(&root.join(BASE), &snapshot_dir, ACCOUNTS);

    // Each phase with its time and the process's peak memory when it ended.
    let mut phases: Vec<(&str, Duration, Option<u64>)> = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, phases: &mut Vec<(&str, Duration, Option<u64>)>| {
        phases.push((name, lap.elapsed(), peak_memory_kb()));
        lap = Instant::now();
    };
    let start = Instant::now();

    let loaded = snapshot::load(&snapshot_dir).expect("synthetic snapshot loads");
    let questionnaires: Vec<_> = ["cyber-renewal-aws.yaml", "soc2-aws.yaml"]
        .iter()
        .map(|q| questionnaire::load(&root.join("questionnaires").join(q)).expect("loads"))
        .collect();
    let attestations = questionnaire::load_attestations(&root.join("samples/attestations.yaml"))
        .unwrap_or_else(|_| Attestations::default());
    // `EVIDENT_TEMPLATES=DIR` measures templates being edited without a rebuild.
    let template_dir = std::env::var_os("EVIDENT_TEMPLATES").map(std::path::PathBuf::from);
    let templates = Templates::load(template_dir.as_deref()).expect("templates load");
    mark("load snapshot", &mut phases);

    let now = parse_date("2026-12-04").expect("date");
    let answers = build_answers_at(&loaded, &questionnaires, &attestations, now);
    let ctx = ReportContext::new(answers, &loaded);
    mark("probes and answers", &mut phases);

    // `EVIDENT_BENCH_OUT=DIR` keeps the outputs (and answers.json) there to be looked at.
    let kept = std::env::var_os("EVIDENT_BENCH_OUT").map(std::path::PathBuf::from);
    let out = kept.clone().unwrap_or_else(|| work.path().join("out"));
    std::fs::create_dir_all(&out).expect("mkdir");
    render::write_xlsx(&ctx, &out.join("answers.xlsx")).expect("xlsx");
    mark("answers.xlsx", &mut phases);
    let trace = std::env::var_os("EVIDENT_TYPST_TRACE");
    if trace.is_some() {
        typst_timing::enable();
    }
    render::write_pdf(&ctx, &templates, &out.join("report.pdf")).expect("pdf");
    mark("report.pdf", &mut phases);
    if let Some(trace) = trace {
        // A Chrome trace of Typst's phases (evaluation, each layout pass, PDF export), for
        // chrome://tracing or Perfetto.
        let file = std::fs::File::create(&trace).expect("create trace file");
        typst_timing::export_json(std::io::BufWriter::new(file), |_| (String::new(), 0))
            .expect("write trace");
        typst_timing::disable();
    }
    render::write_html(&ctx, &templates, &out.join("report.html")).expect("html");
    mark("report.html", &mut phases);
    let total = start.elapsed();
    if kept.is_some() {
        let json = serde_json::to_vec_pretty(&ctx.answers).expect("answers serialize");
        std::fs::write(out.join("answers.json"), json).expect("write answers.json");
    }

    let facts: usize = (ctx.answers.questionnaires.iter())
        .flat_map(|q| &q.answers)
        .flat_map(|a| &a.evidence)
        .map(|e| e.facts.len())
        .sum();
    println!(
        "render_packet: {} accounts in scope, {facts} facts",
        ctx.scope.accounts.len()
    );
    for (name, time, peak) in &phases {
        let peak = peak.map_or(String::new(), |kb| {
            format!("   peak so far {:>7.1} MB", kb as f64 / 1024.0)
        });
        println!("  {name:<20} {:>8.1} ms{peak}", time.as_secs_f64() * 1e3);
    }
    for file in ["answers.xlsx", "report.pdf", "report.html"] {
        let size = std::fs::metadata(out.join(file)).expect("written").len();
        println!("  {file:<20} {:>8.1} KB", size as f64 / 1024.0);
    }
    println!(
        "  total                {:>8.1} ms",
        total.as_secs_f64() * 1e3
    );
    if let Some(cpu) = cpu_seconds() {
        // The machine is shared: CPU time says what the work costs when wall time is inflated.
        println!("  CPU time (user+sys) {:>8.1} ms", cpu * 1e3);
    }
    match peak_memory_kb() {
        Some(kb) => println!("  peak memory (VmHWM) {:>8.1} MB", kb as f64 / 1024.0),
        None => println!("  peak memory: /proc/self/status has no VmHWM"),
    }
    assert_eq!(ctx.scope.accounts.len(), ACCOUNTS);
}

/// The process's peak resident set size in KB, from Linux's `/proc/self/status`.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time of this process so far, from `/proc/self/stat` (fields 14 and
/// 15, in clock ticks of USER_HZ, which is 100 on Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is parenthesized and may contain spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// Writes a copy of the snapshot at `base` grown to `accounts` accounts: each member account
/// is cloned, round robin, under a new 12-digit id, in organization.json (account list and
/// tags), accounts.json (its evidence) and the manifest's scope; then the manifest's hashes are
/// recomputed so the copy loads as collected.
fn grow_snapshot(base: &Path, to: &Path, accounts: usize) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(base).expect("read sample").flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    let mut manifest = read(&to.join("manifest.json"));
    let mut org = read(&to.join("organization.json"));
    let mut evidence = read(&to.join("accounts.json"));

    let management = manifest["scope"]["management_account"].clone();
    let members: Vec<String> = (manifest["scope"]["accounts"].as_array().expect("accounts"))
        .iter()
        .filter(|a| **a != management)
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    let existing = members.len() + 1;

    let mut scope_accounts = manifest["scope"]["accounts"]
        .as_array()
        .expect("ids")
        .clone();
    for n in 0..accounts.saturating_sub(existing) {
        let template = &members[n % members.len()];
        let id = format!("{:012}", 200_000_000_000u64 + n as u64);
        clone_entry(&mut org["accounts"]["ok"], "id", template, &id);
        clone_entry(&mut evidence, "account_id", template, &id);
        // The SCPs attached to the account itself (FullAWSAccess at least: AWS keeps one on
        // every node), so the clone is evaluated root → OU → account like its template.
        for detail in org["policy_details"]
            .as_array_mut()
            .expect("policy details")
        {
            if let Some(targets) = detail["ok"]["targets"].as_array_mut() {
                if targets.iter().any(|t| t == template.as_str()) {
                    targets.push(id.clone().into());
                }
            }
        }
        let tags = &mut org["account_tags"];
        let cloned = retarget(&tags[template.as_str()], template, &id);
        tags[id.as_str()] = cloned;
        scope_accounts.push(id.into());
    }
    manifest["scope"]["accounts"] = scope_accounts.into();

    write(&to.join("organization.json"), &org, &mut manifest);
    write(&to.join("accounts.json"), &evidence, &mut manifest);
    let text = serde_json::to_vec_pretty(&manifest).expect("serialize");
    std::fs::write(to.join("manifest.json"), text).expect("write manifest");
}

/// Appends to the array `list` a copy of its element whose `key` is `template`, with every
/// mention of `template` replaced by `id`.
fn clone_entry(list: &mut Value, key: &str, template: &str, id: &str) {
    let items = list.as_array_mut().expect("array");
    let found = items
        .iter()
        .find(|v| v[key] == template)
        .expect("template entry");
    let cloned = retarget(found, template, id);
    items.push(cloned);
}

fn retarget(value: &Value, from: &str, to: &str) -> Value {
    let text = serde_json::to_string(value).expect("serialize");
    serde_json::from_str(&text.replace(from, to)).expect("still JSON")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read(path).expect("read snapshot file");
    serde_json::from_slice(&text).expect("snapshot file is JSON")
}

/// Writes a data file and records its hash in the manifest.
fn write(path: &Path, value: &Value, manifest: &mut Value) {
    let bytes = serde_json::to_vec(value).expect("serialize");
    std::fs::write(path, &bytes).expect("write");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    manifest["files"][name] = hex::encode(Sha256::digest(&bytes)).into();
}
