//! The `duty-desk` binary: the scripting CLI, or the desk when no subcommand is given.

fn main() {
    std::process::exit(duty_desk::cli::run())
}
