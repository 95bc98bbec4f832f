#!/usr/bin/env python3
"""Seed a moto server with one of evident's scenario organizations.

Usage:
    python3 tests/seed_moto.py --endpoint http://127.0.0.1:PORT --scenario NAME

The moto server must be fresh (nothing seeded yet) and started with
MOTO_IAM_LOAD_MANAGED_POLICIES=true, or AWS managed policies such as
AdministratorAccess cannot be attached.

Scenarios (their expected questionnaire answers are written by hand in
tests/scenarios.rs, never derived from this script):

  single-account  no organization: 40 IAM users (30 administrators), one
                  role allowing * on *, a single-region trail without log
                  file validation, logging to a bucket in the same account.
  landing-zone    an organization with Security / Production /
                  Non-production OUs, SCPs protecting the audit trail, an
                  organization trail delivering to an object-locked bucket in
                  log-archive, Identity Center for every account, no IAM
                  users, one BreakGlass role in prod.
  mid-migration   the old account became the management account and still
                  holds 12 IAM users; SCPs only on Sandbox; the organization
                  trail delivers to a bucket in the management account;
                  Identity Center covers audit and prod only.

The landing zone also turns on GuardDuty (audit administers it), Security Hub,
Config with an organization aggregator in audit, a locked backup vault in
log-archive that prod's plan copies to, a sandbox budget, and account-level and
trail-bucket Block Public Access everywhere; mid-migration has half of each
(and a workload bucket in the management account); single-account none.

Edge cases, each the landing zone with one difference (tests/scenario_suite.rs):
  delegated-admin-trail       CloudTrail delegated administrator in audit
  governance-lock             trail bucket locked in GOVERNANCE mode
  suspended-account           member `retired` closed (SUSPENDED)
  unreachable-member          unchanged here; the test denies AssumeRole into dev
  single-region-member-trail  no organization trail; prod's own one-region trail
  root-removed-centrally      centralized root access asked for
  account-instance-only       no permission set, assignment or identity-store user
  region-deny-scp             Deny + NotAction region SCP with exemptions on
                              Non-production

Prints one JSON object on stdout:

    {"scenario": NAME, "management_account": ID,
     "accounts": {"master": ID, "audit": ID, ...},
     "expected": {...what was created, counted...},
     "moto_notes": ["what moto could not do", ...]}

`accounts` maps every account in scope by name, the management (or
standalone) account included under moto's fixed name `master`: member
account ids change on every moto run, so tests map names to ids through it.
Diagnostics go to stderr. Every call goes to the given loopback endpoint with
dummy credentials; the script refuses any other address.

Before printing, the script reads back what it built with boto3 (object lock,
bucket ownership, trail status, attachments...) and exits non-zero when the
emulator did not keep a fact the scenario relies on.

moto 5.2.1 differences met while building these scenarios (the scenarios keep
what AWS would show; where moto cannot show it, evident must answer unknown):
  - the root user never has MFA (GetAccountSummary AccountMFAEnabled is 0), so
    every root-MFA answer here is "No";
  - OrganizationAccountAccessRole exists in member accounts without any
    policy (AWS attaches AdministratorAccess), so it adds no administrator;
  - an organization trail is not listed by DescribeTrails in member accounts;
  - GetEventSelectors answers no selector for a trail left at its default
    (AWS answers one ReadWriteType=All selector with management events);
  - GetObjectLockConfiguration answers Years=0 beside Days;
  - GetBucketVersioning answers with a root element the Rust SDK rejects, and
    iam:ListOrganizationsFeatures answers HTTP 500 (collected as errors);
  - GetAccountAuthorizationDetails lists every AWS managed policy loaded
    (about 1,500), attached or not, without PolicyName;
  - an Identity Center instance appears in every account by itself, the
    standalone one included; SCPs are stored but never enforced.
  registering `audit` as GuardDuty delegated administrator works; a refusal
  would be listed in moto_notes. Also refused or missing: CloudTrail
  delegated administrators (and a member-made organization trail gets the
  member's id in its ARN), GuardDuty organization configuration, Security
  Hub ListOrganizationAdminAccounts, budget actions, centralized root access,
  vault locks with ChangeableForDays < 3.
"""

import argparse
import ipaddress
import json
import os
import sys
from urllib.parse import urlparse

REGION = "us-east-1"
MANAGEMENT_ACCOUNT = "123456789012"  # fixed in moto
MANAGEMENT_NAME = "master"  # moto names the management account `master`
MEMBER_ROLE = "OrganizationAccountAccessRole"

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
READONLY_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
SCP = "SERVICE_CONTROL_POLICY"

# Credentials and configuration must never come from the machine running the
# tests: a real profile or endpoint variable would point boto3 at real AWS.
for var in list(os.environ):
    if var.startswith("AWS_"):
        del os.environ[var]
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION=REGION,
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_EC2_METADATA_DISABLED="true",
    NO_PROXY="127.0.0.1,localhost,::1",
    no_proxy="127.0.0.1,localhost,::1",
)

import boto3  # noqa: E402  (imported after the environment is cleaned)
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

BOTO_CONFIG = Config(
    retries={"max_attempts": 2, "mode": "standard"},
    s3={"addressing_style": "path"},  # ACCOUNT.127.0.0.1-style hosts do not resolve
    proxies={},
)


def log(message):
    print(f"seed: {message}", file=sys.stderr)


class SeedError(Exception):
    """The emulator did not keep a fact the scenario relies on."""


def check(condition, message):
    if not condition:
        raise SeedError(message)


