use clap::{Args, Subcommand};
use rapportino_core::clients::{self, Client, ClientFilter, ClientInput};
use rapportino_core::contacts::{self, Contact, ContactInput};
use rapportino_core::format::{hours_minutes, local_datetime};
use rapportino_core::ids::{ClientId, ContactId, SiteId};
use rapportino_core::sites::{self, Site, SiteInput};
use rapportino_core::views;
use rapportino_core::{Result, Store};

use super::Paging;
use crate::output::{cell, more, or_dash, Out};

#[derive(Args, Clone, Default)]
pub struct ClientFields {
    /// Business name or person's name.
    #[arg(long)]
    name: Option<String>,
    /// Partita IVA (11 digits, check digit verified).
    #[arg(long = "vat")]
    vat_number: Option<String>,
    /// Codice Fiscale (16 characters, or 11 digits for a company).
    #[arg(long = "cf")]
    fiscal_code: Option<String>,
    #[arg(long)]
    street: Option<String>,
    /// CAP, 5 digits.
    #[arg(long)]
    postcode: Option<String>,
    #[arg(long)]
    city: Option<String>,
    /// Province, 2 letters.
    #[arg(long)]
    province: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    pec: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// Customer class (none, licence, service_agreement, pay_per_incident…).
    #[arg(long = "class")]
    customer_class: Option<String>,
    /// The local patron saint's day, closed on 5x8-style calendars (DD/MM, e.g. 07/12).
    #[arg(long = "patron-day")]
    patron_day: Option<String>,
    /// The client's id in another tool (re-imports match on it); "" clears it.
    #[arg(long = "external-id")]
    external_id: Option<String>,
}

impl ClientFields {
    /// Fields given on the command line over `base` (edit keeps what is not given).
    fn over(self, base: ClientInput) -> ClientInput {
        ClientInput {
            name: self.name.unwrap_or(base.name),
            vat_number: self.vat_number.or(base.vat_number),
            fiscal_code: self.fiscal_code.or(base.fiscal_code),
            address: rapportino_core::address::Address {
                street: self.street.or(base.address.street),
                postcode: self.postcode.or(base.address.postcode),
                city: self.city.or(base.address.city),
                province: self.province.or(base.address.province),
            },
            email: self.email.or(base.email),
            pec: self.pec.or(base.pec),
            phone: self.phone.or(base.phone),
            notes: self.notes.or(base.notes),
            customer_class: self.customer_class.or(base.customer_class),
            patron_day: self.patron_day.or(base.patron_day),
            external_id: self.external_id.or(base.external_id),
        }
    }
}

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Add a client.
    Add(ClientFields),
    /// Edit a client (only the given fields change).
    Edit {
        id: ClientId,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// Archive a client (or bring it back with --undo).
    Archive {
        id: ClientId,
        #[arg(long)]
        undo: bool,
    },
    /// Open a client: data, sites, contacts, open tickets, last 20 interventions.
    Show { id: ClientId },
    /// List clients by name.
    List {
        /// Name contains.
        #[arg(long)]
        name: Option<String>,
        /// Include archived clients.
        #[arg(long)]
        archived: bool,
        #[command(flatten)]
        paging: Paging,
    },
}

fn print_client(c: &Client) -> String {
    format!(
        "{}{}\n  P.IVA {}  CF {}\n  {} {} {} ({})\n  {}  PEC {}  tel {}\n  classe {}  id {}",
        c.name,
        if c.archived { "  [archiviato]" } else { "" },
        or_dash(&c.vat_number),
        or_dash(&c.fiscal_code),
        or_dash(&c.address.street),
        or_dash(&c.address.postcode),
        or_dash(&c.address.city),
        or_dash(&c.address.province),
        or_dash(&c.email),
        or_dash(&c.pec),
        or_dash(&c.phone),
        c.customer_class,
        c.id
    )
}

