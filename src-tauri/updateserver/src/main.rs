//! `paneldesk-updateserver`: a local update server for the updater's tests.
//!
//! At start it makes a throwaway minisign key pair (the private key lives
//! in this process only), a small stand-in artifact, and serves, on
//! 127.0.0.1, one `latest.json` per scenario:
//!
//! - `/newer/latest.json`: a newer version, its artifact signed with the key;
//! - `/tampered/latest.json`: the same signature over an artifact changed after signing;
//! - `/wrong-signature/latest.json`: the artifact signed by another key;
//! - `/older/latest.json`: an older version (never offered).
//!
//! It prints its URL on the first line and the public key (as the updater
//! takes it: base64 of the minisign public key file) on the second.

use std::{io::Cursor, net::SocketAddr, sync::Arc};

use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use clap::Parser;
use minisign::KeyPair;
use serde_json::json;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The version the newer scenarios announce.
    #[arg(long, default_value = "99.0.0")]
    newer: String,
    /// The version the older scenario announces.
    #[arg(long, default_value = "0.0.1")]
    older: String,
}

struct Served {
    url: String,
    newer: String,
    older: String,
    artifact: Vec<u8>,
    tampered: Vec<u8>,
    signature: String,
    foreign_signature: String,
}

/// The updater's signature: base64 of the minisign signature file's text.
fn sign(keys: &KeyPair, data: &[u8]) -> String {
    let sig = minisign::sign(Some(&keys.pk), &keys.sk, Cursor::new(data), None, None)
        .expect("signing bytes in memory");
    STANDARD.encode(sig.to_string())
}

async fn latest(State(s): State<Arc<Served>>, Path(scenario): Path<String>) -> Response {
    let (version, signature) = match scenario.as_str() {
        "newer" | "tampered" => (&s.newer, &s.signature),
        "wrong-signature" => (&s.newer, &s.foreign_signature),
        "older" => (&s.older, &s.signature),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    Json(json!({
        "version": version,
        "notes": format!("Paneldesk {version}: faster reports and a calmer tray."),
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": {
            "linux-x86_64": {
                "signature": signature,
                "url": format!("{}/artifact/{scenario}", s.url),
            }
        }
    }))
    .into_response()
}

async fn artifact(State(s): State<Arc<Served>>, Path(scenario): Path<String>) -> Response {
    let bytes = match scenario.as_str() {
        "tampered" => s.tampered.clone(),
        "newer" | "wrong-signature" | "older" => s.artifact.clone(),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let keys = KeyPair::generate_unencrypted_keypair().expect("a key pair");
    let foreign = KeyPair::generate_unencrypted_keypair().expect("a key pair");
    // A stand-in artifact: 256 KiB, enough for the progress bar to move.
    let stand_in: Vec<u8> = (0..256 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut tampered = stand_in.clone();
    tampered[1000] ^= 0xff;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .unwrap_or_else(|e| {
            eprintln!("error: the update server could not listen: {e}");
            std::process::exit(1);
        });
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let served = Arc::new(Served {
        url: url.clone(),
        newer: args.newer,
        older: args.older,
        signature: sign(&keys, &stand_in),
        foreign_signature: sign(&foreign, &stand_in),
        artifact: stand_in,
        tampered,
    });
    let pubkey = STANDARD.encode(keys.pk.to_box().expect("a public key box").to_string());
    println!("{url}");
    println!("{pubkey}");
    let app = Router::new()
        .route("/{scenario}/latest.json", get(latest))
        .route("/artifact/{scenario}", get(artifact))
        .with_state(served);
    axum::serve(listener, app).await.expect("serving");
}