def loopback_endpoint(url):
    """Returns `url` when it names a loopback host over http(s); exits otherwise."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if parsed.scheme not in ("http", "https") or not is_loopback or not parsed.port:
        sys.exit(f"seed: refusing endpoint {url!r}: only loopback (http://127.0.0.1:PORT)")
    return url.rstrip("/")


class Account:
    """Clients for one account: the default (management) credentials, or an
    assume-role session in a member account."""

    def __init__(self, endpoint, account_id, name, credentials=None):
        self.endpoint = endpoint
        self.id = account_id
        self.name = name
        self._credentials = credentials or {
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
            "aws_session_token": "testing",
        }
        self._clients = {}

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=REGION,
                config=BOTO_CONFIG,
                **self._credentials,
            )
        return self._clients[service]

    def assume(self, account_id, name):
        """Enters a member account through OrganizationAccountAccessRole, as an
        administrator would; moto maps the returned keys into that account."""
        role = f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}"
        creds = self.client("sts").assume_role(RoleArn=role, RoleSessionName="evident-seed")
        creds = creds["Credentials"]
        member = Account(
            self.endpoint,
            account_id,
            name,
            {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            },
        )
        who = member.client("sts").get_caller_identity()["Account"]
        check(who == account_id, f"assume-role into {name} landed in {who}, not {account_id}")
        return member


def policy_json(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


# ----------------------------------------------------------------------------
# IAM
# ----------------------------------------------------------------------------

MFA_CODES = ("123456", "654321")  # moto accepts any two codes


def create_users(account, spec):
    """Creates IAM users from `spec`, a list of dicts with name, access (
    "admin-direct", "admin-group" or "readonly"), key, password and mfa.
    Group members join the group `admins`, which has AdministratorAccess."""
    iam = account.client("iam")
    if any(u["access"] == "admin-group" for u in spec):
        iam.create_group(GroupName="admins")
        iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN_POLICY)

    for user in spec:
        name = user["name"]
        iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": user["team"]}])
        if user["access"] == "admin-direct":
            iam.attach_user_policy(UserName=name, PolicyArn=ADMIN_POLICY)
        elif user["access"] == "admin-group":
            iam.add_user_to_group(GroupName="admins", UserName=name)
        else:
            iam.attach_user_policy(UserName=name, PolicyArn=READONLY_POLICY)
        if user["key"]:
            iam.create_access_key(UserName=name)  # created Active
        if user["password"]:
            iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")
        if user["mfa"]:
            device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
                AuthenticationCode1=MFA_CODES[0],
                AuthenticationCode2=MFA_CODES[1],
            )


def verify_users(account, spec):
    """Reads the users back and counts what each one really holds."""
    iam = account.client("iam")
    users = [u for page in iam.get_paginator("list_users").paginate() for u in page["Users"]]
    check(len(users) == len(spec), f"{account.name}: {len(users)} IAM users, expected {len(spec)}")

    counts = {"keys": 0, "passwords": 0, "mfa": 0, "direct": 0, "group": 0, "readonly": 0}
    for user in spec:
        name = user["name"]
        keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        counts["keys"] += any(k["Status"] == "Active" for k in keys)
        try:
            iam.get_login_profile(UserName=name)
            counts["passwords"] += 1
        except ClientError as err:
            code = err.response["Error"]["Code"]
            check(code == "NoSuchEntity", f"get_login_profile {name}: {err}")
        counts["mfa"] += bool(iam.list_mfa_devices(UserName=name)["MFADevices"])
        attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
        attached = {p["PolicyArn"] for p in attached}
        groups = {g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]}
        counts["direct"] += ADMIN_POLICY in attached
        counts["group"] += "admins" in groups
        counts["readonly"] += READONLY_POLICY in attached

    want = {
        "keys": sum(u["key"] for u in spec),
        "passwords": sum(u["password"] for u in spec),
        "mfa": sum(u["mfa"] for u in spec),
        "direct": sum(u["access"] == "admin-direct" for u in spec),
        "group": sum(u["access"] == "admin-group" for u in spec),
        "readonly": sum(u["access"] == "readonly" for u in spec),
    }
    check(counts == want, f"{account.name}: IAM users read back as {counts}, seeded {want}")
    if want["group"]:
        group_policies = iam.list_attached_group_policies(GroupName="admins")["AttachedPolicies"]
        check(
            [p["PolicyArn"] for p in group_policies] == [ADMIN_POLICY],
            f"{account.name}: group admins does not hold AdministratorAccess",
        )
    return counts


def user_spec(count, teams, plan):
    """Builds `count` users; `plan(i)` (1-based) gives (access, key, password, mfa)."""
    spec = []
    for i in range(1, count + 1):
        access, key, password, mfa = plan(i)
        spec.append(
            {
                "name": f"{teams[i % len(teams)]}-{i:02}",
                "team": teams[i % len(teams)],
                "access": access,
                "key": key,
                "password": password,
                "mfa": mfa,
            }
        )
    return spec


def trust_policy(principal):
    return policy_json(
        [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]
    )


# ----------------------------------------------------------------------------
# S3 and CloudTrail
# ----------------------------------------------------------------------------


def cloudtrail_bucket_policy(bucket, account_ids, org_id=None):
    """The bucket policy CloudTrail needs to deliver, as the console writes it."""
    write_condition = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    resources = [f"arn:aws:s3:::{bucket}/AWSLogs/{a}/*" for a in account_ids]
    if org_id:
        resources.append(f"arn:aws:s3:::{bucket}/AWSLogs/{org_id}/*")
    return policy_json(
        [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": resources,
                "Condition": write_condition,
            },
        ]
    )


def create_trail_bucket(account, bucket, policy, object_lock=False):
    s3 = account.client("s3")
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=object_lock)
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)


def verify_bucket_owner(owner, others, bucket):
    """Bucket ownership as evident reads it: which account's ListBuckets holds it."""
    names = {b["Name"] for b in owner.client("s3").list_buckets()["Buckets"]}
    check(bucket in names, f"{bucket} is not in {owner.name}'s ListBuckets")
    for other in others:
        names = {b["Name"] for b in other.client("s3").list_buckets()["Buckets"]}
        check(bucket not in names, f"{bucket} also shows in {other.name}'s ListBuckets")


def create_trail(account, name, bucket, *, org, multi_region, validation):
    ct = account.client("cloudtrail")
    ct.create_trail(
        Name=name,
        S3BucketName=bucket,
        IsOrganizationTrail=org,
        IsMultiRegionTrail=multi_region,
        EnableLogFileValidation=validation,
        IncludeGlobalServiceEvents=True,
    )
    ct.start_logging(Name=name)

    trail = ct.get_trail(Name=name)["Trail"]
    check(trail.get("IsOrganizationTrail", False) == org, f"trail {name}: IsOrganizationTrail")
    check(trail.get("IsMultiRegionTrail", False) == multi_region, f"trail {name}: multi-region")
    check(trail.get("LogFileValidationEnabled", False) == validation, f"trail {name}: validation")
    check(trail["S3BucketName"] == bucket, f"trail {name}: bucket")
    check(ct.get_trail_status(Name=name)["IsLogging"], f"trail {name} is not logging")
    return trail


