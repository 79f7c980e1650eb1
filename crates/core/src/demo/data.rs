//! Word lists for the demo: real Italian towns (province, CAP, cadastral code for the Codice
//! Fiscale), names, and what IT tickets and interventions actually say.

/// (town, province, CAP, cadastral code)
pub const TOWNS: &[(&str, &str, &str, &str)] = &[
    ("Milano", "MI", "20121", "F205"),
    ("Roma", "RM", "00184", "H501"),
    ("Torino", "TO", "10121", "L219"),
    ("Napoli", "NA", "80133", "F839"),
    ("Bologna", "BO", "40121", "A944"),
    ("Firenze", "FI", "50122", "D612"),
    ("Genova", "GE", "16121", "D969"),
    ("Venezia", "VE", "30124", "L736"),
    ("Verona", "VR", "37121", "L781"),
    ("Padova", "PD", "35122", "G224"),
    ("Bari", "BA", "70121", "A662"),
    ("Palermo", "PA", "90133", "G273"),
    ("Catania", "CT", "95124", "C351"),
    ("Brescia", "BS", "25121", "B157"),
    ("Bergamo", "BG", "24121", "A794"),
    ("Trieste", "TS", "34121", "L424"),
    ("Parma", "PR", "43121", "G337"),
    ("Modena", "MO", "41121", "F257"),
    ("Reggio Emilia", "RE", "42121", "H223"),
    ("Perugia", "PG", "06121", "G478"),
    ("Ancona", "AN", "60121", "A271"),
    ("Pescara", "PE", "65121", "G482"),
    ("Cagliari", "CA", "09124", "B354"),
    ("Trento", "TN", "38122", "L378"),
    ("Bolzano", "BZ", "39100", "A952"),
    ("Udine", "UD", "33100", "L483"),
    ("Vicenza", "VI", "36100", "L840"),
    ("Treviso", "TV", "31100", "L407"),
    ("Monza", "MB", "20900", "F704"),
    ("Como", "CO", "22100", "C933"),
    ("Lecco", "LC", "23900", "E507"),
    ("Varese", "VA", "21100", "L682"),
    ("Pavia", "PV", "27100", "G388"),
    ("Cremona", "CR", "26100", "D150"),
    ("Mantova", "MN", "46100", "E897"),
    ("Piacenza", "PC", "29121", "G535"),
    ("Rimini", "RN", "47921", "H294"),
    ("Ravenna", "RA", "48121", "H199"),
    ("Ferrara", "FE", "44121", "D548"),
    ("Lucca", "LU", "55100", "E715"),
    ("Pisa", "PI", "56125", "G702"),
    ("Livorno", "LI", "57123", "E625"),
    ("Siena", "SI", "53100", "I726"),
    ("Arezzo", "AR", "52100", "A390"),
    ("Novara", "NO", "28100", "F952"),
    ("Alessandria", "AL", "15121", "A182"),
    ("Asti", "AT", "14100", "A479"),
    ("Cuneo", "CN", "12100", "D205"),
    ("Salerno", "SA", "84121", "H703"),
    ("Lecce", "LE", "73100", "E506"),
    ("Messina", "ME", "98122", "F158"),
    ("Sassari", "SS", "07100", "I452"),
    ("La Spezia", "SP", "19121", "E463"),
    ("Savona", "SV", "17100", "I480"),
    ("Pordenone", "PN", "33170", "G888"),
    ("Belluno", "BL", "32100", "A757"),
    ("Rovigo", "RO", "45100", "H620"),
];

pub const STREETS: &[&str] = &[
    "Via Roma", "Via Giuseppe Garibaldi", "Corso Italia", "Via Giuseppe Mazzini", "Viale della Repubblica",
    "Piazza del Duomo", "Via XX Settembre", "Via Dante Alighieri", "Via Giuseppe Verdi", "Via Camillo Cavour",
    "Via Alessandro Manzoni", "Via Guglielmo Marconi", "Via dell'Industria", "Via dell'Artigianato",
    "Corso Vittorio Emanuele II", "Via Trieste", "Via Milano", "Viale Europa", "Via Leonardo da Vinci",
    "Via San Francesco", "Via Nazionale", "Via Galileo Galilei", "Via Enrico Fermi", "Via delle Industrie",
];

pub const SURNAMES: &[&str] = &[
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
    "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
];

/// (first name, female)
pub const FIRST_NAMES: &[(&str, bool)] = &[
    ("Marco", false), ("Giulia", true), ("Luca", false), ("Francesca", true), ("Andrea", false), ("Chiara", true),
    ("Matteo", false), ("Sara", true), ("Alessandro", false), ("Elena", true), ("Davide", false), ("Valentina", true),
    ("Simone", false), ("Federica", true), ("Stefano", false), ("Laura", true), ("Paolo", false), ("Martina", true),
    ("Roberto", false), ("Silvia", true), ("Giorgio", false), ("Anna", true), ("Francesco", false), ("Alessia", true),
    ("Lorenzo", false), ("Paola", true), ("Riccardo", false), ("Monica", true), ("Fabio", false), ("Barbara", true),
];

