//! `evident collect` against a small organization in moto, through the real binary and the
//! real Rust SDK. The organization: a management account with an organization trail, an IAM
//! user with a console password and a key, and an Identity Center permission set assigned in
//! a workload account; a log-archive account that owns the trail bucket; a workload account
//! in a nested OU under an SCP; a closed (SUSPENDED) account; and an account whose
//! `OrganizationAccountAccessRole` was deleted.
//!
//! moto lets anyone assume any role, deleted or not. AWS answers `AccessDenied` for a role
//! that is gone, so the test puts a small forwarding proxy in front of moto that answers
//! exactly that for the broken account and passes every other request through untouched.
//!
//! Needs python3 with moto and boto3 (the harness in `tests/common` starts moto and the
//! proxy). Without them the test says so and passes, except with `CI=true`, where it fails.

#[macro_use]
mod common;

use std::path::Path;
use std::process::Command;

use evident::snapshot::{self, ErrorKind, Record, Snapshot};

/// Builds the organization; prints the ids the assertions need as one JSON line.
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
org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
def ou(parent, name):
    return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
security, workloads = ou(root, "Security"), ou(root, "Workloads")
prod_ou = ou(workloads, "Prod")
def account(name, parent):
    s = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    org.move_account(AccountId=s["AccountId"], SourceParentId=root, DestinationParentId=parent)
    return s["AccountId"]
log_archive, prod = account("log-archive", security), account("prod", prod_ou)
broken, gone = account("broken", workloads), account("gone", workloads)
org.tag_resource(ResourceId=prod, Tags=[{"Key": "Environment", "Value": "production"}])
org.close_account(AccountId=gone)
deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
scp = org.create_policy(Name="deny-leave", Type="SERVICE_CONTROL_POLICY", Description="guardrail",
                        Content=json.dumps(deny))["Policy"]["PolicySummary"]["Id"]
org.attach_policy(PolicyId=scp, TargetId=workloads)
s3 = enter(log_archive)("s3")
bucket = f"org-trail-logs-{log_archive}"
s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
ct = client("cloudtrail")
ct.create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=True,
                IsOrganizationTrail=True, EnableLogFileValidation=True)
ct.start_logging(Name="org-trail")
iam = client("iam")
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Correct-Horse-Battery-1")
iam.create_access_key(UserName="alice")
iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
iam.put_user_policy(UserName="alice", PolicyName="read-logs", PolicyDocument=json.dumps(
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))
iam.create_user(UserName="bot")
iam.create_access_key(UserName="bot")
sso = client("sso-admin")
inst = sso.list_instances()["Instances"][0]
ps = sso.create_permission_set(InstanceArn=inst["InstanceArn"], Name="AdministratorAccess",
                               SessionDuration="PT1H")["PermissionSet"]["PermissionSetArn"]
sso.attach_managed_policy_to_permission_set(InstanceArn=inst["InstanceArn"], PermissionSetArn=ps,
    ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
user = client("identitystore").create_user(IdentityStoreId=inst["IdentityStoreId"],
    UserName="carol", DisplayName="Carol", Name={"GivenName": "Carol", "FamilyName": "C"})
sso.create_account_assignment(InstanceArn=inst["InstanceArn"], TargetId=prod,
    TargetType="AWS_ACCOUNT", PermissionSetArn=ps, PrincipalType="USER",
    PrincipalId=user["UserId"])
enter(broken)("iam").delete_role(RoleName="OrganizationAccountAccessRole")
print(json.dumps({"log_archive": log_archive, "prod": prod, "broken": broken, "gone": gone,
                  "bucket": bucket, "scp": scp, "workloads": workloads, "prod_ou": prod_ou,
                  "instance": inst["InstanceArn"]}))
"#;

const MANAGEMENT: &str = "123456789012";

fn seed(url: &str) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", SEED, url])
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "seeding moto failed:\n{stderr}");
    serde_json::from_slice(&out.stdout).expect("the seed script prints JSON")
}

fn ok<T>(record: &Record<T>) -> &T {
    match record.value() {
        Some(v) => v,
        None => panic!("{} failed: {:?}", record.source.pointer(), record.error()),
    }
}