# ----------------------------------------------------------------------------
# Organizations
# ----------------------------------------------------------------------------


def create_organization(mgmt):
    org = mgmt.client("organizations")
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]
    org.enable_policy_type(RootId=root["Id"], PolicyType=SCP)
    root = org.list_roots()["Roots"][0]
    check(
        {"Type": SCP, "Status": "ENABLED"} in root["PolicyTypes"],
        f"SCP policy type not enabled on the root: {root['PolicyTypes']}",
    )
    return organization, root


def create_ou_accounts(mgmt, root_id, layout, tags):
    """Creates each OU of `layout` ({ou: [account names]}) under the root and
    the accounts in it. Returns ({ou name: ou id}, {account name: account id})."""
    org = mgmt.client("organizations")
    ous, accounts = {}, {}
    for ou_name, names in layout.items():
        ou = org.create_organizational_unit(ParentId=root_id, Name=ou_name)
        ous[ou_name] = ou["OrganizationalUnit"]["Id"]
        for name in names:
            status = org.create_account(
                AccountName=name, Email=f"aws+{name}@acme.example"
            )["CreateAccountStatus"]
            check(status["State"] == "SUCCEEDED", f"create_account {name}: {status}")
            account_id = status["AccountId"]
            org.move_account(
                AccountId=account_id, SourceParentId=root_id, DestinationParentId=ous[ou_name]
            )
            if name in tags:
                org.tag_resource(
                    ResourceId=account_id, Tags=[{"Key": "Environment", "Value": tags[name]}]
                )
            accounts[name] = account_id

    for ou_name, names in layout.items():
        children = org.list_accounts_for_parent(ParentId=ous[ou_name])["Accounts"]
        check(
            sorted(a["Name"] for a in children) == sorted(names),
            f"OU {ou_name} holds {[a['Name'] for a in children]}, expected {names}",
        )
    return ous, accounts


def create_scp(mgmt, name, description, statements, targets):
    org = mgmt.client("organizations")
    policy = org.create_policy(
        Name=name, Description=description, Type=SCP, Content=policy_json(statements)
    )["Policy"]["PolicySummary"]
    for target in targets:
        org.attach_policy(PolicyId=policy["Id"], TargetId=target)

    attached = org.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]
    check(
        sorted(t["TargetId"] for t in attached) == sorted(targets),
        f"SCP {name} attached to {attached}, expected {targets}",
    )
    return policy["Id"]


def full_aws_access_targets(mgmt):
    """Where moto attached FullAWSAccess by itself (root, every OU and account
    it creates); kept, as on AWS, so the deny-list SCPs have something to cut."""
    org = mgmt.client("organizations")
    policies = org.list_policies(Filter=SCP)["Policies"]
    full = next(p for p in policies if p["Name"] == "FullAWSAccess")
    targets = org.list_targets_for_policy(PolicyId=full["Id"])["Targets"]
    return sorted(t["TargetId"] for t in targets)


def register_delegated_admin(mgmt, account_id, service, notes):
    org = mgmt.client("organizations")
    try:
        org.register_delegated_administrator(AccountId=account_id, ServicePrincipal=service)
    except ClientError as err:
        notes.append(f"register_delegated_administrator({service}) refused by moto: {err}")
        return False
    services = org.list_delegated_services_for_account(AccountId=account_id)
    check(
        service in [s["ServicePrincipal"] for s in services["DelegatedServices"]],
        f"delegated administrator for {service} not recorded",
    )
    return True


# ----------------------------------------------------------------------------
# Identity Center
# ----------------------------------------------------------------------------


def identity_center(mgmt, people, group_name):
    """Creates people and a group holding them in the management account's
    instance. moto shows an instance in every account by itself; the one of the
    management account stands for the organization instance."""
    instances = mgmt.client("sso-admin").list_instances()["Instances"]
    check(len(instances) == 1, f"management account sees {len(instances)} SSO instances")
    instance = instances[0]
    check(
        instance.get("OwnerAccountId") == mgmt.id,
        f"SSO instance owned by {instance.get('OwnerAccountId')}, not the management account",
    )

    store = mgmt.client("identitystore")
    store_id = instance["IdentityStoreId"]
    group_id = store.create_group(IdentityStoreId=store_id, DisplayName=group_name)["GroupId"]
    for given, family in people:
        user_id = store.create_user(
            IdentityStoreId=store_id,
            UserName=f"{given.lower()}@acme.example",
            DisplayName=f"{given} {family}",
            Name={"GivenName": given, "FamilyName": family},
            Emails=[{"Value": f"{given.lower()}@acme.example", "Type": "work", "Primary": True}],
        )["UserId"]
        store.create_group_membership(
            IdentityStoreId=store_id, GroupId=group_id, MemberId={"UserId": user_id}
        )

    users = store.list_users(IdentityStoreId=store_id)["Users"]
    check(len(users) == len(people), f"identity store holds {len(users)} users")
    return instance["InstanceArn"], group_id


def permission_set(mgmt, instance_arn, name, policy_arn):
    sso = mgmt.client("sso-admin")
    arn = sso.create_permission_set(
        InstanceArn=instance_arn, Name=name, SessionDuration="PT4H"
    )["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn, PermissionSetArn=arn, ManagedPolicyArn=policy_arn
    )
    attached = sso.list_managed_policies_in_permission_set(
        InstanceArn=instance_arn, PermissionSetArn=arn
    )["AttachedManagedPolicies"]
    check([p["Arn"] for p in attached] == [policy_arn], f"permission set {name}: {attached}")
    return arn


