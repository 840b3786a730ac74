//! A short-lived copy of each tenant's policy, so the sign-in path
//! (BeginChallenge, VerifyChallenge, SendCode) does not read the policy row
//! on every call.
//!
//! An entry lives for [`POLICY_CACHE_TTL`]. A change made through this
//! process replaces the entry at once; a change made through another replica
//! sharing the database is seen here within the TTL. GetPolicy and
//! UpdatePolicy always read the row (the etag must be the stored one).
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

use crate::ids::TenantId;
use crate::ports::StoredPolicy;

/// How long a cached policy is trusted.
pub const POLICY_CACHE_TTL: TimeDelta = TimeDelta::seconds(1);
/// Tenants kept at most; a full cache sheds its expired entries, then all.
const CAPACITY: usize = 4096;

struct Entry {
    policy: Arc<StoredPolicy>,
    fetched_at: DateTime<Utc>,
}

impl Entry {
    fn fresh(&self, now: DateTime<Utc>) -> bool {
        let age = now - self.fetched_at;
        age >= TimeDelta::zero() && age < POLICY_CACHE_TTL
    }
}

/// Tenant policies read recently, by tenant.
#[derive(Default)]
pub struct PolicyCache {
    entries: Mutex<HashMap<TenantId, Entry>>,
}

impl PolicyCache {
    /// The tenant's policy if it was read less than the TTL ago.
    pub fn get(&self, tenant: &TenantId, now: DateTime<Utc>) -> Option<Arc<StoredPolicy>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(tenant)
            .filter(|entry| entry.fresh(now))
            .map(|entry| Arc::clone(&entry.policy))
    }

    /// Remembers `policy` as read at `now`, unless a newer version is
    /// already here (a slow read must not undo a change seen since).
    pub fn put(&self, tenant: &TenantId, policy: Arc<StoredPolicy>, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get(tenant)
            && entry.fresh(now)
            && entry.policy.version > policy.version
        {
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(tenant) {
            entries.retain(|_, entry| entry.fresh(now));
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            tenant.clone(),
            Entry {
                policy,
                fetched_at: now,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant_policy::TenantPolicy;

    fn stored(version: i64) -> Arc<StoredPolicy> {
        Arc::new(StoredPolicy {
            policy: TenantPolicy::default(),
            version,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        })
    }

    fn at(millis: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_millis(1_800_000_000_000 + millis).unwrap()
    }

    #[test]
    fn an_entry_lives_for_the_ttl() {
        let cache = PolicyCache::default();
        let tenant = TenantId::parse("acme").unwrap();
        assert!(cache.get(&tenant, at(0)).is_none());
        cache.put(&tenant, stored(3), at(0));
        assert_eq!(cache.get(&tenant, at(999)).unwrap().version, 3);
        assert!(cache.get(&tenant, at(1000)).is_none());
        // A clock that steps back does not make an entry live longer.
        assert!(cache.get(&tenant, at(-1)).is_none());
        let other = TenantId::parse("globex").unwrap();
        assert!(cache.get(&other, at(10)).is_none());
    }

    #[test]
    fn a_slow_read_does_not_undo_a_newer_version() {
        let cache = PolicyCache::default();
        let tenant = TenantId::parse("acme").unwrap();
        cache.put(&tenant, stored(5), at(0));
        cache.put(&tenant, stored(4), at(10));
        assert_eq!(cache.get(&tenant, at(20)).unwrap().version, 5);
        // Once the newer entry expired, any read replaces it.
        cache.put(&tenant, stored(4), at(2000));
        assert_eq!(cache.get(&tenant, at(2001)).unwrap().version, 4);
    }

    #[test]
    fn a_full_cache_sheds_entries_instead_of_growing() {
        let cache = PolicyCache::default();
        for i in 0..CAPACITY + 10 {
            let tenant = TenantId::parse(&format!("t{i}")).unwrap();
            cache.put(&tenant, stored(1), at(0));
        }
        let len = cache.entries.lock().unwrap().len();
        assert!(len <= CAPACITY, "{len}");
        let last = TenantId::parse(&format!("t{}", CAPACITY + 9)).unwrap();
        assert!(cache.get(&last, at(1)).is_some());
    }
}
