//! Randomness straight from the operating system's generator, for secrets,
//! salts, nonces and codes.
use rand::TryRng;
use rand::rngs::SysRng;

use crate::DomainError;

/// Fills `buf` from the OS random generator.
pub fn fill(buf: &mut [u8]) -> Result<(), DomainError> {
    SysRng
        .try_fill_bytes(buf)
        .map_err(|_| DomainError::Internal("the operating system's random generator failed"))
}

/// A uniformly distributed index below `bound` (rejection sampling, so no
/// modulo bias).
pub fn below(bound: u8) -> Result<u8, DomainError> {
    debug_assert!(bound > 0);
    let limit = u8::MAX - (u8::MAX % bound);
    loop {
        let mut byte = [0u8; 1];
        fill(&mut byte)?;
        if byte[0] < limit {
            return Ok(byte[0] % bound);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range() {
        for _ in 0..1000 {
            assert!(below(31).unwrap() < 31);
        }
    }
}
