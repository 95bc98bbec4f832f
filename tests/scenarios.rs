//! End-to-end scenarios: each test builds one organization in its own moto server
//! (`tests/seed_moto.py`), collects it with the real `evident collect`, answers the bundled
//! cyber-renewal questionnaire with `evident report`, and checks the answers against values
//! written by hand from the scenario's description, never copied from a run.
//!
//! Each test also checks facts of the snapshot itself (accounts, OUs, SCP targets, trails,
//! buckets, users) against what the seed script says it built, so a wrong answer can be traced
//! to the collector (the snapshot is wrong) or to the probes and questionnaire (the snapshot is
//! right, the answer is not). All problems of one scenario are reported together.
//!
//! Outputs stay under `$CARGO_TARGET_TMPDIR/scenarios/<scenario>/` (`snapshot/`, `report/`) for
//! inspection after a failure.
//!
//! Where moto cannot show a fact the way AWS would (see DESIGN.md), the expectation stays what
//! AWS would give; the notes below name the quirks these scenarios meet.

#[macro_use]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use evident::snapshot::{self, Fetch, Snapshot};
use serde_json::{json, Value};

use common::{Moto, Seeded, MANAGEMENT_ACCOUNT};

const QUESTIONNAIRE: &str = "cyber-renewal-aws.yaml";
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// One hand-written expectation: the answer cell and the status behind it.
struct Expect {
    question: &'static str,
    answer: Value,
    status: &'static str,
}

fn expect(question: &'static str, answer: Value, status: &'static str) -> Expect {
    Expect {
        question,
        answer,
        status,
    }
}

/// Problems found in one scenario, reported together at the end of the test.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, found: T, expected: T) {
        self.check(found == expected, || {
            format!("{what}: found {found:?}, expected {expected:?}")
        });
    }

    fn finish(self, scenario: &str, work: &Path) {
        if !self.0.is_empty() {
            panic!(
                "scenario {scenario}: {} problem(s) (outputs kept in {}):\n- {}",
                self.0.len(),
                work.display(),
                self.0.join("\n- ")
            );
        }
    }
}

/// Everything one scenario run produced.
struct Run {
    seeded: Seeded,
    snapshot: Snapshot,
    /// The answers by question id, or why `evident report` produced none.
    answers: Result<BTreeMap<String, Value>, String>,
    work: PathBuf,
    // Kept alive until the checks are done, so a failure message can include its log.
    _moto: Moto,
}

/// Starts moto, seeds `scenario`, collects it and answers the questionnaire.
fn run_scenario(scenario: &str) -> Run {
    let moto = Moto::start();
    let seeded = common::seed(&moto, scenario);

    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("scenarios")
        .join(scenario);
    if work.exists() {
        std::fs::remove_dir_all(&work).expect("clear the previous run's outputs");
    }
    std::fs::create_dir_all(&work).expect("create the scenario work directory");
    let snapshot_dir = work.join("snapshot");
    let report_dir = work.join("report");

    common::collect(&moto, &snapshot_dir);
    let loaded = snapshot::load(&snapshot_dir)
        .unwrap_or_else(|e| panic!("{scenario}: the collected snapshot does not load: {e}"));
    let questionnaire = common::questionnaire(QUESTIONNAIRE);
    let report = common::try_report(&snapshot_dir, &questionnaire, &report_dir);
    let answers = if report.status.success() {
        Ok(answers_of(&report_dir.join("answers.json")))
    } else {
        Err(format!(
            "evident report failed ({}): {}",
            report.status,
            String::from_utf8_lossy(&report.stderr).trim()
        ))
    };

    Run {
        seeded,
        snapshot: loaded.snapshot,
        answers,
        work,
        _moto: moto,
    }
}

/// The answers of the one questionnaire in `answers.json`, by question id.
fn answers_of(path: &Path) -> BTreeMap<String, Value> {
    let answers = common::read_json(path);
    let questionnaires = answers["questionnaires"]
        .as_array()
        .expect("questionnaires[]");
    assert_eq!(
        questionnaires.len(),
        1,
        "one questionnaire asked, one answered"
    );
    let id = questionnaires[0]["id"].as_str().expect("questionnaire id");
    common::answers_by_question(&answers, id)
}

