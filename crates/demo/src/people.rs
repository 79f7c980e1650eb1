//! Demo shop, technicians, clients, sites and contacts.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::data::*;
use super::services::Services;
use super::{DemoReport, Gen};
use rapportino_core::error::Result;
use rapportino_core::ids::{ClientId, ContactId, DeviceId, SiteId, TechnicianId};
use rapportino_core::setup::{SeverityLabels, ShopProfile};
use rapportino_core::store::{field, Entity, Store};
use rapportino_core::validate::{fiscal_code_check_char, vat_check_digit};

pub(crate) struct DemoTechnician {
    pub id: TechnicianId,
    pub code: &'static str,
    pub device: DeviceId,
}

pub(crate) struct DemoClient {
    /// Position in creation order (the history's skewed pick favours the first ones).
    pub index: usize,
    pub id: ClientId,
    pub sites: Vec<SiteId>,
    pub contacts: Vec<ContactId>,
}

pub(crate) fn write_shop_and_technicians(
    store: &mut Store,
    gen: &mut Gen,
    this_device: DeviceId,
    at: DateTime<Utc>,
) -> Result<Vec<DemoTechnician>> {
    store.write(|tx| {
        let shop = ShopProfile {
            name: "InfoService Lombarda S.r.l.".into(),
            address: rapportino_core::address::Address {
                street: Some("Via dell'Innovazione 12".into()),
                postcode: Some("20126".into()),
                city: Some("Milano".into()),
                province: Some("MI".into()),
            },
            vat_number: Some("12345670017".into()),
            email: Some("assistenza@infoservice-demo.it".into()),
            phone: Some("+39 02 1234567".into()),
            ..Default::default()
        };
        let text = |v: &dyn erased::Json| Value::String(v.json());
        tx.insert_stamped(
            Entity::Setting,
            "shop",
            vec![("value", text(&shop))],
            gen.stamp(at),
        )?;
        tx.insert_stamped(
            Entity::Setting,
            "severity_labels",
            vec![("value", text(&SeverityLabels::default()))],
            gen.stamp(at),
        )?;
        let mut techs = Vec::new();
        for (i, (code, name)) in TECHNICIANS.iter().enumerate() {
            let id = TechnicianId(gen.uuid_at(at));
            let email = format!(
                "{}@infoservice-demo.it",
                name.split(' ').next().unwrap_or("tecnico").to_lowercase()
            );
            tx.insert_stamped(
                Entity::Technician,
                &id.to_string(),
                vec![
                    ("code", field::text(*code)),
                    ("name", field::text(*name)),
                    ("email", field::text(email)),
                    (
                        "phone",
                        field::text(format!("+39 347 {:07}", gen.range(0, 9_999_999))),
                    ),
                    ("active", field::flag(true)),
                ],
                gen.stamp(at),
            )?;
            // The first technician uses this device; the others have their own laptops.
            let device = if i == 0 {
                this_device
            } else {
                DeviceId(gen.uuid_at(at))
            };
            tx.insert_stamped(
                Entity::Device,
                &device.to_string(),
                vec![
                    ("code", field::text(*code)),
                    ("technician_id", field::text(id.to_string())),
                    ("name", field::text(format!("Portatile di {name}"))),
                ],
                gen.stamp(at),
            )?;
            if i == 0 {
                tx.set_local("device_code", code)?;
                tx.set_local("technician_id", &id.to_string())?;
            }
            techs.push(DemoTechnician { id, code, device });
        }
        Ok(techs)
    })
}

/// Minimal "serialise to JSON text" helper so settings of different types share one closure.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

fn vat_number(gen: &mut Gen) -> String {
    let mut d = [0u8; 10];
    for x in d.iter_mut().take(7) {
        *x = gen.range(0, 9) as u8;
    }
    d[0] = gen.range(0, 9) as u8;
    d[6] = gen.range(1, 9) as u8; // never all zeros
    let office = gen.range(1, 100) as u8; // provincial office code 001–100
    d[7] = office / 100;
    d[8] = (office / 10) % 10;
    d[9] = office % 10;
    let check = vat_check_digit(&d);
    d.iter()
        .chain(std::iter::once(&check))
        .map(|x| char::from(b'0' + x))
        .collect()
}

