//! Access to AWS: credentials and region, the optional AssumeRole with an
//! external ID, and one module per API that turns SDK responses into the
//! plain records of [`crate::model`].
//!
//! Every paginated call follows `NextToken` to the end, and every call is
//! counted in [`CallCounter`] so the snapshot can record what was asked.

mod call;
pub mod identity_store;
pub mod organizations;
pub mod sso_admin;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;
use aws_types::region::Region;

pub use call::{CallCounter, MAX_THROTTLE_RETRIES, MAX_TRANSIENT_RETRIES, RateLimiter, Rates};

/// How to obtain credentials and which region to read.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub role_arn: Option<String>,
    /// Passed to AssumeRole only; never stored or printed.
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub rates: Rates,
    /// Maximum wait for one attempt of a call.
    pub attempt_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            role_arn: None,
            external_id: None,
            session_name: None,
            rates: Rates::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
        }
    }
}

/// Clients for every API that sync reads, sharing one configuration.
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub sso_admin: aws_sdk_ssoadmin::Client,
    pub identity_store: aws_sdk_identitystore::Client,
    pub organizations: aws_sdk_organizations::Client,
    pub region: String,
    pub role_arn: Option<String>,
    pub calls: CallCounter,
    pub limiter: RateLimiter,
}

/// The identity that the sync's credentials resolve to.
#[derive(Debug, Clone)]
pub struct CallerIdentity {
    pub arn: String,
    pub account: String,
}

/// Session name for AssumeRole when none is given.
const DEFAULT_SESSION_NAME: &str = "idcdb-sync";

/// A failed AWS call, with the operation, AWS's error code and a next step.
#[derive(Debug, thiserror::Error)]
#[error("{service} {operation} failed: {detail}{hint}")]
pub struct AwsError {
    pub service: &'static str,
    pub operation: &'static str,
    /// AWS's error code, such as `AccessDeniedException`, when AWS sent one.
    pub code: Option<String>,
    pub detail: String,
    /// True when identitystore denied access to its customer managed KMS key
    /// (`Reason: KMS_ACCESS_DENIED`), not the call itself.
    pub kms_access_denied: bool,
    hint: String,
}

impl AwsError {
    /// True when AWS rejected the call for lack of permission.
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("AccessDeniedException" | "AccessDenied")
        )
    }

    /// True when the credentials themselves were missing, invalid or expired,
    /// or a KMS key denied them.
    pub fn is_credentials_problem(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some(
                "ExpiredToken"
                    | "ExpiredTokenException"
                    | "InvalidClientTokenId"
                    | "UnrecognizedClientException"
                    | "InvalidSignatureException"
                    | "SignatureDoesNotMatch"
            )
        ) || self.kms_access_denied
            || (self.code.is_none() && mentions_credentials(&self.detail))
    }
}

/// Default maximum wait for one attempt of a call; a hung connection then
/// fails and is retried like a reset one.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Displays an SDK error with its whole chain of causes.
pub(crate) struct DisplayError<'a, E>(pub &'a E);

impl<E: std::error::Error> std::fmt::Display for DisplayError<'_, E> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}", DisplayErrorContext(self.0))
    }
}

/// Converts an SDK error into an [`AwsError`] naming the operation.
pub(crate) fn aws_error<E>(
    service: &'static str,
    operation: &'static str,
    error: SdkError<E, HttpResponse>,
) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(str::to_string);
    let detail = match (&code, error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.clone(),
        _ => describe_uncoded(&error),
    };
    let kms_access_denied = matches!(&error, SdkError::ServiceError(service_error)
    if service_error.raw().body().bytes().is_some_and(|body| {
        body.windows(KMS_ACCESS_DENIED.len()).any(|window| window == KMS_ACCESS_DENIED)
    }));
    let hint = if kms_access_denied {
        "\n  next step: the identity store is encrypted with a customer managed KMS key that \
         these credentials may not use; allow kms:Decrypt on that key (its ARN is in \
         DescribeInstance's EncryptionConfigurationDetails) in the key policy and in the \
         role's policy"
            .to_string()
    } else {
        hint_for(service, operation, code.as_deref(), &detail)
    };
    AwsError {
        service,
        operation,
        code,
        detail,
        kms_access_denied,
        hint,
    }
}