fn collect(endpoint: &str, out: &Path) -> Snapshot {
    let run = Command::new(env!("CARGO_BIN_EXE_evident"))
        .args([
            "collect",
            "--endpoint-url",
            endpoint,
            "--regions",
            "us-east-1,eu-west-1",
        ])
        .arg("--out")
        .arg(out)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .output()
        .expect("evident runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "evident collect failed:\n{stderr}");
    assert!(
        stderr.contains("error(s)"),
        "one-line summary on stderr: {stderr}"
    );
    assert!(run.stdout.is_empty(), "collect writes nothing to stdout");
    let problems = snapshot::verify(out).expect("a snapshot directory");
    assert!(problems.is_empty(), "hashes match: {problems:?}");
    snapshot::load(out).expect("the snapshot loads").snapshot
}

#[test]
fn collects_an_organization_from_moto() {
    require_moto!();
    let moto = common::Moto::start();
    let ids = seed(&moto.endpoint());
    let id = |k: &str| ids[k].as_str().expect("seeded id").to_string();
    let proxy = common::DenyProxy::start(&moto, &id("broken"));

    let dir = tempfile::tempdir().expect("temp dir");
    let snap = collect(&proxy.endpoint(), &dir.path().join("snapshot"));

    check_manifest(&snap, &id);
    check_organization(&snap, &id);
    check_cloudtrail(&snap, &id);
    check_iam(&snap);
    check_identity_center(&snap, &id);
    check_unreachable_account(&snap, &id("broken"));
}

#[test]
fn an_account_outside_any_organization_is_a_scope_of_one() {
    require_moto!();
    let moto = common::Moto::start();
    let url = moto.endpoint();
    let dir = tempfile::tempdir().expect("temp dir");
    let snap = collect(&url, &dir.path().join("snapshot"));

    let scope = &snap.manifest.scope;
    assert_eq!(
        (
            scope.organization_id.as_ref(),
            scope.management_account.as_ref()
        ),
        (None, None)
    );
    assert_eq!(scope.accounts, [MANAGEMENT]);
    let described = snap
        .organization
        .organization
        .as_ref()
        .expect("DescribeOrganization");
    let error = described.error().expect("not in an organization");
    assert_eq!(error.code, "AWSOrganizationsNotInUseException");
    assert!(snap.organization.accounts.is_none());
    let errors = &snap.manifest.errors;
    assert!(
        !errors.iter().any(|e| e.operation == "DescribeOrganization"),
        "not a gap: {errors:?}"
    );
    let account = snap
        .account(MANAGEMENT)
        .expect("the caller's account is collected");
    assert!(account.session.value().is_some());
    assert!(account
        .iam
        .account_summary
        .as_ref()
        .is_some_and(|r| r.value().is_some()));
    assert!(
        account.iam.organizations_features.is_none(),
        "no management account to ask"
    );
    assert_eq!(snap.identity_center.instance_arn, None);
}

fn check_manifest(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let m = &snap.manifest;
    assert_eq!(m.format, "evident.snapshot");
    assert_eq!(m.format_version, snapshot::FORMAT_VERSION);
    assert!(m.caller_arn.contains(MANAGEMENT), "caller {}", m.caller_arn);
    assert!(m.finished_at >= m.started_at);
    let scope = &m.scope;
    assert!(scope
        .organization_id
        .as_deref()
        .is_some_and(|o| o.starts_with("o-")));
    assert_eq!(scope.management_account.as_deref(), Some(MANAGEMENT));
    let mut expected = vec![
        MANAGEMENT.to_string(),
        id("log_archive"),
        id("prod"),
        id("broken"),
    ];
    expected.sort();
    assert_eq!(scope.accounts, expected);
    assert_eq!(
        scope.excluded_accounts.get(&id("gone")).map(String::as_str),
        Some("SUSPENDED")
    );
    assert_eq!(scope.regions, ["us-east-1", "eu-west-1"]);
    // A suspended account is not entered at all.
    assert!(snap.account(&id("gone")).is_none());
}

fn check_organization(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let org = &snap.organization;
    let accounts = ok(org.accounts.as_ref().expect("ListAccounts"));
    let prod = accounts
        .iter()
        .find(|a| a.id == id("prod"))
        .expect("prod listed");
    assert_eq!(prod.state, "ACTIVE");
    assert_eq!(prod.parent_id, Some(id("prod_ou")));
    let gone = accounts
        .iter()
        .find(|a| a.id == id("gone"))
        .expect("closed account listed");
    assert_eq!(gone.state, "SUSPENDED");

    let roots = ok(org.roots.as_ref().expect("ListRoots"));
    let scp_type = roots[0].policy_types.get("SERVICE_CONTROL_POLICY");
    assert_eq!(scp_type.map(String::as_str), Some("ENABLED"));
    let prod_ou = org
        .organizational_units
        .iter()
        .map(ok)
        .find(|ou| ou.name == "Prod");
    assert_eq!(prod_ou.expect("nested OU found").parent_id, id("workloads"));
    assert!(org.incomplete_parents.is_empty());

    let scp = org
        .policy_details
        .iter()
        .map(ok)
        .find(|p| p.id == id("scp"))
        .expect("SCP read");
    assert_eq!(scp.name, "deny-leave");
    assert!(scp.content.contains("organizations:LeaveOrganization"));
    assert_eq!(scp.targets, Some(vec![id("workloads")]));

    let tags = ok(&org.account_tags[&id("prod")]);
    assert_eq!(
        tags.get("Environment").map(String::as_str),
        Some("production")
    );
}

fn check_cloudtrail(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let arn = format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-trail");
    // Listed in both regions of the management account (the eu-west-1 copy is a shadow)...
    let management = snap
        .account(MANAGEMENT)
        .expect("management account collected");
    assert_eq!(management.trails.len(), 2);
    for listing in &management.trails {
        assert!(
            ok(listing).iter().any(|t| t.arn == arn),
            "{}",
            listing.source.pointer()
        );
    }
    // ...and kept once, with status read by ARN in the owner account and home region.
    assert_eq!(snap.cloudtrail.trails.len(), 1, "deduplicated by ARN");
    let trail = &snap.cloudtrail.trails[0];
    assert_eq!(trail.arn, arn);
    assert_eq!(trail.status.source.account, MANAGEMENT);
    assert_eq!(trail.status.source.region, "us-east-1");
    assert_eq!(trail.status.source.target.as_deref(), Some(arn.as_str()));
    assert!(ok(&trail.status).is_logging);
    ok(&trail.event_selectors);

    assert_eq!(snap.cloudtrail.buckets.len(), 1);
    let bucket = &snap.cloudtrail.buckets[0];
    assert_eq!(bucket.name, id("bucket"));
    assert_eq!(
        bucket.owner_account,
        Some(id("log_archive")),
        "owner from ListBuckets"
    );
    let policy = ok(bucket.policy.as_ref().expect("GetBucketPolicy"));
    assert!(policy
        .as_deref()
        .is_some_and(|p| p.contains("cloudtrail.amazonaws.com")));
    assert!(
        !ok(bucket.object_lock.as_ref().expect("object lock")).enabled,
        "not configured"
    );
    assert!(ok(bucket.lifecycle_rules.as_ref().expect("lifecycle")).is_empty());
    // moto answers GetBucketVersioning with a root element the SDK rejects: that must be a
    // recorded gap, not a crash (on AWS the record is Ok).
    let versioning = bucket
        .versioning
        .as_ref()
        .expect("GetBucketVersioning asked");
    if let Some(error) = versioning.error() {
        let logged = snap.manifest.errors.iter().any(|e| {
            e.operation == "GetBucketVersioning"
                && e.account == id("log_archive")
                && e.code == error.code
        });
        assert!(logged, "the versioning error is in the manifest");
    }
}

fn check_iam(snap: &Snapshot) {
    let iam = &snap.account(MANAGEMENT).expect("management").iam;
    let alice = iam
        .users
        .iter()
        .find(|u| u.user_name == "alice")
        .expect("alice");
    assert!(*ok(&alice.console_password));
    let keys = ok(&alice.access_keys);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].status, "Active");
    assert!(ok(&alice.mfa_devices).is_empty());
    let bot = iam
        .users
        .iter()
        .find(|u| u.user_name == "bot")
        .expect("bot");
    assert!(
        !*ok(&bot.console_password),
        "NoSuchEntity means no console password"
    );

    let details = ok(iam.authorization.as_ref().expect("authorization details"));
    let alice = details
        .users
        .iter()
        .find(|u| u.name == "alice")
        .expect("alice detailed");
    assert!(alice
        .attached_policies
        .iter()
        .any(|p| p.name == "AdministratorAccess"));
    let inline = &alice.inline_policies[0].document;
    let doc: serde_json::Value = serde_json::from_str(inline).expect("decoded policy JSON");
    assert_eq!(doc["Statement"][0]["Action"], "s3:Get*");
    let admin = details
        .policies
        .iter()
        .find(|p| p.name == "AdministratorAccess");
    assert!(
        admin.is_some_and(|p| p.default_document.is_some()),
        "attached AWS policy kept"
    );
    assert!(
        !details.policies.iter().any(|p| p.name == "ReadOnlyAccess"),
        "unattached left out"
    );

    let summary = ok(iam.account_summary.as_ref().expect("summary"));
    assert_eq!(summary.get("Users"), Some(&2));
    // Read in the management account only; moto answers it with HTTP 500.
    assert!(iam.organizations_features.is_some());
    let member = snap
        .accounts
        .iter()
        .find(|a| a.account_id != MANAGEMENT && a.session.value().is_some());
    assert!(member
        .expect("a member")
        .iam
        .organizations_features
        .is_none());
}

