//! The native command-line tool `routewave` over the simulation core.

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs the CLI with `args` (without the program name) and returns the exit code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut out = String::new();
    match run(args, &mut out) {
        Ok(()) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("routewave: {message}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "\
usage: routewave <command> [options]

commands:
  version            print the version
  help               print this help
";

/// Runs one command, writing its output to `out`. Errors are one-line messages.
pub fn run(args: Vec<OsString>, out: &mut String) -> Result<(), String> {
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(lexopt::Arg::Value(v)) => v.to_string_lossy().into_owned(),
        Some(lexopt::Arg::Long("help")) | Some(lexopt::Arg::Short('h')) | None => {
            out.push_str(USAGE);
            return Ok(());
        }
        Some(other) => return Err(format!("unexpected {}", describe(&other))),
    };
    match command.as_str() {
        "help" => out.push_str(USAGE),
        "version" => {
            out.push_str(concat!("routewave ", env!("CARGO_PKG_VERSION"), "\n"));
        }
        other => return Err(format!("unknown command '{other}' (try 'routewave help')")),
    }
    Ok(())
}

fn describe(arg: &lexopt::Arg<'_>) -> String {
    match arg {
        lexopt::Arg::Short(c) => format!("option '-{c}'"),
        lexopt::Arg::Long(l) => format!("option '--{l}'"),
        lexopt::Arg::Value(v) => format!("argument '{}'", v.to_string_lossy()),
    }
}
