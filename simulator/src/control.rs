//! Per-call bookkeeping that is not about the model: call counters, token
//! buckets, fault rules and latency draws.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::operation::{Call, OPERATIONS, Service};
use crate::options::{Fault, FaultKind, Latency, Options, RateLimits};

/// Snapshot of what a simulator has served.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls received per operation name, including throttled and faulted ones.
    /// Operations the simulator does not know are counted under their name too.
    pub calls: BTreeMap<String, u64>,
    /// Calls rejected with a throttling error.
    pub throttled: u64,
    /// Calls that an injected fault failed, delayed or cut off.
    pub faults_injected: u64,
}

impl Stats {
    /// Returns the number of calls of all operations.
    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Returns the number of calls of one operation.
    pub fn calls_to(&self, operation: &str) -> u64 {
        self.calls.get(operation).copied().unwrap_or(0)
    }
}

/// Lock-free counters behind [`Stats`].
pub(crate) struct Counters {
    known: Vec<AtomicU64>,
    unknown: Mutex<HashMap<String, u64>>,
    throttled: AtomicU64,
    faults: AtomicU64,
}

impl Counters {
    pub(crate) fn new() -> Counters {
        Counters {
            known: OPERATIONS.iter().map(|_| AtomicU64::new(0)).collect(),
            unknown: Mutex::new(HashMap::new()),
            throttled: AtomicU64::new(0),
            faults: AtomicU64::new(0),
        }
    }

    pub(crate) fn record_call(&self, call: &Call) {
        match call.index {
            Some(index) => {
                self.known[index].fetch_add(1, Ordering::Relaxed);
            }
            None => {
                let mut unknown = self
                    .unknown
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                *unknown.entry(call.name.clone()).or_insert(0) += 1;
            }
        }
    }

    pub(crate) fn record_throttle(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_fault(&self) {
        self.faults.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let mut calls = BTreeMap::new();
        for (index, (_, name)) in OPERATIONS.iter().enumerate() {
            let count = self.known[index].load(Ordering::Relaxed);
            if count > 0 {
                calls.insert((*name).to_owned(), count);
            }
        }
        let unknown = self
            .unknown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (name, count) in unknown.iter() {
            *calls.entry(name.clone()).or_insert(0) += count;
        }
        Stats {
            calls,
            throttled: self.throttled.load(Ordering::Relaxed),
            faults_injected: self.faults.load(Ordering::Relaxed),
        }
    }
}

/// Token bucket whose capacity is one second of requests.
struct TokenBucket {
    rate: f64,
    state: Mutex<BucketState>,
}

struct BucketState {
    tokens: f64,
    refilled_at: Instant,
}

impl TokenBucket {
    fn new(rate: f64) -> TokenBucket {
        TokenBucket {
            rate,
            state: Mutex::new(BucketState {
                tokens: rate,
                refilled_at: Instant::now(),
            }),
        }
    }

    /// Takes one token, or returns how long until one is available.
    fn try_take(&self) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }

        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        let elapsed = now.duration_since(state.refilled_at).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.rate).min(self.rate);
        state.refilled_at = now;

        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - state.tokens) / self.rate))
        }
    }
}

/// Rate limits of every service, as configured by [`RateLimits`].
pub(crate) struct Limiter {
    sso_admin: TokenBucket,
    organizations: TokenBucket,
    /// One bucket per entry of [`OPERATIONS`]; only identitystore entries are used.
    identity_store: Vec<TokenBucket>,
}

impl Limiter {
    pub(crate) fn new(limits: &RateLimits) -> Limiter {
        Limiter {
            sso_admin: TokenBucket::new(limits.sso_admin_per_second),
            organizations: TokenBucket::new(limits.organizations_per_second),
            identity_store: OPERATIONS
                .iter()
                .map(|_| TokenBucket::new(limits.identity_store_per_operation_per_second))
                .collect(),
        }
    }

    /// Takes a token for the call, or returns the wait until the next token.
    /// STS and unknown operations are not limited.
    pub(crate) fn check(&self, call: &Call) -> Result<(), Duration> {
        match (call.service, call.index) {
            (Some(Service::SsoAdmin), Some(_)) => self.sso_admin.try_take(),
            (Some(Service::Organizations), Some(_)) => self.organizations.try_take(),
            (Some(Service::IdentityStore), Some(index)) => self.identity_store[index].try_take(),
            _ => Ok(()),
        }
    }
}

/// Fault rule with its counters.
struct FaultRule {
    fault: Fault,
    matched: AtomicU64,
    injected: AtomicU64,
}

/// The fault rules of a simulator.
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    pub(crate) fn new(faults: &[Fault]) -> Faults {
        Faults {
            rules: faults
                .iter()
                .map(|fault| FaultRule {
                    fault: fault.clone(),
                    matched: AtomicU64::new(0),
                    injected: AtomicU64::new(0),
                })
                .collect(),
        }
    }

    /// Returns the fault to inject into this call, if a rule fires.
    pub(crate) fn select(&self, call: &Call) -> Option<FaultKind> {
        for rule in &self.rules {
            if let Some(operation) = &rule.fault.operation
                && *operation != call.name
            {
                continue;
            }

            let matched = rule.matched.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(n) = rule.fault.every_nth
                && matched % n.max(1) != 0
            {
                continue;
            }

            // Reserve an injection first, so that concurrent calls cannot push
            // the count past the limit.
            let injected = rule.injected.fetch_add(1, Ordering::Relaxed);
            if let Some(limit) = rule.fault.max_injections
                && injected >= limit
            {
                rule.injected.fetch_sub(1, Ordering::Relaxed);
                continue;
            }
            return Some(rule.fault.kind);
        }
        None
    }
}

/// Draws per-call latency. The jitter comes from a SplitMix64 sequence, which
/// is fast and needs no lock.
pub(crate) struct LatencySource {
    latency: Option<Latency>,
    sequence: AtomicU64,
}

impl LatencySource {
    pub(crate) fn new(options: &Options) -> LatencySource {
        LatencySource {
            latency: options.latency,
            sequence: AtomicU64::new(0x5eed),
        }
    }

    pub(crate) fn next(&self) -> Option<Duration> {
        let latency = self.latency?;
        let jitter_nanos = latency.jitter.as_nanos() as u64;
        if jitter_nanos == 0 {
            return Some(latency.fixed);
        }

        let mut z = self
            .sequence
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Some(latency.fixed + Duration::from_nanos(z % (jitter_nanos + 1)))
    }
}