pub fn client(store: &mut Store, out: Out, c: ClientCommand) -> Result<()> {
    match c {
        ClientCommand::Add(fields) => {
            let client = clients::create(store, &fields.over(ClientInput::default()))?;
            out.emit(&client, print_client);
        }
        ClientCommand::Edit { id, fields } => {
            let current = clients::get(store, id)?;
            let client = clients::update(store, id, &fields.over(ClientInput::from(&current)))?;
            out.emit(&client, print_client);
        }
        ClientCommand::Archive { id, undo } => {
            let client = clients::set_archived(store, id, !undo)?;
            out.emit(&client, print_client);
        }
        ClientCommand::Show { id } => {
            let tz = store.tz();
            let o = views::client_overview(store, id)?;
            out.emit(&o, |o| {
                let mut s = print_client(&o.client);
                s.push_str("\n\nSedi:");
                for site in &o.sites {
                    s.push_str(&format!(
                        "\n  {} — {} {}",
                        site.name,
                        or_dash(&site.address.street),
                        or_dash(&site.address.city)
                    ));
                }
                s.push_str("\nReferenti:");
                for c in &o.contacts {
                    let auth = if c.authorised { " (autorizzato)" } else { "" };
                    s.push_str(&format!(
                        "\n  {} {} {}{auth}",
                        c.name,
                        or_dash(&c.role),
                        or_dash(&c.email)
                    ));
                }
                s.push_str("\nTicket aperti:");
                for t in &o.open_tickets {
                    s.push_str(&format!(
                        "\n  {} {} [{}] {}",
                        t.number,
                        local_datetime(&t.opened_at, tz),
                        t.status,
                        t.title
                    ));
                }
                s.push_str("\nUltimi interventi:");
                for i in &o.recent_interventions {
                    s.push_str(&format!(
                        "\n  {} {} {} {} {}",
                        local_datetime(&i.created_at, tz),
                        i.ticket_number,
                        i.mode,
                        i.technician_code,
                        hours_minutes(i.billable_seconds)
                    ));
                }
                s
            });
        }
        ClientCommand::List {
            name,
            archived,
            paging,
        } => {
            let page = clients::list(
                store,
                &ClientFilter {
                    name,
                    include_archived: Some(archived),
                },
                &paging.into(),
            )?;
            out.emit(&page, |p| {
                let mut s: Vec<String> = p
                    .items
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {} {} {}",
                            cell(&c.name, 44),
                            cell(or_dash(&c.vat_number), 11),
                            cell(or_dash(&c.address.city), 16),
                            c.id
                        )
                    })
                    .collect();
                s.push(more(p.has_more, p.offset, p.limit));
                s.join("\n")
            });
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct SiteFields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    street: Option<String>,
    #[arg(long)]
    postcode: Option<String>,
    #[arg(long)]
    city: Option<String>,
    #[arg(long)]
    province: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// The site's patron saint's day (DD/MM), overriding the client's.
    #[arg(long = "patron-day")]
    patron_day: Option<String>,
}

impl From<SiteFields> for SiteInput {
    fn from(f: SiteFields) -> Self {
        SiteInput {
            name: f.name,
            address: rapportino_core::address::Address {
                street: f.street,
                postcode: f.postcode,
                city: f.city,
                province: f.province,
            },
            notes: f.notes,
            patron_day: f.patron_day,
        }
    }
}

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Add a site to a client.
    Add {
        client: ClientId,
        #[command(flatten)]
        fields: SiteFields,
    },
    /// Edit a site (the whole form: fields not given become empty).
    Edit {
        id: SiteId,
        #[command(flatten)]
        fields: SiteFields,
    },
    /// List a client's sites.
    List { client: ClientId },
}

fn print_site(s: &Site) -> String {
    format!(
        "{} — {} {} {} ({})  {}",
        s.name,
        or_dash(&s.address.street),
        or_dash(&s.address.postcode),
        or_dash(&s.address.city),
        or_dash(&s.address.province),
        s.id
    )
}

pub fn site(store: &mut Store, out: Out, c: SiteCommand) -> Result<()> {
    match c {
        SiteCommand::Add { client, fields } => {
            out.emit(&sites::create(store, client, &fields.into())?, print_site)
        }
        SiteCommand::Edit { id, fields } => {
            out.emit(&sites::update(store, id, &fields.into())?, print_site)
        }
        SiteCommand::List { client } => out.emit(&sites::list_for_client(store, client)?, |l| {
            l.iter().map(print_site).collect::<Vec<_>>().join("\n")
        }),
    }
    Ok(())
}

#[derive(Args)]
pub struct ContactFields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    role: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    /// May open requests for the client (needs an e-mail).
    #[arg(long)]
    authorised: bool,
}

impl From<ContactFields> for ContactInput {
    fn from(f: ContactFields) -> Self {
        ContactInput {
            name: f.name,
            role: f.role,
            email: f.email,
            phone: f.phone,
            authorised: f.authorised,
            notes: None,
        }
    }
}

#[derive(Subcommand)]
pub enum ContactCommand {
    /// Add a contact to a client.
    Add {
        client: ClientId,
        #[command(flatten)]
        fields: ContactFields,
    },
    /// Edit a contact (the whole form: fields not given become empty).
    Edit {
        id: ContactId,
        #[command(flatten)]
        fields: ContactFields,
    },
    /// List a client's contacts.
    List { client: ClientId },
    /// Which clients an e-mail address may open requests for.
    Authorised { email: String },
}

fn print_contact(c: &Contact) -> String {
    let auth = if c.authorised { " [autorizzato]" } else { "" };
    format!(
        "{} {} {} {}{auth}  {}",
        c.name,
        or_dash(&c.role),
        or_dash(&c.email),
        or_dash(&c.phone),
        c.id
    )
}

pub fn contact(store: &mut Store, out: Out, c: ContactCommand) -> Result<()> {
    match c {
        ContactCommand::Add { client, fields } => {
            out.emit(
                &contacts::create(store, client, &fields.into())?,
                print_contact,
            );
        }
        ContactCommand::Edit { id, fields } => {
            out.emit(&contacts::update(store, id, &fields.into())?, print_contact);
        }
        ContactCommand::List { client } => out
            .emit(&contacts::list_for_client(store, client)?, |l| {
                l.iter().map(print_contact).collect::<Vec<_>>().join("\n")
            }),
        ContactCommand::Authorised { email } => {
            let ids = contacts::clients_authorising(store, &email)?;
            out.emit(&ids, |ids| {
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
