//! The e2e suite's IMAP server (tests/e2e/run.sh starts it once for the suite, in a process
//! group of its own that it stops at the end): the intake crate's test Dovecot
//! (`rapportino_intake::testing::TestImap`). Prints one line, `READY <port> <ca file> <user>
//! <password>`, then runs until stopped; the scenarios put mail in it with IMAP APPEND
//! themselves (Python's imaplib) and point the app at it.

use std::io::Write;

use rapportino_intake::testing::{TestImap, PASSWORD, USER};

fn main() {
    let server = TestImap::start();
    println!(
        "READY {} {} {USER} {PASSWORD}",
        server.port,
        server.ca_file().display()
    );
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
