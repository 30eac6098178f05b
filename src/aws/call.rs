//! Every AWS call goes through [`Clients::call`]: it waits for the rate
//! limiter, counts the call, and retries throttling and transient failures
//! with jittered exponential backoff. The SDK's own retries are switched off
//! (see [`super::connect`]), so the counts here are the calls AWS saw.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::time::Instant;

use super::{AwsError, Clients, aws_error};
use crate::model::{CallCount, CallCounts};

/// Retries of one call after throttling. AWS throttles a client that keeps
/// its limit busy now and then, so the budget is generous.
pub const MAX_THROTTLE_RETRIES: u32 = 20;

/// Retries of one call after a 5xx response, a reset connection or a timeout.
pub const MAX_TRANSIENT_RETRIES: u32 = 5;

/// First backoff delay; each retry doubles the ceiling up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Rates of the client-side limiter, in requests per second.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    /// Shared by every sso-admin operation.
    pub sso_admin: f64,
    /// Per identitystore operation.
    pub identity_store: f64,
    pub organizations: f64,
    pub sts: f64,
}

impl Default for Rates {
    /// AWS's documented IAM Identity Center quotas: 20 requests per second
    /// shared by sso-admin operations, 20 per identitystore operation.
    /// NOTE: AWS publishes no rate for Organizations ListAccounts; 5 per
    /// second is a conservative guess that costs little, since ListAccounts
    /// returns 20 accounts a page.
    fn default() -> Self {
        Self {
            sso_admin: 20.0,
            identity_store: 20.0,
            organizations: 5.0,
            sts: 10.0,
        }
    }
}

/// Paces calls per bucket so that they never exceed the bucket's rate.
///
/// Each bucket hands out evenly spaced start times; a caller sleeps until
/// its slot. Buckets: one for all of sso-admin, one per identitystore
/// operation, one for organizations and one for sts.
#[derive(Debug)]
pub struct RateLimiter {
    rates: Rates,
    next_slots: Mutex<BTreeMap<(&'static str, &'static str), Instant>>,
}

impl RateLimiter {
    pub fn new(rates: Rates) -> Self {
        Self {
            rates,
            next_slots: Mutex::new(BTreeMap::new()),
        }
    }

    fn bucket(
        &self,
        service: &'static str,
        operation: &'static str,
    ) -> ((&'static str, &'static str), f64) {
        match service {
            "identitystore" => ((service, operation), self.rates.identity_store),
            "sso-admin" => ((service, ""), self.rates.sso_admin),
            "organizations" => ((service, ""), self.rates.organizations),
            _ => ((service, ""), self.rates.sts),
        }
    }

    /// Waits until the bucket of this operation allows one more call.
    pub async fn acquire(&self, service: &'static str, operation: &'static str) {
        let (key, rate) = self.bucket(service, operation);
        if rate <= 0.0 || !rate.is_finite() {
            return;
        }
        let interval = Duration::from_secs_f64(1.0 / rate);
        let slot = {
            let mut next_slots = self
                .next_slots
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let now = Instant::now();
            let next = next_slots.entry(key).or_insert(now);
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Pushes a bucket's next slot back after AWS throttled it, so the other
    /// callers of that bucket slow down too.
    fn penalize(&self, service: &'static str, operation: &'static str, delay: Duration) {
        let (key, _) = self.bucket(service, operation);
        let mut next_slots = self
            .next_slots
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let later = Instant::now() + delay;
        let next = next_slots.entry(key).or_insert(later);
        *next = (*next).max(later);
    }
}

/// Counts calls, retries and throttled responses per (service, operation).
#[derive(Debug, Default)]
pub struct CallCounter {
    counts: Mutex<BTreeMap<(&'static str, &'static str), CallCount>>,
}

impl CallCounter {
    fn update(
        &self,
        service: &'static str,
        operation: &'static str,
        change: impl FnOnce(&mut CallCount),
    ) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        change(counts.entry((service, operation)).or_default());
    }

    /// Returns the counts so far, keyed by owned names.
    pub fn snapshot(&self) -> CallCounts {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        counts
            .iter()
            .map(|((service, operation), count)| {
                ((service.to_string(), operation.to_string()), *count)
            })
            .collect()
    }
}

enum Retry {
    Throttled(Option<Duration>),
    Transient,
    No,
}

fn classify<E>(error: &SdkError<E, HttpResponse>) -> Retry
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::TimeoutError(_) => Retry::Transient,
        SdkError::DispatchFailure(failure) => {
            if failure.is_io() || failure.is_timeout() {
                Retry::Transient
            } else {
                Retry::No
            }
        }
        SdkError::ResponseError(_) => Retry::Transient,
        SdkError::ServiceError(service_error) => {
            let raw = service_error.raw();
            let throttled = matches!(
                service_error.err().code(),
                Some(
                    "ThrottlingException"
                        | "Throttling"
                        | "TooManyRequestsException"
                        | "RequestLimitExceeded"
                        | "SlowDown"
                )
            ) || raw.status().as_u16() == 429;
            if throttled {
                let retry_after = raw
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.trim().parse::<f64>().ok())
                    .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
                    .map(|seconds| Duration::from_secs_f64(seconds.min(300.0)));
                Retry::Throttled(retry_after)
            } else if raw.status().is_server_error() {
                Retry::Transient
            } else {
                Retry::No
            }
        }
        _ => Retry::No,
    }
}

