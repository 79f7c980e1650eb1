use clap::{Args, Subcommand};
use rapportino_core::setup::{self, OnboardingInput, SetupStatus, SeverityLabels, ShopProfile};
use rapportino_core::technicians::{self, Technician, TechnicianInput};
use rapportino_core::{Result, Store};

use crate::output::{or_dash, Out};

#[derive(Args)]
pub struct OnboardArgs {
    /// Shop name (ragione sociale).
    #[arg(long)]
    shop: String,
    /// Technician's full name.
    #[arg(long)]
    name: String,
    /// Technician's code, 2–4 letters (e.g. MR).
    #[arg(long)]
    code: String,
    /// This device's code (default: the technician's code; e.g. MR2 for a second laptop).
    #[arg(long)]
    device_code: Option<String>,
}

#[derive(Subcommand)]
pub enum ShopCommand {
    /// Show the shop data.
    Show,
    /// The logo printed on reports and statements: a PNG or JPEG file (at most 5 MB).
    Logo {
        /// The image file.
        #[arg(required_unless_present = "clear")]
        file: Option<std::path::PathBuf>,
        /// Remove the logo instead.
        #[arg(long, conflicts_with = "file")]
        clear: bool,
    },
    /// Name the three severity classes as this shop calls them.
    Labels {
        #[arg(long)]
        blocking: String,
        #[arg(long)]
        degraded: String,
        #[arg(long)]
        request: String,
    },
    /// Set the shop data.
    Set {
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
        vat: Option<String>,
        /// Codice Fiscale (11 digits for a company, 16 characters for a sole trader).
        #[arg(long)]
        fiscal_code: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Posta elettronica certificata.
        #[arg(long)]
        pec: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TechnicianCommand {
    /// Add a technician.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// List technicians.
    List,
}

fn print_status(s: &SetupStatus) -> String {
    if !s.onboarded {
        return format!(
            "dispositivo {} non ancora configurato: usa `rapportino-cli onboard`",
            s.device_id
        );
    }
    format!(
        "negozio:   {}\ntecnico:   {}\ndispositivo: {} ({})",
        s.shop.as_ref().map_or("—", |p| p.name.as_str()),
        s.technician
            .as_ref()
            .map_or("—".to_owned(), |t| format!("{} [{}]", t.name, t.code)),
        or_dash(&s.device_code),
        s.device_id
    )
}

pub fn onboard(store: &mut Store, out: Out, a: OnboardArgs) -> Result<()> {
    let status = setup::onboard(
        store,
        &OnboardingInput {
            shop_name: a.shop,
            technician_name: a.name,
            technician_code: a.code,
            device_code: a.device_code,
        },
    )?;
    out.emit(&status, print_status);
    Ok(())
}

pub fn status(store: &mut Store, out: Out) -> Result<()> {
    out.emit(&setup::status(store)?, print_status);
    Ok(())
}

pub fn shop(store: &mut Store, out: Out, c: ShopCommand) -> Result<()> {
    let profile = match c {
        ShopCommand::Show => setup::status(store)?.shop.unwrap_or_default(),
        ShopCommand::Logo { file, clear } => {
            let info = match file {
                Some(path) if !clear => {
                    let bytes = rapportino_core::reports::logo::read_file(&path)?;
                    let logo = rapportino_core::reports::logo::set(store, &bytes)?;
                    serde_json::json!({ "logo": { "width": logo.width, "height": logo.height, "bytes": logo.png.len() } })
                }
                _ => {
                    rapportino_core::reports::logo::clear(store)?;
                    serde_json::json!({ "logo": null })
                }
            };
            out.emit(&info, |v| match &v["logo"] {
                serde_json::Value::Null => "logo rimosso".to_owned(),
                l => format!("logo salvato: {}×{} px", l["width"], l["height"]),
            });
            return Ok(());
        }
        ShopCommand::Labels {
            blocking,
            degraded,
            request,
        } => {
            let labels = setup::set_severity_labels(
                store,
                &SeverityLabels {
                    blocking,
                    degraded,
                    request,
                },
            )?;
            out.emit(&labels, |l| {
                format!("gravità: {} / {} / {}", l.blocking, l.degraded, l.request)
            });
            return Ok(());
        }
        ShopCommand::Set {
            name,
            street,
            postcode,
            city,
            province,
            vat,
            fiscal_code,
            email,
            pec,
            phone,
        } => setup::update_shop(
            store,
            &ShopProfile {
                name,
                address: rapportino_core::address::Address {
                    street,
                    postcode,
                    city,
                    province,
                },
                vat_number: vat,
                fiscal_code,
                email,
                pec,
                phone,
            },
        )?,
    };
    out.emit(&profile, |p| {
        format!(
            "{}\n{} {} {} {}\nP.IVA {}  {}  {}",
            p.name,
            or_dash(&p.address.street),
            or_dash(&p.address.postcode),
            or_dash(&p.address.city),
            or_dash(&p.address.province),
            or_dash(&p.vat_number),
            or_dash(&p.email),
            or_dash(&p.phone)
        )
    });
    Ok(())
}

fn print_technician(t: &Technician) -> String {
    format!("{:4} {} {}  {}", t.code, t.name, or_dash(&t.email), t.id)
}

pub fn technician(store: &mut Store, out: Out, c: TechnicianCommand) -> Result<()> {
    match c {
        TechnicianCommand::Add {
            code,
            name,
            email,
            phone,
        } => {
            let t = technicians::create(
                store,
                &TechnicianInput {
                    code,
                    name,
                    email,
                    phone,
                },
            )?;
            out.emit(&t, print_technician);
        }
        TechnicianCommand::List => {
            let list = technicians::list(store)?;
            out.emit(&list, |l| {
                l.iter()
                    .map(print_technician)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
