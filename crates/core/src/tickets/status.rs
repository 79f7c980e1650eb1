//! The ticket status state machine:
//! new → taken → in progress ⇄ waiting for client → … → resolved → closed, plus cancelled.
//! A resolved ticket may be reopened (back to in progress) until it is closed. Waiting for the
//! client (for information, access, a decision) is possible before the ticket is taken in charge
//! too: it pauses the SLA clocks.

use crate::macros::string_enum;

string_enum! {
    /// Where a ticket stands.
    TicketStatus, field = "status" {
        New => "new",
        Taken => "taken",
        InProgress => "in_progress",
        WaitingClient => "waiting_client",
        Resolved => "resolved",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

impl TicketStatus {
    /// The states a ticket may move to from this one.
    pub fn next_states(self) -> &'static [TicketStatus] {
        use TicketStatus::*;
        match self {
            New => &[Taken, WaitingClient, Cancelled],
            Taken => &[InProgress, WaitingClient, Cancelled],
            InProgress => &[WaitingClient, Resolved, Cancelled],
            WaitingClient => &[Taken, InProgress, Cancelled],
            Resolved => &[Closed, InProgress],
            Closed | Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: TicketStatus) -> bool {
        self.next_states().contains(&to)
    }

    /// Open = still needs work or an answer (not resolved, closed or cancelled).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TicketStatus::New
                | TicketStatus::Taken
                | TicketStatus::InProgress
                | TicketStatus::WaitingClient
        )
    }

    pub const OPEN: &'static [TicketStatus] = &[
        TicketStatus::New,
        TicketStatus::Taken,
        TicketStatus::InProgress,
        TicketStatus::WaitingClient,
    ];
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    #[test]
    fn the_documented_machine() {
        assert!(New.can_move_to(Taken));
        assert!(Taken.can_move_to(InProgress));
        assert!(InProgress.can_move_to(WaitingClient));
        assert!(WaitingClient.can_move_to(InProgress));
        assert!(InProgress.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Closed));
        assert!(!New.can_move_to(Resolved));
        assert!(!Closed.can_move_to(InProgress));
        assert!(!Cancelled.can_move_to(New));
        assert!(!WaitingClient.can_move_to(Closed));
        for s in TicketStatus::ALL {
            assert!(!s.can_move_to(*s), "{s} → {s}");
        }
    }
}
