//! Loading the secret keys that seal TOTP seeds and key the code hashes.
//!
//! With `--secret-key-file` the key is read from that file. Without one,
//! SQLite gets a key file created beside the database (mode 0600, with a
//! warning), while Postgres refuses to start: several replicas must share
//! one key, so it must come from the operator.
//!
//! A key file every user may read or write (any of the mode's "other" bits)
//! is refused: whoever reads it can open every sealed seed. Group access
//! (0640) is how Kubernetes hands a Secret to a non-root pod (`fsGroup`),
//! so it is allowed. The file's text is zeroed once parsed.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use tollgate_domain::secret::{Keyring, MasterKey};
use tollgate_storage::Backend;
use zeroize::Zeroizing;

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
    #[error(
        "the secret key file {path} is open to every user (mode {mode:04o}): run `chmod 600 {path}` \
         (or `chmod 640 {path}` to share it with a group, such as a Kubernetes fsGroup) and start again"
    )]
    OpenToEveryone { path: PathBuf, mode: u32 },
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

/// The longest key file read: 64 hex digits and some whitespace fit many
/// times over.
const MAX_KEY_FILE_LEN: u64 = 4096;

/// A key file's text, in memory zeroed on drop, after checking its mode on
/// the open file (so the file checked is the file read).
fn read_key_text(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let read_err = |e: std::io::Error| KeyError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    refuse_if_open_to_everyone(path, &meta)?;
    // Room for the whole file up front: a buffer that grew would leave
    // copies of the key behind in freed memory.
    let len = meta.len().min(MAX_KEY_FILE_LEN);
    let mut text = Zeroizing::new(String::with_capacity(
        usize::try_from(len).unwrap_or_default() + 1,
    ));
    file.take(MAX_KEY_FILE_LEN)
        .read_to_string(&mut text)
        .map_err(read_err)?;
    Ok(text)
}

fn read_key(path: &Path) -> Result<MasterKey, KeyError> {
    let text = read_key_text(path)?;
    MasterKey::from_hex(&text).map_err(|e| KeyError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(unix)]
fn refuse_if_open_to_everyone(path: &Path, meta: &std::fs::Metadata) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o007 == 0 {
        Ok(())
    } else {
        Err(KeyError::OpenToEveryone {
            path: path.to_owned(),
            mode,
        })
    }
}

#[cfg(not(unix))]
fn refuse_if_open_to_everyone(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), KeyError> {
    Ok(())
}

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
    file.write_all(text.expose().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
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

    #[cfg(unix)]
    #[test]
    fn key_files_open_to_every_user_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.key");
        let key = create_key_file(&path).unwrap();
        let shown = path.display().to_string();
        for (mode, used) in [
            (0o600, true),
            (0o400, true),
            (0o640, true),
            (0o660, true),
            (0o644, false),
            (0o604, false),
            (0o602, false),
            (0o601, false),
            (0o666, false),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            match read_key(&path) {
                Ok(read) => assert!(used && read.id() == key.id(), "mode {mode:o} was used"),
                Err(e) => {
                    let message = e.to_string();
                    assert!(!used, "mode {mode:o} was refused: {message}");
                    assert!(matches!(e, KeyError::OpenToEveryone { .. }), "{message}");
                    assert!(
                        message.contains(&format!("chmod 600 {shown}"))
                            && message.contains(&format!("chmod 640 {shown}"))
                            && message.contains(&format!("mode 0{mode:o}")),
                        "{message}"
                    );
                }
            }
        }
    }

    #[test]
    fn key_file_text_is_zeroed_after_parsing() {
        /// Compiles only for a type that zeroes its memory when dropped.
        fn zeroes_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.key");
        create_key_file(&path).unwrap();
        let text = read_key_text(&path).unwrap();
        zeroes_on_drop(&text);
        assert_eq!(text.trim().len(), 64);
    }

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
