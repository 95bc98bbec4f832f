//! The shared harness for tests that run `evident` against emulated AWS: start a private moto
//! server on a free loopback port, seed one scenario organization into it with
//! `tests/seed_moto.py`, run `evident collect` and `evident report` as a user would (the real
//! binary, the real Rust SDK), and read what they wrote.
//!
//! Every moto server belongs to one test and dies with its [`Moto`] value, so tests run in
//! parallel without seeing each other's accounts. Nothing here ever talks to a non-loopback
//! address: the endpoint is always `http://127.0.0.1:PORT` and the credentials are dummies, with
//! every `AWS_*` variable of the caller's environment removed so a real profile cannot leak in.
//!
//! When python3 or moto is missing, [`require_moto!`] skips the test with a message on stderr,
//! except under `CI=true`, where a missing emulator is a broken build and panics.

// Each test crate uses a different part of the harness; the rest would warn as dead code.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Region every scenario is seeded and collected in.
pub const REGION: &str = "us-east-1";

/// moto's management account, fixed in the emulator.
pub const MANAGEMENT_ACCOUNT: &str = "123456789012";

/// How long moto may take to answer after spawning. Loading the AWS managed policies takes
/// 1–3 s on an idle machine; parallel tests and a cold Python cache stretch that.
const MOTO_START_TIMEOUT: Duration = Duration::from_secs(60);

/// Attempts at starting moto: the free port found is released before moto binds it, so
/// another process can take it in between.
const MOTO_START_ATTEMPTS: u32 = 3;

/// Skips the calling test (prints why, returns) when python3 or moto is missing; panics
/// instead under `CI=true`, where the emulator must be there.
#[macro_export]
macro_rules! require_moto {
    () => {
        if let Err(reason) = $crate::common::moto_available() {
            if $crate::common::in_ci() {
                panic!("moto is required under CI=true: {reason}");
            }
            eprintln!("skipping {}: {reason}", module_path!());
            return;
        }
    };
}

/// Whether the tests run under CI (`CI=true`), where skipping is not allowed.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `Ok` when `python3` can import moto (with its server extras) and boto3; the reason when not.
/// Checked once per test binary.
pub fn moto_available() -> Result<(), String> {
    static AVAILABLE: OnceLock<Result<(), String>> = OnceLock::new();
    AVAILABLE
        .get_or_init(|| {
            let probe = Command::new("python3")
                .args(["-c", "import boto3, moto, moto.server, flask"])
                .stdin(Stdio::null())
                .output();
            match probe {
                Err(err) => Err(format!("python3 cannot run: {err}")),
                Ok(out) if out.status.success() => Ok(()),
                Ok(out) => Err(format!(
                    "python3 cannot import moto[server] and boto3: {}",
                    String::from_utf8_lossy(&out.stderr)
                        .trim()
                        .lines()
                        .last()
                        .unwrap_or("")
                )),
            }
        })
        .clone()
}

/// Whether poppler's `tool` (`pdftotext`, `pdftoppm`, `pdffonts`) is on PATH; outside CI a
/// missing one skips the PDF checks with a message, under `CI=true` it fails the test.
pub fn have_poppler(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        assert!(!in_ci(), "{tool} (poppler-utils) is required in CI");
        eprintln!("skipping PDF checks: {tool} not found (apt-get install poppler-utils)");
    }
    found
}

