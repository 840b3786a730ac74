//! Tenant and user ids from requests: parsing never panics, and an accepted
//! id parses to itself again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::{TenantId, UserId, UserRef};

fuzz_target!(|input: &str| {
    if let Ok(tenant) = TenantId::parse(input) {
        assert_eq!(TenantId::parse(tenant.as_str()), Ok(tenant.clone()));
    }
    if let Ok(user) = UserId::parse(input) {
        assert_eq!(user.as_str(), input, "user ids are opaque: kept as given");
    }
    let (tenant, user) = input.split_once('\u{0}').unwrap_or(("", input));
    if let Ok(user_ref) = UserRef::parse(tenant, user) {
        let _ = user_ref.binding("fuzz");
    }
});
