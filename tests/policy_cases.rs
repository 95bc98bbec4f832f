//! Field cases 10–15 of `../shared/cases/` (SCP and IAM semantics tools got wrong), each a
//! test with the expected values the case states, variants included. The policies are the
//! cases' own documents; case 11 reads the full Region-deny SCP from `../shared/realdata`.

use std::path::Path;

use evident::policy::{self, evaluate, Decision, Level, NamedPolicy, PolicySet, Request};

const FULL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn named(name: &str, text: &str) -> NamedPolicy {
    NamedPolicy {
        name: name.into(),
        document: policy::parse(text).expect("case document parses"),
    }
}

fn level(name: &str, policies: Vec<NamedPolicy>) -> Level {
    Level {
        name: name.into(),
        policies,
    }
}

/// root and OU with FullAWSAccess, the account with `account`.
fn org(ou: Vec<NamedPolicy>, account: Vec<NamedPolicy>) -> Vec<Level> {
    vec![
        level("root", vec![named("FullAWSAccess", FULL)]),
        level("ou-ab12-workload1", ou),
        level("222222222222", account),
    ]
}

const DENY_IAM_WRITES: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyIamWrites",
  "Effect":"Deny","Action":["iam:Create*","iam:Update*","iam:Put*","iam:Attach*","iam:PassRole"],
  "Resource":"*"}]}"#;

/// Case 10: each escalation step is denied by the account's SCP.
#[test]
fn case_10_scp_blocks_privilege_escalation() {
    let users = [
        ("put-user-policy-user", "iam:PutUserPolicy"),
        ("attach-user-policy-user", "iam:AttachUserPolicy"),
        ("create-access-key-user", "iam:CreateAccessKey"),
        ("passrole-ec2-user", "iam:PassRole"),
    ];
    let run = |scp: &str, management: bool, who: &str, action: &str| {
        let set = PolicySet {
            scp_levels: org(
                vec![named("FullAWSAccess", FULL)],
                vec![named("FullAWSAccess", FULL), named("DenyIamWrites", scp)],
            ),
            identity: vec![named(
                "p",
                &format!(
                    r#"{{"Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
                ),
            )],
            ..PolicySet::default()
        };
        let account = if management {
            "111111111111"
        } else {
            "222222222222"
        };
        let mut r = Request::new(action).principal(&format!("arn:aws:iam::{account}:user/{who}"));
        if management {
            r = r.in_management_account();
        }
        evaluate(&set, &r)
    };
    for (who, action) in users {
        let e = run(DENY_IAM_WRITES, false, who, action);
        assert_eq!(e.decision, Decision::ExplicitDeny, "{who}");
        assert_eq!(e.deciding[0].sid.as_deref(), Some("DenyIamWrites"));
        assert_eq!(e.deciding[0].level.as_deref(), Some("222222222222"));
        // Variant: the same users in the management account can escalate.
        assert_eq!(
            run(DENY_IAM_WRITES, true, who, action).decision,
            Decision::Allowed
        );
    }
    // Variant: without iam:PassRole in the SCP only passrole-ec2-user escalates.
    let no_passrole = DENY_IAM_WRITES.replace(r#","iam:PassRole""#, "");
    assert_eq!(
        run(&no_passrole, false, "passrole-ec2-user", "iam:PassRole").decision,
        Decision::Allowed
    );
    assert_eq!(
        run(
            &no_passrole,
            false,
            "put-user-policy-user",
            "iam:PutUserPolicy"
        )
        .decision,
        Decision::ExplicitDeny
    );
    // Variant: a break-glass exemption changes nothing for the users and is named.
    let exempt = DENY_IAM_WRITES.replace(
        r#""Resource":"*"}"#,
        r#""Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/break-glass"}}}"#,
    );
    for (who, action) in users {
        assert_eq!(
            run(&exempt, false, who, action).decision,
            Decision::ExplicitDeny
        );
    }
    let set = PolicySet {
        scp_levels: org(
            vec![named("FullAWSAccess", FULL)],
            vec![
                named("FullAWSAccess", FULL),
                named("DenyIamWrites", &exempt),
            ],
        ),
        ..PolicySet::default()
    };
    let anyone = evaluate(&set, &Request::new("iam:PutUserPolicy"));
    assert!(anyone.conditional);
    assert_eq!(
        anyone.exemptions[0].values,
        ["arn:aws:iam::*:role/break-glass"]
    );
    assert!(anyone.exemptions[0].principals);
}

fn region_deny() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/realdata/scp/aws-organizations-docs/orgs_manage_policies_scps_examples_general__1.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Some(text);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing under CI",
        path.display()
    );
    eprintln!("skipped: {} is absent", path.display());
    None
}

