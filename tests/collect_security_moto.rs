//! `evident collect` reading the detection, backup and spend controls of a small landing zone
//! in moto: GuardDuty with a delegated administrator, Security Hub, AWS Config recorders and
//! an organization aggregator, an AWS Backup vault with a lock and a plan that copies to
//! another account, a budget, S3 Block Public Access at account and bucket level, bucket
//! default encryption, and a tagged resource in the management account.
//!
//! moto cannot show every fact AWS can (see the test names and the assertions on `Err`
//! records): where it cannot, the snapshot must hold an error record and a manifest entry,
//! never an invented answer.

mod common;

use std::process::Command;

use evident::snapshot::{self, AccountEvidence, Record, RegionEvidence, Snapshot};

use common::{Moto, MANAGEMENT_ACCOUNT, REGION};

/// Seeds the organization; prints the ids the assertions need as one JSON line.
const SEED: &str = r#"
import json, sys, boto3
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
          aws_secret_access_key="testing")
def client(svc, creds=None):
    k = dict(kw)
    if creds:
        k.update(aws_access_key_id=creds["AccessKeyId"],
                 aws_secret_access_key=creds["SecretAccessKey"],
                 aws_session_token=creds["SessionToken"])
    return boto3.client(svc, **k)
def enter(account):
    arn = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
    c = client("sts").assume_role(RoleArn=arn, RoleSessionName="seed")["Credentials"]
    return lambda svc: client(svc, c)
org = client("organizations")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
def account(name):
    return org.create_account(Email=f"{name}@example.com",
                              AccountName=name)["CreateAccountStatus"]["AccountId"]
audit, archive, vault_acct, sandbox = (account(n) for n in
                                       ("audit", "log-archive", "backup", "sandbox"))

# GuardDuty: the audit account administers it and has a detector; the sandbox's is off.
client("guardduty").enable_organization_admin_account(AdminAccountId=audit)
detector = enter(audit)("guardduty").create_detector(Enable=True)["DetectorId"]
enter(sandbox)("guardduty").create_detector(Enable=False)

# Security Hub on in the audit account only.
enter(audit)("securityhub").enable_security_hub()

# Config: a recording recorder and an organization aggregator in audit; a stopped recorder
# in the sandbox.
cfg = enter(audit)("config")
cfg.put_configuration_recorder(ConfigurationRecorder={
    "name": "default", "roleARN": f"arn:aws:iam::{audit}:role/config",
    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
cfg.start_configuration_recorder(ConfigurationRecorderName="default")
cfg.put_configuration_aggregator(ConfigurationAggregatorName="org", OrganizationAggregationSource={
    "RoleArn": f"arn:aws:iam::{audit}:role/aggregator", "AllAwsRegions": True})
enter(sandbox)("config").put_configuration_recorder(ConfigurationRecorder={
    "name": "default", "roleARN": f"arn:aws:iam::{sandbox}:role/config",
    "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                       "resourceTypes": ["AWS::S3::Bucket"]}})

# Backup: a locked vault in the backup account; the sandbox backs up locally and copies there.
bk = enter(vault_acct)("backup")
central = bk.create_backup_vault(BackupVaultName="central")["BackupVaultArn"]
bk.put_backup_vault_lock_configuration(BackupVaultName="central", MinRetentionDays=7,
                                       MaxRetentionDays=365, ChangeableForDays=3)
sb = enter(sandbox)("backup")
sb.create_backup_vault(BackupVaultName="local")
plan = sb.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [{
    "RuleName": "daily", "TargetBackupVaultName": "local",
    "ScheduleExpression": "cron(0 5 * * ? *)", "Lifecycle": {"DeleteAfterDays": 35},
    "CopyActions": [{"DestinationBackupVaultArn": central,
                     "Lifecycle": {"DeleteAfterDays": 90}}]}]})["BackupPlanId"]

# A budget in the sandbox (moto has no budget actions to attach).
enter(sandbox)("budgets").create_budget(AccountId=sandbox, Budget={
    "BudgetName": "sandbox-cap", "BudgetLimit": {"Amount": "100", "Unit": "USD"},
    "TimeUnit": "MONTHLY", "BudgetType": "COST"})

# Account-level Block Public Access in the audit account. boto3 puts the account id in front
# of the host too (`ACCOUNT.127.0.0.1`, which resolves nowhere): send it to the bare host.
ctl = enter(audit)("s3control")
def bare_host(request, **_):
    request.url = request.url.replace(f"//{audit}.", "//", 1)
ctl.meta.events.register("before-send.s3-control.*", bare_host)
ctl.put_public_access_block(AccountId=audit, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True})

# The trail bucket in log-archive: public access blocked, KMS default encryption.
s3 = enter(archive)("s3")
bucket = f"org-trail-{archive}"
s3.create_bucket(Bucket=bucket)
s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
    "RestrictPublicBuckets": False})
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
client("cloudtrail").create_trail(Name="org-trail", S3BucketName=bucket,
                                  IsMultiRegionTrail=True, IsOrganizationTrail=True)

