//! `paneldesk-fakeai`: the fake AI server (OpenAI chat completions and
//! Anthropic messages, streamed) on 127.0.0.1, for journeys and for trying
//! the AI buttons with no network. Prints its URL; its API base is URL/v1.

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The key it accepts (Bearer for OpenAI, x-api-key for Anthropic).
    #[arg(long, default_value = "fake-ai-key-0000")]
    key: String,
}

fn main() {
    let args = Args::parse();
    let ai = paneldesk_fakepanel::ai::FakeAi::spawn(args.port, &args.key).unwrap_or_else(|e| {
        eprintln!("error: the fake AI server could not start: {e}");
        std::process::exit(1);
    });
    println!("{}", ai.url());
    // Serves until killed.
    loop {
        std::thread::park();
    }
}
