//! Re-sealing every stored authenticator seed under the current key after
//! a key rotation, so the previous key can be retired without users
//! enrolling again. Recovery codes cannot be re-keyed (their lookup tags are
//! keyed hashes of codes tollgate never keeps); the count of users whose
//! unspent codes still need an older key tells the operator who must
//! regenerate them.
use crate::error::DomainError;
use crate::ports::{Offload, Store};
use crate::service::{Service, TOTP_SEED_PURPOSE};

/// Seeds read per page.
pub const RESEAL_PAGE: u32 = 200;

/// What a re-seal did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Seeds now sealed by the current key.
    pub seeds: u64,
    /// Seeds changed while this ran (a user enrolled again): their new seed
    /// is sealed by whichever key the server that wrote it had.
    pub changed_meanwhile: u64,
    /// Seeds sealed by a key that is not configured: they stay as they are
    /// (give that key as a previous key and run again).
    pub unreadable: u64,
    /// Users with unspent recovery codes tagged by a key other than the
    /// current one: they need that key until they regenerate their codes.
    pub recovery_users_on_older_keys: u64,
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Opens every seed sealed by another key than the current one and
    /// seals it again with the current key, a page at a time. Each row is
    /// rewritten only if it still holds the seed that was read, so a server
    /// serving meanwhile loses nothing; running it twice is harmless.
    pub async fn reseal_seeds(&self) -> Result<Resealed, DomainError> {
        let current = self.keys.current();
        let mut done = Resealed::default();
        let mut after = None;
        loop {
            let page = self
                .store
                .seeds_sealed_by_other_keys(current.id(), after.as_ref(), RESEAL_PAGE)
                .await?;
            for seed in &page {
                let binding = seed.user.binding(TOTP_SEED_PURPOSE);
                let Ok(plain) = self.keys.open(&seed.sealed, &binding) else {
                    done.unreadable += 1;
                    continue;
                };
                let sealed = current.seal(plain.expose(), &binding)?;
                if self
                    .store
                    .reseal_seed(&seed.user, &seed.sealed, sealed)
                    .await?
                {
                    done.seeds += 1;
                } else {
                    done.changed_meanwhile += 1;
                }
            }
            if page.len() < RESEAL_PAGE as usize {
                break;
            }
            after = page.last().map(|seed| seed.user.clone());
        }
        done.recovery_users_on_older_keys = self
            .store
            .users_with_recovery_codes_of_other_keys(current.id())
            .await?;
        Ok(done)
    }
}