/// The `Reason` identitystore gives when KMS, not IAM, denied the call.
const KMS_ACCESS_DENIED: &[u8] = b"KMS_ACCESS_DENIED";

/// Describes an error that carries no AWS error code in one line, without
/// the raw response the SDK's own display includes.
fn describe_uncoded<E>(error: &SdkError<E, HttpResponse>) -> String
where
    E: std::error::Error + Send + Sync + 'static,
{
    match error {
        SdkError::TimeoutError(_) => "the request timed out".to_string(),
        SdkError::DispatchFailure(failure) if failure.is_io() => {
            format!("dispatch failure: io error: {}", source_chain(error))
        }
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            "dispatch failure: the connection timed out".to_string()
        }
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_) => {
            format!("the request was not sent: {}", source_chain(error))
        }
        SdkError::ServiceError(service_error) => format!(
            "the service returned HTTP {} without an AWS error code",
            service_error.raw().status().as_u16()
        ),
        SdkError::ResponseError(response_error) => format!(
            "the service returned HTTP {} with a body that could not be parsed",
            response_error.raw().status().as_u16()
        ),
        _ => DisplayErrorContext(error).to_string(),
    }
}

/// True when an uncoded error's text reports that the credentials could not
/// be loaded (aws-config words it "credential provider was not enabled", "no
/// credentials found in chain" or "failed to load credentials").
fn mentions_credentials(detail: &str) -> bool {
    detail.contains("credential provider")
        || detail.contains("no credentials")
        || detail.contains("failed to load credentials")
}

/// Joins the messages of an error's sources, innermost last.
fn source_chain(error: &dyn std::error::Error) -> String {
    let mut messages = Vec::new();
    let mut current = error.source();
    while let Some(source) = current {
        messages.push(source.to_string());
        current = source.source();
    }
    messages.join(": ")
}

fn hint_for(service: &str, operation: &str, code: Option<&str>, detail: &str) -> String {
    let next_step = match code {
        Some("AccessDeniedException" | "AccessDenied") => format!(
            "the credentials are not allowed to call {service}:{operation}; grant the read-only \
             policy from the README to the role, and run from the management account or the \
             delegated administrator account of IAM Identity Center"
        ),
        Some("ExpiredToken" | "ExpiredTokenException") => {
            "the credentials have expired; refresh them (for example `aws sso login`) and retry"
                .to_string()
        }
        Some("InvalidClientTokenId" | "UnrecognizedClientException") => {
            "the access key is not valid; check the profile or the AWS_* environment variables"
                .to_string()
        }
        Some("ThrottlingException" | "Throttling" | "TooManyRequestsException") => {
            "AWS kept throttling the call after retries; run the sync again later, or lower \
             --max-rps"
                .to_string()
        }
        Some(
            "InternalServerException"
            | "InternalFailure"
            | "ServiceException"
            | "ServiceUnavailable"
            | "ServiceUnavailableException",
        ) => "AWS kept failing after retries; run the sync again later".to_string(),
        _ if mentions_credentials(detail) => {
            "no usable credentials were found; check the --profile name (or AWS_PROFILE), or \
             set the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables"
                .to_string()
        }
        _ if detail.contains("dispatch failure") || detail.contains("io error") => {
            "AWS could not be reached; check the network, the region and any AWS_ENDPOINT_URL"
                .to_string()
        }
        _ => return String::new(),
    };
    format!("\n  next step: {next_step}")
}

