//! A fake Perfect Panel server for Paneldesk's tests, benchmarks and demo mode.
//!
//! Built in the issue "The fake panel and the panel API client"; see
//! `../shared/perfect-panel-api.md` for what it must do.
