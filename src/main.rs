//! The `tollgate` binary: parses the command line and hands over to the
//! library, which the integration tests drive in-process the same way.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    tollgate::cli::main()
}