# A workload in the management account, found through its tag.
client("s3").create_bucket(Bucket="mgmt-workload")
client("s3").put_bucket_tagging(Bucket="mgmt-workload",
                                Tagging={"TagSet": [{"Key": "app", "Value": "billing"}]})

print(json.dumps({"audit": audit, "archive": archive, "backup": vault_acct,
                  "sandbox": sandbox, "detector": detector, "central": central,
                  "plan": plan, "bucket": bucket}))
"#;

/// Seeds moto and returns the ids the seed printed.
fn seed(moto: &Moto) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", SEED, &moto.endpoint()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "seeding failed:\n{}\n--- moto log\n{}",
        String::from_utf8_lossy(&out.stderr),
        moto.log()
    );
    serde_json::from_slice(&out.stdout).expect("the seed prints JSON")
}

fn ok<T>(record: &Record<T>) -> &T {
    match record.value() {
        Some(v) => v,
        None => panic!("{} failed: {:?}", record.source.pointer(), record.error()),
    }
}

fn account<'a>(snap: &'a Snapshot, id: &str) -> &'a AccountEvidence {
    snap.account(id)
        .unwrap_or_else(|| panic!("account {id} collected"))
}

/// The account's evidence in the one region collected.
fn region<'a>(snap: &'a Snapshot, id: &str) -> &'a RegionEvidence {
    let regional = &account(snap, id).regional;
    assert_eq!(
        regional
            .iter()
            .map(|r| r.region.as_str())
            .collect::<Vec<_>>(),
        [REGION],
        "account {id}: the run's region, as ListRegions is missing in moto"
    );
    &regional[0]
}

/// Whether the manifest lists a failure of `operation` in `account`.
fn logged(snap: &Snapshot, account: &str, operation: &str) -> bool {
    snap.manifest
        .errors
        .iter()
        .any(|e| e.account == account && e.operation == operation)
}

#[test]
fn collects_detection_backup_and_spend_controls_from_moto() {
    require_moto!();
    let moto = Moto::start();
    let ids = seed(&moto);
    let id = |k: &str| ids[k].as_str().expect("seeded id").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("snapshot");
    common::collect(&moto, &out);
    let snap = snapshot::load(&out).expect("the snapshot loads").snapshot;

    check_regions(&snap, &id);
    check_guardduty(&snap, &id);
    check_security_hub(&snap, &id);
    check_config(&snap, &id);
    check_backup(&snap, &id);
    check_budgets(&snap, &id);
    check_public_access(&snap, &id);
    check_management_workloads(&snap, &id);
}

fn check_regions(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    // moto has no account:ListRegions: the error is kept and the run's region is collected.
    let audit = account(snap, &id("audit"));
    let enabled = audit.enabled_regions.as_ref().expect("ListRegions asked");
    assert!(enabled.error().is_some(), "moto cannot list regions");
    assert!(logged(snap, &id("audit"), "ListRegions"));
    region(snap, &id("audit"));
}

fn check_guardduty(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let audit = region(snap, &id("audit"));
    let detectors = ok(audit.guardduty.as_ref().expect("detectors read"));
    assert_eq!(detectors.len(), 1);
    assert_eq!(
        (detectors[0].id.as_str(), detectors[0].status.as_str()),
        (id("detector").as_str(), "ENABLED")
    );
    let sandbox = ok(region(snap, &id("sandbox"))
        .guardduty
        .as_ref()
        .expect("read"));
    assert_eq!(sandbox[0].status, "DISABLED");
    let archive = ok(region(snap, &id("archive"))
        .guardduty
        .as_ref()
        .expect("read"));
    assert!(archive.is_empty(), "no detector is a fact, not a gap");

    // The administrator is named by the management account, per region...
    let management = region(snap, MANAGEMENT_ACCOUNT);
    let admins = ok(management.guardduty_admins.as_ref().expect("admins read"));
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].account_id, id("audit"));
    assert!(
        audit.guardduty_admins.is_none(),
        "only the management account is asked"
    );
    // ...and its organization settings are asked for in the administrator, on its detector.
    // moto lacks DescribeOrganizationConfiguration: an error record, never a guessed value.
    let org = audit
        .guardduty_org
        .as_ref()
        .expect("asked in the administrator");
    assert_eq!(org.source.target.as_deref(), Some(id("detector").as_str()));
    assert!(org.error().is_some(), "moto cannot show auto-enable");
    assert!(logged(
        snap,
        &id("audit"),
        "DescribeOrganizationConfiguration"
    ));
    assert!(region(snap, &id("sandbox")).guardduty_org.is_none());
}