/// Case 11: Deny + NotAction Region SCP on the OU limits Admin to the approved Regions.
#[test]
fn case_11_region_deny_notaction() {
    let Some(deny) = region_deny() else { return };
    let set = PolicySet {
        scp_levels: org(
            vec![
                named("FullAWSAccess", FULL),
                named("DenyAllOutsideEU", &deny),
            ],
            vec![named("FullAWSAccess", FULL)],
        ),
        identity: vec![named("AdministratorAccess", FULL)],
        ..PolicySet::default()
    };
    let admin = "arn:aws:iam::222222222222:role/Admin";
    let bypass = "arn:aws:iam::222222222222:role/Role1AllowedToBypassThisSCP";
    let rows = [
        ("ec2:RunInstances", "eu-west-1", admin, Decision::Allowed),
        (
            "ec2:RunInstances",
            "us-east-1",
            admin,
            Decision::ExplicitDeny,
        ),
        (
            "s3:CreateBucket",
            "us-east-1",
            admin,
            Decision::ExplicitDeny,
        ),
        ("s3:ListAllMyBuckets", "us-east-1", admin, Decision::Allowed),
        ("iam:CreateRole", "us-east-1", admin, Decision::Allowed),
        ("sts:AssumeRole", "ap-southeast-2", admin, Decision::Allowed),
        ("ec2:RunInstances", "us-east-1", bypass, Decision::Allowed),
    ];
    for (action, region, who, want) in rows {
        let e = evaluate(&set, &Request::new(action).region(region).principal(who));
        assert_eq!(e.decision, want, "{action} {region} {who}: {e:?}");
        if want == Decision::ExplicitDeny {
            assert_eq!(e.deciding[0].level.as_deref(), Some("ou-ab12-workload1"));
            assert!(!e.conditional);
        }
    }
    // Asked for any principal: denied, naming both exempt roles.
    let e = evaluate(&set, &Request::new("ec2:RunInstances").region("us-east-1"));
    let exempt: Vec<&String> = e
        .exemptions
        .iter()
        .filter(|x| x.principals)
        .flat_map(|x| &x.values)
        .collect();
    assert_eq!(exempt.len(), 2, "{e:?}");
    // Variant: the management account is not bound.
    let mgmt = Request::new("ec2:RunInstances")
        .region("us-east-1")
        .principal(admin)
        .in_management_account();
    assert_eq!(evaluate(&set, &mgmt).decision, Decision::Allowed);
}

const REGION_ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"AllowApprovedRegions","Effect":"Allow","Action":"*","Resource":"*",
   "Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}},
  {"Sid":"AllowGlobalServicesAnywhere","Effect":"Allow",
   "Action":["iam:*","organizations:*","sts:*","support:*","route53:*","cloudfront:*"],
   "Resource":"*"}]}"#;