/// Full-jitter exponential backoff: a random delay up to a ceiling that
/// doubles with each retry.
fn backoff(retry: u32) -> Duration {
    let ceiling = BASE_BACKOFF
        .saturating_mul(1 << retry.min(16))
        .min(MAX_BACKOFF);
    ceiling.mul_f64(fastrand::f64().max(0.05))
}

impl Clients {
    /// Sends every page of a paginated operation, each through
    /// [`Clients::call`], and collects the items.
    ///
    /// `send` sends one page for a `NextToken`; `split` turns a response into
    /// its items and the next token.
    pub(crate) async fn collect_pages<T, O, E, F, Fut>(
        &self,
        service: &'static str,
        operation: &'static str,
        mut send: F,
        mut split: impl FnMut(O) -> (Vec<T>, Option<String>),
    ) -> Result<Vec<T>, AwsError>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut items = Vec::new();
        let mut token = None;
        loop {
            let output = self
                .call(service, operation, || send(token.clone()))
                .await?;
            let (page, next) = split(output);
            items.extend(page);
            token = super::next_page(service, operation, &token, next)?;
            if token.is_none() {
                return Ok(items);
            }
        }
    }

    /// Sends one AWS request through the limiter, with retries.
    ///
    /// `send` builds and sends the request; it runs once per attempt.
    pub(crate) async fn call<T, E, F, Fut>(
        &self,
        service: &'static str,
        operation: &'static str,
        mut send: F,
    ) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut throttle_retries = 0;
        let mut transient_retries = 0;
        loop {
            self.limiter.acquire(service, operation).await;
            self.calls
                .update(service, operation, |count| count.calls += 1);

            let error = match send().await {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };

            let delay = match classify(&error) {
                Retry::Throttled(retry_after) if throttle_retries < MAX_THROTTLE_RETRIES => {
                    throttle_retries += 1;
                    self.calls
                        .update(service, operation, |count| count.throttled += 1);
                    let delay = retry_after.unwrap_or_else(|| backoff(throttle_retries));
                    self.limiter.penalize(service, operation, delay);
                    delay
                }
                Retry::Transient if transient_retries < MAX_TRANSIENT_RETRIES => {
                    transient_retries += 1;
                    backoff(transient_retries)
                }
                Retry::Throttled(_) => {
                    self.calls
                        .update(service, operation, |count| count.throttled += 1);
                    return Err(aws_error(service, operation, error));
                }
                _ => return Err(aws_error(service, operation, error)),
            };
            tracing::debug!(
                service,
                operation,
                ?delay,
                "retrying after {}",
                super::DisplayError(&error)
            );
            self.calls
                .update(service, operation, |count| count.retries += 1);
            tokio::time::sleep(delay).await;
        }
    }
}