def assign(mgmt, instance_arn, ps_arn, group_id, account_ids):
    sso = mgmt.client("sso-admin")
    for account_id in account_ids:
        sso.create_account_assignment(
            InstanceArn=instance_arn,
            TargetId=account_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps_arn,
            PrincipalType="GROUP",
            PrincipalId=group_id,
        )
    for account_id in account_ids:
        got = sso.list_account_assignments(
            InstanceArn=instance_arn, AccountId=account_id, PermissionSetArn=ps_arn
        )["AccountAssignments"]
        check(
            [a["PrincipalId"] for a in got] == [group_id],
            f"assignment in {account_id}: {got}",
        )
    return len(account_ids)


# ----------------------------------------------------------------------------
# Detection, backup, spend and public access controls (the regional collectors)
# ----------------------------------------------------------------------------


def register_guardduty_admin(mgmt, admin_id, notes, organizations=True):
    """Names `admin_id` GuardDuty administrator in both places AWS keeps it:
    Organizations' delegated administrators (unless already done) and GuardDuty's own list."""
    if organizations:
        register_delegated_admin(mgmt, admin_id, "guardduty.amazonaws.com", notes)
    gd = mgmt.client("guardduty")
    gd.enable_organization_admin_account(AdminAccountId=admin_id)
    admins = gd.list_organization_admin_accounts()["AdminAccounts"]
    check([a["AdminAccountId"] for a in admins] == [admin_id], f"GuardDuty admins {admins}")


def enable_guardduty(accounts, admin, notes):
    """An enabled detector in each of `accounts`; auto-enable asked for in `admin`."""
    detectors = {}
    for account in accounts:
        gd = account.client("guardduty")
        detectors[account.name] = gd.create_detector(Enable=True)["DetectorId"]
        listed = gd.list_detectors()["DetectorIds"]
        check(listed == [detectors[account.name]], f"{account.name}: detectors {listed}")
    if admin is not None:
        try:
            admin.client("guardduty").update_organization_configuration(
                DetectorId=detectors[admin.name], AutoEnableOrganizationMembers="ALL"
            )
        except ClientError as err:
            notes.append(
                "guardduty:UpdateOrganizationConfiguration and DescribeOrganizationConfiguration "
                f"are missing ({err.response['Error'].get('Code')}): auto-enable cannot be shown"
            )
    return sorted(detectors)


def enable_security_hub(mgmt, accounts, admin_id, notes):
    for account in accounts:
        account.client("securityhub").enable_security_hub()
        hub = account.client("securityhub").describe_hub()
        check(hub.get("HubArn"), f"{account.name}: Security Hub not enabled")
    if admin_id:
        mgmt.client("securityhub").enable_organization_admin_account(AdminAccountId=admin_id)
        notes.append(
            "securityhub:ListOrganizationAdminAccounts is missing in moto: the Security Hub "
            "administrator registered here cannot be read back"
        )
    return sorted(a.name for a in accounts)


def enable_config(accounts, aggregator_account=None):
    """A recorder for every resource type, recording, in each of `accounts`; an organization
    aggregator over all regions in `aggregator_account`."""
    for account in accounts:
        cfg = account.client("config")
        cfg.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{account.id}:role/aws-config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        cfg.put_delivery_channel(
            DeliveryChannel={"name": "default", "s3BucketName": f"config-{account.id}"}
        )
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        status = cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
        check(status and status[0]["recording"], f"{account.name}: recorder {status}")
    if aggregator_account is not None:
        cfg = aggregator_account.client("config")
        cfg.put_configuration_aggregator(
            ConfigurationAggregatorName="organization",
            OrganizationAggregationSource={
                "RoleArn": f"arn:aws:iam::{aggregator_account.id}:role/aws-config-aggregator",
                "AllAwsRegions": True,
            },
        )
        aggs = cfg.describe_configuration_aggregators()["ConfigurationAggregators"]
        check(len(aggs) == 1 and aggs[0].get("OrganizationAggregationSource"), f"{aggs}")
    return sorted(a.name for a in accounts)


def cross_account_backup(source, vault_account, lock, notes):
    """A daily plan in `source` whose backups are copied to vault `central` in
    `vault_account`, locked when `lock`. moto refuses ChangeableForDays below 3 and has no
    clock to move, so a lock always reads as still in its cooling-off period: a
    compliance-mode lock past its lock date cannot be shown."""
    central = vault_account.client("backup")
    arn = central.create_backup_vault(BackupVaultName="central")["BackupVaultArn"]
    if lock:
        central.put_backup_vault_lock_configuration(
            BackupVaultName="central", MinRetentionDays=7, MaxRetentionDays=365,
            ChangeableForDays=3,
        )
        notes.append(
            "backup vault lock: moto refuses ChangeableForDays < 3 and its clock cannot move, "
            "so no compliance-mode lock is ever past its lock date"
        )
    vault = next(v for v in central.list_backup_vaults()["BackupVaultList"]
                 if v["BackupVaultName"] == "central")
    check(bool(vault.get("Locked")) == lock, f"vault central lock: {vault}")
    local = source.client("backup")
    local.create_backup_vault(BackupVaultName="local")
    local.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{
                "RuleName": "daily",
                "TargetBackupVaultName": "local",
                "ScheduleExpression": "cron(0 5 * * ? *)",
                "Lifecycle": {"DeleteAfterDays": 35},
                "CopyActions": [{"DestinationBackupVaultArn": arn,
                                 "Lifecycle": {"DeleteAfterDays": 90}}],
            }],
        }
    )
    plans = local.list_backup_plans()["BackupPlansList"]
    check([p["BackupPlanName"] for p in plans] == ["daily"], f"{source.name}: plans {plans}")
    return arn


def sandbox_budget(account, notes):
    """A monthly cost budget in `account`, with an action that applies a deny policy when
    moto allows it (it does not: CreateBudgetAction answers 500)."""
    budgets = account.client("budgets")
    budgets.create_budget(
        AccountId=account.id,
        Budget={"BudgetName": "sandbox-cap", "BudgetLimit": {"Amount": "100", "Unit": "USD"},
                "TimeUnit": "MONTHLY", "BudgetType": "COST"},
    )
    try:
        budgets.create_budget_action(
            AccountId=account.id, BudgetName="sandbox-cap", NotificationType="ACTUAL",
            ActionType="APPLY_IAM_POLICY",
            ActionThreshold={"ActionThresholdValue": 100, "ActionThresholdType": "PERCENTAGE"},
            Definition={"IamActionDefinition": {
                "PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll", "Roles": ["developer"]}},
            ExecutionRoleArn=f"arn:aws:iam::{account.id}:role/budget-actions",
            ApprovalModel="AUTOMATIC",
            Subscribers=[{"SubscriptionType": "EMAIL", "Address": "finops@acme.example"}],
        )
        return True
    except ClientError as err:
        notes.append(
            f"budgets:CreateBudgetAction refused by moto ({err.response['Error'].get('Code')}); "
            "DescribeBudgetActionsForAccount is missing too: budget actions cannot be shown"
        )
        return False


