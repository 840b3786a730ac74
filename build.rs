//! On Linux with glibc, has the linker pack the server's relocations, and
//! records the commit the binary is built from for `tollgate --version`.
//! (The gRPC contract is compiled by the `tollgate-proto` crate, crates/proto.)
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    pack_relative_relocations();
    record_commit();
    // Without it, cargo would run this again whenever any file of the
    // package changed.
    println!("cargo:rerun-if-changed=build.rs");
}

/// Asks the linker to pack the server's relative relocations (DT_RELR). The
/// executable is position-independent, so every pointer in its read-only
/// tables needs one: about 29,000 of them, 700 KiB of entries that the loader
/// reads at each start and that then stay resident for the life of the
/// process. Packed, they take 9 KiB. GNU ld 2.38 and lld 15 understand
/// the flag (older GNU ld warns and ignores it); glibc 2.36 loads the result,
/// and the linker marks the executable so an older glibc refuses it by name
/// rather than misloading it.
fn pack_relative_relocations() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Names the commit when no repository can be asked: a build from a source
/// tarball, or a container build that copies no `.git`.
const COMMIT_VARIABLE: &str = "TOLLGATE_BUILD_COMMIT";

/// Sets `TOLLGATE_COMMIT` for the compiler: [`COMMIT_VARIABLE`] when set,
/// else the checkout's `HEAD` (12 hex digits), else `unknown`.
///
/// No `-dirty` mark: whether the work tree differs from `HEAD` changes with
/// every edit of any file, so a mark that stays true would need this script
/// to run at every build (and the server to be compiled again each time).
fn record_commit() {
    println!("cargo:rerun-if-env-changed={COMMIT_VARIABLE}");
    let commit = match std::env::var(COMMIT_VARIABLE) {
        Ok(commit) if !commit.trim().is_empty() => commit.trim().to_owned(),
        _ => checkout_commit().unwrap_or_else(|| "unknown".to_owned()),
    };
    println!("cargo:rustc-env=TOLLGATE_COMMIT={commit}");
}

/// `HEAD` of the git checkout whose top is this package, and has cargo run
/// this script again when `HEAD` moves; `None` without git or a checkout.
fn checkout_commit() -> Option<String> {
    let package = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    // Only this repository's own checkout, not one the sources were copied
    // into (vendored in another project, unpacked from a crate).
    let top = git(&package, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != package.canonicalize().ok()? {
        return None;
    }
    let commit = git(&package, &["rev-parse", "--short=12", "HEAD"])?;
    // HEAD moves by a checkout (HEAD itself changes) or a commit, reset or
    // merge on the branch (the branch's ref changes, and HEAD's reflog
    // gets a line even when the ref is packed). `--git-path` finds each in
    // a worktree too, whose HEAD and reflog are its own and refs shared.
    let mut watched = vec!["HEAD".to_owned(), "logs/HEAD".to_owned()];
    watched.extend(git(&package, &["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&package, &["rev-parse", "--git-path", &name]) {
            let path = package.join(path);
            // A path that does not exist would make cargo run this at
            // every build.
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    Some(commit)
}

/// What `git -C dir ARGS` prints, trimmed; `None` if it fails or prints
/// nothing.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
