fn main() -> std::process::ExitCode {
    rapportino_hub::cli::main()
}