def block_account_public_access(accounts):
    """All four S3 Block Public Access settings at the account level. boto3 puts the account
    id in front of the S3 Control host (`ACCOUNT.127.0.0.1`, which resolves nowhere): the
    request goes to the bare loopback host instead."""
    for account in accounts:
        ctl = account.client("s3control")

        def bare_host(request, _prefix=f"//{account.id}.", **_):
            request.url = request.url.replace(_prefix, "//", 1)

        ctl.meta.events.register("before-send.s3-control.*", bare_host)
        ctl.put_public_access_block(AccountId=account.id, PublicAccessBlockConfiguration=ALL_BLOCKED)
        got = ctl.get_public_access_block(AccountId=account.id)["PublicAccessBlockConfiguration"]
        check(got == ALL_BLOCKED, f"{account.name}: account public access block {got}")
    return sorted(a.name for a in accounts)


ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


def block_bucket_public_access(account, bucket):
    s3 = account.client("s3")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_BLOCKED)
    got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    check(got == ALL_BLOCKED, f"{bucket}: public access block {got}")


def management_workload(mgmt, bucket):
    """An application bucket left in the management account, tagged as the app's."""
    s3 = mgmt.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "app", "Value": "billing"}]})
    tagged = mgmt.client("resourcegroupstaggingapi").get_resources()["ResourceTagMappingList"]
    check(any(r["ResourceARN"] == f"arn:aws:s3:::{bucket}" for r in tagged), f"tagged {tagged}")


# ----------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------


def single_account(endpoint, notes):
    """A standalone account that grew without guardrails."""
    acct = Account(endpoint, MANAGEMENT_ACCOUNT, MANAGEMENT_NAME)

    # users 1-18: AdministratorAccess attached; 19-30: through group `admins`;
    # 31-40: ReadOnlyAccess. Keys on 1-10 and 31-35, console passwords on
    # 11-30, MFA on 11-15: every mix of key, password and MFA shows up.
    def plan(i):
        access = "admin-direct" if i <= 18 else "admin-group" if i <= 30 else "readonly"
        key = i <= 10 or 31 <= i <= 35
        password = 11 <= i <= 30
        mfa = 11 <= i <= 15
        return access, key, password, mfa

    spec = user_spec(40, ["ops", "dev", "data", "web"], plan)
    create_users(acct, spec)
    counts = verify_users(acct, spec)

    iam = acct.client("iam")
    iam.create_role(
        RoleName="legacy-deploy",
        AssumeRolePolicyDocument=trust_policy({"Service": "ec2.amazonaws.com"}),
        Description="Old deployment role, never scoped down",
    )
    iam.put_role_policy(
        RoleName="legacy-deploy",
        PolicyName="deploy-everything",
        PolicyDocument=policy_json([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    )
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    check(roles == ["legacy-deploy"], f"standalone account roles: {roles}")

    bucket = "acme-cloudtrail-logs"
    create_trail_bucket(acct, bucket, cloudtrail_bucket_policy(bucket, [acct.id]))
    verify_bucket_owner(acct, [], bucket)
    create_trail(acct, "main", bucket, org=False, multi_region=False, validation=False)

    try:
        acct.client("organizations").describe_organization()
        raise SeedError("single-account: an organization exists")
    except ClientError as err:
        check(
            err.response["Error"]["Code"] == "AWSOrganizationsNotInUseException",
            f"describe_organization: {err}",
        )

    summary = iam.get_account_summary()["SummaryMap"]
    notes.append(
        f"GetAccountSummary AccountMFAEnabled={summary.get('AccountMFAEnabled')}: moto never "
        "models root MFA, so the root user always reads as without MFA"
    )
    return {
        "management_account": acct.id,
        "accounts": {MANAGEMENT_NAME: acct.id},
        "expected": {
            "organization": False,
            "iam_users": len(spec),
            "admin_users_direct": counts["direct"],
            "admin_users_via_group": counts["group"],
            "readonly_users": counts["readonly"],
            "users_with_active_key": counts["keys"],
            "users_with_console_password": counts["passwords"],
            "users_with_mfa": counts["mfa"],
            "admin_roles": ["legacy-deploy"],
            "admin_principals": counts["direct"] + counts["group"] + 1,
            "trails": {"main": {"account": acct.id, "bucket": bucket, "multi_region": False,
                                "log_file_validation": False, "organization": False,
                                "logging": True}},
        },
    }


AUDIT_PROTECTION = [
    {
        "Sid": "DenyAuditTampering",
        "Effect": "Deny",
        "Action": [
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
            "cloudtrail:UpdateTrail",
            "cloudtrail:PutEventSelectors",
            "config:StopConfigurationRecorder",
            "config:DeleteConfigurationRecorder",
            "guardduty:DeleteDetector",
            "guardduty:DisassociateFromAdministratorAccount",
        ],
        "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/BreakGlass"}},
    }
]

DENY_IAM_USERS = [
    {
        "Sid": "DenyIamUsers",
        "Effect": "Deny",
        "Action": ["iam:CreateUser", "iam:CreateAccessKey"],
        "Resource": "*",
    }
]

