//! Handlers of the simulated AWS services, one module per service.

pub(crate) mod identity_store;
pub(crate) mod organizations;
pub(crate) mod sso_admin;
pub(crate) mod sts;
