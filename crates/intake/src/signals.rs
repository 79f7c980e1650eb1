//! What a subject, the headers and the body say: urgency, the ticket a reply is about, the marks
//! of a message no person wrote, and the new text of a reply.

use serde::{Deserialize, Serialize};

/// Why a message is taken for one no person wrote (it is recorded, never answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoopSignal {
    /// `Auto-Submitted` other than `no` (RFC 3834: auto-replies, auto-generated).
    AutoSubmitted,
    /// `Precedence: bulk`, `junk` or `list`.
    Precedence,
    /// `X-Autoreply` or `X-Autorespond` (older responders).
    AutoReplyHeader,
    /// A mailing list (`List-Id`).
    MailingList,
    /// A delivery report or other bounce (empty return path, `multipart/report`).
    Bounce,
    /// One of our own messages come back (its Message-ID is one we sent).
    OurOwn,
}

impl LoopSignal {
    pub fn as_str(self) -> &'static str {
        match self {
            LoopSignal::AutoSubmitted => "auto_submitted",
            LoopSignal::Precedence => "precedence",
            LoopSignal::AutoReplyHeader => "auto_reply_header",
            LoopSignal::MailingList => "mailing_list",
            LoopSignal::Bounce => "bounce",
            LoopSignal::OurOwn => "our_own",
        }
    }
}

/// Whether the subject asks for urgent handling: the word `URGENTE` in any case, alone or
/// followed by a colon (`URGENTE: server down`, `[urgente] stampante`, `Re: Urgente`), not inside
/// another word (`urgentemente` is not it).
pub fn is_urgent(subject: &str) -> bool {
    let lower = subject.to_lowercase();
    let word = "urgente";
    let mut from = 0;
    while let Some(at) = lower[from..].find(word) {
        let start = from + at;
        let end = start + word.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = end;
    }
    false
}

/// The ticket number in square brackets in a subject (`Re: [T-2026-MR-0001] Stampante`), when
/// it is a well-formed ticket number.
pub fn ticket_number_in_subject(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = after.find(']')?;
        let inner = after[..close].trim();
        if let Some(n) = rapportino_model::numbers::parse(inner) {
            if n.prefix == "T" {
                return Some(inner.to_owned());
            }
        }
        rest = &after[close + 1..];
    }
    None
}

/// The marks of a message no person wrote, from its headers (name, value), checked in the order
/// of [`LoopSignal`]. Our own Message-IDs are the directory's to tell (see `decide`).
pub fn loop_signal<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<LoopSignal> {
    let mut found: Vec<LoopSignal> = Vec::new();
    for (name, value) in headers {
        let value = value.trim().to_ascii_lowercase();
        let signal = match name.trim().to_ascii_lowercase().as_str() {
            "auto-submitted" if !value.is_empty() && !value.starts_with("no") => {
                Some(LoopSignal::AutoSubmitted)
            }
            "precedence"
                if ["bulk", "junk", "list"]
                    .iter()
                    .any(|p| value.starts_with(p)) =>
            {
                Some(LoopSignal::Precedence)
            }
            "x-autoreply" | "x-autorespond" | "x-autoresponder" => {
                Some(LoopSignal::AutoReplyHeader)
            }
            "list-id" if !value.is_empty() => Some(LoopSignal::MailingList),
            "return-path" if value.trim_matches(|c| c == '<' || c == '>').is_empty() => {
                Some(LoopSignal::Bounce)
            }
            "content-type" if value.starts_with("multipart/report") => Some(LoopSignal::Bounce),
            _ => None,
        };
        found.extend(signal);
    }
    found.into_iter().min_by_key(|s| *s as u8)
}

/// The new text of a reply: what precedes the quoted message. Cuts at the first quoted line
/// (`>`), at an attribution line (`Il giorno … ha scritto:`, `On … wrote:`) or at an Outlook
/// header block (`-----Original Message-----`, `Da: …` followed by `Inviato:`); trims the rest.
/// A reply that is all quote keeps its whole text.
pub fn reply_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let next = lines.get(i + 1).map(|l| l.trim().to_lowercase());
        let attribution = (lower.ends_with("ha scritto:") || lower.ends_with("wrote:"))
            && (lower.starts_with("il ") || lower.starts_with("on ") || lower.contains('@'));
        let outlook = lower.starts_with("-----original message")
            || lower.starts_with("-----messaggio originale")
            || ((lower.starts_with("da:") || lower.starts_with("from:"))
                && next.is_some_and(|n| n.starts_with("inviato:") || n.starts_with("sent:")));
        if t.starts_with('>') || attribution || outlook {
            cut = i;
            break;
        }
    }
    let kept = lines[..cut].join("\n");
    let kept = kept.trim();
    if kept.is_empty() {
        body.trim().to_owned()
    } else {
        kept.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgente_in_any_case_with_or_without_a_colon() {
        for s in [
            "URGENTE: server fermo",
            "urgente server fermo",
            "Urgente:server",
            "[URGENTE] stampante",
            "Re: stampante - URGENTE",
            "URGENTE",
            "uRgEnTe!",
        ] {
            assert!(is_urgent(s), "{s}");
        }
        for s in ["urgentemente", "nonurgente", "richiesta", "", "URGENT"] {
            assert!(!is_urgent(s), "{s}");
        }
    }

    #[test]
    fn a_ticket_number_in_brackets() {
        assert_eq!(
            ticket_number_in_subject("Re: [T-2026-MR-0001] Stampante").as_deref(),
            Some("T-2026-MR-0001")
        );
        assert_eq!(
            ticket_number_in_subject("[ext] R: [T-2026-HUB-0012]").as_deref(),
            Some("T-2026-HUB-0012")
        );
        for s in [
            "T-2026-MR-0001",
            "[RI-2026-MR-0001]",
            "[T-26-MR-1]",
            "[T-2026-MR-0001",
        ] {
            assert_eq!(ticket_number_in_subject(s), None, "{s}");
        }
    }

    #[test]
    fn loop_signals_from_headers() {
        assert_eq!(loop_signal([("Auto-Submitted", "no")]), None);
        assert_eq!(
            loop_signal([("Auto-Submitted", "auto-replied")]),
            Some(LoopSignal::AutoSubmitted)
        );
        assert_eq!(
            loop_signal([("precedence", "Bulk")]),
            Some(LoopSignal::Precedence)
        );
        assert_eq!(loop_signal([("Precedence", "first-class")]), None);
        assert_eq!(
            loop_signal([("X-Autorespond", "yes")]),
            Some(LoopSignal::AutoReplyHeader)
        );
        assert_eq!(
            loop_signal([("List-Id", "<news.example.com>")]),
            Some(LoopSignal::MailingList)
        );
        assert_eq!(
            loop_signal([("Return-Path", "<>")]),
            Some(LoopSignal::Bounce)
        );
        assert_eq!(loop_signal([("Return-Path", "<a@b.it>")]), None);
    }

    #[test]
    fn a_reply_loses_its_quote() {
        let body = "Funziona di nuovo, grazie.\n\nIl giorno lun 7 dic 2026 alle 10:00 Assistenza <a@b.it> ha scritto:\n> Ticket aperto\n";
        assert_eq!(reply_text(body), "Funziona di nuovo, grazie.");
        let outlook = "Ok\r\n\r\nDa: Assistenza\r\nInviato: lunedì\r\nOggetto: x";
        assert_eq!(reply_text(outlook), "Ok");
        assert_eq!(reply_text("> only a quote"), "> only a quote");
    }
}