SANDBOX_GUARDRAILS = [
    {"Sid": "DenyLeavingOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization",
     "Resource": "*"},
    {"Sid": "DenyIamUsers", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"},
    {
        "Sid": "DenyOutsideApprovedRegions",
        "Effect": "Deny",
        "NotAction": [
            "iam:*", "organizations:*", "sts:*", "cloudfront:*", "route53:*", "support:*",
            "budgets:*", "ce:*", "health:*",
        ],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
    },
]

PEOPLE = [("Alice", "Nguyen"), ("Bob", "Okafor"), ("Carol", "Schmidt"), ("Dave", "Ito"),
          ("Erin", "Costa")]


REGION_DENY = [
    {
        "Sid": "DenyOutsideApprovedRegions",
        "Effect": "Deny",
        "NotAction": [
            "iam:*", "organizations:*", "sts:*", "cloudfront:*", "route53:*", "support:*",
            "budgets:*", "ce:*", "health:*", "account:*", "sso:*", "kms:*",
        ],
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
            "ArnNotLike": {"aws:PrincipalARN": [
                "arn:aws:iam::*:role/BreakGlass",
                "arn:aws:iam::*:role/OrganizationAccountAccessRole",
            ]},
        },
    }
]


def landing_zone(endpoint, notes, variant=None):
    """A well-built landing zone: the reference for every "Yes". `variant` names one edge
    case built on it (see VARIANTS); the rest of the organization stays the same."""
    mgmt = Account(endpoint, MANAGEMENT_ACCOUNT, MANAGEMENT_NAME)
    organization, root = create_organization(mgmt)
    layout = {
        "Security": ["audit", "log-archive"],
        "Production": ["prod"],
        "Non-production": ["staging", "dev", "sandbox"],
    }
    if variant == "suspended-account":
        layout["Non-production"].append("retired")
    tags = {"prod": "production", "staging": "staging", "dev": "development",
            "sandbox": "sandbox"}
    ous, ids = create_ou_accounts(mgmt, root["Id"], layout, tags)
    variant_facts = {}
    if variant == "suspended-account":
        # Closed accounts stay listed as SUSPENDED for 90 days; nothing is built in them.
        retired = ids.pop("retired")
        mgmt.client("organizations").close_account(AccountId=retired)
        state = mgmt.client("organizations").describe_account(AccountId=retired)["Account"]
        check(state["Status"] == "SUSPENDED", f"closed account reads {state['Status']}")
        variant_facts["excluded"] = {"retired": {"id": retired, "state": state["Status"]}}

    full_access = full_aws_access_targets(mgmt)
    create_scp(mgmt, "deny-audit-tampering", "Only BreakGlass may touch the audit trail",
               AUDIT_PROTECTION, [ous["Security"], ous["Production"], ous["Non-production"]])
    create_scp(mgmt, "deny-iam-users", "Workloads use Identity Center, never IAM users",
               DENY_IAM_USERS, [ous["Security"], ous["Production"], ous["Non-production"]])
    scps = {
        "deny-audit-tampering": ["Security", "Production", "Non-production"],
        "deny-iam-users": ["Security", "Production", "Non-production"],
    }
    # Non-production stays in the approved regions. The region-deny-scp edge case exempts
    # BreakGlass and OrganizationAccountAccessRole; the landing zone exempts no one.
    region_deny = [dict(REGION_DENY[0])]
    if variant != "region-deny-scp":
        region_deny[0]["Condition"] = {
            "StringNotEquals": REGION_DENY[0]["Condition"]["StringNotEquals"]
        }
    create_scp(mgmt, "deny-unapproved-regions",
               "Non-production runs in us-east-1 and eu-west-1 only", region_deny,
               [ous["Non-production"]])
    scps["deny-unapproved-regions"] = ["Non-production"]
    delegated = register_delegated_admin(mgmt, ids["audit"], "guardduty.amazonaws.com", notes)

    members = {name: mgmt.assume(account_id, name) for name, account_id in ids.items()}
    archive = members["log-archive"]
    bucket = "acme-org-trail-logs"
    lock_mode = "GOVERNANCE" if variant == "governance-lock" else "COMPLIANCE"
    create_trail_bucket(
        archive, bucket,
        cloudtrail_bucket_policy(bucket, [MANAGEMENT_ACCOUNT], organization["Id"]),
        object_lock=True,
    )
    s3 = archive.client("s3")
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": lock_mode, "Days": 365}},
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "archive-after-90-days",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                }
            ]
        },
    )
    block_bucket_public_access(archive, bucket)
    verify_log_archive(archive, bucket, notes, lock_mode)
    verify_bucket_owner(archive, [mgmt] + [m for n, m in members.items() if n != "log-archive"],
                        bucket)
    trails = {}
    if variant == "single-region-member-trail":
        # No organization trail: prod logs itself, one region, into its own bucket.
        prod = members["prod"]
        own = "acme-prod-trail"
        create_trail_bucket(prod, own, cloudtrail_bucket_policy(own, [prod.id]))
        create_trail(prod, "prod-trail", own, org=False, multi_region=False, validation=True)
        trails["prod-trail"] = {"account": prod.id, "bucket": own, "bucket_account": prod.id,
                                "multi_region": False, "log_file_validation": True,
                                "organization": False, "logging": True}
    else:
        if variant == "delegated-admin-trail":
            delegated_trail_admin(mgmt, members["audit"], bucket, notes)
        create_trail(mgmt, "org-trail", bucket, org=True, multi_region=True, validation=True)
        trails["org-trail"] = {"account": mgmt.id, "bucket": bucket,
                               "bucket_account": ids["log-archive"], "multi_region": True,
                               "log_file_validation": True, "organization": True,
                               "logging": True}

    if variant == "account-instance-only":
        # On AWS the management account lists no instance and the member's own account
        # instance holds nothing the organization can assign. moto shows an instance in every
        # account, so the model is: no permission set, no assignment, no identity-store user.
        identity = {"users": 0, "groups": 0, "permission_sets": [], "assignments": 0}
        notes.append(
            "an Identity Center instance appears in every account in moto: the account-instance "
            "case is modelled as an instance with no permission set and no assignment"
        )
    else:
        instance_arn, group_id = identity_center(mgmt, PEOPLE[:4], "platform-engineers")
        admin_ps = permission_set(mgmt, instance_arn, "AdministratorAccess", ADMIN_POLICY)
        readonly_ps = permission_set(mgmt, instance_arn, "ReadOnly", READONLY_POLICY)
        workloads = [ids[n] for n in ("prod", "staging", "dev", "sandbox")]
        assignments = assign(mgmt, instance_arn, admin_ps, group_id, list(ids.values()))
        assignments += assign(mgmt, instance_arn, readonly_ps, group_id, workloads)
        identity = {"users": 4, "groups": 1, "permission_sets": ["AdministratorAccess", "ReadOnly"],
                    "assignments": assignments}

    prod_iam = members["prod"].client("iam")
    prod_iam.create_role(
        RoleName="BreakGlass",
        AssumeRolePolicyDocument=trust_policy({"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"}),
        Description="Emergency access; its use pages the security team",
    )
    prod_iam.attach_role_policy(RoleName="BreakGlass", PolicyArn=ADMIN_POLICY)

    everyone = [mgmt] + list(members.values())
    audit = members["audit"]
    register_guardduty_admin(mgmt, audit.id, notes, organizations=False)
    controls = {
        "guardduty_detectors": enable_guardduty(everyone, audit, notes),
        "securityhub": enable_security_hub(mgmt, everyone, audit.id, notes),
        "config_recorders": enable_config(everyone, audit),
        "config_aggregator": "audit",
        "backup_copy": {"from": "prod", "to_vault": cross_account_backup(
            members["prod"], archive, True, notes)},
        "sandbox_budget_action": sandbox_budget(members["sandbox"], notes),
        "account_public_access_block": block_account_public_access(everyone),
    }
    if variant == "root-removed-centrally":
        controls["root_credentials_management"] = centralize_root_access(mgmt, notes)

    for account in everyone:
        users = account.client("iam").list_users()["Users"]
        check(not users, f"{account.name} has IAM users: {[u['UserName'] for u in users]}")
    note_member_role(members, notes)
    if "org-trail" in trails:
        note_org_trail_visibility(members["prod"], notes)

    return {
        "management_account": mgmt.id,
        "accounts": {MANAGEMENT_NAME: mgmt.id, **ids},
        "expected": {
            "organization": True,
            "organization_id": organization["Id"],
            "member_accounts": len(ids) + len(variant_facts.get("excluded", {})),
            "organizational_units": {name: sorted(layout[name]) for name in layout},
            "environment_tags": tags,
            "scps": scps,
            "full_aws_access_targets": len(full_access),
            "guardduty_delegated_admin": "audit" if delegated else None,
            "iam_users": 0,
            "admin_roles": {"prod": ["BreakGlass"]},
            "admin_principals": 1,
            "identity_center": identity,
            "trails": trails,
            "log_archive": {"bucket": bucket, "object_lock": lock_mode, "retention_days": 365,
                            "lifecycle": "GLACIER after 90 days", "public_access_block": True},
            "controls": controls,
            **variant_facts,
        },
    }


