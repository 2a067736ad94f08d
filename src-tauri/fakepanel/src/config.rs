//! What a fake panel serves: its size, seed, keys, quirks and starting faults.

use crate::faults::Faults;

/// A quirk real panels show, served on a share of rows (or pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quirk {
    /// `id`, `service_id`, `quantity`... as strings in some rows.
    IdsAsStrings,
    /// `charge.value` (and other money) as a string in some rows, a number in others.
    MoneyAsString,
    /// `start_count` null.
    StartCountNull,
    /// `remains` missing (then it equals quantity).
    RemainsMissing,
    /// Status spellings: `inprogress`, `In progress`, `cancelled`, and unknown ones kept.
    StatusVariants,
    /// `pagination` inside `data` instead of at the top.
    PaginationInData,
    /// `data` as a bare array instead of `{count, list}` on list answers.
    BareArrayData,
    /// Unicode and emoji in names and messages.
    Unicode,
    /// Script tags, event handlers and `javascript:` links in ticket messages.
    HostileHtml,
    /// Payments whose `user` is an object `{id, username}`.
    UserObjectInPayments,
    /// Message times named `created_at` / `date`, authors `author` instead of `staff_name`.
    MessageFieldAliases,
}

impl Quirk {
    pub const ALL: [Quirk; 11] = [
        Quirk::IdsAsStrings,
        Quirk::MoneyAsString,
        Quirk::StartCountNull,
        Quirk::RemainsMissing,
        Quirk::StatusVariants,
        Quirk::PaginationInData,
        Quirk::BareArrayData,
        Quirk::Unicode,
        Quirk::HostileHtml,
        Quirk::UserObjectInPayments,
        Quirk::MessageFieldAliases,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Quirk::IdsAsStrings => "ids-as-strings",
            Quirk::MoneyAsString => "money-as-string",
            Quirk::StartCountNull => "start-count-null",
            Quirk::RemainsMissing => "remains-missing",
            Quirk::StatusVariants => "status-variants",
            Quirk::PaginationInData => "pagination-in-data",
            Quirk::BareArrayData => "bare-array-data",
            Quirk::Unicode => "unicode",
            Quirk::HostileHtml => "hostile-html",
            Quirk::UserObjectInPayments => "user-object-in-payments",
            Quirk::MessageFieldAliases => "message-field-aliases",
        }
    }

    pub fn parse(name: &str) -> Option<Quirk> {
        Quirk::ALL.into_iter().find(|q| q.name() == name)
    }
}

/// A set of quirks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quirks(Vec<Quirk>);

impl Quirks {
    pub fn none() -> Self {
        Quirks(Vec::new())
    }
    pub fn all() -> Self {
        Quirks(Quirk::ALL.to_vec())
    }
    pub fn has(&self, q: Quirk) -> bool {
        self.0.contains(&q)
    }
    /// `all`, `none`, or a comma list of quirk names.
    pub fn parse(list: &str) -> Result<Self, String> {
        match list.trim() {
            "all" => return Ok(Quirks::all()),
            "none" | "" => return Ok(Quirks::none()),
            _ => {}
        }
        list.split(',')
            .map(|n| {
                Quirk::parse(n.trim()).ok_or_else(|| {
                    let known: Vec<_> = Quirk::ALL.iter().map(|q| q.name()).collect();
                    format!(
                        "unknown quirk {n:?}; known: all, none, {}",
                        known.join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Quirks)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub orders: usize,
    /// The days the orders are spread over, back from `now`: the data's
    /// density (1,000,000 orders over 10 days is a big panel's 100,000 a day).
    pub order_days: i64,
    pub users: usize,
    pub tickets: usize,
    pub admin_key: String,
    pub services_key: String,
    pub quirks: Quirks,
    pub faults: Faults,
    /// 0 picks a free port.
    pub port: u16,
    /// The clock when the world is generated (unix seconds): data is spread
    /// back from it. Tests use the fixed BASE_NOW; the demo panel, real time.
    pub now: i64,
    /// The services catalogue moves with the clock (a rival for the
    /// competitors watch): each tick adds, removes, reprices and renames.
    pub catalogue_moves: bool,
}

impl Config {
    /// A panel of `orders` orders with users and tickets in proportion.
    pub fn with_orders(orders: usize) -> Config {
        Config {
            seed: 1,
            orders,
            order_days: 60,
            users: (orders / 20).clamp(5, 50_000),
            tickets: (orders / 50).clamp(3, 20_000),
            admin_key: "fake-admin-key-0000".into(),
            services_key: "fake-services-key-0000".into(),
            quirks: Quirks::all(),
            faults: Faults::default(),
            port: 0,
            now: crate::BASE_NOW,
            catalogue_moves: false,
        }
    }
}
