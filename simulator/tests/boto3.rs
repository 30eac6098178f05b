//! Runs `boto3_client.py` against a simulator, so a second, independent AWS
//! client (boto3 and botocore) checks the wire protocols too.
//!
//! Needs `python3` with boto3, which this project's machine image ships.

use std::process::Command;

use idcdb_simulator::model::InstanceKind;
use idcdb_simulator::{Options, Simulator, Size, generate};
use serde_json::json;

const EXTERNAL_ID: &str = "boto3-external-id";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_client_reads_the_model() {
    let simulator = Simulator::start(
        generate(47, &Size::small()),
        Options::fast().with_external_id(EXTERNAL_ID),
    )
    .expect("simulator starts");
    let model = simulator.model();
    let instance = model
        .organization_instance()
        .expect("organization instance");
    let store = &instance.identity_store_id;
    let expected = json!({
        "management_account_id": model.organization.management_account_id,
        "external_id": EXTERNAL_ID,
        "accounts": model.accounts.len(),
        "instances": model.instances.len(),
        "instance_arn": instance.arn,
        "permission_sets": model.permission_sets.iter().filter(|s| s.instance_arn == instance.arn).count(),
        "first_permission_set_name": model.permission_sets[0].name,
        "set_without_boundary": model
            .permission_sets
            .iter()
            .find(|s| s.permissions_boundary.is_none())
            .map(|s| s.arn.clone()),
        "identity_store_id": store,
        "users": model.users.iter().filter(|u| &u.identity_store_id == store).count(),
        "user_names": model
            .users
            .iter()
            .filter(|u| &u.identity_store_id == store)
            .map(|u| u.user_name.as_str())
            .collect::<Vec<_>>(),
        "group_names": model
            .groups
            .iter()
            .filter(|g| &g.identity_store_id == store)
            .map(|g| g.display_name.as_str())
            .collect::<Vec<_>>(),
        "memberships": model.group_memberships.iter().filter(|m| &m.identity_store_id == store).count(),
    });
    assert_eq!(model.instances[0].kind, InstanceKind::Organization);

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3_client.py");
    let endpoint = simulator.endpoint_url();
    let expected = expected.to_string();
    // The script blocks on HTTP calls to this process, so it runs on a
    // blocking thread while the runtime keeps serving.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(endpoint)
            .arg(expected)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .output()
    })
    .await
    .expect("script thread finishes")
    .expect("python3 runs; install python3 with boto3 to run this test");

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "boto3 checks failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains(" 0 failed"),
        "unexpected output:\n{stdout}\n{stderr}"
    );
}
