//! Wire helpers shared by the services: responses, AWS error shapes for awsJson
//! and awsQuery, request input parsing and opaque pagination tokens.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::operation::Service;

/// Content type of awsJson 1.1 requests and responses.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Content type of awsQuery (STS) responses.
pub(crate) const XML_CONTENT_TYPE: &str = "text/xml";

/// Response to one call, before the server adds common headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Value of `x-amzn-ErrorType` for awsJson errors.
    pub error_type: Option<&'static str>,
    /// Value of `Retry-After` in seconds.
    pub retry_after: Option<u64>,
}

impl Reply {
    /// Serializes a successful awsJson response.
    pub(crate) fn json(value: &impl Serialize) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status: 200,
                content_type: JSON_CONTENT_TYPE,
                body,
                error_type: None,
                retry_after: None,
            },
            Err(error) => {
                ApiError::internal(format!("failed to serialize the response: {error}")).into_json()
            }
        }
    }

    /// Returns a successful awsQuery response with an XML body.
    pub(crate) fn xml(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: XML_CONTENT_TYPE,
            body: body.into_bytes(),
            error_type: None,
            retry_after: None,
        }
    }
}

/// AWS error: HTTP status, error code, message and extra members of the body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub extra: Map<String, Value>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
            retry_after: None,
        }
    }

    /// Adds a member to the error body, such as `Reason` or `ResourceType`.
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> ApiError {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub(crate) fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "ValidationException", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "ResourceNotFoundException", message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "InternalServerException", message)
    }

    /// Builds the awsJson error: `__type` and `Message` in the body and the
    /// code in `x-amzn-ErrorType`, the header the SDKs read first.
    pub(crate) fn into_json(self) -> Reply {
        let mut body = Map::new();
        body.insert("__type".to_owned(), Value::from(self.code));
        body.insert("Message".to_owned(), Value::from(self.message));
        body.extend(self.extra);
        Reply {
            status: self.status,
            content_type: JSON_CONTENT_TYPE,
            body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
            error_type: Some(self.code),
            retry_after: self.retry_after,
        }
    }

    /// Builds the awsQuery error document that STS sends.
    pub(crate) fn into_xml(self, request_id: &str) -> Reply {
        let kind = if self.status >= 500 {
            "Receiver"
        } else {
            "Sender"
        };
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
             <RequestId>{request_id}</RequestId></ErrorResponse>",
            self.code,
            escape_xml(&self.message)
        );
        Reply {
            status: self.status,
            content_type: XML_CONTENT_TYPE,
            body: body.into_bytes(),
            error_type: None,
            retry_after: self.retry_after,
        }
    }
}

/// Error AWS sends for an operation the service does not have. The simulator
/// also sends it for real operations it does not implement.
pub(crate) fn unknown_operation(operation: &str) -> ApiError {
    ApiError::new(
        400,
        "UnknownOperationException",
        format!("Operation {operation} is not supported."),
    )
}

/// Escapes the five XML special characters.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Members of every awsJson request the simulator handles. Each operation reads
/// the members it needs; unknown members are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Input {
    pub instance_arn: Option<String>,
    pub permission_set_arn: Option<String>,
    pub account_id: Option<String>,
    pub resource_arn: Option<String>,
    pub application_arn: Option<String>,
    pub application_provider_arn: Option<String>,
    pub identity_store_id: Option<String>,
    pub user_id: Option<String>,
    pub group_id: Option<String>,
    pub provisioning_status: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub filter: Option<ApplicationsFilter>,
    pub filters: Option<Vec<AttributeFilter>>,
}

/// `Filter` of sso-admin `ListApplications`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationsFilter {
    pub application_account: Option<String>,
    pub application_provider: Option<String>,
}

/// Entry of the deprecated `Filters` of identitystore `ListUsers` and `ListGroups`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttributeFilter {
    pub attribute_path: String,
    pub attribute_value: String,
}

impl Input {
    /// Parses an awsJson body; an empty body counts as `{}`, as in AWS.
    pub(crate) fn parse(body: &[u8]) -> Result<Input, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input::default());
        }
        serde_json::from_slice(body).map_err(|error| {
            ApiError::new(
                400,
                "SerializationException",
                format!("invalid request body: {error}"),
            )
        })
    }
}