def delegated_trail_admin(mgmt, admin, bucket, notes):
    """Makes `admin` the CloudTrail delegated administrator, as AWS would let the management
    account do. moto refuses both ways of registering it, and an organization trail created
    from a member account gets that member's id in its ARN (AWS keeps the management
    account's): the trail is therefore created from the management account, which gives the
    very trail AWS shows for one made by a delegated administrator."""
    for what, call in (
        ("organizations:RegisterDelegatedAdministrator(cloudtrail.amazonaws.com)",
         lambda: mgmt.client("organizations").register_delegated_administrator(
             AccountId=admin.id, ServicePrincipal="cloudtrail.amazonaws.com")),
        ("cloudtrail:RegisterOrganizationDelegatedAdmin",
         lambda: mgmt.client("cloudtrail").register_organization_delegated_admin(
             MemberAccountId=admin.id)),
    ):
        try:
            call()
        except ClientError as err:
            notes.append(f"{what} refused by moto ({err.response['Error'].get('Code')})")
    notes.append(
        f"an organization trail created in {admin.name} gets {admin.name}'s id in its ARN in "
        "moto; the trail is created from the management account, as AWS records it"
    )


def centralize_root_access(mgmt, notes):
    """Turns on centralized root access (RootCredentialsManagement). moto answers 500 to
    EnableOrganizationsRootCredentialsManagement and to ListOrganizationsFeatures."""
    try:
        mgmt.client("iam").enable_organizations_root_credentials_management()
        return True
    except ClientError as err:
        notes.append(
            "iam:EnableOrganizationsRootCredentialsManagement refused by moto "
            f"({err.response['Error'].get('Code')}); ListOrganizationsFeatures answers 500: "
            "member root credentials cannot be shown as centrally managed"
        )
        return False
    except Exception as err:  # moto answers HTML, which botocore cannot parse
        notes.append(
            "iam:EnableOrganizationsRootCredentialsManagement fails in moto "
            f"({type(err).__name__}); ListOrganizationsFeatures answers 500: member root "
            "credentials cannot be shown as centrally managed"
        )
        return False


def edge_case(name):
    """The seeding function of a landing-zone edge case."""
    return lambda endpoint, notes: landing_zone(endpoint, notes, name)


def verify_log_archive(archive, bucket, notes, mode="COMPLIANCE"):
    s3 = archive.client("s3")
    lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    check(lock.get("ObjectLockEnabled") == "Enabled", f"{bucket}: object lock {lock}")
    retention = lock.get("Rule", {}).get("DefaultRetention", {})
    # moto answers `"Years": 0` next to `Days`; AWS returns only the one that was set.
    if retention.get("Years") == 0:
        retention.pop("Years")
        notes.append(f"{bucket}: GetObjectLockConfiguration returns Years=0 beside Days=365")
    check(retention == {"Mode": mode, "Days": 365}, f"{bucket}: retention {retention}")

    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    check(
        [t["StorageClass"] for t in rules[0].get("Transitions", [])] == ["GLACIER"]
        and rules[0]["Transitions"][0]["Days"] == 90,
        f"{bucket}: lifecycle {rules}",
    )
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    check(
        any(
            s.get("Principal", {}).get("Service") == "cloudtrail.amazonaws.com"
            and s.get("Action") == "s3:PutObject"
            for s in policy["Statement"]
        ),
        f"{bucket}: bucket policy {policy}",
    )


