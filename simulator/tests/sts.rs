//! STS through the AWS SDK for Rust: the external ID check and the identity
//! behind assumed-role credentials.

mod common;

use aws_config::sts::AssumeRoleProvider;
use aws_sdk_sts::config::SharedCredentialsProvider;
use aws_sdk_sts::error::ProvideErrorMetadata;
use common::{ClientSettings, sdk_config};
use idcdb_simulator::{Options, Simulator, Size, generate};

const EXTERNAL_ID: &str = "idcdb-external-7f3a";

fn start(options: Options) -> (Simulator, aws_config::SdkConfig) {
    let simulator =
        Simulator::start(generate(43, &Size::demo()), options).expect("simulator starts");
    let config = sdk_config(&simulator, ClientSettings::default());
    (simulator, config)
}

fn role_arn(simulator: &Simulator) -> String {
    let account = &simulator.model().accounts[1].id;
    format!("arn:aws:iam::{account}:role/IdcdbReader")
}

#[tokio::test]
async fn assume_role_requires_matching_external_id() {
    let (simulator, config) = start(Options::fast().with_external_id(EXTERNAL_ID));
    let client = aws_sdk_sts::Client::new(&config);
    let role = role_arn(&simulator);

    let missing = client
        .assume_role()
        .role_arn(&role)
        .role_session_name("idcdb")
        .send()
        .await
        .expect_err("no external ID is denied");
    let wrong = client
        .assume_role()
        .role_arn(&role)
        .role_session_name("idcdb")
        .external_id("wrong")
        .send()
        .await
        .expect_err("wrong external ID is denied");
    let right = client
        .assume_role()
        .role_arn(&role)
        .role_session_name("idcdb")
        .external_id(EXTERNAL_ID)
        .send()
        .await
        .expect("matching external ID is accepted");

    assert_eq!(missing.code(), Some("AccessDenied"));
    assert_eq!(wrong.code(), Some("AccessDenied"));
    let status = wrong
        .raw_response()
        .map(|response| response.status().as_u16());
    assert_eq!(status, Some(403));
    let credentials = right.credentials().expect("credentials");
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert!(!credentials.session_token().is_empty());
}

#[tokio::test]
async fn assume_role_accepts_any_external_id() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_sts::Client::new(&config);

    let output = client
        .assume_role()
        .role_arn(role_arn(&simulator))
        .role_session_name("idcdb")
        .external_id("anything")
        .send()
        .await
        .expect("AssumeRole succeeds");

    let user = output.assumed_role_user().expect("assumed role user");
    assert!(
        user.arn().ends_with(":assumed-role/IdcdbReader/idcdb"),
        "{}",
        user.arn()
    );
}

#[tokio::test]
async fn invalid_role_arn_is_validation_error() {
    let (_simulator, config) = start(Options::fast());
    let client = aws_sdk_sts::Client::new(&config);

    let error = client
        .assume_role()
        .role_arn("not-an-arn")
        .role_session_name("idcdb")
        .send()
        .await
        .expect_err("invalid ARN is rejected");

    assert_eq!(error.code(), Some("ValidationError"));
}

/// Uses the SDK's own assume-role credentials provider, so the fake
/// credentials go through the same parsing and caching as real ones.
#[tokio::test]
async fn assumed_credentials_identify_as_role() {
    let (simulator, base) = start(Options::fast().with_external_id(EXTERNAL_ID));
    let role = role_arn(&simulator);
    let provider = AssumeRoleProvider::builder(&role)
        .session_name("idcdb-sync")
        .external_id(EXTERNAL_ID)
        .configure(&base)
        .build()
        .await;
    let assumed = base
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();

    let identity = aws_sdk_sts::Client::new(&assumed)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity succeeds");
    let instances = aws_sdk_ssoadmin::Client::new(&assumed)
        .list_instances()
        .send()
        .await
        .expect("other services accept the assumed credentials");

    let account = &simulator.model().accounts[1].id;
    let expected = format!("arn:aws:sts::{account}:assumed-role/IdcdbReader/idcdb-sync");
    assert_eq!(identity.arn(), Some(expected.as_str()));
    assert_eq!(identity.account(), Some(account.as_str()));
    assert!(!instances.instances().is_empty());
    // Each client keeps its own credentials cache, so each one assumes the role.
    assert!(simulator.stats().calls_to("AssumeRole") >= 1);
}
