//! IMAP sessions with async-imap over tokio: implicit TLS, STARTTLS or (to this machine only)
//! plain, then LOGIN, AUTHENTICATE PLAIN or XOAUTH2.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::config::{AuthMechanism, ImapConfig, TlsMode};

/// A connection to the IMAP server, encrypted or (locally) not.
#[derive(Debug)]
pub enum ImapStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A logged-in IMAP session.
pub type Session = async_imap::Session<ImapStream>;

/// Connecting or logging in failed; the message names the server and the step.
#[derive(Debug, thiserror::Error)]
#[error("imap {server}: cannot {step}: {reason}")]
pub struct ImapError {
    pub server: String,
    pub step: &'static str,
    pub reason: String,
}

struct XOAuth2 {
    response: Option<String>,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        // The first answer carries the token; after a failure the server sends an error as a
        // challenge, and the answer must be empty so it can finish with NO.
        self.response.take().unwrap_or_default()
    }
}

struct Plain {
    response: Option<String>,
}

impl async_imap::Authenticator for Plain {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.response.take().unwrap_or_default()
    }
}

/// Connects to the configured server and logs in.
pub async fn connect(config: &ImapConfig) -> Result<Session, ImapError> {
    let server = format!("{}:{}", config.host, config.port);
    let fail = |step: &'static str, reason: String| ImapError {
        server: server.clone(),
        step,
        reason,
    };
    tokio::time::timeout(config.timeout, connect_inner(config, &server))
        .await
        .map_err(|_| fail("connect", format!("no answer within {:?}", config.timeout)))?
}

async fn connect_inner(config: &ImapConfig, server: &str) -> Result<Session, ImapError> {
    let fail = |step: &'static str, reason: String| ImapError {
        server: server.to_string(),
        step,
        reason,
    };
    let tcp = TcpStream::connect((config.host.as_str(), config.port))
        .await
        .map_err(|e| fail("connect", e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    // A server that vanishes without closing (a crash, a cut network) is noticed within minutes
    // instead of when IDLE times out.
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(std::time::Duration::from_secs(60))
        .with_interval(std::time::Duration::from_secs(15));
    let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(&keepalive);
    let tls = || -> Result<(TlsConnector, ServerName<'static>), ImapError> {
        let tls_config = crate::net::tls::client_config(config.ca_file.as_deref())
            .map_err(|e| fail("set up TLS", e.to_string()))?;
        let name =
            ServerName::try_from(config.host.clone()).map_err(|e| fail("set up TLS", e.to_string()))?;
        Ok((TlsConnector::from(tls_config), name))
    };
    let client = match config.tls {
        TlsMode::Implicit => {
            let (connector, name) = tls()?;
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| fail("make a TLS connection", e.to_string()))?;
            greeted(async_imap::Client::new(ImapStream::Tls(Box::new(stream))), server).await?
        }
        TlsMode::StartTls => {
            let mut plain = greeted(async_imap::Client::new(ImapStream::Plain(tcp)), server).await?;
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| fail("start TLS", e.to_string()))?;
            let ImapStream::Plain(tcp) = plain.into_inner() else {
                return Err(fail("start TLS", "the connection is already encrypted".into()));
            };
            let (connector, name) = tls()?;
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| fail("make a TLS connection", e.to_string()))?;
            async_imap::Client::new(ImapStream::Tls(Box::new(stream)))
        }
        TlsMode::None => greeted(async_imap::Client::new(ImapStream::Plain(tcp)), server).await?,
    };
    let secret = config
        .auth
        .secret
        .resolve()
        .await
        .map_err(|e| fail("log in", e.to_string()))?;
    let user = &config.auth.user;
    let login_fail = |e: async_imap::error::Error| fail("log in", format!("as {user}: {e}"));
    let session = match config.auth.mechanism {
        AuthMechanism::Login => client
            .login(user, secret.expose())
            .await
            .map_err(|(e, _)| login_fail(e))?,
        AuthMechanism::Plain => {
            let response = format!("\0{user}\0{}", secret.expose());
            client
                .authenticate(
                    "PLAIN",
                    Plain {
                        response: Some(response),
                    },
                )
                .await
                .map_err(|(e, _)| login_fail(e))?
        }
        AuthMechanism::XOAuth2 => {
            let response = format!("user={user}\x01auth=Bearer {}\x01\x01", secret.expose());
            client
                .authenticate(
                    "XOAUTH2",
                    XOAuth2 {
                        response: Some(response),
                    },
                )
                .await
                .map_err(|(e, _)| login_fail(e))?
        }
    };
    Ok(session)
}

async fn greeted(
    mut client: async_imap::Client<ImapStream>,
    server: &str,
) -> Result<async_imap::Client<ImapStream>, ImapError> {
    match client.read_response().await {
        Ok(Some(_greeting)) => Ok(client),
        Ok(None) => Err(ImapError {
            server: server.to_string(),
            step: "read the greeting",
            reason: "the server closed the connection".into(),
        }),
        Err(e) => Err(ImapError {
            server: server.to_string(),
            step: "read the greeting",
            reason: e.to_string(),
        }),
    }
}

/// Quotes a string for an IMAP command (RFC 3501 quoted string).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        if c != '\r' && c != '\n' {
            out.push(c);
        }
    }
    out.push('"');
    out
}
