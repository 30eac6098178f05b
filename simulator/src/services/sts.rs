//! AWS STS over awsQuery: `GetCallerIdentity` and `AssumeRole`.
//!
//! `AssumeRole` issues fake temporary credentials and remembers them, so that a
//! later `GetCallerIdentity` signed with them returns the assumed-role ARN, as
//! AWS does. Signatures are not checked.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::wire::{ApiError, Reply, escape_xml};

const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Caller identity returned by `GetCallerIdentity`.
#[derive(Debug, Clone)]
struct Identity {
    arn: String,
    user_id: String,
    account: String,
}

/// STS state: the sessions issued so far and the external ID rule.
pub(crate) struct Sts {
    management_account_id: String,
    required_external_id: Option<String>,
    /// Assumed-role identities by the access key ID issued for them.
    sessions: Mutex<HashMap<String, Identity>>,
    issued: AtomicU64,
}

impl Sts {
    pub(crate) fn new(management_account_id: &str, required_external_id: Option<String>) -> Sts {
        Sts {
            management_account_id: management_account_id.to_owned(),
            required_external_id,
            sessions: Mutex::new(HashMap::new()),
            issued: AtomicU64::new(0),
        }
    }

    /// Runs one STS action. `access_key_id` comes from the request signature.
    pub(crate) fn handle(
        &self,
        action: &str,
        params: &HashMap<String, String>,
        access_key_id: Option<&str>,
        request_id: &str,
    ) -> Result<Reply, ApiError> {
        match action {
            "GetCallerIdentity" => Ok(self.get_caller_identity(access_key_id, request_id)),
            "AssumeRole" => self.assume_role(params, access_key_id, request_id),
            other => Err(ApiError::new(
                400,
                "InvalidAction",
                format!("Could not find operation {other} for version 2011-06-15"),
            )),
        }
    }

    /// Returns the identity behind an access key: the assumed role for keys that
    /// `AssumeRole` issued, otherwise an IAM user in the management account.
    fn identity(&self, access_key_id: Option<&str>) -> Identity {
        if let Some(key) = access_key_id {
            let sessions = self
                .sessions
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(identity) = sessions.get(key) {
                return identity.clone();
            }
        }
        Identity {
            arn: format!(
                "arn:aws:iam::{}:user/idcdb-simulator",
                self.management_account_id
            ),
            user_id: "AIDASIMULATORUSER0001".to_owned(),
            account: self.management_account_id.clone(),
        }
    }

    fn get_caller_identity(&self, access_key_id: Option<&str>, request_id: &str) -> Reply {
        let identity = self.identity(access_key_id);
        Reply::xml(format!(
            "<GetCallerIdentityResponse xmlns=\"{NAMESPACE}\"><GetCallerIdentityResult>\
             <Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId>\
             </ResponseMetadata></GetCallerIdentityResponse>",
            escape_xml(&identity.arn),
            escape_xml(&identity.user_id),
            identity.account
        ))
    }

    fn assume_role(
        &self,
        params: &HashMap<String, String>,
        access_key_id: Option<&str>,
        request_id: &str,
    ) -> Result<Reply, ApiError> {
        let role_arn = params.get("RoleArn").ok_or_else(|| missing("roleArn"))?;
        let session_name = params
            .get("RoleSessionName")
            .ok_or_else(|| missing("roleSessionName"))?;
        let (account, role_name) = parse_role_arn(role_arn).ok_or_else(|| {
            ApiError::new(400, "ValidationError", format!("{role_arn} is invalid"))
        })?;
        if !valid_session_name(session_name) {
            return Err(ApiError::new(
                400,
                "ValidationError",
                format!(
                    "1 validation error detected: Value '{session_name}' at 'roleSessionName' failed to satisfy \
                     constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
                ),
            ));
        }
        let duration = duration_seconds(params)?;

        if let Some(required) = &self.required_external_id
            && params.get("ExternalId") != Some(required)
        {
            let caller = self.identity(access_key_id);
            return Err(ApiError::new(
                403,
                "AccessDenied",
                format!(
                    "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                    caller.arn
                ),
            ));
        }

        let serial = self.issued.fetch_add(1, Ordering::Relaxed) + 1;
        let access_key = format!("ASIA{:016X}", mix(serial));
        let secret = format!(
            "{:016x}{:016x}{:08x}",
            mix(serial ^ 1),
            mix(serial ^ 2),
            mix(serial ^ 3) as u32
        );
        let token = format!(
            "FQoGZXIvYXdzEBYaD{:016x}{:016x}SIMULATED",
            mix(serial ^ 4),
            mix(serial ^ 5)
        );
        let role_hash = role_arn.bytes().fold(0u64, |hash, byte| {
            hash.wrapping_mul(31).wrapping_add(u64::from(byte))
        });
        let role_id = format!("AROA{:016X}", mix(role_hash));
        let identity = Identity {
            arn: format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"),
            user_id: format!("{role_id}:{session_name}"),
            account: account.to_owned(),
        };
        let expiration = (OffsetDateTime::now_utc() + Duration::seconds(duration))
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .format(&Rfc3339)
            .map_err(|error| {
                ApiError::new(
                    500,
                    "InternalFailure",
                    format!("failed to format a date: {error}"),
                )
            })?;

        let body = format!(
            "<AssumeRoleResponse xmlns=\"{NAMESPACE}\"><AssumeRoleResult>\
             <Credentials><AccessKeyId>{access_key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
             <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
             <AssumedRoleUser><AssumedRoleId>{}</AssumedRoleId><Arn>{}</Arn></AssumedRoleUser>\
             </AssumeRoleResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>\
             </AssumeRoleResponse>",
            escape_xml(&identity.user_id),
            escape_xml(&identity.arn)
        );

        let mut sessions = self
            .sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sessions.insert(access_key, identity);
        Ok(Reply::xml(body))
    }
}

fn missing(member: &str) -> ApiError {
    ApiError::new(
        400,
        "ValidationError",
        format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ),
    )
}

/// Splits `arn:aws:iam::ACCOUNT:role/PATH/NAME` into the account and role name.
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    let valid_account = account.len() == 12 && account.bytes().all(|byte| byte.is_ascii_digit());
    (valid_account && !name.is_empty()).then_some((account, name))
}

/// Checks the documented session name rule: 2 to 64 characters of `[\w+=,.@-]`.
fn valid_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"_+=,.@-".contains(&byte))
}

/// Reads `DurationSeconds`: 3600 when absent, otherwise 900 to 43200.
fn duration_seconds(params: &HashMap<String, String>) -> Result<i64, ApiError> {
    let Some(value) = params.get("DurationSeconds") else {
        return Ok(3600);
    };
    match value.parse::<i64>() {
        Ok(seconds) if (900..=43_200).contains(&seconds) => Ok(seconds),
        _ => Err(ApiError::new(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: \
                 Member must have value between 900 and 43200"
            ),
        )),
    }
}

/// SplitMix64 finalizer, used to make fake keys that look random.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Returns the access key ID from a SigV4 `Authorization` header.
pub(crate) fn access_key_from_authorization(header: &str) -> Option<&str> {
    let start = header.find("Credential=")? + "Credential=".len();
    let rest = &header[start..];
    let end = rest.find('/')?;
    Some(&rest[..end])
}
