//! Shared harness of the end-to-end tests: a moto server on a free loopback
//! port, the fixture organization built in it, and the real `idcdb` binary
//! pointed at it through the SDK's standard endpoint variables.
#![allow(dead_code)]

pub mod simulator;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

/// Maximum wait for moto to print its port; it usually starts in about two seconds.
const MOTO_START_TIMEOUT: Duration = Duration::from_secs(60);

/// Dummy credentials that moto accepts. Tests also search outputs for them.
pub const ACCESS_KEY_ID: &str = "AKIDIDCDBTESTKEY0001";
pub const SECRET_ACCESS_KEY: &str = "idcdb-test-secret-access-key-value";

/// An access key ID for syncs that moto's `--deny-key` treats as a role
/// lacking the denied actions.
pub const RESTRICTED_ACCESS_KEY_ID: &str = "AKIDIDCDBRESTRICTED1";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// A moto server started by `tests/moto/launcher.py`, stopped on drop.
pub struct Moto {
    child: Child,
    // The launcher exits when its stdin closes, so it cannot outlive a test
    // process that dies without running Drop.
    _stdin: ChildStdin,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto with extra launcher flags, such as `--deny ListAccounts`.
    pub fn start_with(launcher_args: &[&str]) -> Moto {
        let mut child = Command::new(python())
            .arg(repo_root().join("tests/moto/launcher.py"))
            .args(launcher_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 must be installed to run tests/moto/launcher.py");
        let stdin = child.stdin.take().expect("launcher stdin is piped");
        let stdout = child.stdout.take().expect("launcher stdout is piped");

        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(MOTO_START_TIMEOUT)
            .expect("moto launcher did not print its port in time; is moto[server] installed?");
        let port: u16 = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("unexpected launcher output {line:?}; is moto installed?"));

        Moto {
            child,
            _stdin: stdin,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Builds the fixture organization and returns its model, which contains
    /// the expected report rows.
    pub fn build_fixture(&self, dir: &Path) -> serde_json::Value {
        let expected = dir.join("expected.json");
        let started = Instant::now();
        let status = self
            .python_command("tests/moto/fixture.py")
            .args(["--endpoint", &self.endpoint, "--expected"])
            .arg(&expected)
            .status()
            .expect("run tests/moto/fixture.py");
        assert!(
            status.success(),
            "fixture.py failed after {:?}",
            started.elapsed()
        );
        let text = std::fs::read_to_string(&expected).expect("fixture writes its model");
        serde_json::from_str(&text).expect("fixture model is JSON")
    }

    fn python_command(&self, script: &str) -> Command {
        let mut command = Command::new(python());
        command.arg(repo_root().join(script));
        set_aws_env(&mut command, &self.endpoint);
        command
    }

    /// Returns the `idcdb` binary with the AWS environment pointed at this server.
    pub fn idcdb(&self) -> Command {
        let mut command = Command::cargo_bin("idcdb").expect("idcdb binary is built");
        set_aws_env(&mut command, &self.endpoint);
        command
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Points the SDK (and boto3) at `endpoint` with dummy credentials, and
/// keeps the developer's own AWS configuration out of the test.
pub fn set_aws_env(command: &mut Command, endpoint: &str) {
    for variable in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        command.env_remove(variable);
    }
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/idcdb-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/idcdb-test-credentials",
        );
}

/// Returns the `idcdb` binary with no AWS endpoint, for commands that only read files.
pub fn idcdb() -> Command {
    Command::cargo_bin("idcdb").expect("idcdb binary is built")
}

/// Returns a file's exact bytes, to compare a file before and after a command.
pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// Names of the entries of a folder, sorted.
pub fn folder_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read test folder")
        .map(|entry| {
            entry
                .expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
