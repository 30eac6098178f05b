//! Error responses as the AWS SDK for Rust reports them: codes, modeled error
//! variants and the members that come with them.

mod common;

use aws_sdk_ssoadmin::error::ProvideErrorMetadata;
use common::{ClientSettings, sdk_config};
use idcdb_simulator::model::InstanceKind;
use idcdb_simulator::{Fault, FaultKind, Options, Simulator, Size, generate};

fn start(options: Options) -> (Simulator, aws_config::SdkConfig) {
    let simulator =
        Simulator::start(generate(37, &Size::demo()), options).expect("simulator starts");
    let config = sdk_config(&simulator, ClientSettings::default());
    (simulator, config)
}

#[tokio::test]
async fn describe_unknown_user_is_resource_not_found() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_identitystore::Client::new(&config);
    let store = &simulator.model().instances[0].identity_store_id;

    let error = client
        .describe_user()
        .identity_store_id(store)
        .user_id("0000000000-00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown user is rejected");

    assert_eq!(error.code(), Some("ResourceNotFoundException"));
    let error = error.into_service_error();
    assert!(
        error.is_resource_not_found_exception(),
        "modeled variant, got {error:?}"
    );
    if let aws_sdk_identitystore::operation::describe_user::DescribeUserError::ResourceNotFoundException(inner) = error {
        assert_eq!(inner.resource_type().map(|t| t.as_str()), Some("USER"));
    }
}

#[tokio::test]
async fn missing_permissions_boundary_is_resource_not_found() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let model = simulator.model();
    let set = model
        .permission_sets
        .iter()
        .find(|s| s.permissions_boundary.is_none())
        .expect("a permission set without boundary");

    let error = client
        .get_permissions_boundary_for_permission_set()
        .instance_arn(&set.instance_arn)
        .permission_set_arn(&set.arn)
        .send()
        .await
        .expect_err("no boundary is an error");

    assert!(error.into_service_error().is_resource_not_found_exception());
}

#[tokio::test]
async fn unknown_permission_set_is_resource_not_found() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let instance = &simulator.model().instances[0].arn;

    let error = client
        .describe_permission_set()
        .instance_arn(instance)
        .permission_set_arn(
            "arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000000",
        )
        .send()
        .await
        .expect_err("unknown permission set is rejected");

    assert!(error.into_service_error().is_resource_not_found_exception());
}

#[tokio::test]
async fn account_instance_rejects_permission_set_calls() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let account_instance = simulator
        .model()
        .instances
        .iter()
        .find(|i| i.kind == InstanceKind::Account)
        .expect("account instance");

    let list = client
        .list_permission_sets()
        .instance_arn(&account_instance.arn)
        .send()
        .await
        .expect_err("account instance has no permission sets");
    let provisioned = client
        .list_permission_sets_provisioned_to_account()
        .instance_arn(&account_instance.arn)
        .account_id(&account_instance.owner_account_id)
        .send()
        .await
        .expect_err("account instance has no provisioning");

    assert!(list.into_service_error().is_validation_exception());
    assert!(provisioned.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn account_instance_lists_applications() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let account_instance = simulator
        .model()
        .instances
        .iter()
        .find(|i| i.kind == InstanceKind::Account)
        .expect("account instance");

    let applications = client
        .list_applications()
        .instance_arn(&account_instance.arn)
        .send()
        .await
        .expect("applications of an account instance are listed");

    assert_eq!(applications.applications().len(), 1);
}

#[tokio::test]
async fn invalid_next_token_is_validation_error() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_identitystore::Client::new(&config);
    let store = &simulator.model().instances[0].identity_store_id;

    let error = client
        .list_users()
        .identity_store_id(store)
        .next_token("not-a-token")
        .send()
        .await
        .expect_err("invalid token is rejected");

    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn token_of_another_listing_is_rejected() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_identitystore::Client::new(&config);
    let store = &simulator.model().instances[0].identity_store_id;
    let first = client
        .list_users()
        .identity_store_id(store)
        .max_results(10)
        .send()
        .await
        .expect("ListUsers succeeds");
    let token = first.next_token().expect("more users").to_owned();

    let error = client
        .list_groups()
        .identity_store_id(store)
        .next_token(token)
        .send()
        .await
        .expect_err("token of ListUsers is rejected by ListGroups");

    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn max_results_above_100_is_validation_error() {
    let (simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);
    let instance = &simulator.model().instances[0].arn;

    let error = client
        .list_permission_sets()
        .instance_arn(instance)
        .max_results(101)
        .send()
        .await
        .expect_err("MaxResults 101 is rejected");

    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn organizations_invalid_input() {
    let (_simulator, config) = start(Options::fast());
    let client = aws_sdk_organizations::Client::new(&config);

    let too_many = client
        .list_accounts()
        .max_results(21)
        .send()
        .await
        .expect_err("MaxResults 21 is rejected");
    let bad_token = client
        .list_accounts()
        .next_token("garbage")
        .send()
        .await
        .expect_err("invalid token is rejected");

    assert_eq!(too_many.code(), Some("InvalidInputException"));
    let bad_token = bad_token.into_service_error();
    assert!(
        bad_token.is_invalid_input_exception(),
        "modeled variant, got {bad_token:?}"
    );
    if let aws_sdk_organizations::operation::list_accounts::ListAccountsError::InvalidInputException(inner) = bad_token
    {
        assert_eq!(inner.reason().map(|r| r.as_str()), Some("INVALID_NEXT_TOKEN"));
    }
}

#[tokio::test]
async fn access_denied_fault_is_modeled_error() {
    let options = Options::fast().with_fault(Fault::on("ListUsers", FaultKind::AccessDenied));
    let (simulator, config) = start(options);
    let identity_store = aws_sdk_identitystore::Client::new(&config);
    let organizations = aws_sdk_organizations::Client::new(&config);
    let store = &simulator.model().instances[0].identity_store_id;

    let error = identity_store
        .list_users()
        .identity_store_id(store)
        .send()
        .await
        .expect_err("fault denies access");
    let other = organizations.list_accounts().send().await;

    assert!(error.into_service_error().is_access_denied_exception());
    assert!(other.is_ok(), "the fault applies to ListUsers only");
}

#[tokio::test]
async fn unimplemented_operation_is_unknown_operation() {
    let (_simulator, config) = start(Options::fast());
    let client = aws_sdk_ssoadmin::Client::new(&config);

    let error = client
        .list_trusted_token_issuers()
        .instance_arn("arn:aws:sso:::instance/ssoins-0000000000000000")
        .send()
        .await
        .expect_err("operation is not simulated");

    assert_eq!(error.code(), Some("UnknownOperationException"));
}
