//! HTTP server that serves AWS SDK calls on 127.0.0.1 with the wire protocols
//! of the real services.
//!
//! Requests are routed by protocol: an `X-Amz-Target` header means awsJson 1.1
//! (sso-admin, identitystore, Organizations), a form-encoded body means awsQuery
//! (STS). Each call is counted, delayed, possibly faulted, rate limited and then
//! served from the in-memory model.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tracing::{debug, info, warn};

use crate::catalog::Catalog;
use crate::control::{Counters, Faults, LatencySource, Limiter, Stats};
use crate::model::Model;
use crate::operation::{Call, Service};
use crate::options::{FaultKind, Options};
use crate::services::{identity_store, organizations, sso_admin, sts};
use crate::wire::{ApiError, Input, Reply, unknown_operation};

/// Largest request body accepted; AWS requests of these APIs are far smaller.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Error starting the simulator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the simulator must be started from inside a Tokio runtime")]
    NoRuntime,
    #[error("failed to listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: io::Error },
}

/// Running simulator. Dropping it, or calling [`Simulator::shutdown`], closes
/// the listener and every open connection.
pub struct Simulator {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept_task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Starts serving `model` on 127.0.0.1. Must be called from inside a Tokio
    /// runtime, which then runs the server.
    pub fn start(model: Model, options: Options) -> Result<Simulator, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let bind_error = |source| Error::Bind {
            port: options.port,
            source,
        };

        let listener =
            std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let listener = TcpListener::from_std(listener).map_err(bind_error)?;

        let shared = Arc::new(Shared::new(model, &options));
        let accept_task = runtime.spawn(accept_loop(listener, Arc::clone(&shared)));
        info!(%address, "simulator listening");
        Ok(Simulator {
            address,
            shared,
            accept_task: Some(accept_task),
        })
    }

    /// Returns the URL to give the AWS SDK as endpoint, `http://127.0.0.1:PORT`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the socket address the simulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns the model being served.
    pub fn model(&self) -> &Model {
        &self.shared.catalog.model
    }

    /// Returns the calls, throttles and faults counted so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Stops the server and waits until the listener is closed.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.accept_task.take() {
            task.abort();
            // The task ends as cancelled; that result carries nothing to report.
            let _ = task.await;
        }
        info!(address = %self.address, "simulator stopped");
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(task) = self.accept_task.take() {
            task.abort();
        }
    }
}

/// State shared by all connections.
struct Shared {
    catalog: Catalog,
    sts: sts::Sts,
    counters: Counters,
    limiter: Option<Limiter>,
    faults: Faults,
    latency: LatencySource,
    request_ids: AtomicU64,
}

impl Shared {
    fn new(model: Model, options: &Options) -> Shared {
        let sts = sts::Sts::new(
            &model.organization.management_account_id,
            options.required_external_id.clone(),
        );
        Shared {
            catalog: Catalog::new(Arc::new(model)),
            sts,
            counters: Counters::new(),
            limiter: options.rate_limits.as_ref().map(Limiter::new),
            faults: Faults::new(&options.faults),
            latency: LatencySource::new(options),
            request_ids: AtomicU64::new(1),
        }
    }

    fn next_request_id(&self) -> String {
        let serial = self.request_ids.fetch_add(1, Ordering::Relaxed);
        format!("5e1a0000-0000-4000-8000-{serial:012x}")
    }
}

/// Accepts connections until the task is aborted. The connection tasks live in
/// a `JoinSet`, so aborting this task aborts them too.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if let Err(error) = stream.set_nodelay(true) {
                        debug!(%error, "failed to set TCP_NODELAY");
                    }
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    // Running out of file descriptors is the usual cause; wait
                    // for connections to close instead of spinning.
                    warn!(%error, "failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(ResettableStream {
        stream,
        reset: Arc::clone(&reset),
    });
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        let reset = Arc::clone(&reset);
        async move { handle_request(&shared, request, &reset).await }
    });

    if let Err(error) = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service)
        .await
    {
        debug!(%error, "connection ended with an error");
    }
}

/// Error that makes hyper drop the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection reset by an injected fault")]
struct InjectedReset;

/// Service, operation and protocol of a request.
struct Routed {
    call: Call,
    protocol: Protocol,
    /// Form parameters of an awsQuery request.
    params: HashMap<String, String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    AwsJson,
    AwsQuery,
}

async fn handle_request(
    shared: &Shared,
    request: Request<Incoming>,
    reset: &AtomicBool,
) -> Result<Response<Full<Bytes>>, InjectedReset> {
    let request_id = shared.next_request_id();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let error = ApiError::new(
                400,
                "SerializationException",
                format!("failed to read the request body: {error}"),
            );
            return Ok(respond(error.into_json(), &request_id));
        }
    };

    let routed = route(&parts.headers, &body);
    shared.counters.record_call(&routed.call);
    if let Some(delay) = shared.latency.next() {
        tokio::time::sleep(delay).await;
    }

    if let Some(fault) = shared.faults.select(&routed.call) {
        shared.counters.record_fault();
        debug!(operation = %routed.call.name, ?fault, "injecting a fault");
        match fault {
            FaultKind::ConnectionReset => {
                reset.store(true, Ordering::Relaxed);
                return Err(InjectedReset);
            }
            FaultKind::Hold(duration) => tokio::time::sleep(duration).await,
            other => {
                let error = fault_error(other, &routed);
                return Ok(respond(
                    render_error(error, routed.protocol, &request_id),
                    &request_id,
                ));
            }
        }
    }

    if let Some(limiter) = &shared.limiter
        && let Err(wait) = limiter.check(&routed.call)
    {
        shared.counters.record_throttle();
        let error = throttling_error(routed.call.service, wait);
        return Ok(respond(
            render_error(error, routed.protocol, &request_id),
            &request_id,
        ));
    }

    let access_key = parts
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(sts::access_key_from_authorization);
    let reply = dispatch(shared, &routed, &body, access_key, &request_id);
    Ok(respond(reply, &request_id))
}