def note_member_role(members, notes):
    """OrganizationAccountAccessRole has AdministratorAccess on AWS; moto
    creates it without any policy, so it adds nothing to the admin count."""
    account = next(iter(members.values()))
    iam = account.client("iam")
    attached = iam.list_attached_role_policies(RoleName=MEMBER_ROLE)["AttachedPolicies"]
    inline = iam.list_role_policies(RoleName=MEMBER_ROLE)["PolicyNames"]
    if not attached and not inline:
        notes.append(
            f"{MEMBER_ROLE} exists in member accounts with no policy attached (AWS attaches "
            "AdministratorAccess): admin counts here exclude it"
        )


def note_org_trail_visibility(member, notes):
    trails = member.client("cloudtrail").describe_trails()["trailList"]
    if not any(t.get("IsOrganizationTrail") for t in trails):
        notes.append(
            f"the organization trail is not listed by DescribeTrails in member account "
            f"{member.name} (AWS shows it there as a shadow trail)"
        )


def mid_migration(endpoint, notes):
    """The old single account became the management account, half-way to a
    landing zone."""
    mgmt = Account(endpoint, MANAGEMENT_ACCOUNT, MANAGEMENT_NAME)

    # users 1-5: AdministratorAccess attached; 6-8: through group `admins`;
    # 9-12: ReadOnlyAccess. All have console passwords, keys on the odd ones.
    def plan(i):
        access = "admin-direct" if i <= 5 else "admin-group" if i <= 8 else "readonly"
        return access, i % 2 == 1, True, False

    spec = user_spec(12, ["ops", "dev", "finance"], plan)
    create_users(mgmt, spec)
    counts = verify_users(mgmt, spec)

    organization, root = create_organization(mgmt)
    layout = {"Security": ["audit", "log-archive"], "Production": ["prod"],
              "Sandbox": ["sandbox"]}
    tags = {"prod": "production", "sandbox": "sandbox"}
    ous, ids = create_ou_accounts(mgmt, root["Id"], layout, tags)
    full_access = full_aws_access_targets(mgmt)
    create_scp(mgmt, "sandbox-guardrails", "Keep experiments contained", SANDBOX_GUARDRAILS,
               [ous["Sandbox"]])

    members = {name: mgmt.assume(account_id, name) for name, account_id in ids.items()}
    bucket = "acme-legacy-trail"
    create_trail_bucket(
        mgmt, bucket, cloudtrail_bucket_policy(bucket, [MANAGEMENT_ACCOUNT], organization["Id"])
    )
    verify_bucket_owner(mgmt, list(members.values()), bucket)
    create_trail(mgmt, "org-trail", bucket, org=True, multi_region=True, validation=True)

    instance_arn, group_id = identity_center(mgmt, PEOPLE[:2], "cloud-admins")
    admin_ps = permission_set(mgmt, instance_arn, "AdministratorAccess", ADMIN_POLICY)
    assignments = assign(mgmt, instance_arn, admin_ps, group_id, [ids["audit"], ids["prod"]])

    # Half of every control: GuardDuty administered from audit but on in three accounts of
    # five, Security Hub and Config only in the management account (no aggregator), backups
    # copied to audit into an unlocked vault, no budget on the sandbox, account-level Block
    # Public Access only where the migration started, and the old billing app's bucket
    # still in the management account.
    audit = members["audit"]
    register_guardduty_admin(mgmt, audit.id, notes)
    started = [mgmt, audit, members["prod"]]
    controls = {
        "guardduty_detectors": enable_guardduty(started, audit, notes),
        "securityhub": enable_security_hub(mgmt, [mgmt], None, notes),
        "config_recorders": enable_config([mgmt]),
        "config_aggregator": None,
        "backup_copy": {"from": "prod", "to_vault": cross_account_backup(
            members["prod"], audit, False, notes)},
        "sandbox_budget_action": None,
        "account_public_access_block": block_account_public_access([mgmt, members["prod"]]),
        "management_workload": "acme-billing-app",
    }
    management_workload(mgmt, "acme-billing-app")

    for account in members.values():
        users = account.client("iam").list_users()["Users"]
        check(not users, f"{account.name} has IAM users: {[u['UserName'] for u in users]}")
    note_member_role(members, notes)
    note_org_trail_visibility(members["prod"], notes)

    return {
        "management_account": mgmt.id,
        "accounts": {MANAGEMENT_NAME: mgmt.id, **ids},
        "expected": {
            "organization": True,
            "organization_id": organization["Id"],
            "member_accounts": len(ids),
            "organizational_units": {name: sorted(layout[name]) for name in layout},
            "environment_tags": tags,
            "scps": {"sandbox-guardrails": ["Sandbox"]},
            "full_aws_access_targets": len(full_access),
            "iam_users": len(spec),
            "iam_users_account": mgmt.id,
            "admin_users_direct": counts["direct"],
            "admin_users_via_group": counts["group"],
            "readonly_users": counts["readonly"],
            "users_with_active_key": counts["keys"],
            "users_with_console_password": counts["passwords"],
            "users_with_mfa": counts["mfa"],
            "admin_principals": counts["direct"] + counts["group"],
            "identity_center": {"users": 2, "groups": 1,
                                "permission_sets": ["AdministratorAccess"],
                                "assigned_accounts": ["audit", "prod"],
                                "assignments": assignments},
            "trails": {"org-trail": {"account": mgmt.id, "bucket": bucket,
                                     "bucket_account": mgmt.id, "multi_region": True,
                                     "log_file_validation": True, "organization": True,
                                     "logging": True}},
            "controls": controls,
        },
    }


SCENARIOS = {
    "single-account": single_account,
    "landing-zone": landing_zone,
    "mid-migration": mid_migration,
    **{name: edge_case(name) for name in (
        "delegated-admin-trail",
        "governance-lock",
        "suspended-account",
        "unreachable-member",
        "single-region-member-trail",
        "root-removed-centrally",
        "account-instance-only",
        "region-deny-scp",
    )},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto server, http://127.0.0.1:PORT")
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    args = parser.parse_args()
    endpoint = loopback_endpoint(args.endpoint)

    notes = []
    try:
        built = SCENARIOS[args.scenario](endpoint, notes)
    except (SeedError, ClientError) as err:
        sys.exit(f"seed: scenario {args.scenario}: {err}")
    for note in notes:
        log(f"moto: {note}")
    print(json.dumps({"scenario": args.scenario, **built, "moto_notes": notes}, indent=2))


if __name__ == "__main__":
    main()
