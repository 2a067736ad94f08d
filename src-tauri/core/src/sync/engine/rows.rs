//! What each listed resource's rows are to the engine: how to fetch a page,
//! how to write it, and what the retention keeps.

use super::*;

/// A list resource: how to fetch a page of it and how to store one.
pub(super) trait ListRow: Sized + Send + 'static {
    const RESOURCE: Resource;
    /// Its table in cache.sqlite3.
    const TABLE: &'static str;
    fn id(&self) -> i64;
    fn created(&self) -> Option<i64>;
    fn fetch(
        client: PanelClient,
        q: ListQuery,
    ) -> impl Future<Output = Result<ListPage<Self>, PanelError>> + Send;
    fn upsert(tx: &CacheTx, panel_id: i64, rows: &[Self], now: i64) -> Result<()>;
    /// False for a row the retention deletes: never stored, and deleted
    /// when the cache holds it (an old open order that finished).
    fn retained(&self, horizon: i64) -> bool;
}

macro_rules! list_row {
    ($ty:ty, $res:expr, $table:literal, $method:ident, $upsert:path, $created:expr, $retained:expr) => {
        impl ListRow for $ty {
            const RESOURCE: Resource = $res;
            const TABLE: &'static str = $table;
            fn id(&self) -> i64 {
                self.id
            }
            fn created(&self) -> Option<i64> {
                $created(self)
            }
            fn fetch(
                client: PanelClient,
                q: ListQuery,
            ) -> impl Future<Output = Result<ListPage<Self>, PanelError>> + Send {
                async move { client.$method(&q).await }
            }
            fn upsert(tx: &CacheTx, panel_id: i64, rows: &[Self], now: i64) -> Result<()> {
                $upsert(tx, panel_id, rows, now)
            }
            fn retained(&self, horizon: i64) -> bool {
                $retained(self, horizon)
            }
        }
    };
}

// What retention keeps: open orders and tickets whatever their age, users always.
list_row!(
    Order,
    Resource::Orders,
    "orders",
    orders,
    store::upsert_orders,
    |o: &Order| Some(o.created),
    |o: &Order, h: i64| {
        o.created >= h || crate::model::OPEN_ORDER_STATUSES.contains(&o.status.as_str())
    }
);
list_row!(
    User,
    Resource::Users,
    "users",
    users,
    store::upsert_users,
    |u: &User| u.created,
    |_: &User, _| true
);
list_row!(
    Payment,
    Resource::Payments,
    "payments",
    payments,
    store::upsert_payments,
    |p: &Payment| p.created,
    |p: &Payment, h: i64| { p.created.is_none_or(|c| c >= h) }
);
list_row!(
    Ticket,
    Resource::Tickets,
    "tickets",
    tickets,
    store::upsert_tickets,
    |t: &Ticket| t.created,
    |t: &Ticket, h: i64| {
        t.status != "closed" || t.last_update.or(t.created).is_none_or(|c| c >= h)
    }
);

pub(super) fn span<T: ListRow>(rows: &[T]) -> (Option<i64>, Option<i64>) {
    let times = rows.iter().filter_map(T::created);
    (times.clone().min(), times.max())
}

pub(super) fn query(
    per: u32,
    offset: u64,
    from: Option<i64>,
    to: Option<i64>,
    ascending: bool,
) -> ListQuery {
    ListQuery {
        limit: Some(per),
        offset: Some(offset),
        created_from: from,
        created_to: to,
        ascending,
        ..ListQuery::default()
    }
}
