//! What an import writes beside its input: the progress state (the line
//! below which every row is done, replaced atomically so an interruption
//! never leaves half a file), the rejects (JSON Lines: line, user, reason,
//! message; never a secret), the minted recovery codes (mode 0600 from the
//! first byte, appended, never printed), and the one-line progress display
//! on a terminal.
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};

/// `path` with `suffix` added to its file name: `users.csv` and
/// `.progress` give `users.csv.progress`.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The saved progress of an import of one input file.
pub struct State {
    path: PathBuf,
    /// The input it belongs to, as given on the first run.
    input: String,
}

impl State {
    pub fn new(path: PathBuf, input: &Path) -> Self {
        Self {
            path,
            input: input.display().to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line an earlier run reached (every row below it is done);
    /// `None` when there is no state file.
    pub fn load(&self) -> Result<Option<u64>, String> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", self.path.display())),
        };
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a progress file: {e}", self.path.display()))?;
        let (Some(input), Some(line)) = (doc["input"].as_str(), doc["next_line"].as_u64()) else {
            return Err(format!(
                "{}: not a progress file (no input and next_line)",
                self.path.display()
            ));
        };
        if input != self.input {
            return Err(format!(
                "{}: the progress of another file ({input}); use --restart to start over or another --state",
                self.path.display()
            ));
        }
        Ok(Some(line))
    }

    /// Saves "every row below `next_line` is done": written beside the
    /// state file, then renamed over it.
    pub fn save(&self, next_line: u64) -> Result<(), String> {
        let doc = json!({ "input": self.input, "next_line": next_line });
        let temporary = beside(&self.path, ".tmp");
        let written = std::fs::write(&temporary, format!("{doc}\n"))
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        written.map_err(|e| format!("{}: {e}", self.path.display()))
    }

    /// The run finished: nothing to resume.
    pub fn remove(&self) -> Result<(), String> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("{}: {e}", self.path.display()))
            }
            _ => Ok(()),
        }
    }
}

/// A JSON Lines file written one document at a time, created when the
/// first one comes.
pub struct Lines {
    path: PathBuf,
    mode: u32,
    file: Option<File>,
    pub written: u64,
}

impl Lines {
    /// A file for this run; `fresh` removes what an earlier run wrote.
    pub fn new(path: PathBuf, mode: u32, fresh: bool) -> Result<Self, String> {
        if fresh {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(format!("{}: {e}", path.display()));
                }
                _ => {}
            }
        }
        Ok(Self {
            path,
            mode,
            file: None,
            written: 0,
        })
    }

    /// The minted codes' file: kept across runs (codes are shown once),
    /// and refused when others may read it.
    pub fn private(path: PathBuf) -> Result<Self, String> {
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.permissions().mode() & 0o077 != 0
        {
            return Err(format!(
                "{}: others may read it (mode {:o}); it will hold recovery codes: chmod 600 it or name a new file",
                path.display(),
                meta.permissions().mode() & 0o777
            ));
        }
        Self::new(path, 0o600, false)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one document and flushes it to the file.
    pub fn write(&mut self, doc: &Value) -> Result<(), String> {
        let path = &self.path;
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .mode(self.mode)
                    .open(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            ),
        };
        writeln!(file, "{doc}")
            .and_then(|()| file.flush())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        self.written += 1;
        Ok(())
    }

    /// Makes what was written durable.
    pub fn sync(&mut self) -> Result<(), String> {
        match &self.file {
            Some(file) => file
                .sync_data()
                .map_err(|e| format!("{}: {e}", self.path.display())),
            None => Ok(()),
        }
    }
}

/// The one-line progress display, redrawn with `\r` on stderr when it is a
/// terminal; silent otherwise.
pub struct Progress {
    on: bool,
    drawn: bool,
    started: Instant,
}

impl Progress {
    pub fn new(started: Instant) -> Self {
        Self {
            on: std::io::stderr().is_terminal(),
            drawn: false,
            started,
        }
    }

    pub fn draw(&mut self, done: u64, total: u64, processed: u64, rejected: u64) {
        if !self.on {
            return;
        }
        let line = progress_line(
            done,
            total,
            processed,
            self.started.elapsed().as_secs_f64(),
            rejected,
        );
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r{line:<72}");
        let _ = stderr.flush();
        self.drawn = true;
    }

    /// Ends the line, so what follows starts on its own.
    pub fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}

/// `1200/2000 rows  812 users/s  3 rejected`.
pub fn progress_line(done: u64, total: u64, processed: u64, elapsed: f64, rejected: u64) -> String {
    format!(
        "{done}/{total} rows  {} users/s  {rejected} rejected",
        per_second(processed, elapsed)
    )
}

/// A rate rounded to a whole number (0 before any time has passed).
pub fn per_second(count: u64, elapsed: f64) -> u64 {
    if elapsed <= 0.0 {
        return 0;
    }
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rate = (count as f64 / elapsed).round() as u64;
    rate
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn state_round_trips_and_belongs_to_its_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv.progress");
        let state = State::new(path.clone(), Path::new("users.csv"));
        assert_eq!(state.load().unwrap(), None);
        state.save(41).unwrap();
        assert_eq!(state.load().unwrap(), Some(41));
        assert!(
            !beside(&path, ".tmp").exists(),
            "the temporary file is renamed"
        );
        let other = State::new(path, Path::new("other.csv"));
        assert!(other.load().unwrap_err().contains("--restart"));
        state.remove().unwrap();
        assert_eq!(state.load().unwrap(), None);
    }

    #[test]
    fn the_minted_codes_file_is_private_from_its_first_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codes.jsonl");
        let mut codes = Lines::private(path.clone()).unwrap();
        codes.write(&json!({ "user_id": "a" })).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Lines::private(path).is_err(), "a readable file is refused");
    }

    #[test]
    fn the_progress_line_says_rows_rate_and_rejects() {
        assert_eq!(
            progress_line(1200, 2000, 1000, 2.0, 3),
            "1200/2000 rows  500 users/s  3 rejected"
        );
        assert_eq!(per_second(5, 0.0), 0);
    }
}