/// The text of each page of a PDF, from poppler's `pdftotext` (pages end with a form feed),
/// every run of whitespace squeezed to one space. `layout` keeps each table row on one line
/// (`-layout`); without it the text comes in reading order.
pub fn pdf_pages(pdf: &Path, layout: bool) -> Vec<String> {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(pdf).arg("-").output().expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    (text.split('\u{c}'))
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The whole text of a PDF as [`pdf_pages`] reads it, pages joined by a space.
pub fn pdf_text(pdf: &Path, layout: bool) -> String {
    let pages = pdf_pages(pdf, layout);
    let pages: Vec<&str> = pages
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    pages.join(" ")
}

/// The repository root, where `tests/seed_moto.py` and `questionnaires/` live.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A moto server owned by one test; killed when dropped.
pub struct Moto {
    child: Child,
    port: u16,
    /// moto's stdout and stderr, kept in a file so a full pipe can never block the server.
    log: tempfile::NamedTempFile,
}

impl Moto {
    /// Starts moto on a free loopback port with the AWS managed policies loaded, and waits
    /// until it answers HTTP.
    pub fn start() -> Moto {
        let mut last_error = String::new();
        for _ in 0..MOTO_START_ATTEMPTS {
            match Moto::try_start() {
                Ok(moto) => return moto,
                Err(err) => last_error = err,
            }
        }
        panic!("moto did not start after {MOTO_START_ATTEMPTS} attempts: {last_error}");
    }

    fn try_start() -> Result<Moto, String> {
        let port = free_port();
        let log = tempfile::NamedTempFile::new().map_err(|e| format!("moto log file: {e}"))?;
        let stdout = log.reopen().map_err(|e| format!("moto log file: {e}"))?;
        let stderr = log.reopen().map_err(|e| format!("moto log file: {e}"))?;
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            // Without it, AWS managed policies (AdministratorAccess, …) cannot be attached.
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot spawn python3 -m moto.server: {e}"))?;

        let mut moto = Moto { child, port, log };
        let deadline = Instant::now() + MOTO_START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!(
                    "moto on port {port} exited ({status}): {}",
                    moto.log()
                ));
            }
            if moto.answers() {
                return Ok(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "moto on port {port} did not answer in {MOTO_START_TIMEOUT:?}: {}",
            moto.log()
        ))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, the only endpoint anything in these tests is pointed at.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What moto printed so far (its request log and any traceback).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Whether moto answers a plain HTTP request on its dashboard API.
    fn answers(&self) -> bool {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let request = format!(
            "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("local address of 127.0.0.1:0")
        .port()
}

/// What `tests/seed_moto.py` says it built.
#[derive(Debug, Clone, Deserialize)]
pub struct Seeded {
    pub scenario: String,
    pub management_account: String,
    /// Every account in scope by name, the management account as `master`.
    pub accounts: BTreeMap<String, String>,
    /// Counts and facts the script created and read back.
    pub expected: serde_json::Value,
    /// Things moto could not do the way AWS does, as met while seeding.
    #[serde(default)]
    pub moto_notes: Vec<String>,
}

impl Seeded {
    /// The id of the account seeded under `name` (`audit`, `prod`, `master`, …).
    pub fn id(&self, name: &str) -> &str {
        self.accounts.get(name).unwrap_or_else(|| {
            panic!(
                "scenario {} has no account named {name}: {:?}",
                self.scenario, self.accounts
            )
        })
    }

    /// The name the seed gave to account `id`.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, v)| *v == id)
            .map(|(k, _)| k.as_str())
    }

    /// Member account ids (every account but the management one), sorted.
    pub fn member_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .accounts
            .values()
            .filter(|id| **id != self.management_account)
            .cloned()
            .collect();
        ids.sort();
        ids
    }
}

/// Seeds `scenario` into `moto` and returns what the script built. Panics with the script's
/// stderr when seeding fails (that is a fixture bug, never a finding).
pub fn seed(moto: &Moto, scenario: &str) -> Seeded {
    let script = repo_root().join("tests").join("seed_moto.py");
    let mut command = Command::new("python3");
    command
        .arg(&script)
        .args(["--endpoint", &moto.endpoint(), "--scenario", scenario]);
    let out = run(&mut command, &format!("seed {scenario}"));
    assert_success(&out, &format!("seeding {scenario}"), moto);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "seed {scenario}: stdout is not the expected JSON ({e}):\n{}",
            lossy(&out.stdout)
        )
    })
}

/// Runs `evident collect` against `moto` into `out` and asserts it succeeded.
pub fn collect(moto: &Moto, out: &Path) -> Output {
    let mut command = evident();
    command
        .args([
            "collect",
            "--endpoint-url",
            &moto.endpoint(),
            "--region",
            REGION,
            // The scenarios are scoped to one region explicitly: moto cannot list an
            // account's enabled regions, and without a chosen scope that is unknown.
            "--regions",
            REGION,
            "--out",
        ])
        .arg(out);
    let output = run(&mut command, "evident collect");
    assert_success(&output, "evident collect", moto);
    output
}

/// Runs `evident report` on a snapshot with one questionnaire and asserts it succeeded.
pub fn report(snapshot: &Path, questionnaire: &Path, out: &Path) -> Output {
    let output = try_report(snapshot, questionnaire, out);
    if !output.status.success() {
        panic!(
            "evident report failed ({}):\n{}",
            output.status,
            lossy(&output.stderr)
        );
    }
    output
}

