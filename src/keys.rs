//! Loading the secret keys that seal TOTP seeds and key the code hashes.
//!
//! With `--secret-key-file` the key is read from that file. Without one,
//! SQLite gets a key file created beside the database (mode 0600, with a
//! warning), while Postgres refuses to start: several replicas must share
//! one key, so it must come from the operator.
use std::io::Write;
use std::path::{Path, PathBuf};

use tollgate_domain::secret::{Keyring, MasterKey};
use tollgate_storage::Backend;

use crate::config::ServerConfig;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "a secret key is required with Postgres: create one with `tollgate generate-key --out tollgate.key` \
         and pass it with --secret-key-file (or TOLLGATE_SECRET_KEY_FILE); every replica needs the same key"
    )]
    RequiredForPostgres,
    #[error("could not read the secret key file {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("could not create the secret key file {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Storage(#[from] tollgate_storage::StorageError),
    #[error("{0}")]
    Random(tollgate_domain::DomainError),
}

/// The SQLite file a URL names, or `None` for an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The key file created beside a SQLite database: `tollgate.db` ->
/// `tollgate.db.key`.
pub fn default_key_file(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".key");
    database.with_file_name(name)
}

fn read_key(path: &Path) -> Result<MasterKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|e| KeyError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    warn_if_readable_by_others(path);
    MasterKey::from_hex(&text).map_err(|e| KeyError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Group access is how Kubernetes hands a Secret to a non-root pod
    // (fsGroup); access for every user is the mistake worth a warning.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o007 != 0
    {
        tracing::warn!(path = %path.display(), "the secret key file is readable by every user; chmod 600 (or 640 for a group) it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Writes a fresh key to `path` with mode 0600; never overwrites.
pub fn create_key_file(path: &Path) -> Result<MasterKey, KeyError> {
    let (key, text) = MasterKey::generate().map_err(KeyError::Random)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let create_err = |source| KeyError::Create {
        path: path.to_owned(),
        source,
    };
    let mut file = options.open(path).map_err(create_err)?;
    file.write_all(format!("{}\n", text.expose()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(create_err)?;
    Ok(key)
}

/// The keyring for this configuration.
pub fn load(config: &ServerConfig) -> Result<Keyring, KeyError> {
    let previous = config
        .previous_secret_key_files
        .iter()
        .map(|p| read_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(path) = &config.secret_key_file {
        return Ok(Keyring::new(read_key(path)?, previous));
    }
    match Backend::of_url(&config.database_url)? {
        Backend::Postgres => Err(KeyError::RequiredForPostgres),
        Backend::Sqlite => {
            let Some(database) = sqlite_file(&config.database_url) else {
                tracing::warn!(
                    "in-memory database and no --secret-key-file: using a throw-away key; nothing survives a restart"
                );
                let (key, _) = MasterKey::generate().map_err(KeyError::Random)?;
                return Ok(Keyring::new(key, previous));
            };
            let path = default_key_file(&database);
            if path.exists() {
                return Ok(Keyring::new(read_key(&path)?, previous));
            }
            let key = create_key_file(&path)?;
            tracing::warn!(
                path = %path.display(),
                "no --secret-key-file given: created a new secret key beside the database; back it up with the \
                 database, since without it enrolled authenticator apps cannot be verified"
            );
            Ok(Keyring::new(key, previous))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://tollgate.db"),
            Some(PathBuf::from("tollgate.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/t.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/t.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(
            default_key_file(Path::new("data/t.db")),
            PathBuf::from("data/t.db.key")
        );
    }
}
