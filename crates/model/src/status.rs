//! The ticket status state machine:
//! new → taken → in progress ⇄ waiting for client → … → resolved → closed, plus cancelled.
//! A resolved ticket may be reopened (back to in progress) until it is closed. Waiting for the
//! client (for information, access, a decision) is possible before the ticket is taken in charge
//! too: it pauses the SLA clocks. Waiting for a third party (a carrier, a vendor, a provider) sits
//! beside it: reachable from the same states, back to the same ones, pausing the clocks alike; the
//! party is named (see [`crate::vocab::PartyKind`]).

use crate::macros::string_enum;
use serde::Serialize;

string_enum! {
    /// Where a ticket stands.
    TicketStatus, field = "status" {
        New => "new",
        Taken => "taken",
        InProgress => "in_progress",
        WaitingClient => "waiting_client",
        WaitingThirdParty => "waiting_third_party",
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
            New => &[Taken, WaitingClient, WaitingThirdParty, Cancelled],
            Taken => &[InProgress, WaitingClient, WaitingThirdParty, Cancelled],
            InProgress => &[WaitingClient, WaitingThirdParty, Resolved, Cancelled],
            WaitingClient | WaitingThirdParty => &[Taken, InProgress, Cancelled],
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
                    TicketStatus::WaitingClient
                        | TicketStatus::WaitingThirdParty
                        | TicketStatus::Resolved
                        | TicketStatus::Cancelled
                ) || self.note_required(to),
                note_required: self.note_required(to),
                asks_party: to.needs_party(),
            })
            .collect()
    }

    /// Cancelling a ticket and reopening a resolved one need their reason on record.
    pub fn note_required(self, to: TicketStatus) -> bool {
        to == TicketStatus::Cancelled
            || (self == TicketStatus::Resolved && to == TicketStatus::InProgress)
    }

    /// Waiting for a third party names the party (kind and name): required to enter the state.
    pub fn needs_party(self) -> bool {
        self == TicketStatus::WaitingThirdParty
    }

    /// The states that stop the SLA clocks (someone else has the ball).
    pub fn pauses_sla(self) -> bool {
        matches!(
            self,
            TicketStatus::WaitingClient | TicketStatus::WaitingThirdParty
        )
    }

    /// Open = still needs work or an answer (not resolved, closed or cancelled).
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    pub const OPEN: &'static [TicketStatus] = &[
        TicketStatus::New,
        TicketStatus::Taken,
        TicketStatus::InProgress,
        TicketStatus::WaitingClient,
        TicketStatus::WaitingThirdParty,
    ];

    /// The SQL list of [`Self::OPEN`], `('new', …)`, for the stores' `status IN` filters (the
    /// core's partial index of open tickets repeats it word for word).
    pub const OPEN_SQL: &'static str =
        "('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party')";
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
    /// Ask who we wait for (kind and name, both required): waiting for a third party.
    pub asks_party: bool,
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
        assert!(wait.asks_note && !wait.note_required && !wait.asks_party);
        let third = InProgress
            .steps()
            .into_iter()
            .find(|st| st.to == WaitingThirdParty)
            .unwrap();
        assert!(third.asks_party && third.asks_note && !third.note_required);
    }

    #[test]
    fn waiting_for_a_third_party_sits_beside_waiting_for_the_client() {
        for s in TicketStatus::ALL {
            assert_eq!(
                s.can_move_to(WaitingThirdParty),
                s.can_move_to(WaitingClient),
                "{s}"
            );
        }
        assert_eq!(WaitingThirdParty.next_states(), WaitingClient.next_states());
        assert!(!WaitingThirdParty.can_move_to(Resolved));
        assert!(WaitingThirdParty.pauses_sla() && WaitingClient.pauses_sla());
        assert!(!InProgress.pauses_sla() && !New.pauses_sla());
        assert!(WaitingThirdParty.is_open());
        let listed: Vec<String> = TicketStatus::OPEN
            .iter()
            .map(|s| format!("'{s}'"))
            .collect();
        assert_eq!(TicketStatus::OPEN_SQL, format!("({})", listed.join(", ")));
    }
}
