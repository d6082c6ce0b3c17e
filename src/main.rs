//! The `routewave` binary: in the browser it mounts the web app; natively it is the
//! command-line tool over the same simulation core.

#[cfg(target_arch = "wasm32")]
fn main() {
    routewave::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    routewave::cli::main(std::env::args_os().skip(1).collect())
}