/// Compares each hand-written expectation with answers.json; on a mismatch, names the probe
/// outcomes behind the answer so the report says which part is wrong.
fn check_answers(run: &Run, expected: &[Expect], problems: &mut Problems) {
    let answers = match &run.answers {
        Ok(answers) => answers,
        Err(why) => return problems.0.push(why.clone()),
    };
    for e in expected {
        let Some(found) = answers.get(e.question) else {
            problems
                .0
                .push(format!("{}: no answer in answers.json", e.question));
            continue;
        };
        let answer_ok = same_answer(&found["answer"], &e.answer);
        let status_ok = found["status"] == e.status;
        problems.check(answer_ok && status_ok, || {
            format!(
                "{}: answered {} / {}, expected {} / {} (summary: {}; evidence: {})",
                e.question,
                found["answer"],
                found["status"],
                e.answer,
                e.status,
                found["summary"],
                evidence_line(found)
            )
        });
    }
}

/// Numbers compare by value (31 and 31.0 are the same count); everything else exactly.
fn same_answer(found: &Value, expected: &Value) -> bool {
    match (found.as_f64(), expected.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => found == expected,
    }
}

fn evidence_line(answer: &Value) -> String {
    let Some(evidence) = answer["evidence"].as_array() else {
        return "none".into();
    };
    evidence
        .iter()
        .map(|e| format!("{}={} ({})", e["probe"], e["outcome"], e["summary"]))
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------------------------------------
// Snapshot facts shared by the scenarios
// ---------------------------------------------------------------------------------------------

/// IAM users of `account` as collected: (users, with console password, with an active key,
/// with an MFA device). `None` when the account or its user details were not collected.
fn user_counts(snapshot: &Snapshot, account: &str) -> Option<(usize, usize, usize, usize)> {
    let evidence = snapshot.account(account)?;
    let users = &evidence.iam.users;
    let mut counts = (users.len(), 0, 0, 0);
    for user in users {
        counts.1 += usize::from(*user.console_password.value()?);
        counts.2 += usize::from(
            user.access_keys
                .value()?
                .iter()
                .any(|k| k.status == "Active"),
        );
        counts.3 += usize::from(!user.mfa_devices.value()?.is_empty());
    }
    Some(counts)
}

/// Names of the IAM users in `account` per `GetAccountAuthorizationDetails`.
fn authorization_users(snapshot: &Snapshot, account: &str) -> Option<Vec<String>> {
    let details = snapshot
        .account(account)?
        .iam
        .authorization
        .as_ref()?
        .value()?;
    Some(details.users.iter().map(|u| u.name.clone()).collect())
}

/// Checks the trail `name` owned by `owner`: listed there, logging, with these properties.
fn check_trail(
    problems: &mut Problems,
    snapshot: &Snapshot,
    owner: &str,
    name: &str,
    (org, multi_region, validation): (bool, bool, bool),
    bucket: &str,
) {
    let listed = snapshot.account(owner).into_iter().flat_map(|a| &a.trails);
    let trail = listed
        .filter_map(|r| r.value())
        .flatten()
        .find(|t| t.name == name && t.owner_account() == Some(owner));
    let Some(trail) = trail else {
        problems.0.push(format!(
            "trail {name} is not listed by DescribeTrails in {owner}"
        ));
        return;
    };
    problems.eq(
        &format!("trail {name} IsOrganizationTrail"),
        trail.is_organization_trail,
        org,
    );
    problems.eq(
        &format!("trail {name} IsMultiRegionTrail"),
        trail.is_multi_region,
        multi_region,
    );
    problems.eq(
        &format!("trail {name} LogFileValidation"),
        trail.log_file_validation,
        validation,
    );
    problems.eq(
        &format!("trail {name} bucket"),
        trail.s3_bucket.as_deref(),
        Some(bucket),
    );

    let details = snapshot
        .cloudtrail
        .trails
        .iter()
        .find(|d| d.arn == trail.arn);
    let logging = details.and_then(|d| d.status.value()).map(|s| s.is_logging);
    problems.eq(
        &format!("trail {name} GetTrailStatus IsLogging"),
        logging,
        Some(true),
    );
}

/// Checks which collected account's `ListBuckets` holds `bucket`.
fn check_bucket_owner(problems: &mut Problems, snapshot: &Snapshot, bucket: &str, owner: &str) {
    let holders: Vec<&str> = snapshot
        .accounts
        .iter()
        .filter(|a| {
            a.buckets
                .as_ref()
                .and_then(|r| r.value())
                .is_some_and(|names| names.iter().any(|n| n == bucket))
        })
        .map(|a| a.account_id.as_str())
        .collect();
    problems.eq(
        &format!("accounts whose ListBuckets holds {bucket}"),
        holders,
        vec![owner],
    );

    let evidence = snapshot
        .cloudtrail
        .buckets
        .iter()
        .find(|b| b.name == bucket);
    problems.eq(
        &format!("{bucket} owner_account in cloudtrail.json"),
        evidence.and_then(|b| b.owner_account.as_deref()),
        Some(owner),
    );
}

/// Organization facts common to both organization scenarios: every seeded account listed and
/// ACTIVE, each member under the OU the seed put it in, and the SCPs attached where seeded.
fn check_organization(problems: &mut Problems, run: &Run) {
    let (snapshot, seeded) = (&run.snapshot, &run.seeded);
    let expected = &seeded.expected;
    let scope = &snapshot.manifest.scope;
    problems.eq(
        "scope.organization_id",
        scope.organization_id.as_deref(),
        expected["organization_id"].as_str(),
    );
    problems.eq(
        "scope.management_account",
        scope.management_account.as_deref(),
        Some(MANAGEMENT_ACCOUNT),
    );
    let mut in_scope = scope.accounts.clone();
    in_scope.sort();
    let mut all: Vec<String> = seeded.accounts.values().cloned().collect();
    all.sort();
    problems.eq("scope.accounts", in_scope, all);

    let accounts = snapshot
        .organization
        .accounts
        .as_ref()
        .and_then(|r| r.value());
    let Some(accounts) = accounts else {
        problems
            .0
            .push("organizations:ListAccounts was not collected".into());
        return;
    };
    let members: Vec<_> = accounts
        .iter()
        .filter(|a| a.id != MANAGEMENT_ACCOUNT)
        .collect();
    problems.eq(
        "member accounts in ListAccounts",
        members.len() as u64,
        expected["member_accounts"]
            .as_u64()
            .expect("expected.member_accounts"),
    );
    for account in accounts {
        problems.eq(
            &format!("account {} state", account.name),
            account.state.as_str(),
            "ACTIVE",
        );
    }

    let ous: BTreeMap<&str, &str> = snapshot
        .organization
        .organizational_units
        .iter()
        .filter_map(|r| r.value())
        .map(|ou| (ou.name.as_str(), ou.id.as_str()))
        .collect();
    let layout = expected["organizational_units"]
        .as_object()
        .expect("expected OUs");
    problems.eq("OU names", ous.keys().copied().collect::<Vec<_>>(), {
        let mut names: Vec<&str> = layout.keys().map(String::as_str).collect();
        names.sort();
        names
    });
    for (ou, names) in layout {
        for name in names.as_array().expect("OU members") {
            let name = name.as_str().expect("account name");
            let parent = accounts
                .iter()
                .find(|a| a.name == name)
                .and_then(|a| a.parent_id.clone());
            problems.eq(
                &format!("parent of {name}"),
                parent.as_deref(),
                ous.get(ou.as_str()).copied(),
            );
        }
    }

    for (scp, target_ous) in expected["scps"].as_object().expect("expected scps") {
        let policy = snapshot
            .organization
            .policy_details
            .iter()
            .filter_map(|r| r.value())
            .find(|p| &p.name == scp);
        let Some(policy) = policy else {
            problems.0.push(format!("SCP {scp} not in the snapshot"));
            continue;
        };
        let mut expected_targets: Vec<&str> = target_ous
            .as_array()
            .expect("SCP targets")
            .iter()
            .map(|ou| {
                ous.get(ou.as_str().expect("OU name"))
                    .copied()
                    .unwrap_or("<missing OU>")
            })
            .collect();
        expected_targets.sort();
        let mut targets: Option<Vec<&str>> = policy
            .targets
            .as_ref()
            .map(|t| t.iter().map(String::as_str).collect());
        if let Some(t) = targets.as_mut() {
            t.sort();
        }
        problems.eq(
            &format!("SCP {scp} targets"),
            targets,
            Some(expected_targets),
        );
    }

    for (name, value) in expected["environment_tags"]
        .as_object()
        .expect("expected tags")
    {
        let tags = snapshot.organization.account_tags.get(seeded.id(name));
        let found = tags
            .and_then(|r| r.value())
            .and_then(|t| t.get("Environment").cloned());
        problems.eq(
            &format!("Environment tag of {name}"),
            found.as_deref(),
            value.as_str(),
        );
    }
}

/// Identity Center: permission sets by name with their managed policies, and the accounts
/// the given permission set is assigned in.
fn check_identity_center(
    problems: &mut Problems,
    run: &Run,
    permission_sets: &[&str],
    admin_accounts: &[&str],
) {
    let ic = &run.snapshot.identity_center;
    let Some(sets) = ic.permission_sets.as_ref().and_then(|r| r.value()) else {
        problems
            .0
            .push("sso-admin permission sets were not collected".into());
        return;
    };
    let mut names: Vec<&str> = sets.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    problems.eq("permission sets", names, permission_sets.to_vec());

    let admin = sets.iter().find(|p| p.name == "AdministratorAccess");
    problems.eq(
        "AdministratorAccess permission set policies",
        admin.map(|p| p.managed_policies.clone()),
        Some(vec![ADMIN_POLICY.to_string()]),
    );
    let Some(admin) = admin else { return };
    let mut assigned: Vec<String> = ic
        .assignments
        .iter()
        .filter_map(|r| r.value())
        .flatten()
        .filter(|a| a.permission_set_arn == admin.arn)
        .map(|a| a.account_id.clone())
        .collect();
    assigned.sort();
    assigned.dedup();
    let mut expected: Vec<String> = admin_accounts
        .iter()
        .map(|n| run.seeded.id(n).to_string())
        .collect();
    expected.sort();
    problems.eq("accounts assigned AdministratorAccess", assigned, expected);
}

// ---------------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------------

/// A standalone account: no organization, 40 IAM users of which 30 administrators, a role
/// allowing everything, one single-region trail without validation in the same account.
#[test]
fn single_account() {
    require_moto!();
    let run = run_scenario("single-account");
    let mut problems = Problems::default();
    let (snapshot, account) = (&run.snapshot, run.seeded.id("master"));

    let scope = &snapshot.manifest.scope;
    problems.eq(
        "scope.organization_id",
        scope.organization_id.as_deref(),
        None,
    );
    problems.eq(
        "scope.accounts",
        scope.accounts.clone(),
        vec![account.to_string()],
    );
    problems.eq("accounts collected", snapshot.accounts.len(), 1);
    let org_error = snapshot
        .organization
        .organization
        .as_ref()
        .and_then(|r| r.error());
    problems.eq(
        "DescribeOrganization error code",
        org_error.map(|e| e.code.as_str()),
        Some("AWSOrganizationsNotInUseException"),
    );

    // 40 users: 20 console passwords, 15 active keys, 5 MFA devices.
    problems.eq(
        "IAM users (password, key, MFA)",
        user_counts(snapshot, account),
        Some((40, 20, 15, 5)),
    );
    let users = authorization_users(snapshot, account).map(|u| u.len());
    problems.eq("users in GetAccountAuthorizationDetails", users, Some(40));
    let details = snapshot
        .account(account)
        .and_then(|a| a.iam.authorization.as_ref());
    let details = details.and_then(|r| r.value());
    let role = details.and_then(|d| d.roles.iter().find(|r| r.name == "legacy-deploy"));
    problems.check(role.is_some_and(|r| !r.inline_policies.is_empty()), || {
        "role legacy-deploy with its inline policy is not in the snapshot".into()
    });
    let group = details.and_then(|d| d.groups.iter().find(|g| g.name == "admins"));
    problems.check(
        group.is_some_and(|g| g.attached_policies.iter().any(|p| p.arn == ADMIN_POLICY)),
        || "group admins with AdministratorAccess is not in the snapshot".into(),
    );

    check_trail(
        &mut problems,
        snapshot,
        account,
        "main",
        (false, false, false),
        "acme-cloudtrail-logs",
    );
    check_bucket_owner(&mut problems, snapshot, "acme-cloudtrail-logs", account);

    let expected = [
        expect("aws-separate-accounts", json!("No"), "fail"),
        expect("aws-scp-ou-enforced", json!("No"), "fail"),
        expect("aws-cloudtrail-audit-account", json!("No"), "fail"),
        expect("aws-identity-center", json!("No"), "fail"),
        // moto always reports AccountMFAEnabled 0: the standalone root has no MFA.
        expect("aws-root-mfa", json!("No"), "fail"),
        // 30 users (18 direct, 12 through `admins`) and the role legacy-deploy.
        expect("aws-admin-sprawl", json!(31), "fail"),
    ];
    check_answers(&run, &expected, &mut problems);
    problems.finish("single-account", &run.work);
}

/// The reference landing zone: every carrier question answered "Yes" except root MFA, which
/// moto cannot show.
#[test]
fn landing_zone() {
    require_moto!();
    let run = run_scenario("landing-zone");
    let mut problems = Problems::default();
    let (snapshot, seeded) = (&run.snapshot, &run.seeded);

    check_organization(&mut problems, &run);
    let accounts = snapshot
        .organization
        .accounts
        .as_ref()
        .and_then(|r| r.value());
    let members = accounts.map(|a| {
        a.iter()
            .filter(|a| a.id != MANAGEMENT_ACCOUNT && a.state == "ACTIVE")
            .count()
    });
    problems.eq("ACTIVE member accounts", members, Some(6));

    let delegated = snapshot.organization.delegated_administrators.as_ref();
    match delegated.map(|r| &r.result) {
        Some(Fetch::Ok(admins)) => {
            let audit = admins.iter().find(|a| a.account_id == seeded.id("audit"));
            let services = audit.map(|a| a.services.clone()).unwrap_or_default();
            problems.check(
                services.iter().any(|s| s == "guardduty.amazonaws.com"),
                || format!("audit is not the GuardDuty delegated administrator: {admins:?}"),
            );
        }
        other => problems
            .0
            .push(format!("ListDelegatedAdministrators: {other:?}")),
    }

    for (name, id) in &seeded.accounts {
        problems.eq(
            &format!("IAM users in {name}"),
            authorization_users(snapshot, id),
            Some(vec![]),
        );
    }
    let prod = snapshot
        .account(seeded.id("prod"))
        .and_then(|a| a.iam.authorization.as_ref());
    let breakglass = prod
        .and_then(|r| r.value())
        .and_then(|d| d.roles.iter().find(|r| r.name == "BreakGlass"));
    problems.check(
        breakglass.is_some_and(|r| r.attached_policies.iter().any(|p| p.arn == ADMIN_POLICY)),
        || "prod role BreakGlass with AdministratorAccess is not in the snapshot".into(),
    );

    let archive = seeded.id("log-archive");
    check_trail(
        &mut problems,
        snapshot,
        MANAGEMENT_ACCOUNT,
        "org-trail",
        (true, true, true),
        "acme-org-trail-logs",
    );
    check_bucket_owner(&mut problems, snapshot, "acme-org-trail-logs", archive);
    let bucket = snapshot
        .cloudtrail
        .buckets
        .iter()
        .find(|b| b.name == "acme-org-trail-logs");
    let lock = bucket
        .and_then(|b| b.object_lock.as_ref())
        .and_then(|r| r.value());
    problems.eq(
        "acme-org-trail-logs object lock (enabled, mode, days)",
        lock.map(|l| (l.enabled, l.mode.clone(), l.days)),
        Some((true, Some("COMPLIANCE".to_string()), Some(365))),
    );
    let rules = bucket
        .and_then(|b| b.lifecycle_rules.as_ref())
        .and_then(|r| r.value());
    problems.check(
        rules.is_some_and(|r| r.iter().any(|r| r.enabled && r.transitions == ["GLACIER"])),
        || format!("acme-org-trail-logs lifecycle rules: {rules:?}"),
    );

    let all: Vec<&str> = ["audit", "log-archive", "prod", "staging", "dev", "sandbox"].to_vec();
    check_identity_center(
        &mut problems,
        &run,
        &["AdministratorAccess", "ReadOnly"],
        &all,
    );

    let expected = [
        expect("aws-separate-accounts", json!("Yes"), "pass"),
        expect("aws-scp-ou-enforced", json!("Yes"), "pass"),
        expect("aws-cloudtrail-audit-account", json!("Yes"), "pass"),
        expect("aws-identity-center", json!("Yes"), "pass"),
        // moto always reports AccountMFAEnabled 0: the management root has no MFA.
        expect("aws-root-mfa", json!("No"), "fail"),
        // Only prod's BreakGlass role. OrganizationAccountAccessRole has no policy in moto.
        expect("aws-admin-sprawl", json!(1), "pass"),
    ];
    check_answers(&run, &expected, &mut problems);
    problems.finish("landing-zone", &run.work);
}

/// Half-way from a single account to a landing zone: IAM users left in the management
/// account, SCPs only on Sandbox, the trail's bucket in the management account, Identity
/// Center covering two accounts of four.
#[test]
fn mid_migration() {
    require_moto!();
    let run = run_scenario("mid-migration");
    let mut problems = Problems::default();
    let (snapshot, seeded) = (&run.snapshot, &run.seeded);

    check_organization(&mut problems, &run);
    let names: Vec<&str> = seeded.accounts.keys().map(String::as_str).collect();
    problems.eq(
        "seeded accounts",
        names,
        vec!["audit", "log-archive", "master", "prod", "sandbox"],
    );

    // 12 users, all with console passwords, 6 with active keys, none with MFA.
    problems.eq(
        "management IAM users (password, key, MFA)",
        user_counts(snapshot, MANAGEMENT_ACCOUNT),
        Some((12, 12, 6, 0)),
    );
    for name in ["audit", "log-archive", "prod", "sandbox"] {
        let users = authorization_users(snapshot, seeded.id(name));
        problems.eq(&format!("IAM users in {name}"), users, Some(vec![]));
    }

    check_trail(
        &mut problems,
        snapshot,
        MANAGEMENT_ACCOUNT,
        "org-trail",
        (true, true, true),
        "acme-legacy-trail",
    );
    check_bucket_owner(
        &mut problems,
        snapshot,
        "acme-legacy-trail",
        MANAGEMENT_ACCOUNT,
    );
    check_identity_center(
        &mut problems,
        &run,
        &["AdministratorAccess"],
        &["audit", "prod"],
    );

    let expected = [
        expect("aws-separate-accounts", json!("No"), "partial"),
        expect("aws-scp-ou-enforced", json!("No"), "partial"),
        expect("aws-cloudtrail-audit-account", json!("No"), "fail"),
        expect("aws-identity-center", json!("No"), "partial"),
        expect("aws-root-mfa", json!("No"), "fail"),
        // 5 users with AdministratorAccess attached and 3 in `admins`.
        expect("aws-admin-sprawl", json!(8), "fail"),
    ];
    check_answers(&run, &expected, &mut problems);
    problems.finish("mid-migration", &run.work);
}
