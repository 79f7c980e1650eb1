//! The ticket status state machine:
//! new → taken → in progress ⇄ waiting for client → … → resolved → closed, plus cancelled.
//! A resolved ticket may be reopened (back to in progress) until it is closed. Waiting for the
//! client (for information, access, a decision) is possible before the ticket is taken in charge
//! too: it pauses the SLA clocks.

use crate::macros::string_enum;
use serde::Serialize;

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

    /// The moves offered from this state, each with what it asks of the user, so the UI renders
    /// the buttons and their questions without holding the machine itself.
    pub fn steps(self) -> Vec<StatusStep> {
        self.next_states()
            .iter()
            .map(|&to| StatusStep {
                to,
                asks_estimate: to == TicketStatus::Taken,
                asks_note: matches!(
                    to,
                    TicketStatus::WaitingClient | TicketStatus::Resolved | TicketStatus::Cancelled
                ) || self.note_required(to),
                note_required: self.note_required(to),
            })
            .collect()
    }

    /// Cancelling a ticket and reopening a resolved one need their reason on record.
    pub fn note_required(self, to: TicketStatus) -> bool {
        to == TicketStatus::Cancelled
            || (self == TicketStatus::Resolved && to == TicketStatus::InProgress)
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

/// One move a ticket may make now, and what the user is asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusStep {
    pub to: TicketStatus,
    /// Taking in charge: ask for the estimated resolution (optional).
    pub asks_estimate: bool,
    /// Ask for a note (the reason for waiting, cancelling, reopening; what was resolved).
    pub asks_note: bool,
    /// The note cannot be empty (`tickets::transition` refuses the move without it).
    pub note_required: bool,
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

    #[test]
    fn steps_follow_the_machine_and_say_what_they_ask() {
        for s in TicketStatus::ALL {
            let tos: Vec<_> = s.steps().iter().map(|st| st.to).collect();
            assert_eq!(tos, s.next_states(), "{s}");
        }
        let take = New.steps().into_iter().find(|st| st.to == Taken).unwrap();
        assert!(take.asks_estimate && !take.note_required);
        let cancel = Taken
            .steps()
            .into_iter()
            .find(|st| st.to == Cancelled)
            .unwrap();
        assert!(cancel.asks_note && cancel.note_required && !cancel.asks_estimate);
        let reopen = Resolved
            .steps()
            .into_iter()
            .find(|st| st.to == InProgress)
            .unwrap();
        assert!(reopen.note_required);
        let work = Taken
            .steps()
            .into_iter()
            .find(|st| st.to == InProgress)
            .unwrap();
        assert!(!work.asks_note && !work.asks_estimate);
        let wait = InProgress
            .steps()
            .into_iter()
            .find(|st| st.to == WaitingClient)
            .unwrap();
        assert!(wait.asks_note && !wait.note_required);
    }
}
