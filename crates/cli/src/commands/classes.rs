//! `class`: customer classes and their entitlement matrix (channels, services, free hours).

use clap::{Args, Subcommand};
use rapportino_core::classes::{self, CustomerClass, CustomerClassInput};
use rapportino_core::ids::CustomerClassId;
use rapportino_core::{Result, Store};

use super::labels::{hm, list};
use super::parse::{self, Unit};
use crate::output::Out;

#[derive(Args, Default)]
pub struct ClassFields {
    /// Name shown to people.
    #[arg(long)]
    name: Option<String>,
    /// A channel the class may open tickets through, repeatable: phone, email, web_form,
    /// monitoring, chat, on_site, other, forum. On edit, replaces the list.
    #[arg(long = "channel", value_name = "CHANNEL")]
    channels: Vec<String>,
    /// On edit: no channels (the channel is then not checked).
    #[arg(long, conflicts_with = "channels")]
    no_channels: bool,
    /// A service the class is entitled to, repeatable: remote, on_site, priority, upgrades, or
    /// the shop's own codes. On edit, replaces the list.
    #[arg(long = "service", value_name = "SERVICE")]
    services: Vec<String>,
    /// On edit: no services.
    #[arg(long, conflicts_with = "services")]
    no_services: bool,
    /// Default yearly free hours of the class's free-hours contracts (20, 1h30, 90m).
    #[arg(long, value_name = "HOURS")]
    free_hours: Option<String>,
    /// Higher is served first.
    #[arg(long)]
    priority: Option<i64>,
}

impl ClassFields {
    fn over(self, mut base: CustomerClassInput) -> Result<CustomerClassInput> {
        if let Some(n) = self.name {
            base.name = n;
        }
        if self.no_channels {
            base.channels.clear();
        } else if !self.channels.is_empty() {
            base.channels = self.channels;
        }
        if self.no_services {
            base.services.clear();
        } else if !self.services.is_empty() {
            base.services = self.services;
        }
        if let Some(h) = self.free_hours {
            base.free_minutes_per_year = parse::minutes("free_minutes_per_year", &h, Unit::Hours)?;
        }
        if let Some(p) = self.priority {
            base.priority = p;
        }
        Ok(base)
    }
}

#[derive(Subcommand)]
pub enum ClassCommand {
    /// List customer classes, highest priority first.
    List,
    /// Show a class by code (or id).
    Show { class: String },
    /// Create a class.
    Create {
        /// Lower-case letters, digits and _ (clients refer to it; it cannot change).
        #[arg(long)]
        code: String,
        #[command(flatten)]
        fields: ClassFields,
    },
    /// Edit a class (only the given settings change).
    Edit {
        /// Code or id.
        class: String,
        #[command(flatten)]
        fields: ClassFields,
    },
    /// Install the four preset classes (no licence, licence, agreement, pay per incident).
    Presets,
}

fn find(store: &Store, reference: &str) -> Result<CustomerClass> {
    match reference.parse::<CustomerClassId>() {
        Ok(id) => classes::get(store, id),
        Err(_) => classes::get_by_code(store, reference),
    }
}

fn input_of(c: &CustomerClass) -> CustomerClassInput {
    CustomerClassInput {
        code: c.code.clone(),
        name: c.name.clone(),
        channels: c.channels.clone(),
        services: c.services.clone(),
        free_minutes_per_year: c.free_minutes_per_year,
        priority: c.priority,
    }
}

fn print_class(c: &CustomerClass) -> String {
    format!(
        "{} [{}]{}  priorità {}\n  canali: {}\n  servizi: {}\n  ore gratuite annue: {}\n  id {}",
        c.name,
        c.code,
        if c.archived { "  [archiviata]" } else { "" },
        c.priority,
        list(&c.channels),
        list(&c.services),
        hm(c.free_minutes_per_year),
        c.id
    )
}

fn print_list(l: &[CustomerClass]) -> String {
    if l.is_empty() {
        return "nessuna classe: `class presets` installa le quattro classi tipiche".into();
    }
    l.iter()
        .map(|c| {
            format!(
                "{:<18} {:<28} priorità {}  canali {}  servizi {}",
                c.code,
                c.name,
                c.priority,
                list(&c.channels),
                list(&c.services)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn run(store: &mut Store, out: Out, c: ClassCommand) -> Result<()> {
    match c {
        ClassCommand::List => out.emit(&classes::list(store)?, |l| print_list(l)),
        ClassCommand::Show { class } => out.emit(&find(store, &class)?, print_class),
        ClassCommand::Create { code, fields } => {
            let input = fields.over(CustomerClassInput {
                code,
                ..CustomerClassInput::default()
            })?;
            out.emit(&classes::create(store, &input)?, print_class);
        }
        ClassCommand::Edit { class, fields } => {
            let current = find(store, &class)?;
            let input = fields.over(input_of(&current))?;
            out.emit(&classes::update(store, current.id, &input)?, print_class);
        }
        ClassCommand::Presets => out.emit(&classes::install_presets(store)?, |l| print_list(l)),
    }
    Ok(())
}
