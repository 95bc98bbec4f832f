//! AWS Backup: each account's vaults with their lock (`ListBackupVaults`) and its plans with
//! the rules' copy actions (`ListBackupPlans`, `GetBackupPlan`), per region. These answer the
//! ransomware questions: is there a vault nobody can empty early (compliance-mode lock past
//! its lock date), and are recovery points copied to another account?
//!
//! AWS reports no lock mode. A compliance-mode lock is the one set with `ChangeableForDays`:
//! it carries a `LockDate`, and once that date has passed it can no longer be removed
//! (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html). The mode is
//! derived from that at collection time; a compliance lock still in its cooling-off period is
//! reported as `GOVERNANCE`, since it can still be removed.

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};

use super::errors::Ctx;
use super::ops::backup as op;
use super::session::Session;
use super::to_time;
use crate::snapshot::{BackupPlan, BackupRule, BackupVault, Record};

/// `GetBackupPlan` calls made at once. AWS Backup's control-plane reads are throttled per
/// account and region at a few requests per second; plans are few.
const PLAN_CONCURRENCY: usize = 4;

/// `lock_mode` values.
pub const LOCK_COMPLIANCE: &str = "COMPLIANCE";
pub const LOCK_GOVERNANCE: &str = "GOVERNANCE";

/// `ListBackupVaults` in `ctx.region`.
pub async fn vaults(session: &Session, ctx: &Ctx) -> Record<Vec<BackupVault>> {
    let now = Utc::now();
    let vaults = session
        .backup(&ctx.region)
        .list_backup_vaults()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|list| list.iter().filter_map(|v| to_vault(v, now)).collect());
    ctx.record(op::LIST_BACKUP_VAULTS, None, vaults)
}

fn to_vault(
    v: &aws_sdk_backup::types::BackupVaultListMember,
    now: DateTime<Utc>,
) -> Option<BackupVault> {
    let locked = v.locked().unwrap_or(false);
    let lock_date = to_time(v.lock_date());
    let (min, max) = (v.min_retention_days(), v.max_retention_days());
    Some(BackupVault {
        name: v.backup_vault_name()?.to_string(),
        arn: v.backup_vault_arn()?.to_string(),
        vault_type: v.vault_type().map(|t| t.as_str().to_string()),
        locked,
        min_retention_days: min,
        max_retention_days: max,
        lock_date,
        lock_mode: lock_mode(locked || min.is_some() || max.is_some(), lock_date, now),
    })
}

/// The lock mode of a vault at `now`; `None` when it has no lock.
fn lock_mode(
    has_lock: bool,
    lock_date: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<String> {
    let mode = match lock_date {
        Some(date) if date <= now => LOCK_COMPLIANCE,
        Some(_) => LOCK_GOVERNANCE,
        None if has_lock => LOCK_GOVERNANCE,
        None => return None,
    };
    Some(mode.to_string())
}

/// `ListBackupPlans` in `ctx.region`, then `GetBackupPlan` for each plan's rules.
pub async fn plans(session: &Session, ctx: &Ctx) -> Record<Vec<BackupPlan>> {
    let backup = session.backup(&ctx.region);
    let listed = backup
        .list_backup_plans()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(err) => return ctx.record(op::LIST_BACKUP_PLANS, None, Err(err)),
    };
    let plans = stream::iter(listed.iter().filter_map(|p| {
        let id = p.backup_plan_id()?;
        Some((id, p.backup_plan_name().unwrap_or(id), p.backup_plan_arn()))
    }))
    .map(|(id, name, arn)| {
        let backup = &backup;
        async move {
            BackupPlan {
                id: id.to_string(),
                name: name.to_string(),
                arn: arn.map(str::to_string),
                rules: rules(backup, ctx, id).await,
            }
        }
    })
    .buffered(PLAN_CONCURRENCY)
    .collect()
    .await;
    Record::ok(ctx.source(op::LIST_BACKUP_PLANS, None), plans)
}

/// `GetBackupPlan`: the plan's rules, or `None` (logged) when they cannot be read.
async fn rules(backup: &aws_sdk_backup::Client, ctx: &Ctx, id: &str) -> Option<Vec<BackupRule>> {
    match backup.get_backup_plan().backup_plan_id(id).send().await {
        Ok(out) => Some(
            out.backup_plan()
                .map(|plan| plan.rules().iter().map(to_rule).collect())
                .unwrap_or_default(),
        ),
        Err(err) => {
            ctx.log_sdk(op::GET_BACKUP_PLAN, Some(id), &err);
            None
        }
    }
}

fn to_rule(rule: &aws_sdk_backup::types::BackupRule) -> BackupRule {
    BackupRule {
        name: rule.rule_name().to_string(),
        target_vault: rule.target_backup_vault_name().to_string(),
        schedule: rule.schedule_expression().map(str::to_string),
        delete_after_days: rule.lifecycle().and_then(|l| l.delete_after_days()),
        copy_destinations: rule
            .copy_actions()
            .iter()
            .map(|c| c.destination_backup_vault_arn().to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_lock_is_compliance_only_once_its_lock_date_has_passed() {
        let now = Utc::now();
        let mode = |has, date| lock_mode(has, date, now);
        assert_eq!(
            mode(true, Some(now - Duration::days(1))).as_deref(),
            Some("COMPLIANCE")
        );
        assert_eq!(
            mode(true, Some(now + Duration::days(3))).as_deref(),
            Some("GOVERNANCE"),
            "still in its cooling-off period: removable"
        );
        assert_eq!(mode(true, None).as_deref(), Some("GOVERNANCE"));
        assert_eq!(mode(false, None), None);
    }
}