fn consonants_vowels(s: &str) -> (Vec<char>, Vec<char>) {
    let up: Vec<char> = s
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    let vowels: Vec<char> = up
        .iter()
        .copied()
        .filter(|c| "AEIOU".contains(*c))
        .collect();
    let cons: Vec<char> = up
        .iter()
        .copied()
        .filter(|c| !"AEIOU".contains(*c))
        .collect();
    (cons, vowels)
}

fn name_part(s: &str, first_name: bool) -> String {
    let (c, v) = consonants_vowels(s);
    let letters: Vec<char> = if first_name && c.len() >= 4 {
        vec![c[0], c[2], c[3]]
    } else {
        c.iter()
            .chain(v.iter())
            .copied()
            .chain(std::iter::repeat('X'))
            .take(3)
            .collect()
    };
    letters.into_iter().take(3).collect()
}

/// A valid personal Codice Fiscale for a person born in `cadastral`.
fn fiscal_code(gen: &mut Gen, surname: &str, name: &str, female: bool, cadastral: &str) -> String {
    const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
    let year = gen.range(50, 99);
    let month = MONTHS[gen.range(0, 11) as usize] as char;
    let day = gen.range(1, 28) + if female { 40 } else { 0 };
    let first15 = format!(
        "{}{}{year:02}{month}{day:02}{cadastral}",
        name_part(surname, false),
        name_part(name, true)
    );
    let check = fiscal_code_check_char(first15.as_bytes());
    format!("{first15}{check}")
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

pub(crate) fn write_clients(
    store: &mut Store,
    gen: &mut Gen,
    svc: &mut Services,
    count: u32,
    at: DateTime<Utc>,
    report: &mut DemoReport,
) -> Result<Vec<DemoClient>> {
    let mut clients = Vec::with_capacity(count as usize);
    let mut done = 0u32;
    while done < count {
        let chunk = (count - done).min(5_000);
        store.write(|tx| {
            for n in done..done + chunk {
                let town = *gen.pick(TOWNS);
                let surname = *gen.pick(SURNAMES);
                let (first, female) = *gen.pick(FIRST_NAMES);
                let person = gen.chance(0.15);
                // The class drawn here predates the service models and is kept only so the rest of
                // the stream (and so every later row) stays the same; the segment decides the class.
                let (name, vat, cf, _drawn_class) = if person {
                    let cf = fiscal_code(gen, surname, first, female, town.3);
                    let title = if gen.chance(0.5) { "Studio" } else { "Dott." };
                    let class = *gen.pick(&["none", "pay_per_incident", "licence"]);
                    (format!("{title} {first} {surname}"), None, Some(cf), class)
                } else {
                    let vat = vat_number(gen);
                    let kind = *gen.pick(BUSINESS_KINDS);
                    let other = *gen.pick(SURNAMES);
                    let form = *gen.pick(LEGAL_FORMS);
                    let name = if gen.chance(0.5) {
                        format!("{kind} {surname} {form}")
                    } else {
                        format!("{kind} {surname} & {other} {form}")
                    };
                    let class = *gen.pick(&[
                        "service_agreement",
                        "service_agreement",
                        "licence",
                        "none",
                        "pay_per_incident",
                    ]);
                    (name, Some(vat.clone()), Some(vat), class)
                };
                let (class, patron) = svc.plan_client(town.0);
                let domain = format!("{}.it", slug(&format!("{surname}{}", n % 97)));
                let id = ClientId(gen.uuid_at(at));
                let street = format!("{} {}", gen.pick(STREETS), gen.range(1, 180));
                tx.insert_stamped(
                    Entity::Client,
                    &id.to_string(),
                    vec![
                        ("name", field::text(&name)),
                        ("vat_number", field::opt_text(vat)),
                        ("fiscal_code", field::opt_text(cf)),
                        ("street", field::text(&street)),
                        ("postcode", field::text(town.2)),
                        ("city", field::text(town.0)),
                        ("province", field::text(town.1)),
                        ("email", field::text(format!("info@{domain}"))),
                        (
                            "pec",
                            if person {
                                Value::Null
                            } else {
                                field::text(format!("{}@pec.it", slug(&name)))
                            },
                        ),
                        (
                            "phone",
                            field::text(format!(
                                "+39 0{} {:07}",
                                gen.range(10, 99),
                                gen.range(0, 9_999_999)
                            )),
                        ),
                        (
                            "notes",
                            if gen.chance(0.2) {
                                field::text(
                                    "Parcheggio nel cortile interno; chiedere in reception.",
                                )
                            } else {
                                Value::Null
                            },
                        ),
                        ("customer_class", field::text(class)),
                        ("archived", field::flag(gen.chance(0.03))),
                        ("patron_day", field::opt_text(patron)),
                    ],
                    gen.stamp(at),
                )?;
                let mut client = DemoClient {
                    index: n as usize,
                    id,
                    sites: Vec::new(),
                    contacts: Vec::new(),
                };
                for s in 0..gen.range(1, 3) {
                    let site_town = if s == 0 { town } else { *gen.pick(TOWNS) };
                    let site = SiteId(gen.uuid_at(at));
                    tx.insert_stamped(
                        Entity::Site,
                        &site.to_string(),
                        vec![
                            ("client_id", field::text(id.to_string())),
                            (
                                "name",
                                field::text(if s == 0 {
                                    "Sede legale"
                                } else {
                                    *gen.pick(SITE_NAMES)
                                }),
                            ),
                            (
                                "street",
                                field::text(if s == 0 {
                                    street.clone()
                                } else {
                                    format!("{} {}", gen.pick(STREETS), gen.range(1, 180))
                                }),
                            ),
                            ("postcode", field::text(site_town.2)),
                            ("city", field::text(site_town.0)),
                            ("province", field::text(site_town.1)),
                            (
                                "patron_day",
                                field::opt_text(super::services::patron_day(site_town.0)),
                            ),
                        ],
                        gen.stamp(at),
                    )?;
                    client.sites.push(site);
                    report.sites += 1;
                }
                for c in 0..gen.range(1, 4) {
                    let cs = *gen.pick(SURNAMES);
                    let (cf_name, _) = *gen.pick(FIRST_NAMES);
                    let contact = ContactId(gen.uuid_at(at));
                    tx.insert_stamped(
                        Entity::Contact,
                        &contact.to_string(),
                        vec![
                            ("client_id", field::text(id.to_string())),
                            ("name", field::text(format!("{cf_name} {cs}"))),
                            ("role", field::text(*gen.pick(CONTACT_ROLES))),
                            (
                                "email",
                                field::text(format!("{}.{}@{domain}", slug(cf_name), slug(cs))),
                            ),
                            (
                                "phone",
                                field::text(format!(
                                    "+39 3{} {:07}",
                                    gen.range(20, 99),
                                    gen.range(0, 9_999_999)
                                )),
                            ),
                            ("authorised", field::flag(c == 0 || gen.chance(0.4))),
                        ],
                        gen.stamp(at),
                    )?;
                    client.contacts.push(contact);
                    report.contacts += 1;
                }
                clients.push(client);
                report.clients += 1;
            }
            Ok(())
        })?;
        done += chunk;
    }
    Ok(clients)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rapportino_core::validate::{validate_fiscal_code, validate_vat_number};

    #[test]
    fn generated_tax_ids_are_valid() {
        let mut gen = Gen {
            rng: rand::rngs::ChaCha8Rng::seed_from_u64(7),
        };
        for _ in 0..500 {
            validate_vat_number("v", &vat_number(&mut gen)).unwrap();
            let cf = fiscal_code(&mut gen, "De Luca", "Giulia", true, "F205");
            validate_fiscal_code("c", &cf).unwrap();
        }
        assert_eq!(name_part("Rossi", false), "RSS");
        assert_eq!(name_part("Marco", true), "MRC");
        assert_eq!(name_part("Francesca", true), "FNC");
    }
}