/// Returns the value of a required member, or the validation error AWS sends
/// when it is missing. `member` is the camel-case name AWS uses in messages.
pub(crate) fn required<'a>(value: &'a Option<String>, member: &str) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(ApiError::validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))),
    }
}

/// One page of a listing: the positions to return and the token for the next page.
pub(crate) struct Page {
    pub start: usize,
    pub end: usize,
    pub next_token: Option<String>,
}

/// XOR mask that keeps tokens from looking like plain offsets.
const TOKEN_MASK: u64 = 0x6a09_e667_f3bc_c908;

/// Computes the page of a listing of `total` items.
///
/// `scope` names the listing (operation and its filters); a token is accepted
/// only for the listing that issued it. Without `MaxResults` a page has `cap`
/// items.
// NOTE: AWS documents the maximum page sizes but not the size of a page when
// `MaxResults` is absent; the simulator then uses the maximum.
pub(crate) fn paginate(
    service: Service,
    scope: &[&str],
    total: usize,
    max_results: Option<i64>,
    next_token: Option<&str>,
    cap: usize,
) -> Result<Page, ApiError> {
    let page_size = match max_results {
        None => cap,
        Some(value) if value < 1 => {
            return Err(max_results_error(
                service,
                value,
                "greater than or equal to 1",
            ));
        }
        Some(value) if value > cap as i64 => {
            return Err(max_results_error(
                service,
                value,
                &format!("less than or equal to {cap}"),
            ));
        }
        Some(value) => value as usize,
    };

    let fingerprint = fingerprint(scope);
    let start = match next_token {
        None | Some("") => 0,
        Some(token) => {
            decode_token(token, fingerprint, total).ok_or_else(|| invalid_token(service))?
        }
    };
    let end = (start + page_size).min(total);
    let next_token =
        (end < total).then(|| format!("{:016x}{:016x}", end as u64 ^ TOKEN_MASK, fingerprint));
    Ok(Page {
        start,
        end,
        next_token,
    })
}

fn decode_token(token: &str, fingerprint: u64, total: usize) -> Option<usize> {
    if token.len() != 32 || !token.is_ascii() {
        return None;
    }
    let offset = u64::from_str_radix(&token[..16], 16).ok()? ^ TOKEN_MASK;
    let issued_for = u64::from_str_radix(&token[16..], 16).ok()?;
    let offset = usize::try_from(offset).ok()?;
    (issued_for == fingerprint && offset <= total).then_some(offset)
}

/// FNV-1a hash of the scope parts, with a separator between them.
fn fingerprint(scope: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in scope {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

fn invalid_token(service: Service) -> ApiError {
    match service {
        Service::Organizations => ApiError::new(
            400,
            "InvalidInputException",
            "You provided an invalid value for the NextToken parameter.",
        )
        .with("Reason", "INVALID_NEXT_TOKEN"),
        _ => ApiError::validation("The NextToken is invalid or has expired."),
    }
}

fn max_results_error(service: Service, value: i64, constraint: &str) -> ApiError {
    let message = format!(
        "1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint: Member must have value {constraint}"
    );
    match service {
        Service::Organizations => {
            let reason = if value < 1 {
                "MIN_VALUE_EXCEEDED"
            } else {
                "MAX_VALUE_EXCEEDED"
            };
            ApiError::new(400, "InvalidInputException", message).with("Reason", reason)
        }
        _ => ApiError::validation(message),
    }
}

/// Response of a list operation: the items under `key` and the optional `NextToken`.
pub(crate) struct Listing<T> {
    pub key: &'static str,
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T: Serialize> Serialize for Listing<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(self.key, &self.items)?;
        if let Some(token) = &self.next_token {
            map.serialize_entry("NextToken", token)?;
        }
        map.end()
    }
}

/// Builds the response of a list operation from one page of `items`.
pub(crate) fn listing<'a, S, T: Serialize>(
    key: &'static str,
    page: Page,
    items: &'a [S],
    to_wire: impl Fn(&'a S) -> T,
) -> Reply {
    let items = items[page.start..page.end].iter().map(to_wire).collect();
    Reply::json(&Listing {
        key,
        items,
        next_token: page.next_token,
    })
}
