//! The `idcdb-simulator` binary: flags, the `ENDPOINT` line and a raw HTTP call.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn binary_prints_endpoint_and_serves() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let model_path = directory.path().join("model.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_idcdb-simulator"))
        .args([
            "--seed",
            "5",
            "--size",
            "demo",
            "--port",
            "0",
            "--no-rate-limits",
        ])
        .args(["--external-id", "binary-test", "--latency-ms", "1"])
        .arg("--write-model")
        .arg(&model_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");

    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    let response = read.ok().and_then(|_| list_instances(&line));
    // Stop the child before asserting, so a failed check leaves no process behind.
    child.kill().expect("child is killed");
    child.wait().expect("child exits");

    assert!(
        line.starts_with("ENDPOINT http://127.0.0.1:"),
        "first line: {line:?}"
    );
    let response = response.expect("ListInstances gets a response");
    assert!(response.starts_with("HTTP/1.1 200"), "response: {response}");
    assert!(response.contains("\"Instances\""), "response: {response}");
    let model = std::fs::read_to_string(&model_path).expect("model file written");
    assert!(model.contains("\"organization\""));
}

/// Sends `ListInstances` over a plain TCP connection and returns the raw response.
fn list_instances(endpoint_line: &str) -> Option<String> {
    let address = endpoint_line.trim().strip_prefix("ENDPOINT http://")?;
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let body = "{}";
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: SWBExternalService.ListInstances\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}
