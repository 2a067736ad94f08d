//! A fake Perfect Panel server for Paneldesk's tests, benchmarks and demo mode.
//!
//! It speaks the Admin API v2 and the user API's `action=services` as far as
//! `../shared/perfect-panel-api.md` knows them, over real HTTP on 127.0.0.1,
//! with seeded realistic data, the quirks real panels show, faults as
//! switches, a clock that moves the data forward, a record of every request
//! and write, and a truth export for tests to compare against.
//!
//! Everything is invented: names, `panel.example` domains, staff.
//!
//! [`ai`] is a fake AI server (OpenAI and Anthropic, streamed) for the AI tests.

pub mod ai;
mod config;
mod data;
mod faults;
mod server;
mod wire;

pub use config::{Config, Quirk, Quirks};
pub use data::{Message, Order, Payment, Service, Ticket, User, World, BASE_NOW, CURRENCY};
pub use faults::Faults;
pub use server::{FakePanel, RequestRecord, WriteRecord};