/// Runs `evident report` on a snapshot with one questionnaire, whatever its outcome.
pub fn try_report(snapshot: &Path, questionnaire: &Path, out: &Path) -> Output {
    let mut command = evident();
    command.arg("report").arg("--snapshot").arg(snapshot);
    command
        .arg("--questionnaire")
        .arg(questionnaire)
        .arg("--out")
        .arg(out);
    run(&mut command, "evident report")
}

/// The bundled questionnaire file `name` (say `cyber-renewal-aws.yaml`).
pub fn questionnaire(name: &str) -> PathBuf {
    repo_root().join("questionnaires").join(name)
}

/// The `evident` binary built for this test run, with an environment that can only reach
/// loopback: dummy credentials, no profile, no shared config files, no instance metadata.
pub fn evident() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_evident"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_CONFIG_FILE", "/nonexistent/evident-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/evident-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .stdin(Stdio::null());
    command
}

/// Reads and parses a JSON file, naming the file on failure.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The answers of questionnaire `questionnaire_id` in `answers.json`, keyed by question id.
pub fn answers_by_question(
    answers: &serde_json::Value,
    questionnaire_id: &str,
) -> BTreeMap<String, serde_json::Value> {
    let questionnaires = answers["questionnaires"]
        .as_array()
        .expect("answers.questionnaires[]");
    let found = questionnaires
        .iter()
        .find(|q| q["id"] == questionnaire_id)
        .unwrap_or_else(|| panic!("answers.json has no questionnaire {questionnaire_id}"));
    found["answers"]
        .as_array()
        .expect("questionnaire answers[]")
        .iter()
        .map(|a| {
            (
                a["question"].as_str().expect("answer.question").to_string(),
                a.clone(),
            )
        })
        .collect()
}

fn run(command: &mut Command, what: &str) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"))
}

fn assert_success(out: &Output, what: &str, moto: &Moto) {
    if !out.status.success() {
        let log = moto.log();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "{what} failed ({}):\n--- stderr\n{}\n--- stdout\n{}\n--- moto log (tail)\n{}",
            out.status,
            lossy(&out.stderr),
            lossy(&out.stdout),
            tail.join("\n")
        );
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Forwards every request to moto, except `sts:AssumeRole` into the account given as the
/// second argument, which gets AWS's answer for a role that cannot be assumed: moto itself
/// never refuses AssumeRole. Run with `python3 -c DENY_PROXY MOTO_URL ACCOUNT PORT`.
pub const DENY_PROXY: &str = r#"
import http.client, http.server, sys, urllib.parse
upstream, deny, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, up_port = upstream.split("//")[1].split(":")
DENIED = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
          '<Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to '
          'perform: sts:AssumeRole on resource: {}</Message></Error>'
          '<RequestId>evident-test</RequestId></ErrorResponse>')
class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = urllib.parse.parse_qs(body.decode("latin-1")) if self.command == "POST" else {}
        role = form.get("RoleArn", [""])[0]
        if form.get("Action") == ["AssumeRole"] and f":iam::{deny}:" in role:
            return self.reply(403, [("Content-Type", "text/xml")], DENIED.format(role).encode())
        conn = http.client.HTTPConnection(host, int(up_port), timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        r = conn.getresponse()
        data = r.read()
        hop = ("transfer-encoding", "connection", "content-length")
        self.reply(r.status, [(k, v) for k, v in r.getheaders() if k.lower() not in hop], data)
        conn.close()
    def reply(self, status, headers, data):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward
http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
"#;

/// The [`DENY_PROXY`] in front of one moto server, refusing `sts:AssumeRole` into one
/// account; killed when dropped.
pub struct DenyProxy {
    child: Child,
    port: u16,
}

impl DenyProxy {
    /// Starts the proxy on a free loopback port in front of `moto`, refusing role assumption
    /// into `account`, and waits until it listens.
    pub fn start(moto: &Moto, account: &str) -> DenyProxy {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-c",
                DENY_PROXY,
                &moto.endpoint(),
                account,
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts the deny proxy");
        let proxy = DenyProxy { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the deny proxy did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        proxy
    }

    /// `http://127.0.0.1:PORT`: point the collector here instead of at moto.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for DenyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `../shared/realdata` beside the project, where tests read real public documents in place.
/// Absent: the caller skips with a message, except under `CI=true`, where absence fails.
pub fn realdata() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/realdata");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(!in_ci(), "{} is missing under CI", dir.display());
    eprintln!("skipped: {} is absent", dir.display());
    None
}