/// Case 12: a Region allow-list at the OU is a Region restriction.
#[test]
fn case_12_region_allow_list() {
    let set = PolicySet {
        scp_levels: org(
            vec![named("p-regionallow01", REGION_ALLOW)],
            vec![named("FullAWSAccess", FULL)],
        ),
        ..PolicySet::default()
    };
    let us = evaluate(&set, &Request::new("ec2:RunInstances").region("us-east-1"));
    assert_eq!(us.decision, Decision::ImplicitDeny);
    assert_eq!(us.implicit_at.as_deref(), Some("ou-ab12-workload1"));
    assert_eq!(
        evaluate(&set, &Request::new("ec2:RunInstances").region("eu-west-1")).decision,
        Decision::Allowed
    );
    let iam = evaluate(&set, &Request::new("iam:CreateRole").region("us-east-1"));
    assert_eq!(iam.decision, Decision::Allowed);
    assert_eq!(
        iam.deciding[1].sid.as_deref(),
        Some("AllowGlobalServicesAnywhere")
    );
    // No Region given: not allowed for sure, and the note says when it would be.
    let open = evaluate(&set, &Request::new("ec2:RunInstances"));
    assert_eq!(open.decision, Decision::ImplicitDeny);
    assert!(open
        .notes
        .iter()
        .any(|n| n.starts_with("AllowApprovedRegions") && n.contains("allows only when")));
    // Variant: FullAWSAccess still attached at the OU: no restriction.
    let kept = PolicySet {
        scp_levels: org(
            vec![
                named("p-regionallow01", REGION_ALLOW),
                named("FullAWSAccess", FULL),
            ],
            vec![named("FullAWSAccess", FULL)],
        ),
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&kept, &Request::new("ec2:RunInstances").region("us-east-1")).decision,
        Decision::Allowed
    );
}

const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrg",
  "Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

/// Case 13: an account whose SCPs hold no Allow can do nothing.
#[test]
fn case_13_scp_set_that_allows_nothing() {
    let set = PolicySet {
        scp_levels: org(
            vec![named("FullAWSAccess", FULL)],
            vec![named("DenyLeaveOrganization", DENY_LEAVE)],
        ),
        ..PolicySet::default()
    };
    for action in [
        "iam:GetAccountSummary",
        "cloudtrail:StopLogging",
        "backup:DeleteRecoveryPoint",
    ] {
        let e = evaluate(&set, &Request::new(action));
        assert_eq!(e.decision, Decision::ImplicitDeny, "{action}");
        assert_eq!(e.implicit_at.as_deref(), Some("222222222222"));
    }
    let leave = evaluate(&set, &Request::new("organizations:LeaveOrganization"));
    assert_eq!(leave.decision, Decision::ExplicitDeny);
    // Variants: the management account, and service-linked roles, are not bound.
    let mgmt = Request::new("iam:GetAccountSummary").in_management_account();
    assert_eq!(evaluate(&set, &mgmt).decision, Decision::Allowed);
    let slr = "arn:aws:iam::222222222222:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty";
    let e = evaluate(&set, &Request::new("iam:GetAccountSummary").principal(slr));
    assert_eq!(e.decision, Decision::Allowed);
    assert!(!e.scps_apply);
    // Variant: an unparseable policy is an error, never a dropped policy.
    assert!(policy::parse("{\"Statement\": [ // comment\n]}").is_err());
}

const REVOKE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],
  "Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-02-14T09:30:00Z"}}}]}"#;
const READ: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
  "Action":["s3:GetObject","s3:ListBucket"],
  "Resource":["arn:aws:s3:::deploy-artifacts-example","arn:aws:s3:::deploy-artifacts-example/*"]}}"#;
const OUTSIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideCallers",
  "Effect":"Deny","Action":"*","Resource":"*","Condition":{
  "NotIpAddress":{"aws:SourceIp":["192.0.2.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}}]}"#;

/// Case 14: Deny statements grant nothing.
#[test]
fn case_14_deny_statements_are_not_grants() {
    let identity = vec![
        named("AWSRevokeOlderSessions", REVOKE),
        named("deploy-artifacts-read", READ),
        named("DenyOutsideCallers", OUTSIDE),
    ];
    assert!(identity.iter().all(|p| !p.document.grants_everything()));
    let set = PolicySet {
        identity: identity.clone(),
        ..PolicySet::default()
    };
    let role = "arn:aws:iam::222222222222:role/app-deployer";
    let create = evaluate(&set, &Request::new("iam:CreateUser").principal(role));
    assert_eq!(create.decision, Decision::ImplicitDeny);
    let object = "arn:aws:s3:::deploy-artifacts-example/app.zip";
    let fresh_inside = Request::new("s3:GetObject")
        .resource(object)
        .principal(role)
        .context("aws:TokenIssueTime", "2026-03-01T00:00:00Z")
        .context("aws:SourceIp", "192.0.2.10")
        .context("aws:ViaAWSService", "false");
    assert_eq!(evaluate(&set, &fresh_inside).decision, Decision::Allowed);
    let old = Request::new("s3:GetObject")
        .resource(object)
        .principal(role)
        .context("aws:TokenIssueTime", "2026-01-01T00:00:00Z")
        .context("aws:SourceIp", "192.0.2.10")
        .context("aws:ViaAWSService", "false");
    assert_eq!(evaluate(&set, &old).decision, Decision::ExplicitDeny);
    // Variant: with AdministratorAccess the role is an admin, limited by the two Denies.
    let mut admin = set.clone();
    admin.identity.push(named("AdministratorAccess", FULL));
    let e = evaluate(&admin, &Request::new("iam:CreateUser").principal(role));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert!(e.conditional && e.exemptions.len() == 3, "{e:?}");
    // Variant: Deny + NotAction still grants nothing.
    let not_action = named(
        "n",
        r#"{"Statement":[{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}]}"#,
    );
    assert!(!not_action.document.grants_everything());
}

/// Case 15: Allow + NotAction on a non-existent action is an administrator.
#[test]
fn case_15_allow_notaction_is_admin() {
    let ops = named(
        "ops-everything",
        r#"{"Statement":[{"Sid":"Statement1","Effect":"Allow","NotAction":"madeup:action","Resource":"*"}]}"#,
    );
    assert!(ops.document.grants_everything());
    let set = PolicySet {
        identity: vec![ops.clone()],
        ..PolicySet::default()
    };
    let role = "arn:aws:iam::222222222222:role/ops";
    for action in [
        "iam:CreateUser",
        "ec2:RunInstances",
        "organizations:LeaveOrganization",
    ] {
        assert_eq!(
            evaluate(&set, &Request::new(action).principal(role)).decision,
            Decision::Allowed
        );
    }
    let cfn = PolicySet {
        identity: vec![
            named("AdministratorAccess", FULL),
            named(
                "cfn-delete-only",
                r#"{"Statement":[{"Effect":"Deny","NotAction":["cloudformation:Delete*","cloudformation:Preview*"],"Resource":"*"}]}"#,
            ),
        ],
        ..PolicySet::default()
    };
    let cleanup = "arn:aws:iam::222222222222:role/cfn-cleanup";
    assert_eq!(
        evaluate(
            &cfn,
            &Request::new("cloudformation:DeleteStack").principal(cleanup)
        )
        .decision,
        Decision::Allowed
    );
    assert_eq!(
        evaluate(&cfn, &Request::new("ec2:RunInstances").principal(cleanup)).decision,
        Decision::ExplicitDeny
    );
    // Variant: NotAction iam:* is all services but IAM.
    let no_iam = named(
        "p",
        r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}"#,
    );
    assert!(!no_iam.document.grants_everything());
    let set = PolicySet {
        identity: vec![no_iam],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&set, &Request::new("iam:CreateUser")).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        evaluate(&set, &Request::new("s3:GetObject")).decision,
        Decision::Allowed
    );
    // Variant: resource-limited, not an admin.
    let one = named(
        "p",
        r#"{"Statement":[{"Effect":"Allow","NotAction":"madeup:action","Resource":"arn:aws:s3:::one-bucket"}]}"#,
    );
    assert!(!one.document.grants_everything());
    // Variant: as an SCP it allows everything at its level, like FullAWSAccess.
    let scp = PolicySet {
        scp_levels: org(vec![ops.clone()], vec![named("FullAWSAccess", FULL)]),
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&scp, &Request::new("iam:CreateUser")).decision,
        Decision::Allowed
    );
}