/// Works out the service, operation and protocol of a request.
fn route(headers: &HeaderMap, body: &Bytes) -> Routed {
    if let Some(target) = headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
    {
        let call = match target.split_once('.') {
            Some((prefix, operation)) => match Service::from_target_prefix(prefix) {
                Some(service) => Call::new(Some(service), operation),
                None => Call::new(None, target),
            },
            None => Call::new(None, target),
        };
        return Routed {
            call,
            protocol: Protocol::AwsJson,
            params: HashMap::new(),
        };
    }

    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if form {
        let params: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
        let action = params.get("Action").map_or("", String::as_str);
        return Routed {
            call: Call::new(Some(Service::Sts), action),
            protocol: Protocol::AwsQuery,
            params,
        };
    }

    Routed {
        call: Call::new(None, "(no X-Amz-Target)"),
        protocol: Protocol::AwsJson,
        params: HashMap::new(),
    }
}

fn dispatch(
    shared: &Shared,
    routed: &Routed,
    body: &Bytes,
    access_key: Option<&str>,
    request_id: &str,
) -> Reply {
    let call = &routed.call;
    if routed.protocol == Protocol::AwsQuery {
        return match shared
            .sts
            .handle(&call.name, &routed.params, access_key, request_id)
        {
            Ok(reply) => reply,
            Err(error) => error.into_xml(request_id),
        };
    }

    let result = Input::parse(body).and_then(|input| match call.service {
        Some(Service::SsoAdmin) => sso_admin::handle(&shared.catalog, &call.name, &input),
        Some(Service::IdentityStore) => identity_store::handle(&shared.catalog, &call.name, &input),
        Some(Service::Organizations) => organizations::handle(&shared.catalog, &call.name, &input),
        Some(Service::Sts) | None => Err(unknown_operation(&call.name)),
    });
    result.unwrap_or_else(ApiError::into_json)
}

fn render_error(error: ApiError, protocol: Protocol, request_id: &str) -> Reply {
    match protocol {
        Protocol::AwsJson => error.into_json(),
        Protocol::AwsQuery => error.into_xml(request_id),
    }
}

/// Returns the error each service sends when a caller exceeds its rate.
fn throttling_error(service: Option<Service>, wait: Duration) -> ApiError {
    match service {
        Some(Service::IdentityStore) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut error = ApiError::new(400, "ThrottlingException", "Rate exceeded")
                .with("RetryAfterSeconds", seconds);
            error.retry_after = Some(seconds);
            error
        }
        Some(Service::Organizations) => ApiError::new(
            400,
            "TooManyRequestsException",
            "AWS Organizations can't complete your request because the request rate is too high. Try again later.",
        ),
        Some(Service::Sts) => ApiError::new(400, "Throttling", "Rate exceeded"),
        Some(Service::SsoAdmin) | None => {
            ApiError::new(400, "ThrottlingException", "Rate exceeded")
        }
    }
}

/// Returns the error response of an injected fault, in the service's own codes.
fn fault_error(fault: FaultKind, routed: &Routed) -> ApiError {
    let query = routed.protocol == Protocol::AwsQuery;
    let organizations = routed.call.service == Some(Service::Organizations);
    match fault {
        FaultKind::ServiceUnavailable if query => {
            ApiError::new(503, "ServiceUnavailable", "Service unavailable")
        }
        FaultKind::ServiceUnavailable => {
            ApiError::new(503, "ServiceUnavailableException", "Service unavailable")
        }
        FaultKind::AccessDenied if query => ApiError::new(
            403,
            "AccessDenied",
            format!("not authorized to perform sts:{}", routed.call.name),
        ),
        FaultKind::AccessDenied => ApiError::new(
            400,
            "AccessDeniedException",
            format!("You don't have permission to perform {}.", routed.call.name),
        ),
        FaultKind::KmsAccessDenied => ApiError::new(
            400,
            "AccessDeniedException",
            "Access to the customer managed KMS key of the identity store was denied.",
        )
        .with("Reason", "KMS_ACCESS_DENIED"),
        FaultKind::ExpiredToken if query => ApiError::new(
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        FaultKind::ExpiredToken => ApiError::new(
            400,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        _ if query => ApiError::new(500, "InternalFailure", "An internal error occurred"),
        _ if organizations => ApiError::new(
            500,
            "ServiceException",
            "AWS Organizations can't complete your request because of an internal service error.",
        ),
        _ => ApiError::internal("An internal error occurred"),
    }
}

fn respond(reply: Reply, request_id: &str) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = status;

    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    if let Some(error_type) = reply.error_type {
        headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    }
    if let Some(seconds) = reply.retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// TCP stream that ends with a reset instead of an orderly close after an
/// injected connection reset fault.
struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        // A zero linger time makes the close below send RST, which clients see
        // as "connection reset by peer".
        if self.reset.load(Ordering::Relaxed)
            && let Err(error) = self.stream.set_zero_linger()
        {
            debug!(%error, "failed to set a zero linger time");
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
