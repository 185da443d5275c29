#![recursion_limit = "256"]
//! `server`: reads the command line and hands over to `server::cli`.

/// The stack of each runtime thread. Leptos renders a page as nested
/// futures, and an unoptimised (debug) build keeps their frames large: the
/// Playwright suite, which `make test` serves from the debug build, overflowed
/// tokio's default of 2 MiB on `/home`. This is address space, committed only
/// as far as it is used.
const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    match runtime.block_on(server::cli::run(&args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
