//! Rate limits, latency and injected faults, observed through the AWS SDK for
//! Rust with and without its retries.

mod common;

use std::time::{Duration, Instant};

use aws_sdk_ssoadmin::error::{ProvideErrorMetadata, SdkError};
use common::{ClientSettings, quick_retries, sdk_config};
use idcdb_simulator::{Fault, FaultKind, Options, RateLimits, Simulator, Size, generate};

fn start(options: Options, settings: ClientSettings) -> (Simulator, aws_config::SdkConfig) {
    let simulator =
        Simulator::start(generate(41, &Size::demo()), options).expect("simulator starts");
    let config = sdk_config(&simulator, settings);
    (simulator, config)
}

fn limits(sso_admin: f64, identity_store: f64, organizations: f64) -> RateLimits {
    RateLimits {
        sso_admin_per_second: sso_admin,
        identity_store_per_operation_per_second: identity_store,
        organizations_per_second: organizations,
    }
}

/// Sends calls for 1.5 seconds and checks that the served count matches a
/// bucket of 10 tokens refilled at 10 per second.
#[tokio::test]
async fn sso_admin_throttles_at_configured_rate() {
    let options = Options::default().with_rate_limits(limits(10.0, 1000.0, 1000.0));
    let (simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let started = Instant::now();
    let mut served = 0u64;
    let mut throttled = 0u64;

    while started.elapsed() < Duration::from_millis(1500) {
        match client.list_instances().send().await {
            Ok(_) => served += 1,
            Err(error) => {
                let error = error.into_service_error();
                assert!(
                    error.is_throttling_exception(),
                    "unexpected error {error:?}"
                );
                throttled += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }

    let elapsed = started.elapsed().as_secs_f64();
    let allowed = 10.0 + 10.0 * elapsed;
    assert!(
        (served as f64 - allowed).abs() <= 3.0,
        "served {served} calls in {elapsed:.2} s; a 10/s bucket allows about {allowed:.0}"
    );
    assert!(throttled > 0, "no call was throttled");
    assert_eq!(simulator.stats().throttled, throttled);
}

#[tokio::test]
async fn sso_admin_bucket_is_shared_by_operations() {
    let options = Options::default().with_rate_limits(limits(3.0, 1000.0, 1000.0));
    let (simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let instance = simulator.model().instances[0].arn.clone();

    for _ in 0..3 {
        client
            .list_instances()
            .send()
            .await
            .expect("within the burst");
    }
    let error = client
        .list_permission_sets()
        .instance_arn(instance)
        .send()
        .await
        .expect_err("the shared bucket is empty");

    assert!(error.into_service_error().is_throttling_exception());
}

#[tokio::test]
async fn identity_store_throttle_has_retry_after() {
    let options = Options::default().with_rate_limits(limits(1000.0, 5.0, 1000.0));
    let (simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_identitystore::Client::new(&config);
    let store = simulator.model().instances[0].identity_store_id.clone();

    for _ in 0..5 {
        client
            .list_users()
            .identity_store_id(&store)
            .max_results(1)
            .send()
            .await
            .expect("within the burst");
    }
    let error = client
        .list_users()
        .identity_store_id(&store)
        .max_results(1)
        .send()
        .await
        .expect_err("sixth call in a burst of five is throttled");
    let groups = client.list_groups().identity_store_id(&store).send().await;

    let retry_after = error
        .raw_response()
        .and_then(|response| response.headers().get("retry-after"))
        .map(str::to_owned);
    assert_eq!(retry_after.as_deref(), Some("1"));
    let error = error.into_service_error();
    assert!(
        error.is_throttling_exception(),
        "unexpected error {error:?}"
    );
    if let aws_sdk_identitystore::operation::list_users::ListUsersError::ThrottlingException(
        inner,
    ) = error
    {
        assert_eq!(inner.retry_after_seconds(), 1);
    }
    assert!(groups.is_ok(), "ListGroups has its own bucket");
}

#[tokio::test]
async fn organizations_throttling_is_too_many_requests() {
    let options = Options::default().with_rate_limits(limits(1000.0, 1000.0, 2.0));
    let (_simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_organizations::Client::new(&config);

    client.list_accounts().send().await.expect("first call");
    client.list_accounts().send().await.expect("second call");
    let error = client
        .list_accounts()
        .send()
        .await
        .expect_err("third call is throttled");

    assert_eq!(error.code(), Some("TooManyRequestsException"));
}

#[tokio::test]
async fn sdk_retries_through_throttling() {
    let options = Options::default().with_rate_limits(limits(4.0, 1000.0, 1000.0));
    let settings = ClientSettings {
        retry: aws_config::retry::RetryConfig::standard()
            .with_max_attempts(10)
            .with_initial_backoff(Duration::from_millis(100)),
        ..ClientSettings::default()
    };
    let (simulator, config) = start(options, settings);
    let client = aws_sdk_ssoadmin::Client::new(&config);

    for _ in 0..8 {
        client
            .list_instances()
            .send()
            .await
            .expect("retries absorb throttling");
    }

    assert!(
        simulator.stats().throttled > 0,
        "the test sent too slowly to be throttled"
    );
}

#[tokio::test]
async fn limited_fault_lets_retry_succeed() {
    let options =
        Options::fast().with_fault(Fault::on("ListUsers", FaultKind::ServiceUnavailable).times(2));
    let settings = ClientSettings {
        retry: quick_retries(3),
        ..ClientSettings::default()
    };
    let (simulator, config) = start(options, settings);
    let client = aws_sdk_identitystore::Client::new(&config);
    let store = simulator.model().instances[0].identity_store_id.clone();

    client
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect("third attempt succeeds");
    client
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect("fault is used up");

    let stats = simulator.stats();
    assert_eq!(stats.calls_to("ListUsers"), 4);
    assert_eq!(stats.faults_injected, 2);
}

#[tokio::test]
async fn internal_error_fault_without_retries() {
    let options = Options::fast().with_fault(Fault::on("ListInstances", FaultKind::InternalError));
    let (_simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);

    let error = client
        .list_instances()
        .send()
        .await
        .expect_err("fault fails the call");

    let status = error
        .raw_response()
        .map(|response| response.status().as_u16());
    assert_eq!(status, Some(500));
    assert_eq!(error.code(), Some("InternalServerException"));
}

#[tokio::test]
async fn every_nth_fault_fires_on_multiples() {
    let options = Options::fast().with_fault(Fault::every(3, FaultKind::InternalError));
    let (_simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let mut outcomes = Vec::new();

    for _ in 0..6 {
        outcomes.push(client.list_instances().send().await.is_ok());
    }

    assert_eq!(outcomes, [true, true, false, true, true, false]);
}

#[tokio::test]
async fn connection_reset_is_dispatch_failure() {
    let options =
        Options::fast().with_fault(Fault::on("ListInstances", FaultKind::ConnectionReset).times(1));
    let (simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);

    let error = client
        .list_instances()
        .send()
        .await
        .expect_err("connection is cut");
    let next = client.list_instances().send().await;

    assert!(
        matches!(error, SdkError::DispatchFailure(_)),
        "expected a dispatch failure, got {error:?}"
    );
    assert!(next.is_ok(), "a new connection works: {next:?}");
    assert_eq!(simulator.stats().faults_injected, 1);
}

#[tokio::test]
async fn sdk_retries_after_connection_reset() {
    let options =
        Options::fast().with_fault(Fault::on("ListInstances", FaultKind::ConnectionReset).times(1));
    let settings = ClientSettings {
        retry: quick_retries(2),
        ..ClientSettings::default()
    };
    let (simulator, config) = start(options, settings);
    let client = aws_sdk_ssoadmin::Client::new(&config);

    client
        .list_instances()
        .send()
        .await
        .expect("retry succeeds");

    assert_eq!(simulator.stats().calls_to("ListInstances"), 2);
}

#[tokio::test]
async fn held_request_times_out_then_retries() {
    let hold = FaultKind::Hold(Duration::from_secs(3));
    let options = Options::fast().with_fault(Fault::on("ListAccounts", hold).times(1));
    let settings = ClientSettings {
        retry: quick_retries(2),
        attempt_timeout: Some(Duration::from_millis(300)),
        ..ClientSettings::default()
    };
    let (simulator, config) = start(options, settings);
    let client = aws_sdk_organizations::Client::new(&config);
    let started = Instant::now();

    client
        .list_accounts()
        .send()
        .await
        .expect("second attempt succeeds");

    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300),
        "answered after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "waited for the held answer: {elapsed:?}"
    );
    assert_eq!(simulator.stats().calls_to("ListAccounts"), 2);
}

#[tokio::test]
async fn latency_delays_each_call() {
    let options =
        Options::fast().with_latency(Duration::from_millis(60), Duration::from_millis(20));
    let (_simulator, config) = start(options, ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);

    for _ in 0..3 {
        let started = Instant::now();
        client.list_instances().send().await.expect("call succeeds");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(60),
            "answered after {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn stats_count_calls_per_operation() {
    let (simulator, config) = start(Options::fast(), ClientSettings::default());
    let sso_admin = aws_sdk_ssoadmin::Client::new(&config);
    let organizations = aws_sdk_organizations::Client::new(&config);

    for _ in 0..3 {
        sso_admin
            .list_instances()
            .send()
            .await
            .expect("ListInstances succeeds");
    }
    organizations
        .describe_organization()
        .send()
        .await
        .expect("DescribeOrganization succeeds");

    let stats = simulator.stats();
    assert_eq!(stats.calls_to("ListInstances"), 3);
    assert_eq!(stats.calls_to("DescribeOrganization"), 1);
    assert_eq!(stats.total_calls(), 4);
    assert_eq!(stats.throttled, 0);
    assert_eq!(stats.faults_injected, 0);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let (simulator, config) = start(Options::fast(), ClientSettings::default());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    client
        .list_instances()
        .send()
        .await
        .expect("served while running");

    simulator.shutdown().await;
    let error = client
        .list_instances()
        .send()
        .await
        .expect_err("nothing listens after shutdown");

    assert!(
        matches!(error, SdkError::DispatchFailure(_)),
        "got {error:?}"
    );
}
