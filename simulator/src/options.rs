//! Settings of a running simulator: rate limits, added latency, injected faults
//! and the STS external ID check.

use std::time::Duration;

/// Simulator settings beyond the model.
///
/// `Options::default()` applies AWS-like rate limits and nothing else;
/// [`Options::fast`] switches the rate limits off for quick tests.
#[derive(Debug, Clone)]
pub struct Options {
    /// Port on 127.0.0.1 to listen on; 0 picks a free one.
    pub port: u16,
    /// Request rate limits; `None` serves every call.
    pub rate_limits: Option<RateLimits>,
    /// Delay added to every call; `None` adds none.
    pub latency: Option<Latency>,
    /// Faults to inject, checked in order; the first rule that fires wins.
    pub faults: Vec<Fault>,
    /// External ID that STS `AssumeRole` must receive; `None` accepts any or none.
    pub required_external_id: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            port: 0,
            rate_limits: Some(RateLimits::default()),
            latency: None,
            faults: Vec::new(),
            required_external_id: None,
        }
    }
}

impl Options {
    /// Returns options without rate limits, latency or faults.
    pub fn fast() -> Options {
        Options {
            rate_limits: None,
            ..Options::default()
        }
    }

    /// Sets the rate limits.
    pub fn with_rate_limits(mut self, limits: RateLimits) -> Options {
        self.rate_limits = Some(limits);
        self
    }

    /// Sets a fixed latency plus up to `jitter` more, drawn uniformly per call.
    pub fn with_latency(mut self, fixed: Duration, jitter: Duration) -> Options {
        self.latency = Some(Latency { fixed, jitter });
        self
    }

    /// Adds a fault rule after the existing ones.
    pub fn with_fault(mut self, fault: Fault) -> Options {
        self.faults.push(fault);
        self
    }

    /// Requires this external ID on STS `AssumeRole`.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Options {
        self.required_external_id = Some(external_id.into());
        self
    }
}

/// Token-bucket rate limits in requests per second. A bucket's capacity is one
/// second of requests, so a client may burst up to the rate after a pause.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    /// One bucket shared by every sso-admin operation.
    pub sso_admin_per_second: f64,
    /// One bucket per identitystore operation.
    pub identity_store_per_operation_per_second: f64,
    /// One bucket shared by every Organizations operation.
    pub organizations_per_second: f64,
}

impl Default for RateLimits {
    /// Returns 20 per second for sso-admin, the collective limit that the IAM
    /// User Guide ("Quotas and limits in account access manager") gives for the
    /// account access API, 20 per identitystore operation and 5 for Organizations.
    fn default() -> RateLimits {
        RateLimits {
            sso_admin_per_second: 20.0,
            // NOTE: the identitystore and Organizations rates are estimates, not
            // published AWS quotas.
            identity_store_per_operation_per_second: 20.0,
            organizations_per_second: 5.0,
        }
    }
}

/// Delay added before each response: `fixed` plus a uniform draw from `0..=jitter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub fixed: Duration,
    pub jitter: Duration,
}

/// Rule that makes chosen calls fail.
///
/// A call matches when its operation equals [`Fault::operation`] (or any call,
/// when that is `None`). With [`Fault::every_nth`] set to N, only matching calls
/// N, 2N, 3N and so on fire. [`Fault::max_injections`] caps how often the rule
/// fires, so that a client that retries eventually succeeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// Operation name as in the API, such as `ListUsers`; `None` matches all.
    pub operation: Option<String>,
    pub every_nth: Option<u64>,
    pub max_injections: Option<u64>,
    pub kind: FaultKind,
}

impl Fault {
    /// Returns a rule that fires on every call of `operation`.
    pub fn on(operation: impl Into<String>, kind: FaultKind) -> Fault {
        Fault {
            operation: Some(operation.into()),
            every_nth: None,
            max_injections: None,
            kind,
        }
    }

    /// Returns a rule that fires on every `n`th call of any operation.
    pub fn every(n: u64, kind: FaultKind) -> Fault {
        Fault {
            operation: None,
            every_nth: Some(n.max(1)),
            max_injections: None,
            kind,
        }
    }

    /// Limits the rule to its first `count` injections.
    pub fn times(mut self, count: u64) -> Fault {
        self.max_injections = Some(count);
        self
    }

    /// Makes the rule fire only on every `n`th matching call.
    pub fn nth(mut self, n: u64) -> Fault {
        self.every_nth = Some(n.max(1));
        self
    }
}

/// The effect of an injected fault on the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500 with the service's internal error code.
    InternalError,
    /// HTTP 503 `ServiceUnavailable`.
    ServiceUnavailable,
    /// Closes the connection without a response, with a TCP reset.
    ConnectionReset,
    /// Waits this long before responding normally, to exceed client timeouts.
    Hold(Duration),
    /// The service's access denied error.
    AccessDenied,
    /// identitystore's access denied error for a customer managed KMS key the
    /// caller may not use: `AccessDeniedException` with `Reason`
    /// `KMS_ACCESS_DENIED`.
    KmsAccessDenied,
    /// The error for expired temporary credentials.
    ExpiredToken,
}
