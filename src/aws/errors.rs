//! Failed calls become evidence gaps, not crashes. Every SDK error is classified here from
//! the SDK's typed metadata (the AWS error code and the HTTP status of the raw response; never
//! the display text), stored in the record that asked for it, and listed once in the manifest
//! with the account, region, service and operation it happened in.
//!
//! [`Ctx`] carries "where": the account whose credentials make the call and the region it goes
//! to. Each collector takes one, so no error can be recorded without its place.

use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use chrono::Utc;

use super::ops::Op;
use crate::snapshot::{CallError, ErrorEntry, ErrorKind, Provenance, Record};

/// An SDK error as every client returns it.
pub type Sdk<E> = SdkError<E, HttpResponse>;

/// Codes AWS services use to refuse a call on permissions (IAM, SCP, resource policy, or a
/// credential the service does not accept).
const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "CloudTrailARNInvalidException",
];

/// Codes for a call refused because of request rate, left after the SDK's own retries.
const THROTTLED_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

/// Codes for "the thing asked about does not exist" (as opposed to an operation that is not
/// there at all, which emulators answer with a bare 404 or 501).
const NOT_FOUND_CODES: &[&str] = &[
    "NoSuchEntity",
    "NoSuchBucket",
    "NotFoundException",
    "ResourceNotFoundException",
    "TrailNotFoundException",
    "AccountNotFoundException",
    "PolicyNotFoundException",
    "TargetNotFoundException",
    "ChildNotFoundException",
    "ParentNotFoundException",
    "OrganizationalUnitNotFoundException",
];

const NOT_IMPLEMENTED_CODES: &[&str] = &["NotImplemented", "NotImplementedException"];

/// Classifies a failed SDK call.
pub fn classify<E>(err: &Sdk<E>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    tracing::trace!("{}", DisplayErrorContext(err));
    let message = err
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| cause_chain(err));
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err {
        SdkError::ServiceError(_) => service_error(err.code(), status, message),
        SdkError::TimeoutError(_) => call_error(ErrorKind::Network, "Timeout", message),
        SdkError::DispatchFailure(failure) => {
            let kind = match failure.as_connector_error() {
                Some(c) if c.is_io() || c.is_timeout() => ErrorKind::Network,
                _ => ErrorKind::Other,
            };
            call_error(kind, "DispatchFailure", message)
        }
        SdkError::ResponseError(_) => {
            // The service answered, but not in a shape the SDK could read.
            let code = status.map_or("ResponseError".into(), |s| format!("ResponseError {s}"));
            call_error(ErrorKind::Other, &code, message)
        }
        SdkError::ConstructionFailure(_) => {
            call_error(ErrorKind::Other, "ConstructionFailure", message)
        }
        _ => call_error(ErrorKind::Other, "Unknown", message),
    }
}

/// The longest error text kept; the cause chain of an unreadable response can quote the
/// whole response body.
const MAX_MESSAGE_CHARS: usize = 600;

/// The error and its causes, outermost first, without the debug dump `DisplayErrorContext`
/// appends (raw response, headers), which belongs in a trace log rather than the evidence.
pub fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        text = text.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
    }
    text
}

fn service_error(code: Option<&str>, status: Option<u16>, message: String) -> CallError {
    let kind = match (code, status) {
        (Some(c), _) if ACCESS_DENIED_CODES.contains(&c) => ErrorKind::AccessDenied,
        (Some(c), _) if THROTTLED_CODES.contains(&c) => ErrorKind::Throttled,
        (Some(c), _) if NOT_FOUND_CODES.contains(&c) => ErrorKind::NotFound,
        (Some(c), _) if NOT_IMPLEMENTED_CODES.contains(&c) => ErrorKind::NotImplemented,
        (_, Some(403)) => ErrorKind::AccessDenied,
        (_, Some(429)) => ErrorKind::Throttled,
        // A 404 or 501 without a "no such thing" code is an operation the endpoint lacks
        // (emulators answer unimplemented calls this way).
        (_, Some(404 | 501)) => ErrorKind::NotImplemented,
        _ => ErrorKind::Other,
    };
    let code = match (code, status) {
        (Some(c), _) if !c.is_empty() => c.to_string(),
        (_, Some(s)) => format!("HTTP {s}"),
        _ => "Unknown".to_string(),
    };
    CallError {
        kind,
        code,
        message,
    }
}

fn call_error(kind: ErrorKind, code: &str, message: String) -> CallError {
    CallError {
        kind,
        code: code.to_string(),
        message,
    }
}

/// The manifest's error list, shared by every task of one collection.
#[derive(Debug, Clone, Default)]
pub struct ErrorLog(Arc<Mutex<Vec<ErrorEntry>>>);