pub const BUSINESS_KINDS: &[&str] = &[
    "Studio Tecnico", "Officine Meccaniche", "Farmacia", "Ristorante", "Hotel", "Autofficina", "Studio Legale",
    "Studio Commercialista", "Ferramenta", "Panificio", "Studio Dentistico", "Agenzia Immobiliare", "Tipografia",
    "Carpenteria", "Logistica", "Ottica", "Poliambulatorio", "Edilizia", "Assicurazioni", "Caseificio",
];

pub const LEGAL_FORMS: &[&str] = &["S.r.l.", "S.r.l.", "S.r.l.", "S.n.c.", "S.a.s.", "S.p.A.", "S.r.l.s."];

pub const SITE_NAMES: &[&str] = &["Sede legale", "Magazzino", "Filiale", "Laboratorio", "Punto vendita", "Uffici"];

pub const CONTACT_ROLES: &[&str] = &["Titolare", "Amministrazione", "Responsabile IT", "Segreteria", "Direttore", "Ufficio acquisti"];

pub const CATEGORIES: &[&str] = &["Server", "Rete", "Posta", "Stampanti", "Postazioni", "Backup", "Sicurezza", "Software", "Telefonia"];

/// Ticket titles per severity class: blocking, degraded, request.
pub const TITLES_BLOCKING: &[&str] = &[
    "Server non si avvia", "Rete aziendale non raggiungibile", "Posta elettronica ferma per tutti",
    "Gestionale non accessibile da nessuna postazione", "NAS non risponde, backup fermo", "Centralino VoIP fuori servizio",
    "Connessione internet assente", "Ransomware: file cifrati sul server",
];
pub const TITLES_DEGRADED: &[&str] = &[
    "Stampante di rete non stampa", "Wi-Fi lento in magazzino", "VPN instabile per alcuni utenti",
    "PC dell'amministrazione molto lento", "Un utente non riceve e-mail", "Scanner non invia alla cartella condivisa",
    "Disco del server quasi pieno", "Certificato del sito in scadenza", "Telefono di un interno non squilla",
];
pub const TITLES_REQUEST: &[&str] = &[
    "Creare nuovo utente", "Installare Office su nuovo PC", "Configurare casella PEC", "Preventivo per nuovo server",
    "Aggiornare antivirus sulle postazioni", "Spostare postazione in altro ufficio", "Informazioni su backup in cloud",
    "Aggiungere stampante al PC della segreteria", "Abilitare accesso remoto per il titolare",
];

pub const DESCRIPTIONS: &[&str] = &[
    "Il cliente segnala il problema da questa mattina.",
    "Già riavviato il dispositivo senza risultato.",
    "Il problema si presenta a intermittenza, soprattutto nel pomeriggio.",
    "Riguarda tutti gli utenti dell'ufficio.",
    "Urgente per la chiusura contabile di fine mese.",
    "Il titolare chiede di essere richiamato.",
    "Segnalazione arrivata dal sistema di monitoraggio.",
];

pub const WORK_DONE: &[&str] = &[
    "Verificato lo stato del server e dei dischi RAID.",
    "Sostituito alimentatore guasto.",
    "Riavviato il servizio di stampa e svuotata la coda.",
    "Aggiornato il firmware del firewall.",
    "Ricreato il profilo utente di Windows.",
    "Configurato il client di posta con IMAP e SMTP autenticato.",
    "Controllati i log di sistema: nessun errore critico.",
    "Sostituito cavo di rete danneggiato nel rack.",
    "Installati gli aggiornamenti di Windows e riavviato.",
    "Ripristinati i file dal backup della notte precedente.",
    "Verificata la linea con il provider: guasto risolto dall'operatore.",
    "Pulizia del disco e rimozione dei file temporanei.",
    "Configurata la VPN sul portatile del titolare.",
    "Aggiornato il gestionale all'ultima versione.",
    "Sostituito il toner e stampata pagina di prova.",
    "Impostato il backup giornaliero su NAS con notifica via e-mail.",
    "Rimosso malware e cambiate le password dell'utente.",
    "Spiegato all'utente come recuperare i messaggi archiviati.",
];

pub const OUT_OF_CONTRACT_REASONS: &[&str] = &[
    "Guasto della linea del provider, non coperto dal contratto.",
    "Software di terze parti: contattato il fornitore.",
    "Danno da sovratensione: componente non coperto.",
];

/// (description, unit price in cents)
pub const MATERIALS: &[(&str, i64)] = &[
    ("Cavo di rete Cat6 3 m", 450),
    ("Alimentatore ATX 550 W", 6_500),
    ("Disco SSD 1 TB", 8_900),
    ("Toner HP 59A", 12_900),
    ("Switch 8 porte gigabit", 3_900),
    ("RAM DDR4 16 GB", 5_500),
    ("Batteria UPS 12 V 9 Ah", 3_200),
    ("Licenza antivirus 1 anno", 3_500),
    ("Mouse ottico USB", 900),
    ("Tastiera USB", 1_500),
    ("Access point Wi-Fi 6", 11_900),
    ("Disco HDD 4 TB NAS", 13_900),
];

/// (code, name) of the demo technicians; the first one uses this device.
pub const TECHNICIANS: &[(&str, &str)] = &[
    ("MR", "Marco Rinaldi"),
    ("LB", "Laura Bassi"),
    ("GF", "Giorgio Ferri"),
    ("AC", "Alessandra Conti"),
    ("DP", "Davide Pellegrini"),
    ("SV", "Silvia Villa"),
];