fn check_identity_center(snap: &Snapshot, id: &dyn Fn(&str) -> String) {
    let ic = &snap.identity_center;
    assert_eq!(
        ic.instance_arn,
        Some(id("instance")),
        "the management account's instance"
    );
    // moto shows an instance in every account by itself; those are account instances.
    let prod = snap.account(&id("prod")).expect("prod");
    let own = ok(prod.sso_instances.as_ref().expect("ListInstances in prod"));
    assert!(own
        .iter()
        .all(|i| i.owner_account_id.as_deref() == Some(id("prod").as_str())));

    let sets = ok(ic.permission_sets.as_ref().expect("permission sets"));
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].name, "AdministratorAccess");
    assert_eq!(
        sets[0].managed_policies,
        ["arn:aws:iam::aws:policy/AdministratorAccess"]
    );
    let assigned: Vec<_> = ic.assignments.iter().flat_map(ok).collect();
    assert_eq!(assigned.len(), 1, "{assigned:?}");
    assert_eq!(assigned[0].account_id, id("prod"));
    assert_eq!(assigned[0].principal_type, "USER");
    assert_eq!(
        *ok(ic.user_count.as_ref().expect("identity store users")),
        1
    );
}

fn check_unreachable_account(snap: &Snapshot, broken: &str) {
    let account = snap
        .account(broken)
        .expect("the broken account has a record");
    let error = account.session.error().expect("its session is an error");
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.code, "AccessDenied");
    assert_eq!(account.session.source.operation, "AssumeRole");
    assert!(account.trails.is_empty() && account.buckets.is_none());
    assert!(account.sso_instances.is_none() && account.iam.account_summary.is_none());
    assert!(account.iam.users.is_empty() && account.iam.authorization.is_none());
    let entry = snap.manifest.errors.iter().find(|e| e.account == broken);
    let entry = entry.expect("the failure is in the manifest");
    assert_eq!(
        (entry.service.as_str(), entry.operation.as_str()),
        ("sts", "AssumeRole")
    );
    assert_eq!(entry.code, "AccessDenied");
    assert!(
        entry.message.contains(broken),
        "the message names the role: {}",
        entry.message
    );
    let only_one = snap
        .manifest
        .errors
        .iter()
        .filter(|e| e.account == broken)
        .count();
    assert_eq!(
        only_one, 1,
        "nothing else is tried in an account that was not entered"
    );
}

#[test]
fn a_setup_failure_stops_the_run_and_names_the_endpoint() {
    // Nothing listens on a port just released.
    let endpoint = format!("http://127.0.0.1:{}", common::free_port());
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("snapshot");
    let run = Command::new(env!("CARGO_BIN_EXE_evident"))
        .args([
            "collect",
            "--endpoint-url",
            &endpoint,
            "--max-attempts",
            "1",
        ])
        .arg("--out")
        .arg(&out)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("evident runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sts:GetCallerIdentity") && stderr.contains(&endpoint),
        "{stderr}"
    );
    assert!(!out.exists(), "no snapshot is written");
}