impl ErrorLog {
    fn push(&self, entry: ErrorEntry) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// Every error logged so far, sorted by account, region, service and operation so two
    /// collections of the same state list them in the same order.
    pub fn entries(&self) -> Vec<ErrorEntry> {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        entries.sort_by(|a, b| {
            (&a.account, &a.region, &a.service, &a.operation, &a.message).cmp(&(
                &b.account,
                &b.region,
                &b.service,
                &b.operation,
                &b.message,
            ))
        });
        entries
    }
}

/// Where calls are made: whose credentials, which region, and the log their errors go to.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub account: String,
    pub region: String,
    log: ErrorLog,
}

impl Ctx {
    pub fn new(account: &str, region: &str, log: &ErrorLog) -> Ctx {
        Ctx {
            account: account.to_string(),
            region: region.to_string(),
            log: log.clone(),
        }
    }

    /// The same log, another account or region.
    pub fn at(&self, account: &str, region: &str) -> Ctx {
        Ctx::new(account, region, &self.log)
    }

    pub fn source(&self, op: Op, target: Option<&str>) -> Provenance {
        Provenance {
            service: op.service.to_string(),
            operation: op.operation.to_string(),
            account: self.account.clone(),
            region: self.region.clone(),
            collected_at: Utc::now(),
            target: target.map(str::to_string),
        }
    }

    /// A record of the call's outcome; a failure is also logged for the manifest.
    pub fn record<T, E>(&self, op: Op, target: Option<&str>, result: Result<T, Sdk<E>>) -> Record<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match result {
            Ok(value) => Record::ok(self.source(op, target), value),
            Err(err) => self.failed(op, target, classify(&err)),
        }
    }

    /// A record of a call that failed (or could not be made), logged for the manifest.
    pub fn failed<T>(&self, op: Op, target: Option<&str>, error: CallError) -> Record<T> {
        self.log(op, target, &error);
        Record::err(self.source(op, target), error)
    }

    /// Logs a failure whose record holds no error itself (a field left `None`).
    pub fn log(&self, op: Op, target: Option<&str>, error: &CallError) {
        let message = match target {
            Some(t) => format!("{t}: {}", error.message),
            None => error.message.clone(),
        };
        tracing::debug!(
            account = %self.account, region = %self.region,
            "{}:{} failed: {} {}", op.service, op.operation, error.code, message
        );
        self.log.push(ErrorEntry {
            account: self.account.clone(),
            region: self.region.clone(),
            service: op.service.to_string(),
            operation: op.operation.to_string(),
            kind: error.kind,
            code: error.code.clone(),
            message,
        });
    }

    /// Classifies and logs an SDK error, for fields that keep no record of their own.
    pub fn log_sdk<E>(&self, op: Op, target: Option<&str>, err: &Sdk<E>) -> CallError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let error = classify(err);
        self.log(op, target, &error);
        error
    }
}

/// A response that lacked a field AWS documents as always present: evidence missing, recorded
/// like a failed call rather than guessed.
pub fn missing_field(field: &str) -> CallError {
    CallError {
        kind: ErrorKind::Other,
        code: "MissingField".to_string(),
        message: format!("the response has no {field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_decide_before_status() {
        let e = service_error(Some("AccessDeniedException"), Some(400), "no".into());
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::AccessDenied, "AccessDeniedException")
        );
        let e = service_error(Some("TooManyRequestsException"), Some(400), String::new());
        assert_eq!(e.kind, ErrorKind::Throttled);
        let e = service_error(Some("NoSuchEntity"), Some(404), String::new());
        assert_eq!(
            e.kind,
            ErrorKind::NotFound,
            "a 404 with a not-found code is not 'missing'"
        );
        let e = service_error(
            Some("CloudTrailARNInvalidException"),
            Some(400),
            String::new(),
        );
        assert_eq!(
            e.kind,
            ErrorKind::AccessDenied,
            "another account's trail: not ours to read"
        );
    }

    #[test]
    fn status_decides_when_there_is_no_code() {
        // moto answers JSON services' denials with an XML body the SDK cannot read.
        let e = service_error(None, Some(403), String::new());
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::AccessDenied, "HTTP 403")
        );
        let e = service_error(None, Some(404), String::new());
        assert_eq!(e.kind, ErrorKind::NotImplemented);
        let e = service_error(None, Some(500), String::new());
        assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Other, "HTTP 500"));
        let e = service_error(Some(""), None, String::new());
        assert_eq!(e.code, "Unknown");
    }

    #[test]
    fn long_messages_are_cut() {
        let long = std::io::Error::other("x".repeat(2 * MAX_MESSAGE_CHARS));
        let text = cause_chain(&long);
        assert_eq!(text.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(text.ends_with('…'));
    }
}