fn check_security_hub(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let audit = ok(region(snap, &id("audit"))
        .securityhub
        .as_ref()
        .expect("read"));
    assert!(audit.enabled);
    assert!(audit
        .arn
        .as_deref()
        .is_some_and(|a| a.contains(&id("audit"))));
    let sandbox = ok(region(snap, &id("sandbox"))
        .securityhub
        .as_ref()
        .expect("read"));
    assert!(!sandbox.enabled, "not subscribed is a fact, not a gap");
    // moto lacks securityhub:ListOrganizationAdminAccounts.
    let management = region(snap, MANAGEMENT_ACCOUNT);
    let admins = management.securityhub_admins.as_ref().expect("asked");
    assert!(
        admins.error().is_some(),
        "moto cannot list the administrator"
    );
}

fn check_config(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let audit = region(snap, &id("audit"));
    let recorders = ok(audit.config_recorders.as_ref().expect("read"));
    assert_eq!(recorders.len(), 1);
    let r = &recorders[0];
    assert_eq!(r.name, "default");
    assert_eq!(r.recording, Some(true));
    assert!(r.all_supported && r.include_global);
    assert_eq!(r.service_principal, None, "customer-managed");
    let aggregators = ok(audit.config_aggregators.as_ref().expect("read"));
    assert_eq!(aggregators.len(), 1);
    assert!(aggregators[0].organization_wide && aggregators[0].all_regions);

    let sandbox = region(snap, &id("sandbox"));
    let recorders = ok(sandbox.config_recorders.as_ref().expect("read"));
    assert_eq!(recorders[0].recording, Some(false), "never started");
    assert!(!recorders[0].all_supported);
    assert!(ok(sandbox.config_aggregators.as_ref().expect("read")).is_empty());
}

fn check_backup(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let vaults = ok(region(snap, &id("backup"))
        .backup_vaults
        .as_ref()
        .expect("read"));
    let central = vaults.iter().find(|v| v.name == "central").expect("vault");
    assert_eq!(central.arn, id("central"));
    assert!(central.locked);
    assert_eq!(
        (central.min_retention_days, central.max_retention_days),
        (Some(7), Some(365))
    );
    assert!(
        central.lock_date.is_some(),
        "compliance mode has a lock date"
    );
    // The lock date is three days ahead: still removable, so not (yet) compliance mode.
    assert_eq!(central.lock_mode.as_deref(), Some("GOVERNANCE"));

    let sandbox = region(snap, &id("sandbox"));
    let local = ok(sandbox.backup_vaults.as_ref().expect("read"));
    assert_eq!(local[0].lock_mode, None, "no lock");
    let plans = ok(sandbox.backup_plans.as_ref().expect("read"));
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].id, id("plan"));
    let rules = plans[0].rules.as_ref().expect("GetBackupPlan worked");
    assert_eq!(rules[0].target_vault, "local");
    assert_eq!(rules[0].delete_after_days, Some(35));
    assert_eq!(rules[0].copy_destinations, [id("central")]);
    assert!(
        id("central").contains(&id("backup")),
        "the copy goes to another account"
    );
}

fn check_budgets(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let sandbox = account(snap, &id("sandbox"));
    let budgets = ok(sandbox.budgets.as_ref().expect("read"));
    assert_eq!(budgets.len(), 1);
    let b = &budgets[0];
    assert_eq!(b.name, "sandbox-cap");
    assert_eq!(
        (b.budget_type.as_str(), b.time_unit.as_str()),
        ("COST", "MONTHLY")
    );
    assert!(
        b.limit.as_deref().is_some_and(|l| l.ends_with("USD")),
        "{:?}",
        b.limit
    );
    // moto has no budget actions: unknown, never "none".
    assert_eq!(b.actions, None);
    assert!(logged(
        snap,
        &id("sandbox"),
        "DescribeBudgetActionsForAccount"
    ));
    let audit = account(snap, &id("audit"));
    assert!(ok(audit.budgets.as_ref().expect("read")).is_empty());
}

fn check_public_access(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let audit = account(snap, &id("audit"));
    let block = ok(audit.s3_account_public_access_block.as_ref().expect("read"));
    assert!(block.all(), "{block:?}");
    let sandbox = account(snap, &id("sandbox"));
    let block = ok(sandbox
        .s3_account_public_access_block
        .as_ref()
        .expect("read"));
    assert!(
        !block.block_public_acls && !block.all(),
        "no setting is all four off"
    );

    let bucket = snap
        .cloudtrail
        .buckets
        .iter()
        .find(|b| b.name == id("bucket"))
        .expect("trail bucket read");
    let block = ok(bucket.public_access_block.as_ref().expect("read"));
    assert!(block.block_public_acls && !block.restrict_public_buckets);
    let encryption = ok(bucket.encryption.as_ref().expect("read"));
    assert_eq!(encryption.as_deref(), Some("aws:kms"));
}

fn check_management_workloads(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let management = region(snap, MANAGEMENT_ACCOUNT);
    let tagged = ok(management.tagged_resources.as_ref().expect("read"));
    assert!(
        tagged.iter().any(|a| a.ends_with(":mgmt-workload")),
        "{tagged:?}"
    );
    let audit = region(snap, &id("audit"));
    assert!(
        audit.tagged_resources.is_none(),
        "read in the management account only"
    );
}
