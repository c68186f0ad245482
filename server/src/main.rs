//! The `mssp-portal` binary. See `server::cli` for the commands.

/// mimalloc rather than the system allocator: pages render faster (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main()
}
