//! The scenario suite: each test builds one organization in its own moto server
//! (`tests/seed_moto.py`), collects it with the real `evident collect`, runs every probe of the
//! catalog on the snapshot and answers every bundled questionnaire with `evident report`.
//! Each scenario has a table, written by hand, of the outcome every probe must give (and the
//! count for `identity.admin-sprawl`); the test asserts those outcomes from the library and
//! from the evidence in answers.json, derives each automated answer from the table through
//! the question's rule and type (`expected_answer`, below), and asserts answers.json says
//! exactly that. It also asserts that no answer resting on `unknown` evidence is "Yes".
//!
//! Where moto cannot show a fact the way AWS would, the expected outcome is what the tool must
//! say about what moto shows (mostly `unknown`), and a comment names the moto limit. A table
//! without an entry for a probe of the catalog fails the test: a new probe needs its expected
//! outcome written here for every scenario.
//!
//! Outputs stay under `$CARGO_TARGET_TMPDIR/scenario-suite/<scenario>/` for inspection.

#[macro_use]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use evident::probes::{self, Outcome, Status};
use evident::questionnaire::{self, AnswerType, Questionnaire, Rule, Source};
use evident::snapshot::{self, Snapshot};
use serde_json::{json, Value};

use common::{Moto, Seeded, REGION};

use Status::{Fail, NotApplicable as Na, Partial, Pass, Unknown};

// ---------------------------------------------------------------------------------------------
// Expected outcomes, by hand
// ---------------------------------------------------------------------------------------------

