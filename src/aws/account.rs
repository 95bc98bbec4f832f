//! One account's collection: enter it (the caller's own credentials for the caller's account,
//! `sts:AssumeRole` for the others), then read IAM, CloudTrail listings, S3 bucket ownership,
//! Identity Center instances, the account's S3 Block Public Access and budgets, and its
//! regional evidence (see `regional`) inside it. An account that cannot be entered keeps the
//! assume-role error as its session record and nothing else, so every probe says `unknown`
//! for it instead of reading empty lists as "none".

use super::errors::{Ctx, ErrorLog};
use super::session::{self, Plan, Session};
use super::{budgets, cloudtrail, iam, identity_center, regional, s3};
use crate::snapshot::{AccountEvidence, IamEvidence};

/// Collects one account. Returns its evidence and, when it was entered, its session for the
/// reads that come later (trail details, buckets, Identity Center).
pub async fn collect(
    caller: &Session,
    account: &str,
    plan: &Plan,
    management: Option<&str>,
    log: &ErrorLog,
) -> (AccountEvidence, Option<Session>) {
    let ctx = Ctx::new(account, &plan.region, log);
    let (session_record, session) = if account == caller.account_id {
        (
            session::own_session_record(caller, &ctx),
            Some(caller.clone()),
        )
    } else {
        session::assume(caller, account, &plan.role_name, &ctx).await
    };
    let Some(session) = session else {
        tracing::info!(account, "not entered; nothing else is read in it");
        let evidence = AccountEvidence {
            account_id: account.to_string(),
            session: session_record,
            iam: IamEvidence::default(),
            trails: Vec::new(),
            buckets: None,
            sso_instances: None,
            enabled_regions: None,
            regional: Vec::new(),
            s3_account_public_access_block: None,
            budgets: None,
        };
        return (evidence, None);
    };

    let iam_client = session.iam();
    let is_management = management == Some(account);
    let (iam, trails, buckets, sso_instances) = tokio::join!(
        iam::collect(&iam_client, &ctx, is_management),
        cloudtrail::list(&session, &ctx, &plan.regions),
        s3::list_buckets(&session, &ctx),
        identity_center::list_instances(&session, &ctx, &plan.regions),
    );
    let ((enabled_regions, regional), public_access, budgets) = tokio::join!(
        regional::collect(&session, &ctx, plan, is_management),
        s3::account_public_access_block(&session, &ctx),
        budgets::collect(&session, &ctx),
    );
    let evidence = AccountEvidence {
        account_id: account.to_string(),
        session: session_record,
        iam,
        trails,
        buckets: Some(buckets),
        sso_instances: Some(sso_instances),
        enabled_regions: Some(enabled_regions),
        regional,
        s3_account_public_access_block: Some(public_access),
        budgets: Some(budgets),
    };
    (evidence, Some(session))
}
