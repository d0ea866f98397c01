//! `clavepin admin clients`: the sites that sign citizens in through the service's
//! OpenID Connect provider.

use std::path::PathBuf;

use clavepin_protocol::wire::{ClientRegistered, Clients, RegisterClient};
use reqwest::Method;

use super::OperatorClient;

#[derive(Debug, clap::Subcommand)]
pub enum ClientsCommand {
    /// Registers a site. Prints its client_id and, unless it has a public key or is
    /// a native app, its client_secret: shown this once, kept by the service only as
    /// a hash.
    Add {
        /// The site's name, shown to citizens on every page of the sign-in.
        #[arg(long)]
        name: String,
        /// Where the citizen may be sent back with the code, matched exactly
        /// (repeat for several).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Where the citizen may be sent after signing out (repeat for several).
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// A scope the site may ask for: openid, profile (the name), document (the
        /// DNI/NIE). Repeat; without any, all three.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// A file with the site's public key as a JWK (EC P-256 or RSA): the site
        /// authenticates with private_key_jwt instead of a secret.
        #[arg(long, conflicts_with = "native_app")]
        public_key: Option<PathBuf>,
        /// A native app (RFC 8252): no secret, PKCE alone.
        #[arg(long)]
        native_app: bool,
    },
    /// Lists the registered sites.
    List,
    /// Removes a site: it can sign nobody in from now, and its tokens stop working.
    Remove {
        /// The site's client_id.
        // Ids are base64url, so one in 64 begins with '-'.
        #[arg(allow_hyphen_values = true)]
        client_id: String,
    },
}

pub async fn execute(
    client: &OperatorClient,
    command: ClientsCommand,
    json: bool,
) -> Result<(), String> {
    match command {
        ClientsCommand::Add {
            name,
            redirect_uris,
            post_logout_redirect_uris,
            scopes,
            public_key,
            native_app,
        } => {
            let public_key =
                match public_key {
                    None => None,
                    Some(path) => {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        Some(serde_json::from_str(&text).map_err(|e| {
                            format!("{} is not a JSON Web Key: {e}", path.display())
                        })?)
                    }
                };
            let req = RegisterClient {
                name,
                redirect_uris,
                post_logout_redirect_uris,
                scopes,
                public_key,
                native_app,
            };
            let done: ClientRegistered =
                client.call(Method::POST, "/operator/clients", Some(&req), true).await?;
            if json {
                super::print_json(&done);
            } else {
                println!("registered {:?}", done.client.name);
                println!("client_id: {}", done.client.client_id);
                match &done.client_secret {
                    Some(secret) => {
                        println!("client_secret: {secret}");
                        println!("(shown this once: keep it in the site's secret store)");
                    }
                    None => println!("authentication: {}", done.client.auth_method),
                }
            }
        }
        ClientsCommand::List => {
            let list: Clients =
                client.call::<(), _>(Method::GET, "/operator/clients", None, true).await?;
            if json {
                super::print_json(&list);
            } else if list.clients.is_empty() {
                println!("no sites registered");
            } else {
                for c in &list.clients {
                    println!(
                        "{}  {:?}  {}  scopes {}  redirect {}",
                        c.client_id,
                        c.name,
                        c.auth_method,
                        c.scopes.join(" "),
                        c.redirect_uris.join(" ")
                    );
                }
            }
        }
        ClientsCommand::Remove { client_id } => {
            if client_id.is_empty()
                || !client_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(format!("{client_id:?} is not a client_id"));
            }
            let path = format!("/operator/clients/{client_id}");
            client.call::<(), serde_json::Value>(Method::DELETE, &path, None, true).await.map_err(
                |e| {
                    if e.ends_with("(404)") {
                        format!("no site has client_id {client_id}")
                    } else {
                        e
                    }
                },
            )?;
            if json {
                super::print_json(&serde_json::json!({ "client_id": client_id, "removed": true }));
            } else {
                println!("removed site {client_id}");
            }
        }
    }
    Ok(())
}