/// One row of a scenario's table: the probe, its status, and the count it must report
/// (`identity.admin-sprawl` only).
type Row = (&'static str, Status, Option<f64>);

/// The table of a scenario, by probe id.
struct Table(BTreeMap<&'static str, (Status, Option<f64>)>);

impl Table {
    fn new(rows: &[Row]) -> Table {
        Table(rows.iter().map(|&(p, s, c)| (p, (s, c))).collect())
    }

    /// The same table with some rows replaced (an edge case differs from the landing zone in
    /// these probes only; every replaced row says why at its call site).
    fn but(mut self, rows: &[Row]) -> Table {
        for &(p, s, c) in rows {
            assert!(self.0.contains_key(p), "override of unknown row {p}");
            self.0.insert(p, (s, c));
        }
        self
    }

    fn status(&self, probe: &str) -> Option<Status> {
        self.0.get(probe).map(|r| r.0)
    }

    fn count(&self, probe: &str) -> Option<f64> {
        self.0.get(probe).and_then(|r| r.1)
    }
}

/// A standalone account that grew without guardrails.
fn single_account() -> Table {
    Table::new(&[
        ("org.separate-environments", Fail, None),
        ("org.scp-at-ou", Fail, None),
        // Single-region trail without validation, into a bucket of the account it audits.
        ("trail.audit-account", Fail, None),
        ("identity.identity-center", Fail, None),
        // 18 users with AdministratorAccess, 12 through `admins`, and role legacy-deploy.
        ("identity.admin-sprawl", Fail, Some(31.0)),
        // moto: AccountMFAEnabled is always 0.
        ("identity.root-mfa", Fail, None),
        ("org.management-no-workloads", Fail, None),
        ("org.security-ou", Fail, None),
        // No detector, no hub, no recorder: nothing regional is turned on.
        ("detect.guardduty", Fail, None),
        ("detect.security-hub", Fail, None),
        ("detect.config", Fail, None),
        // The trail bucket has no object lock.
        ("logs.archive-immutable", Fail, None),
        ("cost.sandbox-budgets", Na, None),
        ("backup.immutable-cross-account", Fail, None),
        ("s3.account-public-access-block", Fail, None),
        // The single-region trail logs the one collected region (us-east-1), and with no
        // custom selectors it records all management events.
        ("trail.coverage", Pass, None),
        // No organization: no SCP can guard the account.
        ("guardrails.protect-audit-logging", Fail, None),
        ("guardrails.no-iam-users", Fail, None),
        ("guardrails.region-restriction", Fail, None),
        // The 30 administrator users (18 direct, 12 through `admins`) and legacy-deploy may
        // delete data; IAM users among them fail. ReadOnlyAccess deletes nothing.
        ("identity.who-can-destroy-data", Fail, Some(31.0)),
        // The trail bucket is in the account itself, unlocked: its administrators can delete
        // or overwrite the logs.
        ("trail.logs-unreachable-from-workloads", Fail, None),
    ])
}

/// The reference landing zone, good wherever moto can show it.
fn landing_zone() -> Table {
    Table::new(&[
        ("org.separate-environments", Pass, None),
        ("org.scp-at-ou", Pass, None),
        ("trail.audit-account", Pass, None),
        ("identity.identity-center", Pass, None),
        // prod's BreakGlass; OrganizationAccountAccessRole has no policy in moto.
        ("identity.admin-sprawl", Pass, Some(1.0)),
        // moto: AccountMFAEnabled is always 0, the management root fails.
        ("identity.root-mfa", Fail, None),
        ("org.management-no-workloads", Pass, None),
        ("org.security-ou", Pass, None),
        // Detectors everywhere and audit as administrator, but moto lacks
        // DescribeOrganizationConfiguration: auto-enable is unknown.
        ("detect.guardduty", Unknown, None),
        // Enabled everywhere, but moto lacks ListOrganizationAdminAccounts for Security Hub.
        ("detect.security-hub", Unknown, None),
        ("detect.config", Pass, None),
        ("logs.archive-immutable", Pass, None),
        // moto has no budget actions (CreateBudgetAction 500, DescribeBudgetActions missing).
        ("cost.sandbox-budgets", Unknown, None),
        // Copied to log-archive's locked vault, but moto refuses ChangeableForDays < 3 and
        // its clock does not move: the lock is never past its lock date, so not compliance.
        ("backup.immutable-cross-account", Partial, None),
        ("s3.account-public-access-block", Pass, None),
        ("trail.coverage", Pass, None),
        // deny-audit-tampering on Production denies every action the probe checks to all
        // but BreakGlass (a named exemption).
        ("guardrails.protect-audit-logging", Pass, None),
        // deny-iam-users on Security, Production and Non-production: every member.
        ("guardrails.no-iam-users", Pass, None),
        // staging, dev and sandbox can create regional resources in us-east-1 and eu-west-1
        // only.
        ("guardrails.region-restriction", Pass, None),
        // prod's BreakGlass (AdministratorAccess); no IAM user. OrganizationAccountAccessRole
        // has no policy in moto.
        ("identity.who-can-destroy-data", Pass, Some(1.0)),
        // The log archive bucket is in COMPLIANCE Object Lock (365 days).
        ("trail.logs-unreachable-from-workloads", Pass, None),
    ])
}

/// Half-way from the single account to the landing zone.
fn mid_migration() -> Table {
    Table::new(&[
        ("org.separate-environments", Partial, None),
        ("org.scp-at-ou", Partial, None),
        // The organization trail delivers to a bucket in the management account.
        ("trail.audit-account", Fail, None),
        ("identity.identity-center", Partial, None),
        // 5 users with AdministratorAccess attached and 3 in `admins`.
        ("identity.admin-sprawl", Fail, Some(8.0)),
        ("identity.root-mfa", Fail, None),
        // acme-billing-app, tagged, in the management account.
        ("org.management-no-workloads", Fail, None),
        // audit administers GuardDuty; the trail bucket is in the management account, so
        // there is no log archive account.
        ("org.security-ou", Partial, None),
        // Detectors in 3 of 5 accounts: fails and some in place.
        ("detect.guardduty", Partial, None),
        ("detect.security-hub", Partial, None),
        // Recorder in the management account only, no aggregator.
        ("detect.config", Partial, None),
        // No object lock on the legacy trail bucket.
        ("logs.archive-immutable", Fail, None),
        // The sandbox has no budget at all.
        ("cost.sandbox-budgets", Fail, None),
        // Copied to audit, into a vault without a lock.
        ("backup.immutable-cross-account", Partial, None),
        // Two accounts of five block public access at the account level: some in place.
        ("s3.account-public-access-block", Partial, None),
        ("trail.coverage", Pass, None),
        // Only Sandbox has an SCP, and it guards neither audit logging nor prod.
        ("guardrails.protect-audit-logging", Fail, None),
        // sandbox-guardrails denies iam:CreateUser but not iam:CreateAccessKey; the other
        // members have no deny at all: no member holds.
        ("guardrails.no-iam-users", Fail, None),
        // The only non-production account, sandbox, is held to us-east-1 and us-west-2.
        ("guardrails.region-restriction", Pass, None),
        // prod holds no IAM user and no role with a policy (OrganizationAccountAccessRole
        // has none in moto): nobody, and no IAM user, can destroy its data. The 12 users are
        // in the management account, which is not production.
        ("identity.who-can-destroy-data", Pass, Some(0.0)),
        // The trail bucket is in the management account, without object lock, where the 8
        // administrator users may delete the logs: the management account's principals count
        // (only the audit and log archive accounts are out of the question).
        ("trail.logs-unreachable-from-workloads", Fail, None),
    ])
}

/// The table of `scenario`.
fn table(scenario: &str) -> Table {
    match scenario {
        "single-account" => single_account(),
        "landing-zone" => landing_zone(),
        "mid-migration" => mid_migration(),
        // The trail is created from the management account (moto cannot register a
        // CloudTrail delegated administrator, and a trail made in a member gets the member's
        // id in its ARN): the snapshot is the one AWS gives, so is every answer.
        "delegated-admin-trail" => landing_zone(),
        // GOVERNANCE can be lifted by a privileged user: not immutable. The bucket still
        // belongs to the log archive account, so the audit-account question stands.
        "governance-lock" => landing_zone().but(&[("logs.archive-immutable", Fail, None)]),
        // The closed account is excluded, with its state as the reason, and changes nothing.
        "suspended-account" => landing_zone(),
        // dev's role cannot be assumed: everything read inside dev is unknown. Organization
        // facts, the organization trail (it covers every member whatever dev lists) and the
        // buckets of the other accounts still stand.
        "unreachable-member" => landing_zone().but(&[
            ("identity.identity-center", Unknown, None),
            ("identity.admin-sprawl", Unknown, None),
            ("detect.config", Unknown, None),
            ("s3.account-public-access-block", Unknown, None),
        ]),
        // No organization trail; prod logs itself in us-east-1 into its own bucket.
        "single-region-member-trail" => landing_zone().but(&[
            // Single-region, into a bucket of a workload account.
            ("trail.audit-account", Fail, None),
            // The log archive bucket is no trail bucket any more; the only one is prod's.
            ("org.security-ou", Partial, None),
            // prod's bucket has no object lock.
            ("logs.archive-immutable", Fail, None),
            // prod/us-east-1 is logged, the six other cells are not.
            ("trail.coverage", Partial, None),
            // prod's unlocked bucket is in prod: BreakGlass (AdministratorAccess) may delete
            // and overwrite its log objects, and no SCP denies s3 there.
            ("trail.logs-unreachable-from-workloads", Fail, None),
        ]),
        // moto refuses EnableOrganizationsRootCredentialsManagement and answers
        // ListOrganizationsFeatures with 500: members are unknown, the management root
        // (no MFA in moto) fails. Never pass.
        "root-removed-centrally" => landing_zone(),
        // The instance the management account lists has no permission set and no
        // assignment: Identity Center is not in use for the organization.
        "account-instance-only" => landing_zone().but(&[("identity.identity-center", Fail, None)]),
        // The region deny on Non-production exempts BreakGlass and
        // OrganizationAccountAccessRole: named exemptions, so the restriction still holds.
        "region-deny-scp" => landing_zone(),
        other => panic!("no table for scenario {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// From expected outcomes to expected answers
// ---------------------------------------------------------------------------------------------

/// The status a question takes from its probes' statuses, by its rule (questionnaires/
/// README.md): `all` — the first of fail, unknown, partial, pass found wins; `any` — the first
/// of pass, unknown, partial, fail; not_applicable outcomes are left out, and only
/// not_applicable gives not_applicable.
fn expected_status(rule: Rule, statuses: &[Status]) -> Status {
    let order = match rule {
        Rule::All => [Fail, Unknown, Partial, Pass],
        Rule::Any => [Pass, Unknown, Partial, Fail],
    };
    if statuses.is_empty() {
        return Unknown;
    }
    order
        .into_iter()
        .find(|s| statuses.contains(s))
        .unwrap_or(Na)
}

/// The answer cell for a status: the question's own mapping when it has one, else the type's
/// default. `unknown` is always blank (null); `Text` answers are the probe summary, which is
/// not written by hand here (`None`: only its presence is checked).
fn expected_answer(
    kind: &AnswerType,
    overrides: &BTreeMap<Status, Value>,
    status: Status,
    count: Option<f64>,
) -> Option<Value> {
    if status == Unknown {
        return Some(Value::Null);
    }
    if let Some(v) = overrides.get(&status) {
        return Some(v.clone());
    }
    if status == Na {
        return Some(json!("N/A"));
    }
    Some(match (kind, status) {
        (AnswerType::YesNo, Pass) => json!("Yes"),
        (AnswerType::YesNo, _) => json!("No"),
        (AnswerType::YesNoPartial, Pass) => json!("Yes"),
        (AnswerType::YesNoPartial, Fail) => json!("No"),
        (AnswerType::YesNoPartial, _) => json!("Partial"),
        (AnswerType::Number, _) => count.map(|n| json!(n)).unwrap_or(Value::Null),
        (AnswerType::Text, _) => return None,
        (AnswerType::Choice(_), _) => Value::Null,
    })
}

// ---------------------------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------------------------

/// Everything one scenario produced.
struct Run {
    scenario: &'static str,
    seeded: Seeded,
    snapshot: Snapshot,
    outcomes: Vec<Outcome>,
    answers: Value,
    questionnaires: Vec<Questionnaire>,
    work: PathBuf,
    _moto: Moto,
}

/// The bundled questionnaires' ids, as `--questionnaire` takes them.
fn bundled_ids() -> Vec<String> {
    questionnaire::BUNDLED
        .iter()
        .map(|(file, _)| file.trim_end_matches(".yaml").to_string())
        .collect()
}

/// Seeds `scenario`, collects it (through the deny proxy for `deny`, an account name),
/// runs the probes and answers every bundled questionnaire.
fn run(scenario: &'static str, deny: Option<&str>) -> Run {
    let moto = Moto::start();
    let seeded = common::seed(&moto, scenario);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("scenario-suite")
        .join(scenario);
    if work.exists() {
        std::fs::remove_dir_all(&work).expect("clear the previous run");
    }
    std::fs::create_dir_all(&work).expect("create the work directory");
    let (snapshot_dir, report_dir) = (work.join("snapshot"), work.join("report"));

    let proxy = deny.map(|name| common::DenyProxy::start(&moto, seeded.id(name)));
    let endpoint = proxy
        .as_ref()
        .map_or_else(|| moto.endpoint(), common::DenyProxy::endpoint);
    let mut collect = common::evident();
    collect
        .args(["collect", "--endpoint-url", &endpoint, "--region", REGION])
        // One region in scope, chosen explicitly (as tests/common's `collect` and
        // scripts/make-samples do): moto cannot list an account's enabled regions
        // (account:ListRegions 404), and without a chosen scope the rest is unknown.
        .args(["--regions", REGION])
        .arg("--out")
        .arg(&snapshot_dir);
    check_ran(&mut collect, "evident collect", &moto);
    drop(proxy);

    let snapshot = snapshot::load(&snapshot_dir)
        .unwrap_or_else(|e| panic!("{scenario}: the snapshot does not load: {e}"))
        .snapshot;
    let outcomes = probes::run_all(&snapshot);

    let mut report = common::evident();
    report.arg("report").arg("--snapshot").arg(&snapshot_dir);
    for id in bundled_ids() {
        report.args(["--questionnaire", &id]);
    }
    report.arg("--out").arg(&report_dir);
    check_ran(&mut report, "evident report", &moto);
    let answers = common::read_json(&report_dir.join("answers.json"));
    let questionnaires = questionnaire::bundled().expect("the bundled questionnaires load");
    Run {
        scenario,
        seeded,
        snapshot,
        outcomes,
        answers,
        questionnaires,
        work,
        _moto: moto,
    }
}

fn check_ran(command: &mut Command, what: &str, moto: &Moto) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    if !out.status.success() {
        let log = moto.log();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        panic!(
            "{what} failed ({}):\n{}\n--- moto log (tail, newest first)\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            tail.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// Problems of one scenario, reported together.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    fn finish(self, run: &Run) {
        if !self.0.is_empty() {
            panic!(
                "scenario {}: {} problem(s) (outputs in {}; moto notes: {:?}):\n- {}",
                run.scenario,
                self.0.len(),
                run.work.display(),
                run.seeded.moto_notes,
                self.0.join("\n- ")
            );
        }
    }
}

/// The table covers the catalog, and every probe's outcome (and count) is the expected one.
fn check_outcomes(run: &Run, table: &Table, problems: &mut Problems) {
    for probe in probes::catalog() {
        problems.check(table.status(probe.id).is_some(), || {
            let found = run.outcomes.iter().find(|o| o.probe == probe.id);
            format!(
                "no expected outcome for probe {} in the table (it gave {:?})",
                probe.id,
                found.map(|o| (o.status, &o.summary))
            )
        });
    }
    for outcome in &run.outcomes {
        let Some(expected) = table.status(&outcome.probe) else {
            continue;
        };
        problems.check(outcome.status == expected, || {
            format!(
                "probe {}: {} ({}), expected {expected}",
                outcome.probe, outcome.status, outcome.summary
            )
        });
        if let Some(count) = table.count(&outcome.probe) {
            problems.check(outcome.value == Some(count), || {
                format!(
                    "probe {}: value {:?}, expected {count} ({})",
                    outcome.probe, outcome.value, outcome.summary
                )
            });
        }
    }
}

/// Every automated question of every bundled questionnaire answered as the table gives it,
/// and the evidence in answers.json holding the expected outcomes.
fn check_answers(run: &Run, table: &Table, problems: &mut Problems) {
    let mut asked = 0;
    for q in &run.questionnaires {
        let answers = common::answers_by_question(&run.answers, &q.id);
        for (_, question) in q.questions() {
            let Source::Probes {
                probes,
                rule,
                answers: overrides,
            } = &question.source
            else {
                continue;
            };
            asked += 1;
            let name = format!("{}/{}", q.id, question.id);
            let Some(found) = answers.get(&question.id) else {
                problems.0.push(format!("{name}: not in answers.json"));
                continue;
            };
            let statuses: Vec<Status> = probes
                .iter()
                .map(|p| table.status(p).unwrap_or(Unknown))
                .collect();
            let status = expected_status(*rule, &statuses);
            let count = probes.first().and_then(|p| table.count(p));
            let answer = expected_answer(&question.answer_type, overrides, status, count);
            problems.check(found["status"] == status.as_str(), || {
                format!(
                    "{name}: status {}, expected {status} (summary: {})",
                    found["status"], found["summary"]
                )
            });
            match answer {
                Some(answer) => problems.check(same(&found["answer"], &answer), || {
                    format!("{name}: answer {}, expected {answer}", found["answer"])
                }),
                None => problems.check(found["answer"].is_string(), || {
                    format!("{name}: text answer {}", found["answer"])
                }),
            }
            for e in found["evidence"].as_array().into_iter().flatten() {
                let probe = e["probe"].as_str().unwrap_or_default();
                let expected = table.status(probe).map(Status::as_str);
                problems.check(e["outcome"].as_str() == expected, || {
                    format!(
                        "{name}: evidence {probe} = {}, expected {expected:?}",
                        e["outcome"]
                    )
                });
            }
        }
    }
    problems.check(asked > 0, || "no automated question was asked".into());
}

/// Numbers compare by value (8 and 8.0 are the same count); everything else exactly.
fn same(found: &Value, expected: &Value) -> bool {
    match (found.as_f64(), expected.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => found == expected,
    }
}

/// No answer whose evidence holds an `unknown` outcome reads "Yes".
fn check_no_yes_on_unknown(run: &Run, problems: &mut Problems) {
    for q in run.answers["questionnaires"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for a in q["answers"].as_array().into_iter().flatten() {
            let unknown = a["evidence"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["outcome"] == "unknown");
            problems.check(!(unknown && a["answer"] == "Yes"), || {
                format!(
                    "{}/{}: answered Yes on unknown evidence",
                    q["id"], a["question"]
                )
            });
        }
    }
}

/// The outcome of `probe` in this run.
fn outcome<'a>(run: &'a Run, probe: &str) -> &'a Outcome {
    run.outcomes
        .iter()
        .find(|o| o.probe == probe)
        .unwrap_or_else(|| panic!("probe {probe} did not run"))
}

/// Runs the common checks of a scenario and returns the problems found, for the scenario's
/// own checks to add to.
fn suite(run: &Run) -> Problems {
    let mut problems = Problems::default();
    let table = table(run.scenario);
    check_outcomes(run, &table, &mut problems);
    check_answers(run, &table, &mut problems);
    check_no_yes_on_unknown(run, &mut problems);
    problems
}

// ---------------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------------

#[test]
fn single_account_scenario() {
    require_moto!();
    let run = run("single-account", None);
    suite(&run).finish(&run);
}

#[test]
fn landing_zone_scenario() {
    require_moto!();
    let run = run("landing-zone", None);
    suite(&run).finish(&run);
}

#[test]
fn mid_migration_scenario() {
    require_moto!();
    let run = run("mid-migration", None);
    suite(&run).finish(&run);
}

/// An organization trail made by a CloudTrail delegated administrator is owned by the
/// management account: it covers every member.
#[test]
fn delegated_admin_trail() {
    require_moto!();
    let run = run("delegated-admin-trail", None);
    let mut problems = suite(&run);
    let trail = &run.snapshot.cloudtrail.trails;
    problems.check(
        trail.iter().any(|t| {
            t.arn
                .contains(&format!(":{}:trail/", common::MANAGEMENT_ACCOUNT))
        }),
        || format!("no trail owned by the management account: {trail:?}"),
    );
    problems.finish(&run);
}

/// GOVERNANCE-mode object lock on the log archive bucket is not immutability.
#[test]
fn governance_lock() {
    require_moto!();
    let run = run("governance-lock", None);
    let mut problems = suite(&run);
    let o = outcome(&run, "logs.archive-immutable");
    problems.check(o.summary.contains("GOVERNANCE"), || {
        format!("the archive outcome does not name the mode: {}", o.summary)
    });
    problems.finish(&run);
}

/// A closed (SUSPENDED) member is excluded with its state as the reason, and appears in no
/// outcome.
#[test]
fn suspended_account() {
    require_moto!();
    let run = run("suspended-account", None);
    let mut problems = suite(&run);
    let retired = run.seeded.expected["excluded"]["retired"]["id"]
        .as_str()
        .expect("the seed names the closed account")
        .to_string();
    let scope = &run.snapshot.manifest.scope;
    problems.check(
        scope.excluded_accounts.get(&retired).map(String::as_str) == Some("SUSPENDED"),
        || format!("excluded accounts: {:?}", scope.excluded_accounts),
    );
    problems.check(!scope.accounts.contains(&retired), || {
        format!("{retired} is in scope: {:?}", scope.accounts)
    });
    for o in &run.outcomes {
        problems.check(!o.accounts.contains(&retired), || {
            format!("{} names the closed account {retired}", o.probe)
        });
    }
    problems.finish(&run);
}

/// A member whose role cannot be assumed: what is read inside it is unknown, and no answer
/// turns "Yes" because of it.
#[test]
fn unreachable_member() {
    require_moto!();
    let run = run("unreachable-member", Some("dev"));
    let mut problems = suite(&run);
    let dev = run.seeded.id("dev").to_string();
    let session = run
        .snapshot
        .account(&dev)
        .map(|a| a.session.error().is_some());
    problems.check(session == Some(true), || {
        format!("dev's session is not recorded as failed: {session:?}")
    });
    // s3.account-public-access-block folds per-account verdicts and names no accounts; its
    // facts say "account not entered". These three name the accounts they could not read.
    for probe in [
        "identity.identity-center",
        "identity.admin-sprawl",
        "detect.config",
    ] {
        let o = outcome(&run, probe);
        problems.check(o.accounts.contains(&dev), || {
            format!("{probe} does not name dev as unknown: {:?}", o.accounts)
        });
    }
    problems.finish(&run);
}

/// A member with only its own single-region trail: no organization coverage, and its one
/// region counted for that account only.
#[test]
fn single_region_member_trail() {
    require_moto!();
    let run = run("single-region-member-trail", None);
    let mut problems = suite(&run);
    let prod = run.seeded.id("prod").to_string();
    let o = outcome(&run, "trail.coverage");
    problems.check(!o.accounts.contains(&prod), || {
        format!("prod is not covered by its own trail: {:?}", o.accounts)
    });
    problems.check(o.accounts.len() == run.seeded.accounts.len() - 1, || {
        format!("every account but prod is uncovered: {:?}", o.accounts)
    });
    problems.finish(&run);
}

/// Centralized root access cannot be read in moto: member root MFA is unknown, never pass.
#[test]
fn root_removed_centrally() {
    require_moto!();
    let run = run("root-removed-centrally", None);
    let mut problems = suite(&run);
    let o = outcome(&run, "identity.root-mfa");
    problems.check(o.status != Pass, || "root MFA passed".into());
    for member in run.seeded.member_ids() {
        let unknown = o.facts.iter().any(|f| {
            f.statement.starts_with(&format!("account {member}:"))
                && f.statement.contains("could not be read")
        });
        problems.check(unknown, || {
            format!("member {member}: root MFA not reported unknown")
        });
    }
    problems.finish(&run);
}

/// Identity Center with no permission set and no assignment is not in use.
#[test]
fn account_instance_only() {
    require_moto!();
    let run = run("account-instance-only", None);
    suite(&run).finish(&run);
}

/// A region-deny SCP with NotAction and exemptions on Non-production is one more guardrail.
#[test]
fn region_deny_scp() {
    require_moto!();
    let run = run("region-deny-scp", None);
    let mut problems = suite(&run);
    let found = run
        .snapshot
        .organization
        .policy_details
        .iter()
        .filter_map(|r| r.value())
        .find(|p| p.name == "deny-unapproved-regions");
    problems.check(
        found.is_some_and(|p| p.content.contains("NotAction") && p.targets.is_some()),
        || format!("the region-deny SCP is not in the snapshot: {found:?}"),
    );
    problems.finish(&run);
}
