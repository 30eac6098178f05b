//! Helpers shared by the integration tests: AWS SDK clients pointed at a
//! simulator on 127.0.0.1 with dummy static credentials.

#![allow(dead_code)]

use std::sync::Once;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use idcdb_simulator::Simulator;

static DISABLE_METADATA: Once = Once::new();

/// Keeps every SDK code path away from the EC2 metadata address.
///
/// The configs below are built without the default provider chains, so no
/// provider should look for it anyway; the variable guards against one that does.
fn disable_instance_metadata() {
    DISABLE_METADATA.call_once(|| {
        // SAFETY: every test that builds SDK clients calls this first, and
        // concurrent callers wait inside `call_once` until it returns, so no
        // thread of this process reads the environment while it changes.
        unsafe { std::env::set_var("AWS_EC2_METADATA_DISABLED", "true") };
    });
}

/// Client settings of one test.
pub struct ClientSettings {
    pub retry: RetryConfig,
    pub attempt_timeout: Option<Duration>,
    pub access_key_id: &'static str,
}

impl Default for ClientSettings {
    /// Returns settings without retries, so each error reaches the test.
    fn default() -> ClientSettings {
        ClientSettings {
            retry: RetryConfig::disabled(),
            attempt_timeout: None,
            access_key_id: "AKIASIMULATORTEST01",
        }
    }
}

/// Builds an SDK config for the simulator: region us-east-1, dummy static
/// credentials and the simulator's endpoint URL.
pub fn sdk_config(simulator: &Simulator, settings: ClientSettings) -> SdkConfig {
    disable_instance_metadata();

    let credentials = Credentials::new(
        settings.access_key_id,
        "simulator-secret-key",
        None,
        None,
        "tests",
    );
    let mut timeouts = TimeoutConfig::builder().connect_timeout(Duration::from_secs(5));
    if let Some(timeout) = settings.attempt_timeout {
        timeouts = timeouts.operation_attempt_timeout(timeout);
    }
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(simulator.endpoint_url())
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(settings.retry)
        .timeout_config(timeouts.build())
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new())
        .build()
}

/// Returns a retry policy with `attempts` attempts and millisecond backoff.
pub fn quick_retries(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}