/// Loads the SDK configuration, assumes the role when one is given, and
/// builds the clients.
pub async fn connect(options: &ConnectOptions) -> Clients {
    let attempt_timeout = options.attempt_timeout;
    // Retries happen in `Clients::call`, which paces them with the rate
    // limiter and counts them; SDK retries would hide both.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(attempt_timeout)
                .connect_timeout(CONNECT_TIMEOUT)
                .build(),
        );
    if let Some(profile) = &options.profile {
        // The default chain reads AWS_ACCESS_KEY_ID before any profile, so a
        // named profile gets its own provider, as the AWS CLI's --profile.
        let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    let base = loader.load().await;

    let config = match &options.role_arn {
        Some(role_arn) => assume_role(&base, role_arn, options).await,
        None => base,
    };
    Clients::new(&config, options.role_arn.clone(), options.rates)
}

/// Builds clients for a fixed endpoint with static credentials: the demo's
/// in-process simulator. Requests still go over HTTP through the SDK.
pub fn connect_to_endpoint(endpoint_url: &str, region: &str, rates: Rates) -> Clients {
    let attempt_timeout = DEFAULT_ATTEMPT_TIMEOUT;
    let credentials = aws_credential_types::Credentials::new(
        "AKIDIDCDBDEMO0000000",
        "idcdb-demo-secret",
        None,
        None,
        "idcdb-demo",
    );
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(endpoint_url)
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(attempt_timeout)
                .connect_timeout(CONNECT_TIMEOUT)
                .build(),
        )
        .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
        .time_source(aws_smithy_async::time::SystemTimeSource::new())
        .build();
    Clients::new(&config, None, rates)
}

async fn assume_role(base: &SdkConfig, role_arn: &str, options: &ConnectOptions) -> SdkConfig {
    let session_name = options
        .session_name
        .clone()
        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string());
    let mut builder = AssumeRoleProvider::builder(role_arn)
        .session_name(session_name)
        .configure(base);
    if let Some(external_id) = &options.external_id {
        builder = builder.external_id(external_id.clone());
    }

    // The provider refreshes the role's credentials before they expire, so a
    // long sync keeps working past the session duration.
    let provider = builder.build().await;
    base.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

impl Clients {
    /// Builds the clients from an SDK configuration.
    pub fn new(config: &SdkConfig, role_arn: Option<String>, rates: Rates) -> Self {
        Self {
            sts: aws_sdk_sts::Client::new(config),
            sso_admin: aws_sdk_ssoadmin::Client::new(config),
            identity_store: aws_sdk_identitystore::Client::new(config),
            organizations: aws_sdk_organizations::Client::new(config),
            region: config
                .region()
                .map(|region| region.to_string())
                .unwrap_or_default(),
            role_arn,
            calls: CallCounter::default(),
            limiter: RateLimiter::new(rates),
        }
    }

    /// Returns the identity of the credentials, which also proves that they
    /// work (and that AssumeRole succeeded, when a role was given).
    pub async fn caller_identity(&self) -> Result<CallerIdentity, AwsError> {
        let output = self
            .call("sts", "GetCallerIdentity", || {
                self.sts.get_caller_identity().send()
            })
            .await?;
        Ok(CallerIdentity {
            arn: output.arn.unwrap_or_default(),
            account: output.account.unwrap_or_default(),
        })
    }
}

/// Returns the token of the next page, or `None` after the last page.
///
/// Guards a pagination loop against a service that returns the same token
/// forever.
pub(crate) fn next_page(
    service: &'static str,
    operation: &'static str,
    previous: &Option<String>,
    next: Option<String>,
) -> Result<Option<String>, AwsError> {
    match next {
        Some(token) if token.is_empty() => Ok(None),
        Some(token) if previous.as_deref() == Some(token.as_str()) => Err(AwsError {
            service,
            operation,
            code: None,
            detail: "the service returned the same NextToken twice".to_string(),
            kms_access_denied: false,
            hint: String::new(),
        }),
        other => Ok(other),
    }
}

/// Formats an SDK timestamp as RFC 3339 UTC text.
pub(crate) fn rfc3339(time: &aws_smithy_types::DateTime) -> Option<String> {
    time.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}
