//! A tenant policy as stored JSON (and as an administrator may send it):
//! decoding arbitrary bytes never panics, and validating whatever decodes
//! either accepts it or names the fields at fault.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::tenant_policy::TenantPolicy;

fuzz_target!(|data: &[u8]| {
    if let Ok(policy) = serde_json::from_slice::<TenantPolicy>(data) {
        if let Err(violations) = policy.validate() {
            assert!(!violations.is_empty());
        }
        let _ = serde_json::to_vec(&policy);
    }
});
